// SERIALIZABLE: PostgreSQL's serializable snapshot isolation over exact reads and writes
// (spec-language.md §4.7; isolation-notes.md §2 and §4.4 for the sources). A SERIALIZABLE
// transaction is REPEATABLE READ plus these records: each statement reads its predicate, each
// INSERT / UPDATE / DELETE writes, and a read meeting a write of an overlapping SERIALIZABLE
// transaction (in either order) is an rw-edge. When an edge completes a dangerous structure
// Tin -rw-> Tpivot -rw-> Tout whose Tout committed first, PostgreSQL's rule picks the victim:
// the writer at once when the step is its write, the reader when the writer has committed, else
// the writer is doomed and fails later. COMMIT dooms pivots whose Tout it is.
//
// Each function returns "" or the failure's message ("40001: ..."), after which the caller fails
// the statement with serialization_failure.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "models/sql/context.h"
#include "models/sql/database.h"

namespace lockcheck::sql {

// The index of txn's open record in db.ssi, or -1 (not SERIALIZABLE, or no snapshot yet).
int ssi_record(const DbState& db, int txn);
// txn's SERIALIZABLE snapshot is taken (its first statement starts): its record begins.
void ssi_start(DbState& db, int txn, bool read_only);
// Statement `st` of txn reads its predicate; `matched` are the versions its snapshot sees that
// satisfy it. A doomed transaction fails here when it matched a row.
std::string ssi_read(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
                     std::span<const Row* const> matched);
// txn ends version `before` (none: it inserts) and creates `after` (none: it deletes) in `table`.
std::string ssi_write(DbState& db, const Schema& schema, int txn, int table,
                      const std::optional<Row>& before, const std::optional<Row>& after,
                      const StringPool* pool);
// Before txn commits: fails a doomed transaction, else dooms the pivots it completes.
std::string ssi_precommit(DbState& db, int txn);
// txn's transaction ended (end_transaction): a commit keeps its record while it matters, a
// rollback drops it; records nobody overlaps any more go.
void ssi_end(DbState& db, int txn, bool commit);
void ssi_move_slot(DbState& db, int from, int to);
// Sorts each record's sets by content (text by its characters, not by intern order).
void ssi_canonicalize(DbState& db, const StringPool& pool);

}  // namespace lockcheck::sql
