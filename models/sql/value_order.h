// How SQL values order, print and fit columns: the pieces that the evaluator, the statements and
// the state's canonical row order share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "models/sql/statement.h"

namespace lockcheck::sql {

using Row = std::vector<Value>;

// PostgreSQL `int` is 32-bit; values are carried in 64 bits so that overflow can be detected.
constexpr int64_t kIntMin = -2147483648LL;
constexpr int64_t kIntMax = 2147483647LL;
inline bool in_int_range(int64_t v) { return v >= kIntMin && v <= kIntMax; }

// Orders values by type, then content. Text compares by its characters, so that the canonical
// row order and ORDER BY do not depend on the order in which strings were interned.
int compare_values(const Value& a, const Value& b, const StringPool* pool);
int compare_rows(const Row& a, const Row& b, const StringPool* pool);
int compare_optional_rows(const std::optional<Row>& a, const std::optional<Row>& b,
                          const StringPool* pool);
inline int compare_ints(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// "NULL", "3", "'held'", "pid 2": for error messages.
std::string format_value(const Value& v, const StringPool* pool);
const char* column_type_name(ColumnType t);
// The one non-null type a column stores.
Type column_value_type(ColumnType c);
bool fits_column(Type v, ColumnType c);

}  // namespace lockcheck::sql
