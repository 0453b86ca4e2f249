// The SQL the database model executes: schema and statements with names resolved to indexes and
// host values turned into numbered parameters. The compile step lowers the spec's SQL into this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/base/value.h"

namespace lockcheck::sql {

enum class ColumnType { int_, text, bool_, pid };

struct TableSchema {
  std::string name;
  std::vector<std::string> columns;
  std::vector<ColumnType> types;
  std::vector<int> primary_key;  // column indexes; empty: no key
  int max_rows = 0;              // inserting past it is a model error
};

enum class Isolation : uint8_t { read_committed, repeatable_read, serializable };

struct Statement;

struct Schema {
  std::vector<TableSchema> tables;
  bool uses_now = false;  // some statement reads now(): transactions keep their start time
  Isolation default_isolation = Isolation::read_committed;  // `isolation ...;` (autocommit too)
  // Some transaction may run above READ COMMITTED or READ ONLY: the state keeps transaction
  // modes and the old row versions that open snapshots still see (off: neither is stored).
  bool snapshots = false;
  // Rows keep the order of the statements that wait for them, for the deadlock detector's
  // cycles through queued waiters (`detect deadlocks`: it only changes which can be a victim).
  bool queue_waiters = false;
  // Some transaction may run at SERIALIZABLE: the state keeps SSI records (DbState::ssi), whose
  // reads name their statements by Statement::id in `statements`.
  bool serializable = false;
  // `ssi granularity table;`: a SERIALIZABLE read locks its whole table (§4.7), except an
  // equality on the whole primary key that finds its row.
  bool ssi_table = false;
  std::vector<const Statement*> statements;  // by Statement::id
};

enum class ExprKind { literal, column, param, now, unary, binary, is_null, is_not_null };
enum class Op { add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, and_, or_, neg, not_ };

struct Expr {
  ExprKind kind = ExprKind::literal;
  Value literal;   // literal
  int index = -1;  // column index (column) or parameter index (param)
  Op op = Op::eq;  // unary / binary
  std::vector<Expr> args;
};

enum class StatementKind { select, update, insert, delete_, commit, rollback };
enum class Aggregate { none, count_star, count, sum, min, max };
enum class LockMode { none, for_update, for_share };
enum class WaitMode { wait, nowait, skip_locked };

struct SelectItem {
  Aggregate agg = Aggregate::none;
  int column = -1;  // -1 only for COUNT(*)
};

struct Statement {
  StatementKind kind = StatementKind::select;
  int table = -1;
  std::vector<SelectItem> items;  // SELECT list (`*` expanded) or RETURNING list
  std::optional<Expr> where;
  int order_by = -1;  // column index, -1: none (then rows come in the canonical table order)
  bool order_desc = false;
  std::optional<Expr> limit;  // row-independent (literal or param)
  LockMode lock = LockMode::none;
  WaitMode wait = WaitMode::wait;
  std::vector<std::pair<int, Expr>> sets;  // UPDATE: column index, new value (may read columns)
  std::vector<Expr> values;  // INSERT: one per table column in column order (absent: null literal)
  bool on_conflict_do_nothing = false;
  int id = -1;  // index in Schema::statements (a SERIALIZABLE read names its predicate by it)
};

}  // namespace lockcheck::sql
