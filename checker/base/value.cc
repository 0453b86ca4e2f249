#include "checker/base/value.h"

namespace lockcheck {

const char* type_name(Type t) {
  switch (t) {
    case Type::null: return "null";
    case Type::int_: return "int";
    case Type::text: return "text";
    case Type::bool_: return "bool";
    case Type::pid: return "pid";
  }
  return "?";
}

}  // namespace lockcheck
