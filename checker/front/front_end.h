// The front end's entry point: spec text in, a resolved and checked AST out, or diagnostics.
#pragma once

#include <memory>
#include <string_view>

#include "checker/base/diagnostics.h"
#include "checker/front/ast.h"

namespace lockcheck::front {

// Parses and resolves a spec. On errors, returns nullptr and fills `diags` with every error of
// the file, each with a location (the parser recovers at `;` and `}` and goes on). The spec's
// name is `spec NAME;` or else the stem of `path` (`naive` for `specs/booking/naive.lcs`).
std::unique_ptr<ast::Spec> read_spec(std::string_view source, std::string_view path,
                                     Diagnostics& diags);

// The stem of a path: no folders, no extension.
std::string spec_stem(std::string_view path);

}  // namespace lockcheck::front
