#include "models/sql/projection.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/sql/evaluator.h"
#include "models/sql/row_access.h"

namespace lockcheck::sql {

bool is_aggregate_query(const Statement& st) {
  return std::any_of(st.items.begin(), st.items.end(),
                     [](const SelectItem& it) { return it.agg != Aggregate::none; });
}

// Projects `row` to the plain (non-aggregate) items.
bool project(const TableSchema& ts, const std::vector<SelectItem>& items, const Row& row, Row& out,
             std::string& error) {
  out.clear();
  for (const SelectItem& it : items) {
    if (!valid_column(ts, it.column) || static_cast<size_t>(it.column) >= row.size()) {
      error = fmt::format("column index {} out of range", it.column);
      return false;
    }
    out.push_back(row[static_cast<size_t>(it.column)]);
  }
  return true;
}

// Computes the single row of an aggregate SELECT over `rows`.
bool aggregate(const TableSchema& ts, const std::vector<SelectItem>& items,
               std::span<const Row* const> rows, const StringPool* pool, Row& out,
               std::string& error) {
  out.clear();
  for (const SelectItem& it : items) {
    if (it.agg == Aggregate::none) {
      error = fmt::format("column '{}' must appear in an aggregate function",
                          column_name(ts, it.column));
      return false;
    }
    if (it.agg == Aggregate::count_star) {
      out.push_back(Value::integer(static_cast<int64_t>(rows.size())));
      continue;
    }
    if (!valid_column(ts, it.column)) {
      error = fmt::format("column index {} out of range", it.column);
      return false;
    }
    auto c = static_cast<size_t>(it.column);
    int64_t count = 0;
    int64_t sum = 0;
    Value best;
    for (const Row* r : rows) {
      const Value& v = (*r)[c];
      if (v.is_null()) continue;
      ++count;
      if (it.agg == Aggregate::sum) {
        if (v.type != Type::int_) {
          error = fmt::format("SUM needs an int column, '{}' is {}", column_name(ts, it.column),
                              type_name(v.type));
          return false;
        }
        // PostgreSQL's sum(int) is a bigint: it does not overflow at 32 bits.
        if (__builtin_add_overflow(sum, v.i, &sum)) {
          error = fmt::format("integer overflow in SUM({})", column_name(ts, it.column));
          return false;
        }
      } else if (it.agg == Aggregate::min || it.agg == Aggregate::max) {
        int cmp = best.is_null() ? 0 : compare_values(v, best, pool);
        if (best.is_null() || (it.agg == Aggregate::min ? cmp < 0 : cmp > 0)) best = v;
      }
    }
    switch (it.agg) {
      case Aggregate::count:
        out.push_back(Value::integer(count));
        break;
      case Aggregate::sum:
        out.push_back(count == 0 ? Value::null() : Value::integer(sum));
        break;
      default:
        out.push_back(best);
        break;
    }
  }
  return true;
}

bool select_rows(const TableSchema& ts, const Statement& st, const Context& ctx,
                 std::span<const Row* const> rows, std::vector<Row>& out, std::string& error) {
  out.clear();
  if (is_aggregate_query(st)) {
    Row row;
    if (!aggregate(ts, st.items, rows, ctx.pool, row, error)) return false;
    out.push_back(std::move(row));
    if (st.limit) {  // LIMIT applies to the aggregate's one output row
      Evaluator ev(ctx);
      Value n;
      if (!ev.eval(*st.limit, nullptr, n)) {
        error = ev.error();
        return false;
      }
      if (!n.is_null() && n.type != Type::int_) {
        error = fmt::format("LIMIT needs an int, got {}", type_name(n.type));
        return false;
      }
      if (!n.is_null() && n.i < 0) {
        error = "LIMIT must not be negative";
        return false;
      }
      if (!n.is_null() && n.i == 0) out.clear();
    }
    return true;
  }
  for (const Row* r : rows) {
    Row row;
    if (!project(ts, st.items, *r, row, error)) return false;
    out.push_back(std::move(row));
  }
  return true;
}

}  // namespace lockcheck::sql
