#include "checker/compile/compiled_spec.h"

#include <fmt/format.h>

#include <limits>

namespace lockcheck::compile {

namespace {

sql::Op lower_op(ast::Op op) {
  switch (op) {
    case ast::Op::add:
      return sql::Op::add;
    case ast::Op::sub:
      return sql::Op::sub;
    case ast::Op::mul:
      return sql::Op::mul;
    case ast::Op::div:
      return sql::Op::div;
    case ast::Op::mod:
      return sql::Op::mod;
    case ast::Op::eq:
      return sql::Op::eq;
    case ast::Op::ne:
      return sql::Op::ne;
    case ast::Op::lt:
      return sql::Op::lt;
    case ast::Op::le:
      return sql::Op::le;
    case ast::Op::gt:
      return sql::Op::gt;
    case ast::Op::ge:
      return sql::Op::ge;
    case ast::Op::and_:
      return sql::Op::and_;
    case ast::Op::or_:
      return sql::Op::or_;
    case ast::Op::neg:
      return sql::Op::neg;
    case ast::Op::not_:
      return sql::Op::not_;
    case ast::Op::implies:
    case ast::Op::leads_to:
    case ast::Op::none:
      break;
  }
  return sql::Op::eq;
}

sql::ColumnType lower_type(ast::ColumnType t) {
  switch (t) {
    case ast::ColumnType::int_:
      return sql::ColumnType::int_;
    case ast::ColumnType::text:
      return sql::ColumnType::text;
    case ast::ColumnType::bool_:
      return sql::ColumnType::bool_;
    case ast::ColumnType::pid:
      return sql::ColumnType::pid;
  }
  return sql::ColumnType::int_;
}

}  // namespace

class SpecBuilder {
 public:
  SpecBuilder(CompiledSpec& out, Diagnostics& diags) : out_(out), diags_(diags) {}

  bool build(const std::vector<std::pair<std::string, int64_t>>& overrides) {
    const ast::Spec& spec = out_.ast;
    consts(overrides);
    if (diags_.has_errors()) return false;
    processes();
    redis_nodes();
    database();
    if (spec.clock) {
      out_.has_clock = true;
      out_.clock_relative = spec.clock->relative;
      if (!spec.clock->relative)
        out_.clock_max = const_bound(spec.clock->max.get(), 0, "the clock's max");
    }
    faults();
    for (const auto& g : out_.groups) {
      for (const auto& l : g.decl->locals) walk_expr(l.init.get());
      for (const auto& s : g.decl->body) walk_stmt(*s);
    }
    for (const auto& p : spec.properties) walk_expr(p.expr.get());
    tables_without_room();
    dead_locals();
    for (auto& g : out_.groups)
      for (const Instr& in : g.program.code)
        if (in.kind == InstrKind::sql && in.stmt->sql && out_.sql_.count(in.stmt->sql.get())) {
          sql::Statement& st = out_.sql_.at(in.stmt->sql.get()).stmt;
          g.sql_reads_now = g.sql_reads_now || reads_now(st);
          // SERIALIZABLE reads name their predicates by statement (in program order, so that
          // states encode alike in every run).
          if (st.id < 0) {
            st.id = static_cast<int>(out_.schema.statements.size());
            out_.schema.statements.push_back(&st);
          }
        }
    for (const auto& g : out_.groups)
      if (out_.clock_relative && g.sql_reads_now)
        diags_.error(g.decl->loc,
                     fmt::format("now() in SQL with clock relative is not supported yet (a "
                                 "statement of '{}' reads it); use clock max",
                                 g.decl->name));
    return !diags_.has_errors();
  }

  static bool reads_now(const sql::Expr& e) {
    if (e.kind == sql::ExprKind::now) return true;
    for (const auto& a : e.args)
      if (reads_now(a)) return true;
    return false;
  }
  static bool reads_now(const sql::Statement& st) {
    if (st.where && reads_now(*st.where)) return true;
    if (st.limit && reads_now(*st.limit)) return true;
    for (const auto& [c, e] : st.sets)
      if (reads_now(e)) return true;
    for (const auto& e : st.values)
      if (reads_now(e)) return true;
    return false;
  }

 private:
  CompiledSpec& out_;
  Diagnostics& diags_;

  // ---- constants ----
  void consts(const std::vector<std::pair<std::string, int64_t>>& overrides) {
    const ast::Spec& spec = out_.ast;
    for (const auto& [name, value] : overrides) {
      bool known = false;
      for (const auto& c : spec.consts) known = known || c.name == name;
      if (!known) {
        std::vector<std::string> names;
        for (const auto& c : spec.consts) names.push_back(c.name);
        std::string hint = closest_match(name, names);
        diags_.error({},
                     fmt::format("--const {}: the spec declares no constant '{}'{}", name, name,
                                 hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
      }
    }
    for (const auto& c : spec.consts) {
      int64_t v = 0;
      bool overridden = false;
      for (const auto& [name, value] : overrides)
        if (name == c.name) {
          v = value;
          overridden = true;
        }
      if (!overridden) v = const_int(c.value.get(), 0, fmt::format("constant '{}'", c.name));
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        diags_.error({}, fmt::format("--const {}={}: out of range (an int is -2147483648 to "
                                     "2147483647)",
                                     c.name, v));
        v = 0;
      }
      out_.consts.push_back(v);
    }
  }

  // Evaluates a constant integer expression (literals, constants, arithmetic).
  int64_t const_int(const ast::Expr* e, int64_t fallback, const std::string& what) {
    if (e == nullptr) return fallback;
    bool ok = true;
    int64_t v = eval_const(e, ok);
    if (!ok) {
      diags_.error(e->loc, fmt::format("{} must be a constant integer expression", what));
      return fallback;
    }
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      diags_.error(e->loc, fmt::format("{} is out of range ({})", what, v));
      return fallback;
    }
    return v;
  }

  // A bound (a clock's max, a fault budget, a table's rows): an integer of 0 or more.
  int64_t const_bound(const ast::Expr* e, int64_t fallback, const std::string& what) {
    int64_t v = const_int(e, fallback, what);
    if (e != nullptr && v < 0) {
      diags_.error(e->loc, fmt::format("{} must be 0 or more, not {}", what, v));
      return fallback;
    }
    return v;
  }

  int64_t eval_const(const ast::Expr* e, bool& ok) {
    using K = ast::ExprKind;
    switch (e->kind) {
      case K::int_lit:
        return e->int_value;
      case K::name:
        if (e->ref.kind == ast::RefKind::constant && e->ref.index >= 0 &&
            e->ref.index < static_cast<int>(out_.consts.size()))
          return out_.consts[e->ref.index];
        ok = false;
        return 0;
      case K::unary:
        if (e->op == ast::Op::neg) return -eval_const(e->args[0].get(), ok);
        ok = false;
        return 0;
      case K::binary: {
        int64_t a = eval_const(e->args[0].get(), ok);
        int64_t b = eval_const(e->args[1].get(), ok);
        if (!ok) return 0;
        if (a > (1LL << 31) || a < -(1LL << 31) || b > (1LL << 31) || b < -(1LL << 31)) {
          ok = false;
          return 0;
        }
        switch (e->op) {
          case ast::Op::add:
            return a + b;
          case ast::Op::sub:
            return a - b;
          case ast::Op::mul:
            return a * b;
          case ast::Op::div:
            if (b == 0) break;
            return a / b;
          case ast::Op::mod:
            if (b == 0) break;
            return a % b;
          default:
            break;
        }
        ok = false;
        return 0;
      }
      default:
        ok = false;
        return 0;
    }
  }

  // ---- processes ----
  void processes() {
    constexpr int64_t kMaxProcesses = 64;
    int total = 0;
    for (const auto& p : out_.ast.processes) {
      Group g;
      g.decl = &p;
      g.array = p.lo != nullptr;
      int64_t lo = 0, hi = 0;
      if (g.array) {
        lo = const_int(p.lo.get(), 1, "a process range bound");
        hi = const_int(p.hi.get(), 1, "a process range bound");
        if (hi < lo) {
          diags_.error(p.loc, fmt::format("process group '{}' is empty ({}..{})", p.name, lo, hi));
          hi = lo - 1;
        }
      }
      int64_t count = g.array ? hi - lo + 1 : 1;
      if (total + count > kMaxProcesses) {
        diags_.error(p.loc, fmt::format("too many processes: at most {} in all", kMaxProcesses));
        count = 0;
      }
      g.lo = lo;
      g.first = total;
      g.count = static_cast<int>(count);
      g.program = lower_process(p);
      for (const auto& l : p.locals) g.local_names.push_back(l.name);
      for (const char* b : {"found", "row_count", "sql_error"}) g.local_names.push_back(b);
      int gi = static_cast<int>(out_.groups.size());
      for (int64_t m = 0; m < count; ++m) {
        ProcessInstance inst;
        inst.group = gi;
        inst.member = g.array ? lo + m : 0;
        inst.name = g.array ? fmt::format("{}[{}]", p.name, lo + m) : p.name;
        out_.procs.push_back(inst);
      }
      total += static_cast<int>(count);
      out_.groups.push_back(std::move(g));
    }
  }

  void redis_nodes() {
    constexpr int64_t kMaxNodes = 16;
    for (const auto& r : out_.ast.redis) {
      NodeGroup g;
      g.decl = &r;
      g.array = r.count != nullptr;
      g.first = static_cast<int>(out_.node_names.size());
      g.count = g.array ? static_cast<int>(const_int(r.count.get(), 1, "a node count")) : 1;
      if (g.count < 1 || g.first + g.count > kMaxNodes) {
        diags_.error(r.loc, fmt::format("'{}' must have 1 to {} nodes", r.name, kMaxNodes));
        g.count = 0;
      }
      for (int i = 0; i < g.count; ++i)
        out_.node_names.push_back(g.array ? fmt::format("{}[{}]", r.name, i + 1) : r.name);
      out_.node_groups.push_back(g);
    }
  }

  void database() {
    const auto& db = out_.ast.database;
    if (!db) return;
    out_.has_db = true;
    out_.db_name = db->name;
    out_.detect_deadlocks = db->detect_deadlocks;
    out_.schema.queue_waiters = db->detect_deadlocks;
    out_.schema.default_isolation = lower_isolation(db->isolation);
    if (db->isolation != ast::Isolation::read_committed) out_.schema.snapshots = true;
    if (db->isolation == ast::Isolation::serializable) out_.schema.serializable = true;
    out_.schema.ssi_table = db->ssi_table;
    for (const auto& t : db->tables) {
      sql::TableSchema ts;
      ts.name = t.name;
      for (const auto& c : t.columns) {
        ts.columns.push_back(c.name);
        ts.types.push_back(lower_type(c.type));
      }
      ts.primary_key = t.primary_key;
      ts.max_rows = -1;
      if (t.max_rows) ts.max_rows = static_cast<int>(const_bound(t.max_rows.get(), 0, "max rows"));
      out_.schema.tables.push_back(std::move(ts));
    }
    out_.initial_rows.resize(db->tables.size());
    for (const auto& ins : db->inserts) {
      int t = table_index(ins.table);
      if (t < 0) continue;
      const auto& ts = out_.schema.tables[t];
      for (const auto& values : ins.rows) {
        std::vector<Value> row(ts.columns.size());
        for (size_t i = 0; i < values.size(); ++i) {
          int col = static_cast<int>(i);
          if (!ins.columns.empty()) col = column_index(ts, ins.columns[i]);
          if (col < 0 || col >= static_cast<int>(row.size())) continue;
          row[col] = const_value(values[i].get());
        }
        out_.initial_rows[t].push_back(std::move(row));
      }
    }
    for (size_t t = 0; t < out_.schema.tables.size(); ++t) {
      auto& ts = out_.schema.tables[t];
      if (ts.max_rows < 0) ts.max_rows = static_cast<int>(out_.initial_rows[t].size());
      if (ts.max_rows > 64)
        diags_.error(db->tables[t].max_rows ? db->tables[t].max_rows->loc : db->tables[t].loc,
                     fmt::format("table '{}' may hold at most 64 rows in a model (max {} rows)",
                                 ts.name, ts.max_rows));
    }
  }

  // A table that starts empty and declares no `max N rows` holds no row, so an INSERT into it
  // could only fail, as a model error at check time: it is a spec error at the table instead.
  void tables_without_room() {
    if (!out_.ast.database) return;
    const auto& tables = out_.ast.database->tables;
    std::vector<SourceLoc> first_insert(tables.size());
    for (const auto& [stmt, lowered] : out_.sql_) {
      int t = lowered.stmt.table;
      if (stmt->kind != ast::SqlKind::insert || t < 0 || t >= static_cast<int>(tables.size()))
        continue;
      if (!first_insert[t].valid() || stmt->loc < first_insert[t]) first_insert[t] = stmt->loc;
    }
    for (size_t t = 0; t < tables.size(); ++t) {
      if (!first_insert[t].valid() || tables[t].max_rows || out_.schema.tables[t].max_rows != 0)
        continue;
      diags_.error(tables[t].loc,
                   fmt::format("table '{}' has no initial rows and no `max N rows`, so it can "
                               "hold no row, but line {} inserts into it; add `max N rows` after "
                               "its columns",
                               tables[t].name, first_insert[t].line));
    }
  }

  Value const_value(const ast::Expr* e) {
    using K = ast::ExprKind;
    switch (e->kind) {
      case K::text_lit:
        return Value::text(out_.pool.intern(e->text));
      case K::bool_lit:
        return Value::boolean(e->int_value != 0);
      case K::null_lit:
        return Value::null();
      default:
        return Value::integer(const_int(e, 0, "an initial value"));
    }
  }

  int table_index(const std::string& name) const {
    for (size_t i = 0; i < out_.schema.tables.size(); ++i)
      if (out_.schema.tables[i].name == name) return static_cast<int>(i);
    return -1;
  }
  static int column_index(const sql::TableSchema& t, const std::string& name) {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i] == name) return static_cast<int>(i);
    return -1;
  }

  void faults() {
    const ast::Spec& spec = out_.ast;
    for (const auto& f : spec.faults) {
      Fault fault;
      fault.decl = &f;
      fault.budget = const_bound(f.at_most.get(), 0, "a fault budget");
      if (f.kind == ast::FaultKind::crash) {
        fault.target = FaultTarget::process_crash;
        fault.group = find_group(f.target);
      } else if (f.kind == ast::FaultKind::restart_node) {
        fault.target = FaultTarget::node_restart;
        fault.group = -1;
        for (size_t i = 0; i < out_.node_groups.size(); ++i)
          if (out_.node_groups[i].decl->name == f.target) fault.group = static_cast<int>(i);
      } else {
        continue;  // phase 2: the resolver refused it
      }
      if (fault.group < 0) continue;
      out_.faults.push_back(fault);
    }
    if (spec.total_fault_budget)
      out_.total_fault_budget = const_bound(spec.total_fault_budget.get(), 0, "the fault budget");
  }

  int find_group(const std::string& name) const {
    for (size_t i = 0; i < out_.groups.size(); ++i)
      if (out_.groups[i].decl->name == name) return static_cast<int>(i);
    return -1;
  }

  // ---- dead locals ----
  // Marks which locals properties can read (`client[2].tries`, `c.tries` in a quantifier): only
  // properties read another process's state (the resolver refuses `.x` elsewhere). The others
  // are reset when their process is done or crashed for good.
  void dead_locals() {
    std::vector<std::vector<bool>> read(out_.groups.size());
    for (size_t g = 0; g < out_.groups.size(); ++g)
      read[g].assign(out_.groups[g].local_names.size(), false);
    std::vector<int> bound;  // the groups of the quantified variables in scope, outermost first
    for (const auto& p : out_.ast.properties) mark_reads(p.expr.get(), bound, read);
    for (size_t gi = 0; gi < out_.groups.size(); ++gi) {
      Group& g = out_.groups[gi];
      size_t n = g.decl->locals.size();
      g.dead_when_finished.assign(g.local_names.size(), false);
      g.finished_value.assign(g.local_names.size(), Value::null());
      for (size_t i = 0; i < g.local_names.size(); ++i) {
        g.dead_when_finished[i] = !read[gi][i];
        if (i < n) g.finished_value[i] = constant_initial(g.decl->locals[i].init.get());
      }
      g.finished_value[n] = Value::boolean(false);  // found
      g.finished_value[n + 1] = Value::integer(0);  // row_count
      g.finished_value[n + 2] = out_.empty_text();  // sql_error
    }
  }

  void mark_reads(const ast::Expr* e, std::vector<int>& bound,
                  std::vector<std::vector<bool>>& read) {
    if (e == nullptr) return;
    if (e->kind == ast::ExprKind::quantifier) {
      bound.push_back(e->ref.index);
      for (const auto& a : e->args) mark_reads(a.get(), bound, read);
      bound.pop_back();
      return;
    }
    if (e->kind == ast::ExprKind::field && !e->args.empty()) {
      const ast::Expr& base = *e->args[0];
      int group = -1;
      if (base.kind == ast::ExprKind::name && base.ref.kind == ast::RefKind::quantified &&
          base.ref.index >= 0 && base.ref.index < static_cast<int>(bound.size()))
        group = bound[base.ref.index];
      else if (base.kind == ast::ExprKind::name && base.ref.kind == ast::RefKind::process_group)
        group = base.ref.index;
      else if (base.kind == ast::ExprKind::index && !base.args.empty() &&
               base.args[0]->kind == ast::ExprKind::name &&
               base.args[0]->ref.kind == ast::RefKind::process_group)
        group = base.args[0]->ref.index;
      for (size_t g = 0; g < read.size(); ++g) {
        // A base whose group is not known here: the local is read in every group that has it.
        if (group >= 0 && static_cast<int>(g) != group) continue;
        const auto& names = out_.groups[g].local_names;
        for (size_t i = 0; i < names.size(); ++i)
          if (names[i] == e->text) read[g][i] = true;
      }
    }
    for (const auto& a : e->args) mark_reads(a.get(), bound, read);
  }

  // A local's initial value when it is a constant, else null (which `self`, shared variables
  // and other non-constant initialisers get). Never reports: a bad constant is reported where
  // the process starts.
  Value constant_initial(const ast::Expr* e) {
    if (e == nullptr) return Value::null();
    switch (e->kind) {
      case ast::ExprKind::text_lit:
        return Value::text(out_.pool.intern(e->text));
      case ast::ExprKind::bool_lit:
        return Value::boolean(e->int_value != 0);
      case ast::ExprKind::null_lit:
        return Value::null();
      default:
        break;
    }
    bool ok = true;
    int64_t v = eval_const(e, ok);
    if (!ok || v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      return Value::null();
    return Value::integer(v);
  }

  // ---- SQL lowering and other per-statement facts ----
  void walk_stmt(const ast::Stmt& s) {
    if (s.kind == ast::StmtKind::assert_) out_.has_asserts = true;
    if (s.sql) lower_sql(*s.sql);
    walk_expr(s.expr.get());
    if (s.redis) {
      walk_expr(s.redis->node_index.get());
      for (const auto& w : s.redis->keys) walk_word(w);
      if (s.redis->value) walk_word(*s.redis->value);
      if (s.redis->ttl) walk_word(*s.redis->ttl);
    }
    for (const auto& b : s.body) walk_stmt(*b);
    for (const auto& b : s.else_body) walk_stmt(*b);
  }
  void walk_word(const ast::Word& w) {
    for (const auto& p : w.parts) walk_expr(p.expr.get());
  }
  void walk_expr(const ast::Expr* e) {
    if (e == nullptr) return;
    if (e->kind == ast::ExprKind::now && out_.clock_relative)
      diags_.error(e->loc,
                   "now() with clock relative is not supported yet: time values are not yet "
                   "kept relative to now(); use sleep and Redis expiries, or clock max");
    if (e->kind == ast::ExprKind::text_lit) out_.text_ids_[e] = out_.pool.intern(e->text);
    if (e->kind == ast::ExprKind::index && !e->args.empty() &&
        e->args[0]->kind == ast::ExprKind::name &&
        e->args[0]->ref.kind == ast::RefKind::process_group) {
      int g = e->args[0]->ref.index;
      if (g >= 0 && g < static_cast<int>(out_.groups.size())) out_.groups[g].named = true;
    }
    if (e->select) lower_sql(*e->select);
    for (const auto& a : e->args) walk_expr(a.get());
  }

  void lower_sql(const ast::SqlStmt& s) {
    LoweredSql l;
    sql::Statement& st = l.stmt;
    switch (s.kind) {
      case ast::SqlKind::begin:
        // Transaction modes are state when a level above READ COMMITTED or READ ONLY is used.
        if ((s.isolation_given && s.isolation != ast::Isolation::read_committed) || s.read_only)
          out_.schema.snapshots = true;
        if (s.isolation_given && s.isolation == ast::Isolation::serializable)
          out_.schema.serializable = true;
        out_.sql_[&s] = std::move(l);
        return;
      case ast::SqlKind::commit:
        st.kind = sql::StatementKind::commit;
        break;
      case ast::SqlKind::rollback:
        st.kind = sql::StatementKind::rollback;
        break;
      case ast::SqlKind::select:
        st.kind = sql::StatementKind::select;
        break;
      case ast::SqlKind::update:
        st.kind = sql::StatementKind::update;
        break;
      case ast::SqlKind::insert:
        st.kind = sql::StatementKind::insert;
        break;
      case ast::SqlKind::delete_:
        st.kind = sql::StatementKind::delete_;
        break;
    }
    if (s.kind == ast::SqlKind::commit || s.kind == ast::SqlKind::rollback) {
      out_.sql_[&s] = std::move(l);
      return;
    }
    st.table = table_index(s.table);
    if (st.table < 0) return;  // the resolver reported it
    const auto& ts = out_.schema.tables[st.table];
    auto items = [&](const std::vector<ast::SelectItem>& in) {
      for (const auto& it : in) {
        if (it.star && it.agg == ast::Aggregate::none) {
          for (size_t c = 0; c < ts.columns.size(); ++c) {
            st.items.push_back({sql::Aggregate::none, static_cast<int>(c)});
            l.item_names.push_back(ts.columns[c]);
          }
          continue;
        }
        sql::SelectItem item;
        item.column = it.agg == ast::Aggregate::count_star ? -1 : column_index(ts, it.column);
        switch (it.agg) {
          case ast::Aggregate::none:
            item.agg = sql::Aggregate::none;
            break;
          case ast::Aggregate::count_star:
            item.agg = sql::Aggregate::count_star;
            break;
          case ast::Aggregate::count:
            item.agg = sql::Aggregate::count;
            break;
          case ast::Aggregate::sum:
            item.agg = sql::Aggregate::sum;
            break;
          case ast::Aggregate::min:
            item.agg = sql::Aggregate::min;
            break;
          case ast::Aggregate::max:
            item.agg = sql::Aggregate::max;
            break;
        }
        st.items.push_back(item);
        switch (it.agg) {
          case ast::Aggregate::count_star:
            l.item_names.push_back("count");
            break;
          case ast::Aggregate::none:
            l.item_names.push_back(it.column);
            break;
          default:
            l.item_names.push_back(it.column);
            break;
        }
      }
    };
    if (s.kind == ast::SqlKind::select)
      items(s.items);
    else
      items(s.returning);
    if (s.where) st.where = lower_expr(*s.where, ts, l);
    if (!s.order_by.empty()) st.order_by = column_index(ts, s.order_by);
    st.order_desc = s.order_desc;
    if (s.limit) st.limit = lower_expr(*s.limit, ts, l);
    switch (s.lock) {
      case ast::LockMode::none:
        st.lock = sql::LockMode::none;
        break;
      case ast::LockMode::for_update:
        st.lock = sql::LockMode::for_update;
        break;
      case ast::LockMode::for_share:
        st.lock = sql::LockMode::for_share;
        break;
    }
    switch (s.wait) {
      case ast::WaitMode::wait:
        st.wait = sql::WaitMode::wait;
        break;
      case ast::WaitMode::nowait:
        st.wait = sql::WaitMode::nowait;
        break;
      case ast::WaitMode::skip_locked:
        st.wait = sql::WaitMode::skip_locked;
        break;
    }
    for (const auto& set : s.sets) {
      int c = column_index(ts, set.column);
      if (c >= 0 && set.value) st.sets.emplace_back(c, lower_expr(*set.value, ts, l));
    }
    if (s.kind == ast::SqlKind::insert) {
      st.values.assign(ts.columns.size(), sql::Expr{});
      for (size_t i = 0; i < s.values.size(); ++i) {
        int c = static_cast<int>(i);
        if (!s.columns.empty()) c = i < s.columns.size() ? column_index(ts, s.columns[i]) : -1;
        if (c < 0 || c >= static_cast<int>(ts.columns.size())) continue;
        st.values[c] = lower_expr(*s.values[i], ts, l);
      }
      st.on_conflict_do_nothing = s.on_conflict_do_nothing;
    }
    out_.sql_[&s] = std::move(l);
  }

  sql::Expr lower_expr(const ast::Expr& e, const sql::TableSchema& ts, LoweredSql& l) {
    using K = ast::ExprKind;
    sql::Expr out;
    switch (e.kind) {
      case K::int_lit:
        out.literal = Value::integer(e.int_value);
        break;
      case K::text_lit:
        out.literal = Value::text(out_.pool.intern(e.text));
        break;
      case K::bool_lit:
        out.literal = Value::boolean(e.int_value != 0);
        break;
      case K::null_lit:
        break;
      case K::column:
      case K::name:
        out.kind = sql::ExprKind::column;
        out.index = column_index(ts, e.text);
        break;
      case K::now:
        out.kind = sql::ExprKind::now;
        out_.schema.uses_now = true;
        break;
      case K::host:
      default:  // any host expression becomes a parameter
        out.kind = sql::ExprKind::param;
        out.index = static_cast<int>(l.params.size());
        l.params.push_back(e.kind == K::host ? e.args[0].get() : &e);
        break;
      case K::unary:
        out.kind = sql::ExprKind::unary;
        out.op = lower_op(e.op);
        out.args.push_back(lower_expr(*e.args[0], ts, l));
        break;
      case K::binary:
        out.kind = sql::ExprKind::binary;
        out.op = lower_op(e.op);
        out.args.push_back(lower_expr(*e.args[0], ts, l));
        out.args.push_back(lower_expr(*e.args[1], ts, l));
        break;
      case K::is_null:
      case K::is_not_null:
        out.kind = e.kind == K::is_null ? sql::ExprKind::is_null : sql::ExprKind::is_not_null;
        out.args.push_back(lower_expr(*e.args[0], ts, l));
        break;
    }
    return out;
  }
};

std::unique_ptr<CompiledSpec> CompiledSpec::build(
    const ast::Spec& spec, const std::vector<std::pair<std::string, int64_t>>& overrides,
    Diagnostics& diags) {
  std::unique_ptr<CompiledSpec> out(new CompiledSpec(spec));
  out->empty_text_id_ = out->pool.intern("");
  SpecBuilder b(*out, diags);
  if (!b.build(overrides)) return nullptr;
  return out;
}

int CompiledSpec::instance(int group, int64_t member) const {
  if (group < 0 || group >= static_cast<int>(groups.size())) return -1;
  const Group& g = groups[group];
  int64_t offset = g.array ? member - g.lo : member;
  if (!g.array && member != 0) return -1;
  if (offset < 0 || offset >= g.count) return -1;
  return g.first + static_cast<int>(offset);
}

std::string CompiledSpec::value_text(const Value& v) const {
  switch (v.type) {
    case Type::null:
      return "null";
    case Type::int_:
      return std::to_string(v.i);
    case Type::bool_:
      return v.i ? "true" : "false";
    case Type::text:
      return "'" + pool.text(v.i) + "'";
    case Type::pid:
      if (v.i >= 0 && v.i < static_cast<int64_t>(procs.size())) return procs[v.i].name;
      return fmt::format("pid#{}", v.i);
  }
  return "?";
}

std::string CompiledSpec::key_text(const Value& v) const {
  if (v.type == Type::text) return pool.text(v.i);
  if (v.type == Type::null) return "";
  std::string t = value_text(v);
  return t;
}

}  // namespace lockcheck::compile
