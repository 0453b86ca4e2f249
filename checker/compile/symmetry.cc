#include "checker/compile/symmetry.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "checker/base/byte_codec.h"

namespace lockcheck::compile {

Symmetry::Symmetry(const CompiledSpec& spec, bool enabled, std::vector<std::string>& notes)
    : spec_(spec) {
  if (!enabled) return;
  std::string pid_table;
  for (const auto& t : spec.schema.tables)
    for (auto type : t.types)
      if (type == sql::ColumnType::pid && pid_table.empty()) pid_table = t.name;
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const Group& group = spec.groups[g];
    if (!group.array || group.count < 2) continue;
    if (group.named) {
      notes.push_back(fmt::format("symmetry off for '{}': the spec names one of its members",
                                  group.decl->name));
      continue;
    }
    if (!pid_table.empty()) {
      notes.push_back(fmt::format("symmetry off for '{}': table '{}' stores process ids",
                                  group.decl->name, pid_table));
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

int rename_index(int p, const std::vector<int>& newpos) {
  return p >= 0 && p < static_cast<int>(newpos.size()) ? newpos[p] : p;
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
    std::vector<sql::TxnStatus> txns(n);
    for (size_t i = 0; i < n && i < s.db.txns.size(); ++i) txns[i] = s.db.txns[from[i]];
    s.db.txns = std::move(txns);
    for (auto& t : s.db.tables) {
      for (auto& r : t.rows) {
        if (r.committed)
          for (auto& v : *r.committed) v = rename(v, newpos);
        if (r.pending)
          for (auto& v : *r.pending) v = rename(v, newpos);
        r.writer = rename_index(r.writer, newpos);
        r.exclusive = rename_index(r.exclusive, newpos);
        for (auto& h : r.shared) h = rename_index(h, newpos);
        std::sort(r.shared.begin(), r.shared.end());
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
    std::vector<std::string> rows;
    for (size_t t = 0; t < s.db.tables.size(); ++t) {
      for (const auto& r : s.db.tables[t].rows) {
        bool shared = std::find(r.shared.begin(), r.shared.end(), m) != r.shared.end();
        if (r.writer != m && r.exclusive != m && !shared) continue;
        ByteWriter rw;
        rw.u(t);
        rw.u((r.writer == m ? 1 : 0) | (r.exclusive == m ? 2 : 0) | (shared ? 4 : 0));
        if (r.committed)
          for (const auto& v : *r.committed) rw.value(v);
        rw.u(r.pending ? 1 : 0);
        if (r.writer == m && r.pending)
          for (const auto& v : *r.pending) rw.value(v);
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
