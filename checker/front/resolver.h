// The resolver: fills in the `ref` fields of a parsed spec and checks every rule of the language
// that needs more than syntax (names and scopes, ghost reads, SQL tables and columns, INTO arity,
// types where they are certain before run time, the clock, Redis node arrays, expectations).
// Reports every problem it finds; it never stops at the first.
#pragma once

#include "checker/base/diagnostics.h"
#include "checker/front/ast.h"

namespace lockcheck::front {

void resolve(ast::Spec& spec, Diagnostics& diags);

}  // namespace lockcheck::front
