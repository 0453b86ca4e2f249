// Compact, fully parenthesised text of AST nodes, for tests and debugging:
// `(+ a 1)`, `(index client 2)`, `(. c done)`, `(all c client (. c done))`, `$a` (a host value in
// SQL), `#id` (a column), `(is-null #x)`. With `refs`, resolved names carry their reference:
// `a@local0`, `SEATS@const0`, `c@quant0`.
#pragma once

#include <string>

#include "checker/front/ast.h"

namespace lockcheck::front {

std::string to_string(const ast::Expr& e, bool refs = false);
std::string to_string(const ast::SqlStmt& s, bool refs = false);
std::string to_string(const ast::Word& w);
std::string to_string(const ast::RedisCmd& c);
std::string to_string(const ast::Ref& r);

}  // namespace lockcheck::front
