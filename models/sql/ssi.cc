#include "models/sql/ssi.h"

#include <algorithm>
#include <numeric>

#include "models/sql/evaluator.h"
#include "models/sql/row_access.h"

namespace lockcheck::sql {
namespace {

constexpr const char* kRwMessage =
    "40001: could not serialize access due to read/write dependencies among transactions";

std::string failure(const char* reason) { return std::string(kRwMessage) + " (" + reason + ")"; }

bool committed(const SsiTxn& t) { return t.slot < 0; }

bool has_edge(const SsiTxn& from, int to) {
  return std::binary_search(from.out.begin(), from.out.end(), to);
}

// T and U overlap when neither committed before the other's snapshot.
bool overlap(const SsiTxn& t, const SsiTxn& u) {
  if (committed(t) && t.commit < u.snap) return false;
  if (committed(u) && u.commit < t.snap) return false;
  return true;
}

bool reads_column(const Expr& e) {
  if (e.kind == ExprKind::column) return true;
  return std::any_of(e.args.begin(), e.args.end(), reads_column);
}

// The columns of `where` that an AND of `column = value` fixes.
void equalities(const Expr& e, std::vector<int>& columns) {
  if (e.kind != ExprKind::binary || e.args.size() != 2) return;
  if (e.op == Op::and_) {
    equalities(e.args[0], columns);
    equalities(e.args[1], columns);
    return;
  }
  if (e.op != Op::eq) return;
  for (int side = 0; side < 2; ++side) {
    const Expr& col = e.args[static_cast<size_t>(side)];
    const Expr& val = e.args[static_cast<size_t>(1 - side)];
    if (col.kind == ExprKind::column && !reads_column(val)) columns.push_back(col.index);
  }
}

// `ssi granularity table` keeps a primary-key lookup exact (an index probe's tuple lock).
bool key_lookup(const TableSchema& ts, const Statement& st) {
  if (!st.where || ts.primary_key.empty()) return false;
  std::vector<int> fixed;
  equalities(*st.where, fixed);
  return std::all_of(ts.primary_key.begin(), ts.primary_key.end(), [&](int k) {
    return std::find(fixed.begin(), fixed.end(), k) != fixed.end();
  });
}

// Whether `row` satisfies the read's predicate. A predicate that cannot be evaluated on it
// counts as satisfied: an extra edge can only make the model fail more often, never commit
// what PostgreSQL would not.
bool satisfies(const Schema& schema, const SsiRead& read, const Row& row, const StringPool* pool) {
  if (read.stmt < 0) return true;
  if (static_cast<size_t>(read.stmt) >= schema.statements.size()) return true;
  const Statement& st = *schema.statements[static_cast<size_t>(read.stmt)];
  Context ctx;
  ctx.pool = pool;
  if (!read.params.empty()) {
    ctx.params = {read.params.data(), read.params.size() - 1};
    ctx.now = read.params.back();
  }
  Evaluator ev(ctx);
  if (st.kind == StatementKind::insert) {
    // An INSERT reads "primary key = the key it inserts".
    const TableSchema& ts = schema.tables[static_cast<size_t>(read.table)];
    for (int k : ts.primary_key) {
      const auto c = static_cast<size_t>(k);
      Value v;
      if (c >= st.values.size() || c >= row.size() || !ev.eval(st.values[c], nullptr, v))
        return true;
      if (compare_values(v, row[c], pool) != 0) return false;
    }
    return true;
  }
  if (!st.where) return true;
  bool keep = false;
  if (!ev.condition(*st.where, &row, keep)) return true;
  return keep;
}

// Whether a write that ends `before` and creates `after` changes what `read` returns, by its
// predicate. A page read (stmt -2, `ssi granularity table`) covers every INSERT into its table:
// a key lookup's lock on the index page that new keys go to.
bool covers(const Schema& schema, const SsiRead& read, const std::optional<Row>& before,
            const std::optional<Row>& after, const StringPool* pool) {
  if (!after) return false;
  if (read.stmt == -2) return !before;
  return satisfies(schema, read, *after, pool);
}

int compare_value_lists(const std::vector<Value>& a, const std::vector<Value>& b,
                        const StringPool* pool) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = 0; i < a.size(); ++i)
    if (int c = compare_values(a[i], b[i], pool); c != 0) return c;
  return 0;
}

bool read_less(const SsiRead& a, const SsiRead& b, const StringPool* pool) {
  if (a.table != b.table) return a.table < b.table;
  if (a.stmt != b.stmt) return a.stmt < b.stmt;
  return compare_value_lists(a.params, b.params, pool) < 0;
}

bool seen_less(const SsiSeen& a, const SsiSeen& b, const StringPool* pool) {
  if (a.table != b.table) return a.table < b.table;
  return compare_rows(a.row, b.row, pool) < 0;
}

bool write_less(const SsiWrite& a, const SsiWrite& b, const StringPool* pool) {
  if (a.table != b.table) return a.table < b.table;
  if (int c = compare_optional_rows(a.before, b.before, pool); c != 0) return c < 0;
  return compare_optional_rows(a.after, b.after, pool) < 0;
}

template <typename T, typename Less>
void insert_sorted(std::vector<T>& v, T item, Less less) {
  auto pos = std::lower_bound(v.begin(), v.end(), item, less);
  if (pos != v.end() && *pos == item) return;
  v.insert(pos, std::move(item));
}

template <typename T, typename Less>
void sort_unique_by(std::vector<T>& v, Less less) {
  std::sort(v.begin(), v.end(), less);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Puts the records in canonical order (open ones by slot, then committed ones by commit) and
// renames the edges.
void reorder(DbState& db) {
  std::vector<int> order(db.ssi.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const SsiTxn& x = db.ssi[static_cast<size_t>(a)];
    const SsiTxn& y = db.ssi[static_cast<size_t>(b)];
    if (committed(x) != committed(y)) return !committed(x);
    return committed(x) ? x.commit < y.commit : x.slot < y.slot;
  });
  if (std::is_sorted(order.begin(), order.end())) return;
  std::vector<int> rename(order.size());
  for (size_t i = 0; i < order.size(); ++i)
    rename[static_cast<size_t>(order[i])] = static_cast<int>(i);
  std::vector<SsiTxn> out;
  out.reserve(order.size());
  for (int i : order) out.push_back(std::move(db.ssi[static_cast<size_t>(i)]));
  for (SsiTxn& t : out) {
    for (int& e : t.out) e = rename[static_cast<size_t>(e)];
    std::sort(t.out.begin(), t.out.end());
  }
  db.ssi = std::move(out);
}

// Drops the records in `drop` (edges to them go; commit places and snapshots close ranks).
void drop_records(DbState& db, const std::vector<char>& drop) {
  std::vector<int> dropped_commits;
  for (size_t i = 0; i < db.ssi.size(); ++i)
    if (drop[i] && committed(db.ssi[i])) dropped_commits.push_back(db.ssi[i].commit);
  auto before = [&](int rank) {
    return static_cast<int>(std::count_if(dropped_commits.begin(), dropped_commits.end(),
                                          [&](int d) { return d < rank; }));
  };
  std::vector<int> rename(db.ssi.size(), -1);
  int next = 0;
  for (size_t i = 0; i < db.ssi.size(); ++i)
    if (!drop[i]) rename[i] = next++;
  std::vector<SsiTxn> out;
  out.reserve(static_cast<size_t>(next));
  for (size_t i = 0; i < db.ssi.size(); ++i) {
    if (drop[i]) continue;
    SsiTxn t = std::move(db.ssi[i]);
    std::vector<int> edges;
    for (int e : t.out)
      if (rename[static_cast<size_t>(e)] >= 0) edges.push_back(rename[static_cast<size_t>(e)]);
    t.out = std::move(edges);
    if (committed(t)) t.commit -= before(t.commit);
    t.snap -= before(t.snap);
    out.push_back(std::move(t));
  }
  db.ssi = std::move(out);
}

// A committed record matters while an open transaction overlaps it (new edges can reach it),
// or as the far end of an edge out of such a record (a Tout that committed first); then only
// its commit place is left.
void collect(DbState& db) {
  const size_t n = db.ssi.size();
  std::vector<char> live(n, 0), commit_only(n, 0);
  for (size_t c = 0; c < n; ++c) {
    if (!committed(db.ssi[c])) {
      live[c] = 1;
      continue;
    }
    for (const SsiTxn& o : db.ssi)
      if (!committed(o) && db.ssi[c].commit >= o.snap) live[c] = 1;
  }
  for (size_t y = 0; y < n; ++y)
    if (live[y] && committed(db.ssi[y]))
      for (int e : db.ssi[y].out)
        if (!live[static_cast<size_t>(e)]) commit_only[static_cast<size_t>(e)] = 1;
  std::vector<char> drop(n, 0);
  bool any = false;
  for (size_t c = 0; c < n; ++c) {
    drop[c] = !live[c] && !commit_only[c];
    any = any || drop[c];
    if (commit_only[c]) {
      SsiTxn& t = db.ssi[c];
      t.reads.clear();
      t.seen.clear();
      t.writes.clear();
      t.out.clear();
    }
  }
  if (any) drop_records(db, drop);
}

int committed_count(const DbState& db) {
  return static_cast<int>(
      std::count_if(db.ssi.begin(), db.ssi.end(), [](const SsiTxn& t) { return committed(t); }));
}

// Records r -rw-> w (record indexes) in the step of record `actor` and applies PostgreSQL's
// abort rule (OnConflict_CheckForSerializationFailure). True: the actor's statement fails.
bool add_edge(DbState& db, int r, int w, int actor) {
  if (r == w) return false;
  SsiTxn& reader = db.ssi[static_cast<size_t>(r)];
  SsiTxn& writer = db.ssi[static_cast<size_t>(w)];
  if (reader.doomed || writer.doomed || has_edge(reader, w)) return false;
  auto out_to_earlier = [&](const SsiTxn& t, int before_snap) {
    for (int e : t.out) {
      const SsiTxn& t2 = db.ssi[static_cast<size_t>(e)];
      if (committed(t2) && t2.commit < t.commit && t2.commit < before_snap) return true;
    }
    return false;
  };
  // A READ ONLY reader meeting a committed writer's version appears to run first unless the
  // writer has an edge out to a transaction that committed before the reader's snapshot
  // (CheckForSerializableConflictOut records no edge then).
  if (actor == r && committed(writer) && reader.read_only && !out_to_earlier(writer, reader.snap))
    return false;
  reader.out.insert(std::lower_bound(reader.out.begin(), reader.out.end(), w), w);
  bool dangerous = false;
  // The writer has an edge out to a T2 that committed before the reader and the writer (each
  // where it has committed; T2 may be the reader) and, for a read-only reader, before its
  // snapshot.
  for (int e : writer.out) {
    const SsiTxn& t2 = db.ssi[static_cast<size_t>(e)];
    if (!committed(t2)) continue;
    if (committed(reader) && t2.commit > reader.commit) continue;
    if (committed(writer) && t2.commit > writer.commit) continue;
    if (reader.read_only && t2.commit >= reader.snap) continue;
    dangerous = true;
    break;
  }
  // The writer has committed and the reader, not read-only, has an edge in from a T0 that is
  // not doomed, did not commit before the writer and, if read-only, took its snapshot after the
  // writer committed (T0 may be the writer).
  if (!dangerous && committed(writer) && !reader.read_only) {
    for (const SsiTxn& t0 : db.ssi) {
      if (!has_edge(t0, r) || t0.doomed) continue;
      if (committed(t0) && t0.commit < writer.commit) continue;
      if (t0.read_only && writer.commit >= t0.snap) continue;
      dangerous = true;
      break;
    }
  }
  if (!dangerous) return false;
  if (w == actor || committed(writer)) return true;
  writer.doomed = true;
  return false;
}

}  // namespace

int ssi_record(const DbState& db, int txn) {
  for (size_t i = 0; i < db.ssi.size(); ++i) {
    if (db.ssi[i].slot == txn) return static_cast<int>(i);
    if (committed(db.ssi[i])) break;
  }
  return -1;
}

void ssi_start(DbState& db, int txn, bool read_only) {
  if (ssi_record(db, txn) >= 0) return;
  SsiTxn t;
  t.slot = txn;
  t.snap = committed_count(db);
  t.read_only = read_only;
  db.ssi.push_back(std::move(t));
  reorder(db);
}

std::string ssi_read(DbState& db, const Schema& schema, const Statement& st, const Context& ctx,
                     std::span<const Row* const> matched) {
  const int self = ssi_record(db, ctx.txn);
  if (self < 0) return "";
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  const bool key = st.kind == StatementKind::insert || key_lookup(ts, st);
  const TableState& table = db.tables[static_cast<size_t>(st.table)];
  if (db.ssi[static_cast<size_t>(self)].doomed) {
    // A doomed transaction fails at the next row it touches (CheckForSerializableConflictOut):
    // a key lookup touches the row it finds, any other statement scans the table's rows.
    const bool touches =
        key ? !matched.empty()
            : std::any_of(table.rows.begin(), table.rows.end(), [&](const RowRecord& r) {
                return visible(r, ctx.txn, false) != nullptr;
              });
    if (touches) return failure("pivot, during conflict out checking");
  }
  std::vector<SsiRead> reads(1);
  SsiRead& read = reads[0];
  read.table = st.table;
  std::vector<Row> seen;
  if (schema.ssi_table && !(key && !matched.empty())) {
    // The whole table: every version the snapshot sees.
    for (const RowRecord& r : table.rows)
      if (const Row* v = visible(r, ctx.txn, false)) seen.push_back(*v);
  } else {
    if (st.id < 0) return "";  // not registered in the schema (a hand-built statement)
    read.stmt = st.id;
    read.params.assign(ctx.params.begin(), ctx.params.end());
    read.params.push_back(ctx.now);
    for (const Row* v : matched) seen.push_back(*v);
    if (schema.ssi_table) {
      SsiRead page;
      page.table = st.table;
      page.stmt = -2;
      reads.push_back(std::move(page));
    }
  }
  // Edges to the overlapping writers that already wrote: a version it saw ended, or a version it
  // cannot see that satisfies the predicate.
  for (size_t w = 0; w < db.ssi.size(); ++w) {
    if (static_cast<int>(w) == self) continue;
    const SsiTxn& writer = db.ssi[w];
    if (writer.doomed || !overlap(writer, db.ssi[static_cast<size_t>(self)])) continue;
    bool edge = false;
    for (const SsiWrite& wr : writer.writes) {
      if (wr.table != st.table) continue;
      if (wr.before && std::find(seen.begin(), seen.end(), *wr.before) != seen.end()) edge = true;
      for (const SsiRead& rd : reads)
        edge = edge || covers(schema, rd, wr.before, wr.after, ctx.pool);
      if (edge) break;
    }
    if (edge && add_edge(db, self, static_cast<int>(w), self))
      return failure("conflict out to pivot, during read");
  }
  SsiTxn& me = db.ssi[static_cast<size_t>(self)];
  auto rl = [&](const SsiRead& a, const SsiRead& b) { return read_less(a, b, ctx.pool); };
  for (SsiRead& rd : reads) insert_sorted(me.reads, std::move(rd), rl);
  auto sl = [&](const SsiSeen& a, const SsiSeen& b) { return seen_less(a, b, ctx.pool); };
  for (Row& row : seen) insert_sorted(me.seen, SsiSeen{st.table, std::move(row)}, sl);
  return "";
}

std::string ssi_write(DbState& db, const Schema& schema, int txn, int table,
                      const std::optional<Row>& before, const std::optional<Row>& after,
                      const StringPool* pool) {
  const int self = ssi_record(db, txn);
  if (self < 0) return "";
  if (db.ssi[static_cast<size_t>(self)].doomed)
    return failure("pivot, during conflict in checking");
  {
    SsiTxn& me = db.ssi[static_cast<size_t>(self)];
    me.wrote = true;
    auto wl = [&](const SsiWrite& a, const SsiWrite& b) { return write_less(a, b, pool); };
    SsiWrite write;
    write.table = table;
    write.before = before;
    write.after = after;
    insert_sorted(me.writes, std::move(write), wl);
  }
  // Edges from the overlapping readers that already read: they saw the version it ends, or a
  // predicate of theirs covers the version it creates.
  for (size_t r = 0; r < db.ssi.size(); ++r) {
    if (static_cast<int>(r) == self) continue;
    const SsiTxn& reader = db.ssi[r];
    if (reader.doomed || !overlap(reader, db.ssi[static_cast<size_t>(self)])) continue;
    bool edge = before && std::find(reader.seen.begin(), reader.seen.end(),
                                    SsiSeen{table, *before}) != reader.seen.end();
    if (!edge && after)
      for (const SsiRead& read : reader.reads)
        if (read.table == table && covers(schema, read, before, after, pool)) {
          edge = true;
          break;
        }
    if (edge && add_edge(db, static_cast<int>(r), self, self))
      return failure("pivot, during write");
  }
  return "";
}

std::string ssi_precommit(DbState& db, int txn) {
  const int self = ssi_record(db, txn);
  if (self < 0) return "";
  if (db.ssi[static_cast<size_t>(self)].doomed) return failure("pivot, during commit attempt");
  // PreCommit_CheckForSerializationFailure: this transaction is the Tout of P -rw-> it; P is
  // the pivot when an edge comes into P from it or from an open, writable, not doomed one.
  for (size_t p = 0; p < db.ssi.size(); ++p) {
    SsiTxn& pivot = db.ssi[p];
    if (!has_edge(pivot, self) || committed(pivot) || pivot.doomed) continue;
    for (size_t q = 0; q < db.ssi.size(); ++q) {
      const SsiTxn& in = db.ssi[q];
      if (!has_edge(in, static_cast<int>(p))) continue;
      if (static_cast<int>(q) == self || (!committed(in) && !in.read_only && !in.doomed)) {
        pivot.doomed = true;
        break;
      }
    }
  }
  return "";
}

void ssi_end(DbState& db, int txn, bool commit) {
  const int self = ssi_record(db, txn);
  if (self < 0) return;
  if (commit) {
    SsiTxn& me = db.ssi[static_cast<size_t>(self)];
    me.commit = committed_count(db);
    me.slot = -1;
    me.read_only = me.read_only || !me.wrote;  // PostgreSQL: committed without writing
    reorder(db);
  } else {
    std::vector<char> drop(db.ssi.size(), 0);
    drop[static_cast<size_t>(self)] = 1;
    drop_records(db, drop);
  }
  collect(db);
}

void ssi_move_slot(DbState& db, int from, int to) {
  const int i = ssi_record(db, from);
  if (i < 0) return;
  db.ssi[static_cast<size_t>(i)].slot = to;
  reorder(db);
}

void ssi_canonicalize(DbState& db, const StringPool& pool) {
  for (SsiTxn& t : db.ssi) {
    sort_unique_by(t.reads,
                   [&](const SsiRead& a, const SsiRead& b) { return read_less(a, b, &pool); });
    sort_unique_by(t.seen,
                   [&](const SsiSeen& a, const SsiSeen& b) { return seen_less(a, b, &pool); });
    sort_unique_by(t.writes,
                   [&](const SsiWrite& a, const SsiWrite& b) { return write_less(a, b, &pool); });
  }
}

}  // namespace lockcheck::sql
