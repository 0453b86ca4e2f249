// The values a spec computes with: int, text, bool, null, and process ids.
// Text is interned in a StringPool so that a Value is two machine words and compares cheaply.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace lockcheck {

enum class Type : uint8_t { null, int_, text, bool_, pid };

const char* type_name(Type t);  // "null", "int", "text", "bool", "pid"

struct Value {
  Type type = Type::null;
  // int: the number; bool: 0 or 1; text: the StringPool id; pid: the global process index (0-based).
  int64_t i = 0;

  static Value null() { return {}; }
  static Value integer(int64_t v) { return {Type::int_, v}; }
  static Value boolean(bool b) { return {Type::bool_, b ? 1 : 0}; }
  static Value text(int64_t id) { return {Type::text, id}; }
  static Value pid(int64_t index) { return {Type::pid, index}; }

  bool is_null() const { return type == Type::null; }
  bool truthy() const { return type == Type::bool_ && i != 0; }

  friend bool operator==(const Value&, const Value&) = default;
  friend auto operator<=>(const Value&, const Value&) = default;
};

}  // namespace lockcheck
