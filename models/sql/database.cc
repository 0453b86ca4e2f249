#include "models/sql/database.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <numeric>

#include "models/sql/evaluator.h"
#include "models/sql/projection.h"
#include "models/sql/row_access.h"
#include "models/sql/ssi.h"

namespace lockcheck::sql {
namespace {

bool returns_rows(const Statement& st) { return !st.items.empty(); }

// txn ends its own uncommitted version of `r` (deletes it, or gives it the key of `next`): the
// version's key stays taken until txn ends (RowRecord::dead).
void end_own_version(RowRecord& r, int txn, const TableSchema& ts, const Row* next,
                     const StringPool* pool) {
  if (r.writer != txn || !r.pending || ts.primary_key.empty()) return;
  if (next != nullptr && same_key(ts, *r.pending, *next, pool)) return;
  if (r.committed && same_key(ts, *r.pending, *r.committed, pool)) return;
  for (const Row& d : r.dead)
    if (same_key(ts, d, *r.pending, pool)) return;
  r.dead.push_back(*r.pending);
}

Result ssi_failure(std::string detail) {
  Result res = sql_error("serialization_failure");
  res.detail = std::move(detail);
  return res;
}

// A SERIALIZABLE statement's read (ssi.h) of the versions in `slots`.
std::string read_predicate(DbState& db, const Schema& schema, const Statement& st,
                           const Context& ctx, const std::vector<size_t>& slots) {
  if (db.ssi.empty()) return "";
  const TableState& table = db.tables[static_cast<size_t>(st.table)];
  boost::container::small_vector<const Row*, 16> rows;
  for (size_t i : slots) rows.push_back(visible(table.rows[i], ctx.txn, false));
  return ssi_read(db, schema, st, ctx, {rows.data(), rows.size()});
}

// Orders two versions for visiting: ORDER BY's column (nulls larger than any value: last
// ascending, first descending, as PostgreSQL), then the primary key, then the whole row, so
// that the order never depends on where rows sit in the state.
bool visits_before(const TableSchema& ts, const Statement& st, const Row& a, const Row& b,
                   const StringPool* pool) {
  if (st.order_by >= 0) {
    auto c = static_cast<size_t>(st.order_by);
    const Value& x = a[c];
    const Value& y = b[c];
    if (x.is_null() != y.is_null()) return st.order_desc ? x.is_null() : y.is_null();
    if (!x.is_null()) {
      int cmp = compare_values(x, y, pool);
      if (cmp != 0) return st.order_desc ? cmp > 0 : cmp < 0;
    }
  }
  for (int k : ts.primary_key) {
    auto c = static_cast<size_t>(k);
    int cmp = compare_values(a[c], b[c], pool);
    if (cmp != 0) return cmp < 0;
  }
  return compare_rows(a, b, pool) < 0;
}

// The statement's targets in its snapshot (the committed rows plus the transaction's own
// writes; `committed_only`: committed rows alone), as slot indexes in visiting order.
bool snapshot_targets(const TableState& table, const TableSchema& ts, const Statement& st,
                      const Context& ctx, int txn, bool committed_only, std::vector<size_t>& out,
                      std::string& error) {
  out.clear();
  Evaluator ev(ctx);
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const Row* v = visible(table.rows[i], txn, committed_only);
    if (v == nullptr) continue;
    if (st.where) {
      bool keep = false;
      if (!ev.condition(*st.where, v, keep)) {
        error = ev.error();
        return false;
      }
      if (!keep) continue;
    }
    out.push_back(i);
  }
  if (st.order_by >= 0 && !valid_column(ts, st.order_by)) {
    error = fmt::format("ORDER BY column index {} out of range", st.order_by);
    return false;
  }
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) {
    return visits_before(ts, st, *visible(table.rows[a], txn, committed_only),
                         *visible(table.rows[b], txn, committed_only), ctx.pool);
  });
  return true;
}

// A key that another open transaction is writing: PostgreSQL waits for that transaction to end
// (XactLockTableWait in _bt_check_unique), whatever it does to the row meanwhile, then checks
// again. A step: the statement now waits for that transaction.
Result wait_for_key(Cursor& cur, const std::vector<int>& writers) {
  cur.key_wait = writers.front();
  return waiting({cur.key_wait}, Outcome::waiting);
}

// LIMIT's value: -1 without one.
bool limit_value(const Statement& st, const Context& ctx, int64_t& out, std::string& error) {
  out = -1;
  if (!st.limit) return true;
  Evaluator ev(ctx);
  Value n;
  if (!ev.eval(*st.limit, nullptr, n)) {
    error = ev.error();
    return false;
  }
  if (n.is_null()) return true;
  if (n.type != Type::int_) {
    error = fmt::format("LIMIT needs an int, got {}", type_name(n.type));
    return false;
  }
  if (n.i < 0) {
    error = "LIMIT must not be negative";
    return false;
  }
  out = n.i;
  return true;
}

// The transaction reads its transaction snapshot (REPEATABLE READ or SERIALIZABLE, §4.7).
bool has_snapshot(const DbState& db, int txn) {
  return static_cast<size_t>(txn) < db.modes.size() && db.modes[static_cast<size_t>(txn)].snapshot;
}

bool written_mark(const RowRecord& r, int txn) {
  for (const Mark& m : r.marks)
    if (m.txn == txn) return m.written;
  return false;
}

// The slot holding txn's next target (its lowest-ranked mark), or -1.
int next_target(const TableState& table, int txn) {
  int best = -1, rank = 0;
  for (size_t i = 0; i < table.rows.size(); ++i)
    for (const Mark& m : table.rows[i].marks)
      if (m.txn == txn && (best < 0 || m.rank < rank)) {
        best = static_cast<int>(i);
        rank = m.rank;
      }
  return best;
}

void drop_all_marks(TableState& table, int txn) {
  for (RowRecord& r : table.rows) drop_marks(r, txn);
}

void lock_row(RowRecord& r, int txn, LockNeed need) {
  if (need == LockNeed::exclusive) {
    r.exclusive = txn;
    release_shared(r, txn);  // the exclusive lock subsumes it
  } else if (need == LockNeed::shared && r.exclusive != txn) {
    auto pos = std::lower_bound(r.shared.begin(), r.shared.end(), txn);
    if (pos == r.shared.end() || *pos != txn) r.shared.insert(pos, txn);
  }
}

// Visits txn's remaining targets of `st` (UPDATE, DELETE, SELECT ... FOR UPDATE / FOR SHARE) in
// order, as PostgreSQL does row by row: lock, latest version, re-check, process. Stops where a
// target is locked in a conflicting mode: `waiting`, or `blocked` when `resuming` and nothing
// changed since the last stop. Rows returned in this call go to `returned`.
Result visit_targets(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
                     bool resuming, std::vector<Row>& returned) {
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  const int txn = ctx.txn;
  Cursor& cur = db.cursors[static_cast<size_t>(txn)];
  const LockNeed need = lock_need(st);
  std::string error;
  int64_t limit = -1;
  if (!limit_value(st, ctx, limit, error)) return model_error(error);
  Evaluator ev(ctx);
  bool changed = false;
  const bool repeatable = has_snapshot(db, txn);
  std::vector<int> holders;
  for (;;) {
    if (limit >= 0 && cur.done >= limit) break;
    const int i = next_target(table, txn);
    if (i < 0) break;
    RowRecord& r = table.rows[static_cast<size_t>(i)];
    holders.clear();
    if (written_mark(r, txn)) {
      // Its new version is written: only the key check is left.
      if (cur.key_wait >= 0) return waiting({cur.key_wait}, Outcome::blocked);
      std::vector<char> skip(table.rows.size(), 0);
      skip[static_cast<size_t>(i)] = 1;
      std::vector<int> writers;
      KeyState k = find_key(table, ts, *r.pending, txn, skip, ctx.pool, writers);
      if (k == KeyState::exists) return sql_error("unique_violation");
      if (k == KeyState::wait) return wait_for_key(cur, writers);
      Row out;
      if (returns_rows(st) && !project(ts, st.items, *r.pending, out, error))
        return model_error(error);
      drop_marks(r, txn);
      changed = true;
      ++cur.done;
      if (returns_rows(st)) {
        if (!cur.first) cur.first = out;
        returned.push_back(std::move(out));
      }
      continue;
    }
    // REPEATABLE READ: a target that a transaction committed after the snapshot changed or
    // deleted fails at once, locked or not (§4.7); there is no re-check.
    if (repeatable && old_version(r, txn) != nullptr) {
      Result res = sql_error("serialization_failure");
      if (latest_version(r, txn) == nullptr)
        res.detail = "40001: could not serialize access due to concurrent delete";
      return res;
    }
    if (lock_conflicts(r, txn, need, &holders)) {
      if (st.wait == WaitMode::nowait) return sql_error("lock_not_available");
      if (st.wait == WaitMode::skip_locked) {
        drop_marks(r, txn);
        changed = true;
        continue;
      }
      if (db.queues) {
        const size_t before = r.queue.size();
        enqueue(r, txn, need);
        changed = changed || r.queue.size() != before;
        tuple_lock_holders(r, txn, holders);
      }
      return waiting(std::move(holders),
                     resuming && !changed ? Outcome::blocked : Outcome::waiting);
    }
    // The latest version: deleted rows are skipped, changed ones re-checked (EvalPlanQual).
    const Row* latest = latest_version(r, txn);
    bool keep = latest != nullptr;
    if (keep && st.where && !ev.condition(*st.where, latest, keep)) return model_error(ev.error());
    if (!keep) {
      // PostgreSQL locks the latest version before its re-check and keeps the lock when the
      // re-check fails (ExecUpdate/ExecLockRows with TUPLE_LOCK_FLAG_FIND_LAST_VERSION).
      if (latest != nullptr) lock_row(r, txn, need);
      drop_marks(r, txn);
      changed = true;
      continue;
    }
    Row out;
    switch (st.kind) {
      case StatementKind::select:
        lock_row(r, txn, need);
        if (!project(ts, st.items, *latest, out, error)) return model_error(error);
        break;
      case StatementKind::update: {
        Row row = *latest;
        for (const auto& [column, expr] : st.sets) {
          if (!valid_column(ts, column) || static_cast<size_t>(column) >= row.size())
            return model_error(fmt::format("SET column index {} out of range", column));
          Value v;
          if (!ev.eval(expr, latest, v)) return model_error(ev.error());
          if (std::string e = check_store(ts, column, v); !e.empty()) return model_error(e);
          row[static_cast<size_t>(column)] = v;
        }
        if (!ts.primary_key.empty() && !same_key(ts, *latest, row, ctx.pool)) {
          // The new key goes into the unique index: it waits for another transaction writing
          // that key (holding this row's lock meanwhile), and fails where it exists.
          std::vector<char> skip(table.rows.size(), 0);
          skip[static_cast<size_t>(i)] = 1;
          std::vector<int> writers;
          KeyState k = find_key(table, ts, row, txn, skip, ctx.pool, writers);
          if (k == KeyState::exists) return sql_error("unique_violation");
          if (k == KeyState::wait) {
            // PostgreSQL has written the new version when its unique check waits: the row is
            // this transaction's now (others' INSERTs of the old key wait for it, §4.4).
            if (std::string f = ssi_write(db, schema, txn, st.table, *latest, row, ctx.pool);
                !f.empty())
              return ssi_failure(std::move(f));
            end_own_version(r, txn, ts, &row, ctx.pool);
            r.pending = std::move(row);
            r.writer = txn;
            lock_row(r, txn, LockNeed::exclusive);
            for (Mark& m : r.marks)
              if (m.txn == txn) m.written = true;
            return wait_for_key(cur, writers);
          }
        }
        if (returns_rows(st) && !project(ts, st.items, row, out, error)) return model_error(error);
        if (std::string f = ssi_write(db, schema, txn, st.table, *latest, row, ctx.pool);
            !f.empty())
          return ssi_failure(std::move(f));
        end_own_version(r, txn, ts, &row, ctx.pool);
        r.pending = std::move(row);
        r.writer = txn;
        lock_row(r, txn, LockNeed::exclusive);
        break;
      }
      case StatementKind::delete_:
        if (returns_rows(st) && !project(ts, st.items, *latest, out, error))
          return model_error(error);
        if (std::string f = ssi_write(db, schema, txn, st.table, *latest, std::nullopt, ctx.pool);
            !f.empty())
          return ssi_failure(std::move(f));
        end_own_version(r, txn, ts, nullptr, ctx.pool);
        r.pending.reset();
        r.writer = txn;
        lock_row(r, txn, LockNeed::exclusive);
        break;
      default:
        return model_error("a statement without targets");
    }
    drop_marks(r, txn);
    changed = true;
    ++cur.done;
    if (returns_rows(st)) {
      if (!cur.first) cur.first = out;
      returned.push_back(std::move(out));
    }
  }
  drop_all_marks(table, txn);  // LIMIT reached: the rest are not visited
  drop_empty_slots(table);     // a row this transaction inserted and now deleted is gone
  Result res;
  res.row_count = cur.done;
  return res;
}

Result run_select(DbState& db, const Schema& schema, const Statement& st, const Context& ctx) {
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  const TableState& table = db.tables[static_cast<size_t>(st.table)];
  const bool agg = is_aggregate_query(st);
  std::vector<size_t> slots;
  std::string error;
  if (!snapshot_targets(table, ts, st, ctx, ctx.txn, false, slots, error))
    return model_error(error);
  // SERIALIZABLE reads the whole predicate, LIMIT or not (§4.7).
  if (std::string f = read_predicate(db, schema, st, ctx, slots); !f.empty())
    return ssi_failure(std::move(f));
  if (!agg) {
    int64_t limit = -1;
    if (!limit_value(st, ctx, limit, error)) return model_error(error);
    if (limit >= 0 && static_cast<uint64_t>(limit) < slots.size())
      slots.resize(static_cast<size_t>(limit));
  }
  boost::container::small_vector<const Row*, 16> rows;
  for (size_t i : slots) rows.push_back(visible(table.rows[i], ctx.txn, false));
  Result res;
  if (!select_rows(ts, st, ctx, {rows.data(), rows.size()}, res.rows, error))
    return model_error(error);
  res.row_count = static_cast<int64_t>(res.rows.size());
  return res;
}

// UPDATE, DELETE, SELECT ... FOR UPDATE / FOR SHARE: targets from the snapshot, marked on their
// rows, then visited.
Result start_targets(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
                     std::vector<Row>& returned) {
  if (st.kind == StatementKind::select && is_aggregate_query(st))
    return model_error("FOR UPDATE / FOR SHARE is not allowed with aggregate functions");
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  std::vector<size_t> slots;
  std::string error;
  if (!snapshot_targets(table, ts, st, ctx, ctx.txn, false, slots, error))
    return model_error(error);
  if (std::string f = read_predicate(db, schema, st, ctx, slots); !f.empty())
    return ssi_failure(std::move(f));
  for (size_t k = 0; k < slots.size(); ++k) {
    RowRecord& r = table.rows[slots[k]];
    r.marks.push_back(Mark{ctx.txn, static_cast<int>(k)});
    std::sort(r.marks.begin(), r.marks.end());
  }
  return visit_targets(db, schema, st, ctx, false, returned);
}

// Whether the row that holds `row`'s key now (its latest version) is the version txn's snapshot
// sees, or txn's own: PostgreSQL's ExecCheckTupleVisible. A version committed after the
// snapshot is not, even when the snapshot sees an older version of that row.
bool key_visible(const TableState& table, const TableSchema& ts, const Row& row, int txn,
                 const StringPool* pool) {
  for (const RowRecord& r : table.rows) {
    const Row* v = latest_version(r, txn);
    if (v != nullptr && same_key(ts, *v, row, pool))
      return r.writer == txn || old_version(r, txn) == nullptr;
  }
  return false;
}

Result run_insert(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
                  bool resuming) {
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  if (st.values.size() != ts.columns.size()) {
    return model_error(fmt::format("INSERT into '{}' has {} values for {} columns", ts.name,
                                   st.values.size(), ts.columns.size()));
  }
  Evaluator ev(ctx);
  Row row;
  for (size_t c = 0; c < st.values.size(); ++c) {
    Value v;
    if (!ev.eval(st.values[c], nullptr, v)) return model_error(ev.error());
    if (std::string e = check_store(ts, static_cast<int>(c), v); !e.empty()) {
      return model_error(e);
    }
    row.push_back(v);
  }
  if (!ts.primary_key.empty()) {
    Cursor& cur = db.cursors[static_cast<size_t>(ctx.txn)];
    if (!resuming) cur.key_wait = -1;
    if (cur.key_wait >= 0) return waiting({cur.key_wait}, Outcome::blocked);
    if (!db.ssi.empty() && schema.ssi_table) {
      // SERIALIZABLE with `ssi granularity table`: the key check reads the table, as PostgreSQL's
      // unique check conflicts on the index page it inserts into. At row granularity it reads
      // nothing: PostgreSQL's INSERT takes no SIREAD lock (a correction to §4.7, which had it read
      // "primary key = k": the server lets an INSERT that waited for an UPDATE of its key fail
      // with unique_violation, where that read made it serialization_failure; long run seed 21).
      boost::container::small_vector<const Row*, 2> matched;
      for (const RowRecord& r : table.rows)
        if (const Row* v = visible(r, ctx.txn, false);
            v != nullptr && same_key(ts, *v, row, ctx.pool))
          matched.push_back(v);
      if (std::string f = ssi_read(db, schema, st, ctx, {matched.data(), matched.size()});
          !f.empty())
        return ssi_failure(std::move(f));
    }
    std::vector<int> writers;
    switch (find_key(table, ts, row, ctx.txn, {}, ctx.pool, writers)) {
      case KeyState::exists: {
        if (!st.on_conflict_do_nothing) {
          // PostgreSQL checks for SSI conflicts as if it wrote the key before it reports the
          // duplicate (_bt_check_unique), so that a conflict is not masked (§4.7).
          if (std::string f = ssi_write(db, schema, ctx.txn, st.table, std::nullopt, row, ctx.pool);
              !f.empty())
            return ssi_failure(std::move(f));
          return sql_error("unique_violation");
        }
        // REPEATABLE READ: "nothing" only for a conflicting row its snapshot sees (§4.7).
        if (has_snapshot(db, ctx.txn) && !key_visible(table, ts, row, ctx.txn, ctx.pool))
          return sql_error("serialization_failure");
        return Result{};  // ok, nothing inserted
      }
      case KeyState::wait:
        return wait_for_key(cur, writers);
      case KeyState::free:
        break;
    }
  }
  auto used = std::count_if(table.rows.begin(), table.rows.end(), live_slot);
  if (used + 1 > ts.max_rows) return model_error(full_table_message(ts));
  if (std::string f = ssi_write(db, schema, ctx.txn, st.table, std::nullopt, row, ctx.pool);
      !f.empty())
    return ssi_failure(std::move(f));
  Result res;
  if (returns_rows(st)) {
    Row ret;
    std::string error;
    if (!project(ts, st.items, row, ret, error)) return model_error(error);
    res.rows.push_back(std::move(ret));
  }
  RowRecord r;
  r.writer = ctx.txn;
  r.pending = std::move(row);
  r.exclusive = ctx.txn;
  table.rows.push_back(std::move(r));
  res.row_count = 1;
  return res;
}

bool writes(const Statement& st) {
  return st.kind == StatementKind::insert || st.kind == StatementKind::update ||
         st.kind == StatementKind::delete_ ||
         (st.kind == StatementKind::select && st.lock != LockMode::none);
}

bool has_targets(const Statement& st) {
  return st.kind == StatementKind::update || st.kind == StatementKind::delete_ ||
         (st.kind == StatementKind::select && st.lock != LockMode::none);
}

// The statement's first (start) or later (resume) run.
Result run(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
           bool resuming) {
  if (st.kind == StatementKind::insert) return run_insert(db, schema, st, ctx, resuming);
  if (!has_targets(st)) return run_select(db, schema, st, ctx);
  Cursor& cur = db.cursors[static_cast<size_t>(ctx.txn)];
  if (!resuming) cur = Cursor{};
  const std::optional<Row> earlier = cur.first;  // returned in an earlier step
  std::vector<Row> returned;
  Result res = resuming ? visit_targets(db, schema, st, ctx, true, returned)
                        : start_targets(db, schema, st, ctx, returned);
  if (res.outcome != Outcome::ok) return res;
  if (earlier) res.rows.push_back(*earlier);
  for (auto& r : returned) res.rows.push_back(std::move(r));
  return res;
}

// The context with `now()` as the transaction's start (spec-language.md §4.2).
Context with_start(DbState& db, const Schema& schema, const Context& ctx) {
  Context c = ctx;
  if (!schema.uses_now || !ctx.keep_start) return c;
  int64_t& start = db.starts[static_cast<size_t>(ctx.txn)];
  if (start < 0 && ctx.now.type == Type::int_) start = ctx.now.i;
  if (start >= 0) c.now = Value::integer(start);
  return c;
}

Result check_txn(const DbState& db, const Schema& schema, const Statement& st, int txn) {
  if (txn < 0 || static_cast<size_t>(txn) >= db.txns.size())
    return model_error(fmt::format("transaction id {} out of range", txn));
  if (db.tables.size() != schema.tables.size())
    return model_error("the database state does not match the schema");
  if (st.kind != StatementKind::commit && st.kind != StatementKind::rollback &&
      (st.table < 0 || static_cast<size_t>(st.table) >= schema.tables.size()))
    return model_error(fmt::format("table index {} out of range", st.table));
  return Result{};
}

// After a statement finished or failed: an autocommit statement ends its transaction; a failure
// inside a block aborts it; an orphan's block rolls back when its statement ends (§4.3).
void settle(DbState& db, int txn, Result& res, bool orphan) {
  TxnStatus& status = db.txns[static_cast<size_t>(txn)];
  const bool autocommit = status == TxnStatus::none || status == TxnStatus::implicit;
  if (res.outcome == Outcome::waiting) {
    if (autocommit) status = TxnStatus::implicit;
    return;
  }
  if (res.outcome == Outcome::blocked || res.outcome == Outcome::model_error) return;
  db.cursors[static_cast<size_t>(txn)] = Cursor{};
  if (autocommit && res.outcome == Outcome::ok)
    if (std::string f = ssi_precommit(db, txn); !f.empty()) res = ssi_failure(std::move(f));
  if (autocommit) {
    end_transaction(db, txn, res.outcome == Outcome::ok);
    res.committed = res.outcome == Outcome::ok;
    status = TxnStatus::none;
  } else if (orphan) {
    end_transaction(db, txn, false);
    status = TxnStatus::none;
  } else if (res.outcome == Outcome::error) {
    abort(db, txn, TxnStatus::failed);
  }
}

}  // namespace

void begin(DbState& db, int txn, Isolation level, bool read_only) {
  if (txn < 0 || static_cast<size_t>(txn) >= db.txns.size()) return;
  if (db.txns[static_cast<size_t>(txn)] == TxnStatus::none) {
    db.txns[static_cast<size_t>(txn)] = TxnStatus::open;
    if (static_cast<size_t>(txn) < db.modes.size())
      db.modes[static_cast<size_t>(txn)] = TxnMode{level, read_only, false};
  }
}

void abort(DbState& db, int txn, TxnStatus after) {
  end_transaction(db, txn, false);
  if (txn >= 0 && static_cast<size_t>(txn) < db.txns.size()) {
    db.txns[static_cast<size_t>(txn)] = after;
  }
}

void move_slot(DbState& db, int from, int to) {
  auto move = [&](int& t) {
    if (t == from) t = to;
  };
  for (TableState& table : db.tables)
    for (RowRecord& r : table.rows) {
      move(r.writer);
      move(r.exclusive);
      for (int& s : r.shared) move(s);
      std::sort(r.shared.begin(), r.shared.end());
      for (Mark& m : r.marks) move(m.txn);
      std::sort(r.marks.begin(), r.marks.end());
      for (Waiter& w : r.queue) move(w.txn);
      for (OldVersion& o : r.old) {
        for (int& s : o.seen_by) move(s);
        std::sort(o.seen_by.begin(), o.seen_by.end());
      }
      sort_old_versions(r.old);
    }
  auto f = static_cast<size_t>(from), t = static_cast<size_t>(to);
  if (!db.modes.empty()) {
    db.modes[t] = db.modes[f];
    db.modes[f] = TxnMode{};
  }
  db.txns[t] = db.txns[f];
  db.txns[f] = TxnStatus::none;
  db.cursors[t] = std::move(db.cursors[f]);
  db.cursors[f] = Cursor{};
  for (Cursor& c : db.cursors) move(c.key_wait);
  ssi_move_slot(db, from, to);
  if (!db.starts.empty()) {
    db.starts[t] = db.starts[f];
    db.starts[f] = -1;
  }
}

Result execute(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
               int32_t pc) {
  if (Result bad = check_txn(db, schema, st, ctx.txn); bad.outcome != Outcome::ok) return bad;
  TxnStatus& status = db.txns[static_cast<size_t>(ctx.txn)];
  if (st.kind == StatementKind::commit || st.kind == StatementKind::rollback) {
    Result res;
    // COMMIT of a failed transaction rolls back (its writes are already gone), not an error.
    res.committed = st.kind == StatementKind::commit && status == TxnStatus::open;
    if (res.committed)
      if (std::string f = ssi_precommit(db, ctx.txn); !f.empty()) {
        res = ssi_failure(std::move(f));
        res.committed = false;
      }
    if (status != TxnStatus::none) end_transaction(db, ctx.txn, res.committed);
    status = TxnStatus::none;
    return res;
  }
  if (status == TxnStatus::failed) return sql_error("in_failed_transaction");
  if (!db.modes.empty()) {
    TxnMode& mode = db.modes[static_cast<size_t>(ctx.txn)];
    if (status == TxnStatus::none) mode = TxnMode{schema.default_isolation, false, false};
    if (mode.read_only && writes(st)) {
      Result res = sql_error("read_only_sql_transaction");
      settle(db, ctx.txn, res, false);
      return res;
    }
    // The transaction snapshot: taken when its first statement starts (§4.7).
    if (mode.level != Isolation::read_committed) mode.snapshot = true;
    if (mode.level == Isolation::serializable && schema.serializable)
      ssi_start(db, ctx.txn, mode.read_only);
  }
  const Context c = with_start(db, schema, ctx);
  Result res = run(db, schema, st, c, false);
  if (res.outcome == Outcome::waiting) {
    Cursor& cur = db.cursors[static_cast<size_t>(ctx.txn)];
    cur.active = true;
    cur.pc = pc;
    cur.params.assign(ctx.params.begin(), ctx.params.end());
  }
  settle(db, ctx.txn, res, false);
  return res;
}

Result resume(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
              bool orphan) {
  if (Result bad = check_txn(db, schema, st, ctx.txn); bad.outcome != Outcome::ok) return bad;
  if (!db.cursors[static_cast<size_t>(ctx.txn)].active)
    return model_error("no statement waits on this connection");
  const Context c = with_start(db, schema, ctx);
  Result res = run(db, schema, st, c, true);
  settle(db, ctx.txn, res, orphan);
  return res;
}

std::vector<int> waits_for(const DbState& db, const Schema& schema, const Statement& st,
                           const Context& ctx) {
  // The probe runs on a scratch copy; assigning into this thread's previous copy reuses its
  // storage (the deadlock check probes several processes per state).
  thread_local DbState copy;
  copy = db;
  Result res = resume(copy, schema, st, ctx);
  if (res.outcome != Outcome::blocked) return {};
  return res.waits_for;
}

bool waiting_row(const DbState& db, int txn, int& table, Row& row) {
  for (size_t t = 0; t < db.tables.size(); ++t) {
    int i = next_target(db.tables[t], txn);
    if (i < 0) continue;
    const RowRecord& r = db.tables[t].rows[static_cast<size_t>(i)];
    if (written_mark(r, txn)) return false;  // it waits on a key, not on this row
    const Row* v = r.committed ? &*r.committed : r.pending ? &*r.pending : nullptr;
    if (v == nullptr) return false;
    table = static_cast<int>(t);
    row = *v;
    return true;
  }
  return false;
}

bool still_waits(const DbState& db, const Statement& st, int txn) {
  if (txn >= 0 && static_cast<size_t>(txn) < db.cursors.size() &&
      db.cursors[static_cast<size_t>(txn)].key_wait >= 0)
    return true;
  if (!has_targets(st) || st.wait != WaitMode::wait || st.table < 0 ||
      static_cast<size_t>(st.table) >= db.tables.size())
    return false;
  const TableState& table = db.tables[static_cast<size_t>(st.table)];
  const int i = next_target(table, txn);
  if (i < 0) return false;
  const RowRecord& r = table.rows[static_cast<size_t>(i)];
  // REPEATABLE READ: a target changed since the snapshot fails at once, whoever locks it now.
  if (has_snapshot(db, txn) && old_version(r, txn) != nullptr) return false;
  return !written_mark(r, txn) && lock_conflicts(r, txn, lock_need(st), nullptr);
}

bool holds_rows(const DbState& db, int txn) {
  for (const TableState& table : db.tables)
    for (const RowRecord& r : table.rows)
      if (r.writer == txn || r.exclusive == txn ||
          std::find(r.shared.begin(), r.shared.end(), txn) != r.shared.end())
        return true;
  return false;
}

Value scalar_query(const DbState& db, const Schema& schema, const Statement& select,
                   const Context& ctx, std::string& error) {
  error.clear();
  if (select.kind != StatementKind::select) {
    error = "a scalar subquery must be a SELECT";
    return Value::null();
  }
  if (select.table < 0 || static_cast<size_t>(select.table) >= schema.tables.size() ||
      static_cast<size_t>(select.table) >= db.tables.size()) {
    error = fmt::format("table index {} out of range", select.table);
    return Value::null();
  }
  const TableSchema& ts = schema.tables[static_cast<size_t>(select.table)];
  const TableState& table = db.tables[static_cast<size_t>(select.table)];
  std::vector<size_t> slots;
  if (!snapshot_targets(table, ts, select, ctx, -1, true, slots, error)) return Value::null();
  const bool agg = is_aggregate_query(select);
  if (!agg) {
    int64_t limit = -1;
    if (!limit_value(select, ctx, limit, error)) return Value::null();
    if (limit >= 0 && static_cast<uint64_t>(limit) < slots.size())
      slots.resize(static_cast<size_t>(limit));
    // Only the first row's first item is used (every row has the same columns, so the others
    // could not fail where it does not).
    if (slots.empty() || select.items.empty()) return Value::null();
    const Row& row = *visible(table.rows[slots[0]], -1, true);
    for (const SelectItem& item : select.items) {
      if (!valid_column(ts, item.column) || static_cast<size_t>(item.column) >= row.size()) {
        error = fmt::format("column index {} out of range", item.column);
        return Value::null();
      }
    }
    return row[static_cast<size_t>(select.items[0].column)];
  }
  boost::container::small_vector<const Row*, 16> rows;
  for (size_t i : slots) rows.push_back(visible(table.rows[i], -1, true));
  std::vector<Row> out;
  if (!select_rows(ts, select, ctx, {rows.data(), rows.size()}, out, error)) return Value::null();
  if (out.empty() || out[0].empty()) return Value::null();
  return out[0][0];
}

}  // namespace lockcheck::sql
