// The lowered SQL of the model (sql/statement.h) as PostgreSQL 15 text, for replays on a real
// server: a statement with its host values and `now()` substituted as literals, the schema as
// CREATE TABLE statements with the initial rows as INSERTs, and the queries that read a table's
// committed contents back in the model's row order.
//
// Values cross as follows (and come back in PostgreSQL's text output, see text_output()):
//   int  -> integer          42
//   text -> text COLLATE "C" 'held'   (byte order, as the model compares text)
//   bool -> boolean          true / false (printed back as t / f)
//   pid  -> integer          the process index (0-based), so that ids order as in the model
//   null -> NULL
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "models/sql/statement.h"

namespace lockcheck::sql {

// A value as a PostgreSQL literal: 42, -3, 'it''s', true, NULL; a process id as its index.
std::string literal(const Value& v, const StringPool& pool);

// A value as PostgreSQL prints it in text format (what libpq returns for a column of the type the
// schema gives it): "42", "t", "held"; nullopt for null.
std::optional<std::string> text_output(const Value& v, const StringPool& pool);

// A name as a PostgreSQL identifier: as it is when it is a plain lower-case word that is not
// reserved, else double-quoted.
std::string identifier(const std::string& name);

struct RenderOptions {
  std::span<const Value> params;  // the statement's host values
  Value now = Value::integer(0);  // `now()` inside SQL: the model's tick
  const StringPool* pool = nullptr;
  // Steer the planner to visit rows in primary-key order (spec-language §4.8): UPDATE, DELETE
  // and locking SELECTs without ORDER BY get `AND <first key column> IS NOT NULL`, a condition
  // that is always true but lets the primary key's index drive the scan (with enable_seqscan and
  // enable_bitmapscan off). Off for text meant for people.
  bool steer_plans = true;
};

// The statement as one line of SQL, without a trailing semicolon.
std::string render_statement(const Schema& schema, const Statement& st,
                             const RenderOptions& options);

// The columns the model's row order sorts by: the primary key when the table has one (rows are
// sets keyed by it), else every column (nulls first, as the model's canonical order puts them).
std::string canonical_order_by(const TableSchema& table);

// CREATE TABLE for one table (in the current schema, i.e. the search_path's first).
std::string render_create_table(const TableSchema& table);
// BEGIN with the transaction's level and access mode ("BEGIN" for READ COMMITTED, read-write).
std::string render_begin(Isolation level, bool read_only);
// PostgreSQL's name of a level, as default_transaction_isolation takes it ("repeatable read").
std::string isolation_name(Isolation level);

// INSERT of one initial row.
std::string render_insert_row(const TableSchema& table, const std::vector<Value>& row,
                              const StringPool& pool);

// SELECT of every column of the table's committed rows, in the model's row order.
std::string render_contents_query(const TableSchema& table);

}  // namespace lockcheck::sql
