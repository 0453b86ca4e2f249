#include "checker/compile/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/sql/ssi.h"

namespace lockcheck::compile {

namespace {

bool ssi_doomed(const sql::DbState& db, int txn) {
  const int i = sql::ssi_record(db, txn);
  return i >= 0 && db.ssi[static_cast<size_t>(i)].doomed;
}

std::string row_text(const std::vector<std::string>& cells) {
  std::string out = "(";
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? ", " : "") + cells[i];
  return out + ")";
}

}  // namespace

trace::StateSnapshot snapshot(const SpecModel& model, const State& s) {
  const CompiledSpec& spec = model.spec();
  const Interpreter& interp = model.interpreter();
  trace::StateSnapshot out;
  out.has_clock = spec.has_clock;
  out.clock = s.clock;
  for (size_t i = 0; i < spec.ast.vars.size() && i < s.shared.size(); ++i)
    out.shared.push_back({spec.ast.vars[i].name, spec.value_text(s.shared[i])});
  for (size_t i = 0; i < spec.ast.ghosts.size() && i < s.ghosts.size(); ++i)
    out.ghosts.push_back({spec.ast.ghosts[i].name, spec.value_text(s.ghosts[i])});
  if (s.has_db) {
    for (size_t t = 0; t < spec.schema.tables.size(); ++t) {
      const auto& ts = spec.schema.tables[t];
      trace::TableSnapshot table;
      table.name = ts.name;
      table.columns = ts.columns;
      for (const auto& rec : s.db.tables[t].rows) {
        trace::TableRow row;
        const sql::Row* shown = rec.committed ? &*rec.committed
                                : rec.pending ? &*rec.pending
                                              : nullptr;
        if (!shown) continue;
        for (const Value& v : *shown) row.cells.push_back(spec.value_text(v));
        if (rec.writer >= 0) {
          std::string who = interp.connection_name(rec.writer);
          if (!rec.committed) {
            row.pending = fmt::format("inserted by {} (uncommitted)", who);
          } else if (!rec.pending) {
            row.pending = fmt::format("deleted by {} (uncommitted)", who);
          } else {
            std::string changes;
            for (size_t c = 0; c < ts.columns.size(); ++c) {
              if ((*rec.pending)[c] == (*rec.committed)[c]) continue;
              if (!changes.empty()) changes += ", ";
              changes += fmt::format("{} = {}", ts.columns[c], spec.value_text((*rec.pending)[c]));
            }
            row.pending =
                fmt::format("{}: {} (uncommitted)", who, changes.empty() ? "rewritten" : changes);
          }
        }
        if (rec.exclusive >= 0) {
          row.lock = fmt::format("FOR UPDATE by {}", interp.connection_name(rec.exclusive));
        } else if (!rec.shared.empty()) {
          row.lock = "FOR SHARE by ";
          for (size_t i = 0; i < rec.shared.size(); ++i)
            row.lock += (i ? ", " : "") + interp.connection_name(rec.shared[i]);
        }
        table.rows.push_back(std::move(row));
      }
      out.tables.push_back(std::move(table));
    }
  }
  for (size_t n = 0; n < s.nodes.size(); ++n) {
    trace::RedisSnapshot node;
    node.node = spec.node_names[n];
    for (const auto& e : s.nodes[n].entries) {
      trace::RedisKey k;
      k.key = spec.key_text(e.key);
      k.value = spec.value_text(e.value);
      if (e.deadline >= 0) k.expires_at = std::to_string(e.deadline);
      node.keys.push_back(std::move(k));
    }
    std::sort(node.keys.begin(), node.keys.end(),
              [](const trace::RedisKey& a, const trace::RedisKey& b) { return a.key < b.key; });
    out.redis.push_back(std::move(node));
  }
  for (size_t p = 0; p < s.procs.size(); ++p) {
    const ProcState& ps = s.procs[p];
    const Group& g = spec.groups[spec.procs[p].group];
    trace::ProcessSnapshot proc;
    proc.name = spec.procs[p].name;
    std::string waits;
    switch (ps.status) {
      case ProcStatus::done:
        proc.status = "done";
        break;
      case ProcStatus::crashed:
        proc.status = "crashed";
        break;
      case ProcStatus::running: {
        State copy = s;
        StepOutcome o = interp.step(copy, static_cast<int>(p));
        proc.status = o.status != StepStatus::blocked      ? "running"
                      : o.blocked_on == BlockReason::sleep ? "sleeping"
                                                           : "blocked";
        if (o.blocked_on == BlockReason::sql && !o.waits_for.empty()) {
          // The row (or key) it waits for and who holds it (issue 18, item 3).
          std::string who;
          for (size_t i = 0; i < o.waits_for.size(); ++i)
            who += (i ? " and " : "") + interp.connection_name(o.waits_for[i]);
          std::string row = model.waited_row(s, static_cast<int>(p));
          waits = row.empty() ? "a key held by " + who : row + who;
        }
        break;
      }
    }
    const ast::Stmt* next = interp.next_statement(s, static_cast<int>(p));
    if (next) {
      proc.line = static_cast<int>(next->loc.line);
      proc.position = next->text;
      if (!waits.empty()) proc.position += " (waits for " + waits + ")";
    } else {
      proc.position = proc.status;
    }
    // A done or crashed process keeps only the locals properties read; the others were reset
    // (dead locals) and are left out, rather than shown with their reset value.
    bool finished = ps.status != ProcStatus::running;
    for (size_t i = 0; i < g.local_names.size() && i < ps.locals.size(); ++i) {
      if (finished && i < g.dead_when_finished.size() && g.dead_when_finished[i]) continue;
      proc.locals.push_back({g.local_names[i], spec.value_text(ps.locals[i])});
    }
    if (s.has_db) {
      switch (s.db.txns[p]) {
        case sql::TxnStatus::none:
          break;
        case sql::TxnStatus::open:
          proc.transaction = "open";
          break;
        case sql::TxnStatus::failed:
          proc.transaction = "failed";
          break;
        case sql::TxnStatus::implicit:
          proc.transaction = "autocommit";
          break;
      }
      if (!proc.transaction.empty() && p < s.db.modes.size() &&
          s.db.modes[p].level != sql::Isolation::read_committed)
        proc.transaction += s.db.modes[p].level == sql::Isolation::repeatable_read
                                ? " (repeatable read)"
                            : ssi_doomed(s.db, static_cast<int>(p)) ? " (serializable, doomed)"
                                                                    : " (serializable)";
      // A crashed client's statement that the server still runs (§4.3).
      const size_t orphan = s.procs.size() + p;
      if (orphan < s.db.cursors.size() && s.db.cursors[orphan].active) {
        const Program& prog = g.program;
        const ast::Stmt* st = prog.code[static_cast<size_t>(s.db.cursors[orphan].pc)].stmt;
        proc.position = fmt::format("{} (its orphaned statement at line {} still runs: {})",
                                    proc.position, st->loc.line, st->text);
      }
    }
    out.processes.push_back(std::move(proc));
  }
  return out;
}

namespace {

using Flat = std::map<std::string, std::string>;

Flat flatten(const trace::StateSnapshot& s, const std::vector<std::vector<int>>& keys,
             std::map<std::string, std::pair<std::string, std::vector<std::string>>>& rows) {
  Flat f;
  if (s.has_clock) f["clock"] = std::to_string(s.clock);
  for (const auto& v : s.shared) f[v.name] = v.value;
  for (const auto& v : s.ghosts) f[v.name] = v.value;
  for (size_t t = 0; t < s.tables.size(); ++t) {
    const auto& table = s.tables[t];
    const std::vector<int>* pk = t < keys.size() && !keys[t].empty() ? &keys[t] : nullptr;
    std::map<std::string, int> seen;
    for (const auto& row : table.rows) {
      std::string key;
      if (pk) {
        for (int c : *pk) {
          if (!key.empty()) key += ",";
          key += fmt::format("{}={}", table.columns[c], row.cells[c]);
        }
      } else {
        key = row_text(row.cells);
        int n = ++seen[key];
        if (n > 1) key += fmt::format("#{}", n);
      }
      std::string path = fmt::format("{}[{}]", table.name, key);
      f[path] = row_text(row.cells);
      rows[path] = {table.name, table.columns};
      if (!row.lock.empty()) f[path + ".lock"] = row.lock;
      if (!row.pending.empty()) f[path + ".pending"] = row.pending;
    }
  }
  for (const auto& node : s.redis) {
    for (const auto& k : node.keys) {
      std::string path = fmt::format("{}['{}']", node.node, k.key);
      f[path] = k.value;
      if (!k.expires_at.empty()) f[path + ".expires"] = k.expires_at;
    }
  }
  for (const auto& p : s.processes) {
    for (const auto& l : p.locals) f[p.name + "." + l.name] = l.value;
    f[p.name + ".status"] = p.status;
    if (!p.transaction.empty()) f[p.name + ".transaction"] = p.transaction;
  }
  return f;
}

std::vector<std::string> split_row(const std::string& text) {
  // "(1, 'a, b', 2)" → cells; text values are quoted, so commas inside quotes are skipped.
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') quoted = !quoted;
    if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
      if (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

}  // namespace

std::vector<trace::Change> diff(const trace::StateSnapshot& before,
                                const trace::StateSnapshot& after,
                                const std::vector<std::vector<int>>& primary_keys) {
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> rows;
  Flat a = flatten(before, primary_keys, rows);
  Flat b = flatten(after, primary_keys, rows);
  // A process's locals go from the snapshot only when it ends (dead locals are not kept): its
  // status change says so, and "tries: 2 → (none)" for each of them would only be noise.
  std::set<std::string> locals;
  for (const auto& p : before.processes)
    for (const auto& l : p.locals) locals.insert(p.name + "." + l.name);
  std::vector<trace::Change> out;
  auto emit = [&](const std::string& path, const std::string& from, const std::string& to) {
    // A row of a keyed table that stays but changes: one change per column.
    auto r = rows.find(path);
    if (r != rows.end() && !from.empty() && !to.empty()) {
      auto x = split_row(from), y = split_row(to);
      const auto& cols = r->second.second;
      if (x.size() == cols.size() && y.size() == cols.size()) {
        for (size_t c = 0; c < cols.size(); ++c)
          if (x[c] != y[c]) out.push_back({path + "." + cols[c], x[c], y[c]});
        return;
      }
    }
    out.push_back({path, from, to});
  };
  for (const auto& [path, value] : a) {
    auto it = b.find(path);
    if (it == b.end()) {
      if (!locals.count(path)) emit(path, value, "");
    } else if (it->second != value) {
      emit(path, value, it->second);
    }
  }
  for (const auto& [path, value] : b)
    if (!a.count(path)) emit(path, "", value);
  // Process fields last, in process order, read better after the stores; keep it simple: the
  // map order already groups by path.
  return out;
}

}  // namespace lockcheck::compile
