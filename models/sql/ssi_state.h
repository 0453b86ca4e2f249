// What SERIALIZABLE transactions leave in the database state for PostgreSQL's serializable
// snapshot isolation (spec-language.md §4.7): per transaction its reads, the versions it saw, its
// writes and its rw-edges, kept after it commits while an overlapping transaction is open.
//
// No counter grows in the state: a record is named by its place in DbState::ssi (the open ones by
// transaction slot, then the committed ones in commit order), commit order is that place, and a
// snapshot is the number of kept committed records that committed before it.
#pragma once

#include <optional>
#include <vector>

#include "checker/base/value.h"
#include "models/sql/value_order.h"

namespace lockcheck::sql {

// A read: a statement's WHERE over its table with the host values it ran with.
struct SsiRead {
  int table = -1;
  int stmt = -1;  // Statement::id; -1: the whole table, -2: its INSERTs (`ssi granularity table`)
  std::vector<Value> params;  // the host values, then now()
  friend bool operator==(const SsiRead&, const SsiRead&) = default;
};

// A write: the version it ended (none for an INSERT) and the one it created (none for a DELETE).
struct SsiWrite {
  int table = -1;
  std::optional<Row> before;
  std::optional<Row> after;
  friend bool operator==(const SsiWrite&, const SsiWrite&) = default;
};

// A row version a read saw and matched. Versions are told apart by content, so a row changed
// and changed back counts as seen: an extra edge, never a missing one.
struct SsiSeen {
  int table = -1;
  Row row;
  friend bool operator==(const SsiSeen&, const SsiSeen&) = default;
};

struct SsiTxn {
  int slot = -1;           // open: its transaction slot; committed: -1
  int commit = -1;         // committed: its place among the kept committed records (0: the first)
  int snap = 0;            // the kept committed records that committed before its snapshot
  bool read_only = false;  // declared READ ONLY, or (once committed) committed without a write
  bool wrote = false;
  bool doomed = false;  // fails at its next statement that touches a row, or at COMMIT
  std::vector<SsiRead> reads;
  std::vector<SsiSeen> seen;
  std::vector<SsiWrite> writes;
  std::vector<int> out;  // this -rw-> those records (indexes into DbState::ssi), sorted
  friend bool operator==(const SsiTxn&, const SsiTxn&) = default;
};

}  // namespace lockcheck::sql
