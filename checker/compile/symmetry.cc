#include "checker/compile/symmetry.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "checker/base/byte_codec.h"
#include "models/sql/row_access.h"

namespace lockcheck::compile {

namespace {

bool stores_pids(const sql::TableSchema& t) {
  return std::find(t.types.begin(), t.types.end(), sql::ColumnType::pid) != t.types.end();
}

// Whether `where` pins every primary-key column with `=` in its top-level conjunction: the
// statement then sees at most one row, whatever the order of the table.
bool pins_one_row(const ast::Expr* where, const sql::TableSchema& t) {
  if (t.primary_key.empty()) return false;
  std::vector<bool> pinned(t.primary_key.size(), false);
  std::vector<const ast::Expr*> todo{where};
  while (!todo.empty()) {
    const ast::Expr* e = todo.back();
    todo.pop_back();
    if (e == nullptr || e->kind != ast::ExprKind::binary || e->args.size() != 2) continue;
    if (e->op == ast::Op::and_) {
      todo.push_back(e->args[0].get());
      todo.push_back(e->args[1].get());
      continue;
    }
    if (e->op != ast::Op::eq) continue;
    for (const auto& side : e->args) {
      if (side->kind != ast::ExprKind::column) continue;
      for (size_t k = 0; k < t.primary_key.size(); ++k)
        if (t.columns[static_cast<size_t>(t.primary_key[k])] == side->text) pinned[k] = true;
    }
  }
  return std::all_of(pinned.begin(), pinned.end(), [](bool b) { return b; });
}

// Why a statement on a table that stores process ids would behave differently once the ids are
// renamed (rows are kept in the order of their values, so a rename can reorder them), or "".
// `scalar`: a subquery in a property, whose value is its first row's.
std::string order_dependence(const ast::SqlStmt& q, const sql::TableSchema& t, bool scalar) {
  if (!q.order_by.empty()) return "ORDER BY";
  if (q.limit) return "LIMIT";
  auto column_is_pid = [&](const std::string& c) {
    for (size_t k = 0; k < t.columns.size(); ++k)
      if (t.columns[k] == c) return t.types[k] == sql::ColumnType::pid;
    return false;
  };
  bool all_aggregates = !q.items.empty();
  for (const auto& it : q.items) {
    if ((it.agg == ast::Aggregate::min || it.agg == ast::Aggregate::max) &&
        column_is_pid(it.column))
      return "MIN or MAX of process ids";
    if (it.agg == ast::Aggregate::none) all_aggregates = false;
  }
  // Values of one row among several (the first) kept in variables or returned by a subquery.
  bool first_row = false;
  if (q.kind == ast::SqlKind::select) {
    first_row = (scalar || !q.into.empty()) && !all_aggregates;
  } else if (q.kind == ast::SqlKind::update || q.kind == ast::SqlKind::delete_) {
    first_row = !q.into.empty();  // RETURNING ... INTO
  }
  if (first_row && !pins_one_row(q.where.get(), t))
    return "a statement that may read several rows into variables";
  return "";
}

void subqueries(const ast::Expr* e, std::vector<const ast::SqlStmt*>& out) {
  if (e == nullptr) return;
  if (e->kind == ast::ExprKind::subquery && e->select) out.push_back(e->select.get());
  for (const auto& a : e->args) subqueries(a.get(), out);
}

}  // namespace

Symmetry::Symmetry(const CompiledSpec& spec, bool enabled, std::vector<std::string>& notes)
    : spec_(spec) {
  if (!enabled) return;
  // A table may store process ids as long as no statement depends on the order of its rows
  // (renaming ids reorders them); the first statement that does turns symmetry off.
  std::string pid_table;
  auto check = [&](const ast::SqlStmt& q, bool scalar) {
    if (!pid_table.empty()) return;
    for (const auto& t : spec.schema.tables) {
      if (t.name != q.table || !stores_pids(t)) continue;
      std::string why = order_dependence(q, t, scalar);
      if (!why.empty())
        pid_table =
            fmt::format("{}' stores process ids and line {} uses {}", t.name, q.loc.line, why);
    }
  };
  for (const auto& g : spec.groups)
    for (const Instr& in : g.program.code)
      if (in.kind == InstrKind::sql && in.stmt != nullptr && in.stmt->sql)
        check(*in.stmt->sql, false);
  for (const auto& p : spec.ast.properties) {
    std::vector<const ast::SqlStmt*> qs;
    subqueries(p.expr.get(), qs);
    for (const auto* q : qs) check(*q, true);
  }
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const Group& group = spec.groups[g];
    if (!group.array || group.count < 2) continue;
    if (group.named) {
      notes.push_back(fmt::format("symmetry off for '{}': the spec names one of its members",
                                  group.decl->name));
      continue;
    }
    if (spec.schema.serializable) {
      // Which transaction PostgreSQL's SSI cancels depends on the order in which a step meets
      // the others (§4.7): renaming processes is not an automorphism of such a state graph.
      notes.push_back(fmt::format("symmetry off for '{}': a transaction runs at SERIALIZABLE",
                                  group.decl->name));
      continue;
    }
    if (!pid_table.empty()) {
      notes.push_back(fmt::format("symmetry off for '{}': table '{}", group.decl->name, pid_table));
      continue;
    }
    groups_.push_back(static_cast<int>(g));
  }
}

namespace {

Value rename(const Value& v, const std::vector<int>& newpos) {
  if (v.type != Type::pid || v.i < 0 || v.i >= static_cast<int64_t>(newpos.size())) return v;
  return Value::pid(newpos[v.i]);
}

}  // namespace

void Symmetry::permute(State& s, const std::vector<int>& from) {
  const size_t n = s.procs.size();
  std::vector<int> newpos(n);
  for (size_t i = 0; i < n; ++i) newpos[from[i]] = static_cast<int>(i);
  std::vector<ProcState> procs(n);
  for (size_t i = 0; i < n; ++i) procs[i] = std::move(s.procs[from[i]]);
  s.procs = std::move(procs);
  for (auto& p : s.procs)
    for (auto& v : p.locals) v = rename(v, newpos);
  for (auto& v : s.shared) v = rename(v, newpos);
  for (auto& v : s.ghosts) v = rename(v, newpos);
  for (auto& node : s.nodes)
    for (auto& e : node.entries) e.value = rename(e.value, newpos);
  if (s.has_db) {
    // Transaction slots: the processes', then (with crash faults) their orphans', renamed alike.
    const size_t slots = s.db.txns.size();
    auto slot_from = [&](size_t i) {
      return i < n ? static_cast<size_t>(from[i]) : n + static_cast<size_t>(from[i - n]);
    };
    auto rename_slot = [&](int t) {
      if (t < 0) return t;
      auto u = static_cast<size_t>(t);
      if (u < n) return newpos[u];
      if (u < 2 * n) return static_cast<int>(n) + newpos[u - n];
      return t;
    };
    std::vector<sql::TxnStatus> txns(slots);
    std::vector<sql::Cursor> cursors(slots);
    std::vector<int64_t> starts(s.db.starts.size());
    std::vector<sql::TxnMode> modes(s.db.modes.size());
    for (size_t i = 0; i < slots; ++i) {
      txns[i] = s.db.txns[slot_from(i)];
      if (!modes.empty()) modes[i] = s.db.modes[slot_from(i)];
      cursors[i] = std::move(s.db.cursors[slot_from(i)]);
      for (auto& v : cursors[i].params) v = rename(v, newpos);
      for (auto& v : cursors[i].locals) v = rename(v, newpos);
      if (cursors[i].first)
        for (auto& v : *cursors[i].first) v = rename(v, newpos);
      cursors[i].key_wait = rename_slot(cursors[i].key_wait);
      if (!starts.empty()) starts[i] = s.db.starts[slot_from(i)];
    }
    s.db.txns = std::move(txns);
    s.db.cursors = std::move(cursors);
    s.db.starts = std::move(starts);
    s.db.modes = std::move(modes);
    for (auto& t : s.db.tables) {
      for (auto& r : t.rows) {
        if (r.committed)
          for (auto& v : *r.committed) v = rename(v, newpos);
        if (r.pending)
          for (auto& v : *r.pending) v = rename(v, newpos);
        for (auto& d : r.dead)
          for (auto& v : d) v = rename(v, newpos);
        r.writer = rename_slot(r.writer);
        r.exclusive = rename_slot(r.exclusive);
        for (auto& h : r.shared) h = rename_slot(h);
        std::sort(r.shared.begin(), r.shared.end());
        for (auto& mk : r.marks) mk.txn = rename_slot(mk.txn);
        std::sort(r.marks.begin(), r.marks.end());
        for (auto& q : r.queue) q.txn = rename_slot(q.txn);  // the order stays: it is state
        for (auto& o : r.old) {
          if (o.row)
            for (auto& v : *o.row) v = rename(v, newpos);
          for (auto& t : o.seen_by) t = rename_slot(t);
          std::sort(o.seen_by.begin(), o.seen_by.end());
        }
        sql::sort_old_versions(r.old);
      }
    }
  }
}

std::string Symmetry::signature(const State& s, int m, int first, int count) const {
  ByteWriter w;
  const ProcState& ps = s.procs[m];
  w.u(static_cast<uint64_t>(ps.status));
  w.i(ps.pc);
  w.i(ps.wake);
  // A member's own id and its group-mates' ids are written as placeholders: the signature must
  // not depend on the names it is meant to choose.
  auto value = [&](const Value& v) {
    if (v.type == Type::pid && v.i == m)
      w.value(Value::pid(-1));
    else if (v.type == Type::pid && v.i >= first && v.i < first + count)
      w.value(Value::pid(-2));
    else
      w.value(v);
  };
  for (const Value& v : ps.locals) value(v);
  if (s.has_db && m < static_cast<int>(s.db.txns.size())) {
    w.u(static_cast<uint64_t>(s.db.txns[m]));
    if (static_cast<size_t>(m) < s.db.modes.size()) {
      const sql::TxnMode& mode = s.db.modes[static_cast<size_t>(m)];
      w.u(static_cast<uint64_t>(mode.level) * 4 + (mode.read_only ? 2 : 0) +
          (mode.snapshot ? 1 : 0));
    }
    // The member's waiting statement and its orphan's: their positions and host values.
    const size_t orphan = s.procs.size() + static_cast<size_t>(m);
    for (size_t t : {static_cast<size_t>(m), orphan}) {
      if (t >= s.db.cursors.size()) continue;
      const sql::Cursor& c = s.db.cursors[t];
      w.u(c.active ? 1 : 0);
      if (!c.active) continue;
      w.u(static_cast<uint64_t>(s.db.txns[t]));
      w.i(c.pc);
      w.i(c.done);
      for (const Value& v : c.params) value(v);
      for (const Value& v : c.locals) value(v);
      if (c.first)
        for (const Value& v : *c.first) value(v);
    }
    std::vector<std::string> rows;
    for (size_t t = 0; t < s.db.tables.size(); ++t) {
      for (const auto& r : s.db.tables[t].rows) {
        bool shared = std::find(r.shared.begin(), r.shared.end(), m) != r.shared.end();
        const int om = static_cast<int>(s.procs.size()) + m;
        bool orphan_holds = r.writer == om || r.exclusive == om ||
                            std::find(r.shared.begin(), r.shared.end(), om) != r.shared.end();
        int mark = -1, orphan_mark = -1;
        for (const auto& mk : r.marks) {
          if (mk.txn == m) mark = mk.rank * 2 + (mk.written ? 1 : 0);
          if (mk.txn == om) orphan_mark = mk.rank * 2 + (mk.written ? 1 : 0);
        }
        auto holds_id = [&](const std::optional<sql::Row>& row) {
          return row && std::any_of(row->begin(), row->end(), [&](const Value& v) {
                   return v.type == Type::pid && v.i == m;
                 });
        };
        if (r.writer != m && r.exclusive != m && !shared && !holds_id(r.committed) &&
            !holds_id(r.pending) && !orphan_holds && mark < 0 && orphan_mark < 0)
          continue;
        ByteWriter rw;
        rw.u(t);
        rw.u((r.writer == m ? 1 : 0) | (r.exclusive == m ? 2 : 0) | (shared ? 4 : 0) |
             (r.writer == om ? 8 : 0) | (r.exclusive == om ? 16 : 0) | (orphan_holds ? 32 : 0));
        rw.i(mark);
        rw.i(orphan_mark);
        auto cell = [&](const Value& v) {
          if (v.type == Type::pid && v.i == m)
            rw.value(Value::pid(-1));
          else if (v.type == Type::pid && v.i >= first && v.i < first + count)
            rw.value(Value::pid(-2));
          else
            rw.value(v);
        };
        if (r.committed)
          for (const auto& v : *r.committed) cell(v);
        rw.u(r.pending ? 1 : 0);
        if ((r.writer == m || holds_id(r.pending)) && r.pending)
          for (const auto& v : *r.pending) cell(v);
        rows.push_back(rw.take());
      }
    }
    std::sort(rows.begin(), rows.end());
    w.u(rows.size());
    for (const auto& r : rows) w.bytes() += r;
  }
  // The Redis keys whose value is this member's id (the locks it holds).
  for (size_t n = 0; n < s.nodes.size(); ++n)
    for (const auto& e : s.nodes[n].entries)
      if (e.value.type == Type::pid && e.value.i == m) {
        w.u(n);
        w.value(e.key);
        w.i(e.deadline);
      }
  return w.take();
}

void Symmetry::canonicalize(State& s, std::vector<int>* from) const {
  const int n = static_cast<int>(s.procs.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  bool moved = false;
  for (int g : groups_) {
    const Group& group = spec_.groups[g];
    std::vector<std::pair<std::string, int>> sigs;
    sigs.reserve(group.count);
    for (int k = 0; k < group.count; ++k) {
      int m = group.first + k;
      sigs.emplace_back(signature(s, m, group.first, group.count), m);
    }
    std::stable_sort(sigs.begin(), sigs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (int k = 0; k < group.count; ++k) {
      order[group.first + k] = sigs[k].second;
      moved = moved || sigs[k].second != group.first + k;
    }
  }
  if (moved) permute(s, order);
  if (from) *from = std::move(order);
}

}  // namespace lockcheck::compile
