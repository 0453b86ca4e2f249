// Prints an expression back as spec text ("sold <= 1", "client[2].done"), for explanations.
#pragma once

#include <string>

#include "checker/front/ast.h"

namespace lockcheck::compile {

std::string expr_text(const ast::Expr& e);

}  // namespace lockcheck::compile
