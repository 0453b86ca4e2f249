// Visibility, row locks and keys: what a transaction sees of a row slot, whom it would wait for,
// and how a transaction's end applies or discards its versions.
#pragma once

#include <string>
#include <vector>

#include "models/sql/database.h"

namespace lockcheck::sql {

enum class LockNeed { none, shared, exclusive };
LockNeed lock_need(const Statement& st);

// The version of a slot that `txn` sees: its own uncommitted version if it wrote the row, else
// the one its transaction snapshot sees (REPEATABLE READ), else the committed one.
// `committed_only` (scalar subqueries in properties) sees committed data only.
const Row* visible(const RowRecord& r, int txn, bool committed_only);
// The row's latest version for `txn`: its own uncommitted one, else the committed one.
const Row* latest_version(const RowRecord& r, int txn);
// The old version `txn`'s snapshot sees, or null: it sees `committed` (or its own write). Not
// null means a transaction that committed after txn's snapshot changed (or inserted) the row.
const OldVersion* old_version(const RowRecord& r, int txn);

// Whether `txn` asking for `need` on the row conflicts with another transaction's lock; the
// holders it would wait on go to `holders`. A writer always holds the exclusive lock.
bool lock_conflicts(const RowRecord& r, int txn, LockNeed need, std::vector<int>* holders);

void sort_unique(std::vector<int>& v);
void sort_old_versions(std::vector<OldVersion>& old);  // by seen_by (disjoint sets)
bool empty_slot(const RowRecord& r);  // no version (old ones included) and no waiter's mark
bool live_slot(const RowRecord& r);   // a committed or uncommitted version (counts for max rows)
void drop_empty_slots(TableState& table);
void release_shared(RowRecord& r, int txn);
void drop_marks(RowRecord& r, int txn);  // its marks and its place in the row's queue
// Puts txn's statement at the end of the row's queue of waiters (once).
void enqueue(RowRecord& r, int txn, LockNeed need);
// The queued waiters ahead of txn that hold the row's tuple lock: txn waits for them too.
void tuple_lock_holders(const RowRecord& r, int txn, std::vector<int>& out);

// Ends txn's transaction: commit applies its pending versions, rollback discards them. Either
// way its locks, its marks, its waiting statement and its snapshot go. A committed version
// that open snapshots still see is kept as an old version.
void end_transaction(DbState& db, int txn, bool commit);

std::string column_name(const TableSchema& ts, int column);
bool valid_column(const TableSchema& ts, int column);
// Checks that `v` may be stored in `column`: its type, the 32-bit range, no NULL in a key.
std::string check_store(const TableSchema& ts, int column, const Value& v);
bool same_key(const TableSchema& ts, const Row& a, const Row& b, const StringPool* pool);

enum class KeyState { free, exists, wait };
// Looks for `row`'s primary key among the table's slots other than those in `skip`. A row that
// another open transaction is writing (an uncommitted insert, or a row it deleted or is moving
// away from that key) makes the statement wait for that writer, as PostgreSQL's unique index
// does; a conflicting row nobody else is writing is a definite violation, which wins.
KeyState find_key(const TableState& table, const TableSchema& ts, const Row& row, int txn,
                  const std::vector<char>& skip, const StringPool* pool, std::vector<int>& writers);
std::string full_table_message(const TableSchema& ts);

Result model_error(std::string message);
Result sql_error(std::string code);
Result waiting(std::vector<int> holders, Outcome outcome = Outcome::waiting);

}  // namespace lockcheck::sql
