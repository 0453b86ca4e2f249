// The parser: spec text to the AST of checker/front/ast.h, names not yet resolved. It reports
// every syntax error of the file (it recovers at `;` and `}`), and the phase-2 forms of the
// language as "... is not supported yet" (they are still parsed into the tree).
#pragma once

#include <memory>
#include <string_view>

#include "checker/base/diagnostics.h"
#include "checker/front/ast.h"

namespace lockcheck::front {

// Never returns null; with errors in `diags` the tree may be partial.
std::unique_ptr<ast::Spec> parse(std::string_view source, Diagnostics& diags);

}  // namespace lockcheck::front
