#include "models/sql/row_access.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/sql/ssi.h"

namespace lockcheck::sql {

LockNeed lock_need(const Statement& st) {
  switch (st.kind) {
    case StatementKind::update:
    case StatementKind::delete_:
      return LockNeed::exclusive;
    case StatementKind::select:
      if (st.lock == LockMode::for_update) return LockNeed::exclusive;
      if (st.lock == LockMode::for_share) return LockNeed::shared;
      return LockNeed::none;
    default:
      return LockNeed::none;
  }
}

// The version of a slot that `txn` sees: its own uncommitted version if it wrote the row, else
// the one its transaction snapshot sees (REPEATABLE READ), else the committed one.
// `committed_only` (scalar subqueries in properties) sees committed data only.
const Row* visible(const RowRecord& r, int txn, bool committed_only) {
  if (!committed_only && r.writer >= 0 && r.writer == txn) {
    return r.pending ? &*r.pending : nullptr;
  }
  if (!committed_only && !r.old.empty()) {
    if (const OldVersion* o = old_version(r, txn)) return o->row ? &*o->row : nullptr;
  }
  return r.committed ? &*r.committed : nullptr;
}

void sort_old_versions(std::vector<OldVersion>& old) {
  // Insertion by hand: a few entries, and std::sort's moves of optional rows trip GCC 12's
  // -Wmaybe-uninitialized.
  for (size_t i = 1; i < old.size(); ++i)
    for (size_t j = i; j > 0 && old[j].seen_by < old[j - 1].seen_by; --j) {
      old[j].seen_by.swap(old[j - 1].seen_by);
      old[j].row.swap(old[j - 1].row);
    }
}

const Row* latest_version(const RowRecord& r, int txn) {
  if (r.writer >= 0 && r.writer == txn) return r.pending ? &*r.pending : nullptr;
  return r.committed ? &*r.committed : nullptr;
}

const OldVersion* old_version(const RowRecord& r, int txn) {
  for (const OldVersion& o : r.old)
    if (std::binary_search(o.seen_by.begin(), o.seen_by.end(), txn)) return &o;
  return nullptr;
}

// Whether `txn` asking for `need` on the row conflicts with another transaction's lock; the
// holders it would wait on go to `holders`. A writer always holds the exclusive lock.
bool lock_conflicts(const RowRecord& r, int txn, LockNeed need, std::vector<int>* holders) {
  if (need == LockNeed::none) return false;
  bool any = false;
  auto add = [&](int h) {
    if (h < 0 || h == txn) return;
    any = true;
    if (holders != nullptr) holders->push_back(h);
  };
  add(r.exclusive);
  add(r.writer);
  if (need == LockNeed::exclusive) {
    for (int s : r.shared) add(s);
  }
  return any;
}

void sort_unique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A row deleted while statements wait for it keeps their marks until they go on and skip it:
// that going on is their step (§4.3), not something that vanishes with the commit.
bool empty_slot(const RowRecord& r) {
  return !r.committed && !r.pending && r.old.empty() && r.marks.empty() && r.dead.empty();
}

bool live_slot(const RowRecord& r) { return r.committed || r.pending; }

void drop_empty_slots(TableState& table) { std::erase_if(table.rows, empty_slot); }

void release_shared(RowRecord& r, int txn) { std::erase(r.shared, txn); }

// Ends txn's transaction: commit applies its pending versions, rollback discards them. Either

void drop_marks(RowRecord& r, int txn) {
  std::erase_if(r.marks, [&](const Mark& m) { return m.txn == txn; });
  std::erase_if(r.queue, [&](const Waiter& w) { return w.txn == txn; });
}

void enqueue(RowRecord& r, int txn, LockNeed need) {
  for (const Waiter& w : r.queue)
    if (w.txn == txn) return;
  r.queue.push_back(Waiter{txn, need == LockNeed::exclusive});
}

void tuple_lock_holders(const RowRecord& r, int txn, std::vector<int>& out) {
  // The queue's head holds the tuple lock; a run of FOR SHARE waiters at the head share it.
  // Waiting behind queued waiters that do not hold it (PostgreSQL's soft edges, which its
  // detector first resolves by reordering the queue) is left out.
  if (r.queue.empty()) return;
  size_t holders = 1;
  if (!r.queue[0].exclusive)
    while (holders < r.queue.size() && !r.queue[holders].exclusive) ++holders;
  bool mine_exclusive = true;
  for (size_t i = 0; i < r.queue.size(); ++i) {
    if (r.queue[i].txn != txn) continue;
    if (i < holders) return;  // txn holds it
    mine_exclusive = r.queue[i].exclusive;
  }
  for (size_t i = 0; i < holders; ++i)
    if (r.queue[i].exclusive || mine_exclusive) out.push_back(r.queue[i].txn);
}

// The transactions whose snapshot sees `r`'s committed version: snapshot holders other than
// `txn` that see none of its older versions.
std::vector<int> sees_committed(const DbState& db, const RowRecord& r, int txn) {
  std::vector<int> out;
  for (size_t t = 0; t < db.modes.size(); ++t) {
    const int u = static_cast<int>(t);
    if (u != txn && db.modes[t].snapshot && old_version(r, u) == nullptr) out.push_back(u);
  }
  return out;
}

// Forgets txn's snapshot: it leaves every seen_by, and versions nobody sees go.
void drop_snapshot(DbState& db, int txn) {
  if (txn < 0 || static_cast<size_t>(txn) >= db.modes.size()) return;
  if (!db.modes[static_cast<size_t>(txn)].snapshot) return;
  for (TableState& table : db.tables)
    for (RowRecord& r : table.rows) {
      for (OldVersion& o : r.old) std::erase(o.seen_by, txn);
      std::erase_if(r.old, [](const OldVersion& o) { return o.seen_by.empty(); });
    }
}

void end_transaction(DbState& db, int txn, bool commit) {
  drop_snapshot(db, txn);
  for (TableState& table : db.tables) {
    for (RowRecord& r : table.rows) {
      if (r.writer == txn) {
        if (commit) {
          // Open snapshots taken before this commit go on seeing the version it replaces.
          if (!db.modes.empty())
            if (std::vector<int> seen = sees_committed(db, r, txn); !seen.empty()) {
              r.old.push_back(OldVersion{std::move(r.committed), std::move(seen)});
              sort_old_versions(r.old);
            }
          r.committed = std::move(r.pending);
        }
        r.pending.reset();
        r.writer = -1;
        r.dead.clear();
      }
      if (r.exclusive == txn) r.exclusive = -1;
      release_shared(r, txn);
      drop_marks(r, txn);
    }
    drop_empty_slots(table);
  }
  if (txn >= 0 && static_cast<size_t>(txn) < db.cursors.size())
    db.cursors[static_cast<size_t>(txn)] = Cursor{};
  for (Cursor& c : db.cursors)
    if (c.key_wait == txn) c.key_wait = -1;  // its key check goes on
  if (txn >= 0 && static_cast<size_t>(txn) < db.starts.size())
    db.starts[static_cast<size_t>(txn)] = -1;
  if (txn >= 0 && static_cast<size_t>(txn) < db.modes.size())
    db.modes[static_cast<size_t>(txn)] = TxnMode{};
  if (!db.ssi.empty()) ssi_end(db, txn, commit);
}

Result model_error(std::string message) {
  Result r;
  r.outcome = Outcome::model_error;
  r.message = std::move(message);
  return r;
}

Result sql_error(std::string code) {
  Result r;
  r.outcome = Outcome::error;
  r.sql_error = std::move(code);
  return r;
}

Result waiting(std::vector<int> holders, Outcome outcome) {
  sort_unique(holders);
  Result r;
  r.outcome = outcome;
  r.waits_for = std::move(holders);
  return r;
}

std::string column_name(const TableSchema& ts, int column) {
  if (column >= 0 && static_cast<size_t>(column) < ts.columns.size()) {
    return fmt::format("{}.{}", ts.name, ts.columns[static_cast<size_t>(column)]);
  }
  return fmt::format("{}.#{}", ts.name, column);
}

bool valid_column(const TableSchema& ts, int column) {
  return column >= 0 && static_cast<size_t>(column) < ts.columns.size();
}

// Checks that `v` may be stored in `column`: its type, the 32-bit range, no NULL in a key.
std::string check_store(const TableSchema& ts, int column, const Value& v) {
  auto c = static_cast<size_t>(column);
  if (v.is_null()) {
    if (std::find(ts.primary_key.begin(), ts.primary_key.end(), column) != ts.primary_key.end()) {
      return fmt::format("null value in primary key column '{}'", column_name(ts, column));
    }
    return "";
  }
  if (c >= ts.types.size()) return fmt::format("column '{}' has no type", column_name(ts, column));
  if (!fits_column(v.type, ts.types[c])) {
    return fmt::format("cannot store a value of type {} in {} column '{}'", type_name(v.type),
                       column_type_name(ts.types[c]), column_name(ts, column));
  }
  if (v.type == Type::int_ && !in_int_range(v.i)) {
    return fmt::format("integer overflow in column '{}' ({} is out of range)",
                       column_name(ts, column), v.i);
  }
  return "";
}

bool same_key(const TableSchema& ts, const Row& a, const Row& b, const StringPool* pool) {
  for (int c : ts.primary_key) {
    auto k = static_cast<size_t>(c);
    if (k >= a.size() || k >= b.size() || compare_values(a[k], b[k], pool) != 0) return false;
  }
  return true;
}

KeyState find_key(const TableState& table, const TableSchema& ts, const Row& row, int txn,
                  const std::vector<char>& skip, const StringPool* pool,
                  std::vector<int>& writers) {
  bool exists = false;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    if (i < skip.size() && skip[i]) continue;
    const RowRecord& r = table.rows[i];
    if (r.writer >= 0 && r.writer != txn) {
      bool dead = false;
      for (const Row& d : r.dead) dead = dead || same_key(ts, d, row, pool);
      if ((r.committed && same_key(ts, *r.committed, row, pool)) ||
          (r.pending && same_key(ts, *r.pending, row, pool)) || dead) {
        writers.push_back(r.writer);
      }
      continue;
    }
    const Row* v = latest_version(r, txn);  // the key check sees the latest rows (§4.7 too)
    if (v != nullptr && same_key(ts, *v, row, pool)) exists = true;
  }
  if (exists) return KeyState::exists;
  return writers.empty() ? KeyState::free : KeyState::wait;
}

std::string full_table_message(const TableSchema& ts) {
  return fmt::format("table '{}' is full (max {} rows)", ts.name, ts.max_rows);
}

}  // namespace lockcheck::sql
