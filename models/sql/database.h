// The modelled PostgreSQL 15 database at READ COMMITTED and REPEATABLE READ: committed rows, each
// open transaction's uncommitted versions, row locks, and the statements that started and wait for
// a lock. The state is a plain value (DbState) that the caller copies, mutates through execute() /
// resume() and encodes canonically. Statements arrive lowered to a small IR (sql/statement.h) with
// host values already evaluated into `params`: this library never sees the spec language.
//
// A statement runs as PostgreSQL runs it (spec-language.md §4.2-4.4): it reads a snapshot taken
// when it starts, finds its target rows in it, visits them in order (ORDER BY on the snapshot's
// values, then the primary key), and at each target takes the row lock and uses the row's latest
// version (skipped when deleted, WHERE re-checked: EvalPlanQual). A target locked in a
// conflicting mode makes it stop there, *waiting*, keeping what it did so far; resume() goes on
// once the lock is free. The targets still to visit are marks on the rows themselves, so a
// target follows its row through other transactions' updates and disappears with its deletion.
// At REPEATABLE READ (§4.7) the snapshot is the transaction's, taken when its first statement
// starts; the versions it still sees are kept on the rows (RowRecord::old), and a target changed
// since then fails with serialization_failure instead of being re-checked.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/base/bit_codec.h"
#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "models/sql/context.h"
#include "models/sql/ssi_state.h"
#include "models/sql/statement.h"
#include "models/sql/value_order.h"

namespace lockcheck::sql {

// A target that a waiting statement of transaction `txn` has still to visit; lower ranks first.
struct Mark {
  int txn = -1;
  int rank = 0;
  // The statement already wrote this row (an UPDATE that moved its key) and waits for another
  // transaction's write of the new key, as PostgreSQL's unique index check does after the heap
  // update; going on re-checks only the key.
  bool written = false;
  friend bool operator==(const Mark&, const Mark&) = default;
  friend auto operator<=>(const Mark&, const Mark&) = default;
};

// A committed version that a newer commit replaced (or a row's absence before a commit inserted
// it: no row), kept while a REPEATABLE READ snapshot taken before that commit still sees it.
struct OldVersion {
  std::optional<Row> row;
  std::vector<int> seen_by;  // the transactions whose snapshot sees it, sorted; never empty
  friend bool operator==(const OldVersion&, const OldVersion&) = default;
};

// A statement waiting for a row's lock, in PostgreSQL's order of arrival: the first holds the
// row's tuple lock while it waits, and later ones wait for that tuple lock (heapam.c,
// heap_acquire_tuplock), so a deadlock cycle may run through a queued waiter (§4.6).
struct Waiter {
  int txn = -1;
  bool exclusive = true;  // FOR UPDATE, UPDATE, DELETE (else FOR SHARE)
  friend bool operator==(const Waiter&, const Waiter&) = default;
  friend auto operator<=>(const Waiter&, const Waiter&) = default;
};

// One physical row slot. A row inserted by an open transaction has no committed version; a row
// deleted by an open transaction has a writer and no pending version.
struct RowRecord {
  std::optional<Row> committed;
  int writer = -1;             // the transaction with an uncommitted version
  std::optional<Row> pending;  // the writer's version; nullopt while writer >= 0: deleted
  int exclusive = -1;          // holder of the exclusive lock (FOR UPDATE / UPDATE / DELETE)
  std::vector<int> shared;     // holders of shared locks (FOR SHARE), sorted
  std::vector<Mark> marks;     // waiting statements' targets still to visit, sorted by txn
  // Versions older than `committed` that snapshots see (each transaction in one at most),
  // sorted by seen_by; a transaction in none sees `committed`.
  std::vector<OldVersion> old;
  // Statements waiting for this row's lock, first come first (kept with DbState::queues only).
  std::vector<Waiter> queue;
  // Versions the writer created and then ended itself (deleted, or moved to another key): their
  // keys stay in PostgreSQL's unique index until the writer ends, so others' key checks wait.
  std::vector<Row> dead;

  friend bool operator==(const RowRecord&, const RowRecord&) = default;
};

struct TableState {
  std::vector<RowRecord> rows;  // canonical order after DbState::canonicalize()
  friend bool operator==(const TableState&, const TableState&) = default;
};

// `implicit`: an autocommit statement that waits; its writes commit when it finishes.
enum class TxnStatus : uint8_t { none, open, failed, implicit };

// An open transaction's level; `snapshot`: REPEATABLE READ's transaction snapshot is taken (its
// first statement started), so it is in the `seen_by` of the versions it still sees.
struct TxnMode {
  Isolation level = Isolation::read_committed;
  bool read_only = false;
  bool snapshot = false;
  friend bool operator==(const TxnMode&, const TxnMode&) = default;
};

// A statement that started and waits (the row marks hold its remaining targets). `pc` and
// `locals` belong to the caller (the interpreter): where the statement is in its program, and
// the locals an orphaned `atomic` block goes on with.
struct Cursor {
  bool active = false;
  int32_t pc = -1;
  std::vector<Value> params;  // host values bound when it started
  int64_t done = 0;           // target rows processed (locked, updated, deleted) so far
  std::optional<Row> first;   // the first row it returns (SELECT list or RETURNING)
  std::vector<Value> locals;
  // A key check waits for this transaction (slot) to end, not for the row (-1: none).
  int key_wait = -1;
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

struct DbState {
  std::vector<TableState> tables;  // one per schema table
  // Per transaction slot: slot p is process p's connection; with crash faults, slot
  // processes + p holds the orphaned statement of p's dropped connection (§4.3).
  std::vector<TxnStatus> txns;
  std::vector<Cursor> cursors;
  std::vector<int64_t> starts;  // when the transaction's first statement started (-1: none);
                                // kept only when SQL reads now() (Schema::uses_now)
  std::vector<TxnMode> modes;   // per slot; kept only with Schema::snapshots
  bool queues = false;          // rows keep their waiters' order (Schema::queue_waiters; not
                                // encoded: it is the schema's)
  std::vector<SsiTxn> ssi;      // SERIALIZABLE transactions' records (Schema::serializable)

  // Sorts rows into a canonical order (tables are sets), drops slots with no version left and
  // renumbers the marks' ranks densely.
  void canonicalize(const StringPool& pool);
  // Call canonicalize() first. `slots` is the number of transaction slots (txns.size());
  // `processes` the number of processes (values of type pid).
  void encode(BitWriter& w, const Schema& schema, int slots, int processes) const;
  static DbState decode(BitReader& r, const Schema& schema, int slots, int processes);
  friend bool operator==(const DbState&, const DbState&) = default;
};

// Builds the initial state: `rows[t]` are table t's initial rows (committed, unlocked).
// Returns an error message (duplicate key, too many rows, type mismatch) or "".
std::string initial_state(const Schema& schema, const std::vector<std::vector<Row>>& rows,
                          int slots, const StringPool& pool, DbState& out);

enum class Outcome {
  ok,           // finished; see rows / row_count
  waiting,      // started (or went on) and now waits: a step, the state changed
  blocked,      // resume(): still waits where it waited: not a step, no effect
  error,        // a SQL error: sql_error says which; inside a transaction it aborted it
  model_error,  // the spec is wrong (a full table, overflow, a type mismatch): message says why
};

struct Result {
  Outcome outcome = Outcome::ok;
  std::vector<Row> rows;  // rows returned: the SELECT list (aggregates: one row), or RETURNING;
                          // after a wait only the first
  int64_t row_count = 0;  // rows returned (SELECT) or affected (UPDATE/INSERT/DELETE)
  std::string sql_error;  // "unique_violation", "deadlock_detected", "lock_not_available",
                          // "in_failed_transaction", "serialization_failure",
                          // "read_only_sql_transaction"
  std::vector<int> waits_for;  // waiting / blocked: the transactions it waits on, sorted
  std::string message;     // model_error: the reason, e.g. "table bookings is full (max 3 rows)"
  std::string detail;      // error: PostgreSQL's message where the code alone does not give it
  bool committed = false;  // COMMIT: whether the transaction really committed; an autocommit
                           // statement: whether it finished and committed
};

// BEGIN: opens a transaction (no effect when one is already open). It touches no shared state.
void begin(DbState& db, int txn, Isolation level = Isolation::read_committed,
           bool read_only = false);
// Starts a SELECT, UPDATE, INSERT, DELETE, COMMIT or ROLLBACK for ctx.txn. Outside a transaction
// the statement is its own transaction (autocommit). It may finish, fail, or stop waiting
// (the cursor of ctx.txn then keeps `params` and `pc`).
Result execute(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
               int32_t pc = -1);
// Goes on with ctx.txn's waiting statement `st` (ctx.params are the cursor's). `blocked` when
// the lock or key it waits for is still taken. `orphan`: nobody reads the reply, so a finished
// statement inside a transaction block rolls it back (§4.3); an autocommit one commits.
Result resume(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
              bool orphan = false);
// Ends txn's transaction, discarding its writes and releasing its locks and its waiting
// statement: a crash (status none) or a failure (status failed, as PostgreSQL leaves it).
void abort(DbState& db, int txn, TxnStatus after);
// Moves slot `from` (a crashed client's connection, its statement waiting) to slot `to`: the
// orphan keeps its locks, writes and targets. `to` must be free.
void move_slot(DbState& db, int from, int to);
// The transactions that `txn`'s waiting statement `st` waits on now (empty when it could go on).
std::vector<int> waits_for(const DbState& db, const Schema& schema, const Statement& st,
                           const Context& ctx);
// The row that txn's waiting statement has reached (its next target): table index and the
// row's latest committed version, or the pending one of a row another transaction inserted.
// False for a statement waiting on a key (INSERT) or not waiting.
bool waiting_row(const DbState& db, int txn, int& table, Row& row);
// A cheap test that txn's waiting statement `st` would still wait where it waits (its next
// target is locked in a conflicting mode): then resume() is `blocked`. False means "maybe not".
bool still_waits(const DbState& db, const Statement& st, int txn);
// Whether slot `txn` holds a row lock or an uncommitted version.
bool holds_rows(const DbState& db, int txn);
// A scalar subquery over committed data only (for properties): the first column of the first row,
// or null when there is no row. Errors (type mismatch, overflow) come back in `error`.
Value scalar_query(const DbState& db, const Schema& schema, const Statement& select,
                   const Context& ctx, std::string& error);

}  // namespace lockcheck::sql
