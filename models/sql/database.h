// The modelled PostgreSQL database at READ COMMITTED: committed rows, each open transaction's
// uncommitted versions, and row locks. The state is a plain value (DbState) that the caller
// copies, mutates through execute() and encodes canonically. Statements arrive lowered to a small
// IR (sql/statement.h) with host values already evaluated into `params`: this library never sees
// the spec language.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/base/bit_codec.h"
#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "models/sql/statement.h"

namespace lockcheck::sql {

using Row = std::vector<Value>;

// One physical row slot. A row inserted by an open transaction has no committed version; a row
// deleted by an open transaction has a writer and no pending version.
struct RowRecord {
  std::optional<Row> committed;
  int writer = -1;              // the transaction (process index) with an uncommitted version
  std::optional<Row> pending;   // the writer's version; nullopt while writer >= 0: deleted
  int exclusive = -1;           // holder of the exclusive lock (FOR UPDATE / UPDATE / DELETE)
  std::vector<int> shared;      // holders of shared locks (FOR SHARE), sorted

  friend bool operator==(const RowRecord&, const RowRecord&) = default;
};

struct TableState {
  std::vector<RowRecord> rows;  // canonical order after DbState::canonicalize()
  friend bool operator==(const TableState&, const TableState&) = default;
};

enum class TxnStatus : uint8_t { none, open, failed };

struct DbState {
  std::vector<TableState> tables;  // one per schema table
  std::vector<TxnStatus> txns;     // one per process (transaction id = process index)

  // Sorts rows into a canonical order (tables are sets) and drops slots with no version left.
  void canonicalize(const StringPool& pool);
  // Call canonicalize() first. `processes` is the number of transactions (txns.size()).
  void encode(BitWriter& w, const Schema& schema, int processes) const;
  static DbState decode(BitReader& r, const Schema& schema, int processes);
  friend bool operator==(const DbState&, const DbState&) = default;
};

// Builds the initial state: `rows[t]` are table t's initial rows (committed, unlocked).
// Returns an error message (duplicate key, too many rows, type mismatch) or "".
std::string initial_state(const Schema& schema, const std::vector<std::vector<Row>>& rows,
                          int processes, const StringPool& pool, DbState& out);

struct Context {
  int txn = 0;                     // the acting process's index
  Value now = Value::integer(0);   // `now()`
  std::span<const Value> params;   // host values ($x, ${e}) referenced by ExprKind::param
  const StringPool* pool = nullptr;  // text ordering compares contents
};

enum class Outcome {
  ok,           // ran; see rows / row_count
  blocked,      // waits for a row lock or another transaction's insert: not a step, no effect
  error,        // a SQL error: sql_error says which; inside a transaction it aborted it
  model_error,  // the spec is wrong (a full table, overflow, a type mismatch): message says why
};

struct Result {
  Outcome outcome = Outcome::ok;
  std::vector<Row> rows;   // rows returned: the SELECT list (aggregates: one row), or RETURNING
  int64_t row_count = 0;   // rows returned (SELECT) or affected (UPDATE/INSERT/DELETE)
  std::string sql_error;   // "unique_violation", "deadlock_detected", "lock_not_available",
                           // "in_failed_transaction"
  std::vector<int> waits_for;  // when blocked: the transactions it waits on, sorted
  std::string message;     // model_error: the reason, e.g. "table bookings is full (max 3 rows)"
  bool committed = false;  // COMMIT: whether the transaction really committed
};

// BEGIN: opens a transaction (no effect when one is already open). It touches no shared state.
void begin(DbState& db, int txn);
// Runs a SELECT, UPDATE, INSERT, DELETE, COMMIT or ROLLBACK for ctx.txn. Outside a transaction the
// statement is its own transaction (autocommit). On `blocked` the state is left unchanged.
Result execute(DbState& db, const Schema& schema, const Statement& st, const Context& ctx);
// Ends txn's transaction, discarding its writes and releasing its locks: a crash (status none) or
// a deadlock-detector abort (status failed, as PostgreSQL leaves the transaction aborted).
void abort(DbState& db, int txn, TxnStatus after);
// The transactions `txn` would wait on if it ran `st` now (empty when it would not block).
std::vector<int> waits_for(const DbState& db, const Schema& schema, const Statement& st,
                           const Context& ctx);
// A scalar subquery over committed data only (for properties): the first column of the first row,
// or null when there is no row. Errors (type mismatch, overflow) come back in `error`.
Value scalar_query(const DbState& db, const Schema& schema, const Statement& select,
                   const Context& ctx, std::string& error);

}  // namespace lockcheck::sql
