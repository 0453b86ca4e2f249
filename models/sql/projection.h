// SELECT lists, RETURNING and aggregates: turning rows into what a statement returns.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "models/sql/database.h"

namespace lockcheck::sql {

bool is_aggregate_query(const Statement& st);
// Projects `row` to the plain (non-aggregate) items.
bool project(const TableSchema& ts, const std::vector<SelectItem>& items, const Row& row, Row& out,
             std::string& error);
// Computes the single row of an aggregate SELECT over `rows`.
bool aggregate(const TableSchema& ts, const std::vector<SelectItem>& items,
               std::span<const Row* const> rows, const StringPool* pool, Row& out,
               std::string& error);
// Builds SELECT's rows from the versions `rows` (in result order); an aggregate gives one row.
bool select_rows(const TableSchema& ts, const Statement& st, const Context& ctx,
                 std::span<const Row* const> rows, std::vector<Row>& out, std::string& error);

}  // namespace lockcheck::sql
