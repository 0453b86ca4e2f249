#include "checker/compile/partial_order.h"

#include <algorithm>
#include <charconv>
#include <iterator>

namespace lockcheck::compile {

namespace {

bool intersects(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

void sort_unique(std::vector<uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

void Footprint::write_local(const std::string& name) {
  if (std::find(locals_written.begin(), locals_written.end(), name) == locals_written.end())
    locals_written.push_back(name);
}

void Footprint::add(const Footprint& other) {
  auto merge = [](std::vector<uint32_t>& into, const std::vector<uint32_t>& from) {
    if (from.empty()) return;
    std::vector<uint32_t> out;
    out.reserve(into.size() + from.size());
    std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(out));
    into.swap(out);
  };
  merge(reads, other.reads);
  merge(writes, other.writes);
  for (const auto& n : other.locals_written) write_local(n);
  may_finish = may_finish || other.may_finish;
  reads_processes = reads_processes || other.reads_processes;
}

void Footprint::normalize() {
  sort_unique(reads);
  sort_unique(writes);
}

bool Footprint::conflicts(const Footprint& other) const {
  // Every step moves its own process: a step that reads other processes' state
  // (`client[2].done` in a program) conflicts with all of them.
  if (reads_processes || other.reads_processes) return true;
  return intersects(writes, other.writes) || intersects(writes, other.reads) ||
         intersects(reads, other.writes);
}

bool Footprint::touches(const std::vector<uint32_t>& sorted) const {
  return intersects(reads, sorted) || intersects(writes, sorted);
}

// ---------------------------------------------------------------------------------------------

PartialOrder::PartialOrder(const CompiledSpec& spec, bool enabled) : spec_(spec) {
  size_t instructions = 0;
  for (const auto& p : spec.procs)
    instructions += spec.groups[static_cast<size_t>(p.group)].program.code.size();
  active_ = enabled && !spec.procs.empty() && spec.procs.size() <= kMaxProcesses &&
            instructions <= kMaxInstructions;
  if (!active_) return;

  // Locals assigned after their declaration are not known before the search.
  assigned_locals_.resize(spec.groups.size());
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    auto& assigned = assigned_locals_[g];
    assigned.assign(spec.groups[g].decl->locals.size(), false);
    auto mark = [&](const ast::Ref& r) {
      if (r.kind == ast::RefKind::local && r.index >= 0 &&
          static_cast<size_t>(r.index) < assigned.size())
        assigned[static_cast<size_t>(r.index)] = true;
    };
    for (const Instr& in : spec.groups[g].program.code) {
      if (in.stmt == nullptr) continue;
      if (in.kind == InstrKind::assign || in.kind == InstrKind::redis) mark(in.stmt->target_ref);
      if (in.kind == InstrKind::sql && in.stmt->sql)
        for (const auto& into : in.stmt->sql->into) mark(into.ref);
    }
  }

  for (const auto& p : spec.ast.properties) add_property(p.expr.get());
  tick_.writes.push_back(resource("clock"));
  for (size_t n = 0; n < spec.node_names.size(); ++n)
    tick_.writes.push_back(node_all(static_cast<int>(n)));
  node_restart_.resize(spec.faults.size());
  for (size_t fi = 0; fi < spec.faults.size(); ++fi) {
    if (spec.faults[fi].target != FaultTarget::node_restart) continue;
    const NodeGroup& ng = spec.node_groups[static_cast<size_t>(spec.faults[fi].group)];
    for (int m = 0; m < ng.count; ++m) node_restart_[fi].writes.push_back(node_all(ng.first + m));
  }

  procs_.resize(spec.procs.size());
  for (size_t p = 0; p < spec.procs.size(); ++p) build_process(static_cast<int>(p));

  // Every row and key is known now: whole tables and nodes can be spelled out.
  expand(tick_);
  for (auto& f : node_restart_) expand(f);
  expand(property_reads_);
  for (auto& info : procs_) {
    for (auto& f : info.step) expand(f);
    for (auto& f : info.future) expand(f);
    expand(info.whole);
    expand(info.rollback);
    for (size_t pc = 0; pc < info.step.size(); ++pc) info.visible[pc] = is_visible(info.step[pc]);
  }
}

uint32_t PartialOrder::resource(const std::string& name) const {
  auto it = resources_.find(name);
  if (it != resources_.end()) return it->second;
  auto id = static_cast<uint32_t>(resources_.size());
  resources_.emplace(name, id);
  return id;
}

int PartialOrder::table_of(const std::string& name) const {
  for (size_t i = 0; i < spec_.schema.tables.size(); ++i)
    if (spec_.schema.tables[i].name == name) return static_cast<int>(i);
  return -1;
}

void PartialOrder::expand(Footprint& fp) const {
  // "t3*" (all of table 3) stands for every "t3..." resource: its rows, its size, the rows no
  // statement names ("t3?"); "n1*" likewise for a Redis node's keys.
  auto spell = [&](std::vector<uint32_t>& ids) {
    std::vector<uint32_t> more;
    for (const auto& [name, id] : resources_) {
      if (name.empty() || name.back() != '*') continue;
      if (!std::binary_search(ids.begin(), ids.end(), id)) continue;
      std::string prefix = name.substr(0, name.size() - 1);
      for (auto it = resources_.lower_bound(prefix);
           it != resources_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        // "t1*" must not take "t12=..." (table 12): the prefix is followed by a marker.
        char c = it->first.size() > prefix.size() ? it->first[prefix.size()] : '\0';
        if (c == '=' || c == '?' || c == '#' || c == '*') more.push_back(it->second);
      }
    }
    ids.insert(ids.end(), more.begin(), more.end());
  };
  fp.normalize();
  spell(fp.reads);
  spell(fp.writes);
  fp.normalize();
}

std::optional<Value> PartialOrder::static_value(const ast::Expr* e, int p, int depth) const {
  if (e == nullptr || depth > 16) return std::nullopt;
  using K = ast::ExprKind;
  switch (e->kind) {
    case K::int_lit:
      return Value::integer(e->int_value);
    case K::text_lit:
      return spec_.text_literal(*e);
    case K::bool_lit:
      return Value::boolean(e->int_value != 0);
    case K::null_lit:
      return Value::null();
    case K::self:
      return Value::pid(p);
    case K::host:
      return e->args.empty() ? std::nullopt : static_value(e->args[0].get(), p, depth + 1);
    case K::name: {
      const ast::Ref& r = e->ref;
      if (r.kind == ast::RefKind::constant && r.index >= 0 &&
          static_cast<size_t>(r.index) < spec_.consts.size())
        return Value::integer(spec_.consts[static_cast<size_t>(r.index)]);
      if (r.kind == ast::RefKind::local) {
        const int g = spec_.procs[static_cast<size_t>(p)].group;
        const auto& locals = spec_.groups[static_cast<size_t>(g)].decl->locals;
        if (r.index < 0 || static_cast<size_t>(r.index) >= locals.size() ||
            assigned_locals_[static_cast<size_t>(g)][static_cast<size_t>(r.index)])
          return std::nullopt;
        const auto& decl = locals[static_cast<size_t>(r.index)];
        if (!decl.init) return Value::null();
        return static_value(decl.init.get(), p, depth + 1);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// The text of a Redis key word, as the interpreter builds it (Interpreter::eval_word/redis_key).
std::optional<std::string> PartialOrder::static_key(const ast::Word& w, int p) const {
  auto text_of = [&](const Value& v) -> std::string {
    if (v.type == Type::text) return spec_.pool.text(v.i);
    if (v.type == Type::null) return "";
    return spec_.value_text(v);
  };
  if (w.parts.size() == 1 && !w.parts[0].is_expr) {
    const std::string& t = w.parts[0].text;
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec == std::errc() && ptr == t.data() + t.size() && !t.empty()) return std::to_string(n);
    return t;
  }
  std::string out;
  for (const auto& part : w.parts) {
    if (!part.is_expr) {
      out += part.text;
      continue;
    }
    std::optional<Value> v = static_value(part.expr.get(), p);
    if (!v) return std::nullopt;
    out += text_of(*v);
  }
  return out;
}

void PartialOrder::add_expr(const ast::Expr* e, Footprint& fp,
                            std::vector<std::string>* fields) const {
  if (e == nullptr) return;
  using K = ast::ExprKind;
  switch (e->kind) {
    case K::name:
      if (e->ref.kind == ast::RefKind::shared)
        fp.reads.push_back(resource("v" + std::to_string(e->ref.index)));
      if (e->ref.kind == ast::RefKind::ghost)
        fp.reads.push_back(resource("g" + std::to_string(e->ref.index)));
      break;
    case K::now:
      fp.reads.push_back(resource("clock"));
      break;
    case K::index:
      // `cache['k']`, `node[2]['k']`: every key of every node of that declaration.
      for (const ast::Expr* base = e->args.empty() ? nullptr : e->args[0].get(); base != nullptr;
           base = base->args.empty() ? nullptr : base->args[0].get()) {
        if (base->kind == K::name && base->ref.kind == ast::RefKind::redis_node) {
          for (const auto& ng : spec_.node_groups) {
            if (ng.decl != &spec_.ast.redis[static_cast<size_t>(base->ref.index)]) continue;
            for (int m = 0; m < ng.count; ++m) fp.reads.push_back(node_all(ng.first + m));
          }
          break;
        }
        if (base->kind != K::index) break;
      }
      break;
    case K::field:
      if (fields != nullptr) {
        fields->push_back(e->text);
      } else {
        fp.reads_processes = true;
      }
      break;
    case K::quantifier:
      if (fields == nullptr) fp.reads_processes = true;
      break;
    case K::subquery:
      if (e->select) {
        int t = table_of(e->select->table);
        for (size_t i = 0; i < spec_.schema.tables.size(); ++i)
          if (t < 0 || static_cast<size_t>(t) == i)
            fp.reads.push_back(table_all(static_cast<int>(i)));
        add_expr(e->select->where.get(), fp, fields);
      }
      break;
    default:
      break;
  }
  for (const auto& arg : e->args) add_expr(arg.get(), fp, fields);
}

void PartialOrder::add_word_exprs(const ast::Word& w, Footprint& fp) const {
  for (const auto& part : w.parts)
    if (part.is_expr) add_expr(part.expr.get(), fp, nullptr);
}

void PartialOrder::add_target(const ast::Ref& ref, const std::string& name, Footprint& fp) const {
  switch (ref.kind) {
    case ast::RefKind::shared:
      fp.writes.push_back(resource("v" + std::to_string(ref.index)));
      break;
    case ast::RefKind::ghost:
      fp.writes.push_back(resource("g" + std::to_string(ref.index)));
      break;
    default:
      fp.write_local(name);
      break;
  }
}

void PartialOrder::add_sql(int p, const ast::SqlStmt& q, Footprint& fp) const {
  add_expr(q.where.get(), fp, nullptr);
  add_expr(q.limit.get(), fp, nullptr);
  for (const auto& s : q.sets) add_expr(s.value.get(), fp, nullptr);
  for (const auto& v : q.values) add_expr(v.get(), fp, nullptr);
  for (const auto& into : q.into) add_target(into.ref, into.name, fp);
  if (q.kind == ast::SqlKind::begin) return;  // the process's own transaction: nothing shared yet
  for (const char* b : {"found", "row_count", "sql_error"}) fp.write_local(b);
  if (q.kind == ast::SqlKind::commit || q.kind == ast::SqlKind::rollback) {
    const Footprint& rb = procs_[static_cast<size_t>(p)].rollback;
    fp.writes.insert(fp.writes.end(), rb.writes.begin(), rb.writes.end());
    return;
  }
  const int t = table_of(q.table);
  if (t < 0) {  // cannot happen after resolution; every table then
    for (size_t i = 0; i < spec_.schema.tables.size(); ++i)
      fp.writes.push_back(table_all(static_cast<int>(i)));
    return;
  }
  const sql::TableSchema& table = spec_.schema.tables[static_cast<size_t>(t)];
  const std::string tname = "t" + std::to_string(t);
  // The row a statement is pinned to: `pk = v` among the WHERE's top-level conjuncts, or the
  // key an INSERT gives.
  std::optional<Value> key;
  if (table.primary_key.size() == 1) {
    const std::string& pk = table.columns[static_cast<size_t>(table.primary_key[0])];
    if (q.kind == ast::SqlKind::insert) {
      size_t at = static_cast<size_t>(table.primary_key[0]);
      if (!q.columns.empty()) {
        auto it = std::find(q.columns.begin(), q.columns.end(), pk);
        at = it == q.columns.end() ? q.values.size() : static_cast<size_t>(it - q.columns.begin());
      }
      if (at < q.values.size()) key = static_value(q.values[at].get(), p);
    } else {
      std::vector<const ast::Expr*> todo{q.where.get()};
      while (!todo.empty() && !key) {
        const ast::Expr* e = todo.back();
        todo.pop_back();
        if (e == nullptr || e->kind != ast::ExprKind::binary || e->args.size() != 2) continue;
        if (e->op == ast::Op::and_) {
          todo.push_back(e->args[0].get());
          todo.push_back(e->args[1].get());
        } else if (e->op == ast::Op::eq) {
          for (int side = 0; side < 2 && !key; ++side) {
            const ast::Expr* col = e->args[static_cast<size_t>(side)].get();
            if (col->kind == ast::ExprKind::column && col->text == pk)
              key = static_value(e->args[static_cast<size_t>(1 - side)].get(), p);
          }
        }
      }
    }
    // An UPDATE that moves a row to another key touches the table.
    for (const auto& s : q.sets)
      if (s.column == pk) key.reset();
  }
  const bool writes = q.kind != ast::SqlKind::select || q.lock != ast::LockMode::none;
  auto& into = writes ? fp.writes : fp.reads;
  if (!key) {
    into.push_back(table_all(t));
    return;
  }
  into.push_back(resource(tname + "=" + spec_.value_text(*key)));
  if (q.kind == ast::SqlKind::insert || q.kind == ast::SqlKind::delete_)
    fp.writes.push_back(resource(tname + "#"));  // the row count (`max N rows`)
}

void PartialOrder::add_redis(int p, const ast::RedisCmd& c, Footprint& fp) const {
  const bool reads_only =
      c.op == ast::RedisOp::get || c.op == ast::RedisOp::exists || c.op == ast::RedisOp::ttl;
  auto& into = reads_only ? fp.reads : fp.writes;
  fp.reads.push_back(resource("clock"));  // deadlines and TTLs count from now()
  add_expr(c.node_index.get(), fp, nullptr);
  for (const auto& k : c.keys) add_word_exprs(k, fp);
  if (c.value) add_word_exprs(*c.value, fp);
  if (c.ttl) add_word_exprs(*c.ttl, fp);
  // The node: one when its index is known, else every node of the declaration.
  std::vector<int> nodes;
  for (const auto& ng : spec_.node_groups) {
    if (ng.decl != &spec_.ast.redis[static_cast<size_t>(c.node_ref.index)]) continue;
    std::optional<Value> i = c.node_index ? static_value(c.node_index.get(), p) : std::nullopt;
    int64_t at = c.node_index ? (i && i->type == Type::int_ ? i->i - 1 : -1) : 0;
    if (at >= 0 && at < ng.count) {
      nodes.push_back(ng.first + static_cast<int>(at));
    } else {
      for (int m = 0; m < ng.count; ++m) nodes.push_back(ng.first + m);
    }
  }
  for (int n : nodes) {
    for (const auto& k : c.keys) {
      std::optional<std::string> key = static_key(k, p);
      into.push_back(key ? resource("n" + std::to_string(n) + "=" + *key) : node_all(n));
    }
  }
}

void PartialOrder::add_instr(int p, const Instr& in, Footprint& fp) const {
  if (in.stmt == nullptr) return;
  const ast::Stmt& st = *in.stmt;
  switch (in.kind) {
    case InstrKind::assign:
      add_target(st.target_ref, st.target, fp);
      add_expr(st.expr.get(), fp, nullptr);
      break;
    case InstrKind::branch:
    case InstrKind::assert_:
    case InstrKind::await_:
      add_expr(st.expr.get(), fp, nullptr);
      break;
    case InstrKind::sleep:
      add_expr(st.expr.get(), fp, nullptr);
      fp.reads.push_back(resource("clock"));
      break;
    case InstrKind::sql:
      if (st.sql) add_sql(p, *st.sql, fp);
      break;
    case InstrKind::redis:
      if (st.redis) add_redis(p, *st.redis, fp);
      if (!st.target.empty()) add_target(st.target_ref, st.target, fp);
      break;
    case InstrKind::jump:
    case InstrKind::done:
    case InstrKind::atomic_begin:
    case InstrKind::atomic_end:
      break;
  }
}

// The local statements run from `from` on (with the interaction before them), up to the next
// interactions, which are collected in `next`.
void PartialOrder::walk_locals(int p, int from, Footprint& fp, std::vector<int>& next) const {
  const Program& prog =
      spec_.groups[static_cast<size_t>(spec_.procs[static_cast<size_t>(p)].group)].program;
  const int n = static_cast<int>(prog.code.size());
  // Stamps instead of a fresh visited set per walk: a walk costs what it visits.
  if (seen_.size() < static_cast<size_t>(n) + 1) seen_.resize(static_cast<size_t>(n) + 1, 0);
  const uint32_t stamp = ++stamp_;
  std::vector<int> todo{from};
  while (!todo.empty()) {
    int j = todo.back();
    todo.pop_back();
    if (j < 0 || j > n || seen_[static_cast<size_t>(j)] == stamp) continue;
    seen_[static_cast<size_t>(j)] = stamp;
    if (j == n) {
      fp.may_finish = true;
      continue;
    }
    const Instr& in = prog.code[static_cast<size_t>(j)];
    if (in.interaction) {
      next.push_back(j);
      if (in.kind == InstrKind::sleep) {  // arriving at a sleep sets its wake-up tick
        add_expr(in.stmt->expr.get(), fp, nullptr);
        fp.reads.push_back(resource("clock"));
      }
      continue;
    }
    add_instr(p, in, fp);
    switch (in.kind) {
      case InstrKind::done:
        fp.may_finish = true;
        break;
      case InstrKind::branch:
        todo.push_back(j + 1);
        todo.push_back(in.target);
        break;
      case InstrKind::jump:
        todo.push_back(in.target);
        break;
      default:
        todo.push_back(j + 1);
        break;
    }
  }
}

void PartialOrder::build_process(int p) {
  const Group& group = spec_.groups[static_cast<size_t>(spec_.procs[static_cast<size_t>(p)].group)];
  const Program& prog = group.program;
  const int n = static_cast<int>(prog.code.size());
  ProcInfo& info = procs_[static_cast<size_t>(p)];
  info.step.assign(static_cast<size_t>(n) + 1, Footprint{});
  info.future.assign(static_cast<size_t>(n) + 1, Footprint{});
  info.visible.assign(static_cast<size_t>(n) + 1, true);

  // What a rollback (COMMIT, ROLLBACK, a crash, an abort, the end of the program) may release
  // or undo: every row the program writes or locks.
  bool uses_db = false;
  for (const Instr& in : prog.code) {
    if (in.kind != InstrKind::sql || !in.stmt->sql) continue;
    uses_db = true;
    const ast::SqlKind k = in.stmt->sql->kind;
    if (k == ast::SqlKind::begin || k == ast::SqlKind::commit || k == ast::SqlKind::rollback)
      continue;
    Footprint fp;
    add_sql(p, *in.stmt->sql, fp);
    info.rollback.writes.insert(info.rollback.writes.end(), fp.writes.begin(), fp.writes.end());
  }
  info.rollback.normalize();

  std::vector<std::vector<int>> next(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const Instr& in = prog.code[static_cast<size_t>(i)];
    if (!in.interaction) continue;
    Footprint& fp = info.step[static_cast<size_t>(i)];
    auto& succ = next[static_cast<size_t>(i)];
    add_instr(p, in, fp);
    if (in.kind == InstrKind::atomic_begin) {
      // The block runs whole: every statement inside it, whatever path it takes.
      for (int j = i + 1; j < in.target && j < n; ++j) {
        const Instr& inner = prog.code[static_cast<size_t>(j)];
        add_instr(p, inner, fp);
        if (inner.kind == InstrKind::done) fp.may_finish = true;
      }
      walk_locals(p, in.target + 1, fp, succ);
    } else if (in.kind == InstrKind::branch) {
      walk_locals(p, i + 1, fp, succ);
      walk_locals(p, in.target, fp, succ);
    } else {
      walk_locals(p, i + 1, fp, succ);
    }
    // A finished program's connection closes, rolling back what it left open.
    if (fp.may_finish && uses_db)
      fp.writes.insert(fp.writes.end(), info.rollback.writes.begin(), info.rollback.writes.end());
    fp.normalize();
  }
  // future(i) = step(i) and the futures of the steps after it: a fixpoint, from the end
  // backwards (loops take a few more rounds).
  for (int i = 0; i < n; ++i) {
    info.future[static_cast<size_t>(i)] = info.step[static_cast<size_t>(i)];
    if (prog.code[static_cast<size_t>(i)].interaction)
      info.whole.add(info.step[static_cast<size_t>(i)]);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = n - 1; i >= 0; --i) {
      if (!prog.code[static_cast<size_t>(i)].interaction) continue;
      Footprint& fut = info.future[static_cast<size_t>(i)];
      for (int k : next[static_cast<size_t>(i)]) {
        if (k == i) continue;
        size_t before = fut.reads.size() + fut.writes.size() + fut.locals_written.size();
        bool finish = fut.may_finish, procs = fut.reads_processes;
        fut.add(info.future[static_cast<size_t>(k)]);
        if (fut.reads.size() + fut.writes.size() + fut.locals_written.size() != before ||
            fut.may_finish != finish || fut.reads_processes != procs)
          changed = true;
      }
    }
  }
  // A restart runs the locals before the first interaction again.
  std::vector<int> ignored;
  walk_locals(p, 0, info.whole, ignored);
  for (const auto& decl : group.decl->locals) add_expr(decl.init.get(), info.whole, nullptr);
  info.whole.normalize();
}

void PartialOrder::add_property(const ast::Expr* e) {
  std::vector<std::string> fields;
  add_expr(e, property_reads_, &fields);
  for (auto& f : fields) {
    if (f == "done") property_reads_done_ = true;
    property_fields_.push_back(std::move(f));
  }
}

bool PartialOrder::is_visible(const Footprint& fp) const {
  if (intersects(fp.writes, property_reads_.reads)) return true;
  if (fp.may_finish && property_reads_done_) return true;
  for (const auto& n : fp.locals_written)
    if (std::find(property_fields_.begin(), property_fields_.end(), n) != property_fields_.end())
      return true;
  return false;
}

bool PartialOrder::budget_left(const State& s, size_t fault) const {
  if (s.faults_used[fault] >= spec_.faults[fault].budget) return false;
  return spec_.total_fault_budget < 0 || s.faults_total < spec_.total_fault_budget;
}

bool PartialOrder::candidate(const State& s, int p) const {
  if (!active_) return false;
  const ProcState& ps = s.procs[static_cast<size_t>(p)];
  const int g = spec_.procs[static_cast<size_t>(p)].group;
  const Program& prog = spec_.groups[static_cast<size_t>(g)].program;
  const int n = static_cast<int>(prog.code.size());
  if (ps.status != ProcStatus::running || ps.pc < 0 || ps.pc >= n) return false;
  const auto pc = static_cast<size_t>(ps.pc);
  const ProcInfo& info = procs_[static_cast<size_t>(p)];
  if (!prog.code[pc].interaction || info.visible[pc]) return false;
  const Footprint& fp = info.step[pc];

  // The environment: ticks, faults, the deadlock detector.
  if (spec_.has_clock && (spec_.clock_relative || s.clock < spec_.clock_max) && fp.conflicts(tick_))
    return false;
  std::vector<bool> restarts(spec_.groups.size(), false);
  for (size_t fi = 0; fi < spec_.faults.size(); ++fi) {
    if (!budget_left(s, fi)) continue;
    const Fault& f = spec_.faults[fi];
    if (f.target == FaultTarget::node_restart) {
      if (fp.conflicts(node_restart_[fi])) return false;
      continue;
    }
    if (f.group == g) return false;  // p could crash before its step
    restarts[static_cast<size_t>(f.group)] =
        f.decl->restart || restarts[static_cast<size_t>(f.group)];
    const Group& fg = spec_.groups[static_cast<size_t>(f.group)];
    for (int m = 0; m < fg.count; ++m) {  // a crash rolls back the crashed process's writes
      const auto q = static_cast<size_t>(fg.first + m);
      if (s.procs[q].status == ProcStatus::running && fp.conflicts(procs_[q].rollback))
        return false;
    }
  }

  // Every step the other live processes can still take, and their aborts.
  for (size_t q = 0; q < s.procs.size(); ++q) {
    if (static_cast<int>(q) == p || s.procs[q].status != ProcStatus::running) continue;
    const int gq = spec_.procs[q].group;
    const ProcInfo& other = procs_[q];
    const int nq = static_cast<int>(spec_.groups[static_cast<size_t>(gq)].program.code.size());
    const int pcq = s.procs[q].pc;
    const Footprint& future = restarts[static_cast<size_t>(gq)] ? other.whole
                              : (pcq >= 0 && pcq < nq) ? other.future[static_cast<size_t>(pcq)]
                                                       : other.future[static_cast<size_t>(nq)];
    if (fp.conflicts(future)) return false;
    if (spec_.detect_deadlocks && fp.conflicts(other.rollback)) return false;
  }
  return true;
}

}  // namespace lockcheck::compile
