#include "models/sql/evaluator.h"

namespace lockcheck::sql {

const char* op_text(Op op) {
  switch (op) {
    case Op::add:
      return "+";
    case Op::sub:
      return "-";
    case Op::mul:
      return "*";
    case Op::div:
      return "/";
    case Op::mod:
      return "%";
    case Op::eq:
      return "=";
    case Op::ne:
      return "<>";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
    case Op::and_:
      return "AND";
    case Op::or_:
      return "OR";
    case Op::neg:
      return "-";
    case Op::not_:
      return "NOT";
  }
  return "?";
}

}  // namespace lockcheck::sql
