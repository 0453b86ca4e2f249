#include "models/sql/value_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace lockcheck::sql {

// Orders values by type, then content. Text compares by its characters, so that the canonical
// row order and ORDER BY do not depend on the order in which strings were interned.
int compare_values(const Value& a, const Value& b, const StringPool* pool) {
  if (a.type != b.type) return a.type < b.type ? -1 : 1;
  if (a.type == Type::text && pool != nullptr && a.i != b.i) {
    int c = pool->text(a.i).compare(pool->text(b.i));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
}

int compare_rows(const Row& a, const Row& b, const StringPool* pool) {
  size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    if (int c = compare_values(a[k], b[k], pool); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int compare_optional_rows(const std::optional<Row>& a, const std::optional<Row>& b,
                          const StringPool* pool) {
  if (a.has_value() != b.has_value()) return a.has_value() ? 1 : -1;
  return a ? compare_rows(*a, *b, pool) : 0;
}

std::string format_value(const Value& v, const StringPool* pool) {
  switch (v.type) {
    case Type::null:
      return "NULL";
    case Type::int_:
      return fmt::format("{}", v.i);
    case Type::bool_:
      return v.i != 0 ? "true" : "false";
    case Type::text:
      return pool != nullptr ? fmt::format("'{}'", pool->text(v.i)) : fmt::format("text#{}", v.i);
    case Type::pid:
      return fmt::format("pid {}", v.i);
  }
  return "?";
}

const char* column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::int_:
      return "int";
    case ColumnType::text:
      return "text";
    case ColumnType::bool_:
      return "bool";
    case ColumnType::pid:
      return "pid";
  }
  return "?";
}

// The one non-null type a column stores (see fits_column).
Type column_value_type(ColumnType c) {
  switch (c) {
    case ColumnType::int_:
      return Type::int_;
    case ColumnType::text:
      return Type::text;
    case ColumnType::bool_:
      return Type::bool_;
    case ColumnType::pid:
      return Type::pid;
  }
  return Type::null;
}

bool fits_column(Type v, ColumnType c) {
  switch (c) {
    case ColumnType::int_:
      return v == Type::int_;
    case ColumnType::text:
      return v == Type::text;
    case ColumnType::bool_:
      return v == Type::bool_;
    case ColumnType::pid:
      return v == Type::pid;
  }
  return false;
}

}  // namespace lockcheck::sql
