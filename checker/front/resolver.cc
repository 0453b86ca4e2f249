#include "checker/front/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "checker/front/resolver_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front {

void resolve(ast::Spec& spec, Diagnostics& diags) {
  detail::Resolver resolver(spec, diags);
  resolver.run();
}

namespace detail {

namespace {

constexpr std::string_view kBuiltins[] = {"found", "row_count", "sql_error"};

bool is_builtin(std::string_view name) {
  return std::find(std::begin(kBuiltins), std::end(kBuiltins), name) != std::end(kBuiltins);
}

const char* kind_text(GlobalKind k) {
  switch (k) {
    case GlobalKind::constant:
      return "a constant";
    case GlobalKind::shared:
      return "a shared variable";
    case GlobalKind::ghost:
      return "a ghost variable";
    case GlobalKind::process:
      return "a process";
    case GlobalKind::redis:
      return "a Redis node";
    case GlobalKind::database:
      return "a database";
    case GlobalKind::property:
      return "a property";
  }
  return "a name";
}

}  // namespace

void Resolver::run() {
  declare_globals();
  for (size_t i = 0; i < spec_.consts.size(); ++i) {
    consts_ready_ = static_cast<int>(i);
    constant_int(spec_.consts[i].value.get(), "a constant");
  }
  consts_ready_ = static_cast<int>(spec_.consts.size());
  // After the constants: a table's `max N rows` and its initial rows may use any of them.
  check_database();
  where_ = Where::init;
  for (auto* list : {&spec_.vars, &spec_.ghosts}) {
    for (ast::VarDecl& v : *list) {
      if (v.init) expr(*v.init);
    }
  }
  for (ast::RedisDecl& r : spec_.redis) constant_int(r.count.get(), "the number of nodes");
  if (spec_.clock) {
    constant_int(spec_.clock->max.get(), "the clock bound");
    constant_int(spec_.clock->drift.get(), "the clock drift");
  }
  if (spec_.timing) constant_int(spec_.timing->bound.get(), "the timing bound");
  for (ast::Process& p : spec_.processes) {
    constant_int(p.lo.get(), "a process range bound");
    constant_int(p.hi.get(), "a process range bound");
  }
  check_faults();
  for (size_t i = 0; i < spec_.processes.size(); ++i) check_process(static_cast<int>(i));
  check_properties();
  check_expects();
}

void Resolver::declare_globals() {
  std::vector<std::tuple<SourceLoc, std::string, GlobalKind, int>> decls;
  for (size_t i = 0; i < spec_.consts.size(); ++i) {
    decls.emplace_back(spec_.consts[i].loc, spec_.consts[i].name, GlobalKind::constant, i);
  }
  for (size_t i = 0; i < spec_.vars.size(); ++i) {
    decls.emplace_back(spec_.vars[i].loc, spec_.vars[i].name, GlobalKind::shared, i);
  }
  for (size_t i = 0; i < spec_.ghosts.size(); ++i) {
    decls.emplace_back(spec_.ghosts[i].loc, spec_.ghosts[i].name, GlobalKind::ghost, i);
  }
  for (size_t i = 0; i < spec_.processes.size(); ++i) {
    decls.emplace_back(spec_.processes[i].loc, spec_.processes[i].name, GlobalKind::process, i);
  }
  for (size_t i = 0; i < spec_.redis.size(); ++i) {
    decls.emplace_back(spec_.redis[i].loc, spec_.redis[i].name, GlobalKind::redis, i);
  }
  if (spec_.database) {
    decls.emplace_back(spec_.database->loc, spec_.database->name, GlobalKind::database, 0);
  }
  for (size_t i = 0; i < spec_.properties.size(); ++i) {
    decls.emplace_back(spec_.properties[i].loc, spec_.properties[i].name, GlobalKind::property, i);
  }
  std::stable_sort(decls.begin(), decls.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (auto& [loc, name, kind, index] : decls) {
    if (is_builtin(name)) {
      error(loc, fmt::format("'{}' is a built-in variable and cannot be declared", name));
      continue;
    }
    auto [it, inserted] = globals_.try_emplace(name, Global{kind, index, loc});
    if (!inserted) {
      error(loc, fmt::format("'{}' is already declared at line {}", name, it->second.loc.line));
    }
  }
}

const Global* Resolver::global(const std::string& name) const {
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : &it->second;
}

int Resolver::local_index(const std::string& name) const {
  if (process_index_ < 0) return -1;
  auto it = locals_.find(name);
  return it == locals_.end() ? -1 : it->second;
}

void Resolver::constant_int(ast::Expr* e, std::string_view what) {
  if (e == nullptr) return;
  Where saved = where_;
  where_ = Where::constant;
  StaticType t = expr(*e);
  if (t && *t != Type::int_) {
    error(e->loc, fmt::format("{} must be an int, found {}", what, type_text(*t)));
  }
  where_ = saved;
}

void Resolver::check_database() {
  if (!spec_.database) return;
  ast::Database& db = *spec_.database;
  for (size_t i = 0; i < db.tables.size(); ++i) {
    ast::Table& t = db.tables[i];
    for (size_t j = 0; j < i; ++j) {
      if (db.tables[j].name == t.name) {
        error(t.loc, fmt::format("table '{}' is already declared at line {}", t.name,
                                 db.tables[j].loc.line));
        break;
      }
    }
    for (size_t c = 0; c < t.columns.size(); ++c) {
      for (size_t d = 0; d < c; ++d) {
        if (t.columns[d].name == t.columns[c].name) {
          error(t.columns[c].loc, fmt::format("column '{}' is declared twice in table '{}'",
                                              t.columns[c].name, t.name));
          break;
        }
      }
    }
    constant_int(t.max_rows.get(), "the row bound");
  }
  where_ = Where::init;
  for (ast::InitialInsert& ins : db.inserts) {
    auto table = std::find_if(db.tables.begin(), db.tables.end(),
                              [&](const ast::Table& t) { return t.name == ins.table; });
    if (table == db.tables.end()) {
      std::vector<std::string> names;
      for (const ast::Table& t : db.tables) names.push_back(t.name);
      error(ins.loc,
            fmt::format("unknown table '{}'{}", ins.table, did_you_mean(ins.table, names)));
      for (auto& row : ins.rows) {
        for (auto& v : row) expr(*v);
      }
      continue;
    }
    table_ = &*table;
    std::vector<int> columns;
    bool columns_ok = true;
    for (size_t i = 0; i < ins.columns.size(); ++i) {
      int c = column_index(ins.columns[i]);
      if (c < 0) {
        std::vector<std::string> names;
        for (const ast::Column& col : table->columns) names.push_back(col.name);
        error(ins.column_locs[i], fmt::format("unknown column '{}' in table '{}'{}", ins.columns[i],
                                              table->name, did_you_mean(ins.columns[i], names)));
        columns_ok = false;
      } else if (std::find(columns.begin(), columns.end(), c) != columns.end()) {
        error(ins.column_locs[i], fmt::format("column '{}' is given twice", ins.columns[i]));
        columns_ok = false;
      }
      columns.push_back(c);
    }
    if (ins.columns.empty()) {
      for (size_t c = 0; c < table->columns.size(); ++c) columns.push_back(static_cast<int>(c));
    } else if (columns_ok) {
      for (int key : table->primary_key) {
        if (std::find(columns.begin(), columns.end(), key) == columns.end()) {
          error(ins.loc, fmt::format("the rows must give the primary key column '{}'",
                                     table->columns[key].name));
        }
      }
    }
    for (auto& row : ins.rows) {
      if (row.size() != columns.size()) {
        SourceLoc loc = row.empty() ? ins.loc : row.front()->loc;
        error(loc, fmt::format("the row has {} value{} but the table takes {} column{}", row.size(),
                               row.size() == 1 ? "" : "s", columns.size(),
                               columns.size() == 1 ? "" : "s"));
      }
      for (size_t i = 0; i < row.size(); ++i) {
        StaticType t = expr(*row[i]);
        if (i >= columns.size() || columns[i] < 0 || !columns_ok) continue;
        const ast::Column& col = table->columns[columns[i]];
        bool is_key = std::find(table->primary_key.begin(), table->primary_key.end(), columns[i]) !=
                      table->primary_key.end();
        if (t == Type::null && is_key) {
          error(row[i]->loc, fmt::format("primary key column '{}' cannot be null", col.name));
        } else if (t && *t != Type::null && *t != column_type(col.type)) {
          error(row[i]->loc, fmt::format("column '{}' has type {} but the value is {}", col.name,
                                         type_text(column_type(col.type)), type_text(*t)));
        }
      }
    }
    table_ = nullptr;
  }
}

void Resolver::check_faults() {
  for (ast::FaultDecl& f : spec_.faults) {
    const Global* g = global(f.target);
    bool wants_node = f.kind == ast::FaultKind::restart_node;
    GlobalKind wanted = wants_node ? GlobalKind::redis : GlobalKind::process;
    if (g != nullptr && g->kind == wanted) {
      f.target_ref = {wants_node ? ast::RefKind::redis_node : ast::RefKind::process_group,
                      g->index};
    } else if (g != nullptr && wants_node && g->kind == GlobalKind::process) {
      error(f.target_loc, fmt::format("'{0}' is a process; to crash and restart it, write "
                                      "'fault crash {0} at most K restart;'",
                                      f.target));
    } else if (g != nullptr && !wants_node && g->kind == GlobalKind::redis) {
      error(
          f.target_loc,
          fmt::format("'{0}' is a Redis node; to restart it, write 'fault restart {0} at most K;'",
                      f.target));
    } else if (g != nullptr) {
      error(f.target_loc,
            fmt::format("'{}' is {}, not {}", f.target, kind_text(g->kind), kind_text(wanted)));
    } else {
      std::vector<std::string> names;
      for (const auto& [name, other] : globals_) {
        if (other.kind == wanted) names.push_back(name);
      }
      error(f.target_loc, fmt::format("unknown {} '{}'{}", wants_node ? "Redis node" : "process",
                                      f.target, did_you_mean(f.target, names)));
    }
    constant_int(f.at_most.get(), "a fault budget");
  }
  constant_int(spec_.total_fault_budget.get(), "a fault budget");
}

void Resolver::check_process(int index) {
  ast::Process& p = spec_.processes[index];
  process_index_ = index;
  locals_.clear();
  where_ = Where::local_init;
  for (size_t i = 0; i < p.locals.size(); ++i) {
    ast::VarDecl& v = p.locals[i];
    if (v.init) expr(*v.init);
    if (is_builtin(v.name)) {
      error(v.loc, fmt::format("'{}' is a built-in variable and cannot be declared", v.name));
    } else if (v.name == "crashed" || v.name == "waiting") {
      error(v.loc, fmt::format("'{}' cannot name a local: it is a field of every process", v.name));
    } else if (auto it = locals_.find(v.name); it != locals_.end()) {
      error(v.loc, fmt::format("'{}' is already declared at line {}", v.name,
                               p.locals[it->second].loc.line));
    } else if (const Global* g = global(v.name)) {
      error(v.loc, fmt::format("'{}' is already declared at line {}", v.name, g->loc.line));
    } else {
      locals_.emplace(v.name, static_cast<int>(i));
    }
  }
  where_ = Where::process;
  loops_ = 0;
  in_atomic_ = false;
  statements(p.body);
  process_index_ = -1;
  locals_.clear();
}

void Resolver::check_properties() {
  where_ = Where::property;
  for (ast::PropertyDecl& p : spec_.properties) {
    if (p.expr) condition(*p.expr, "a property");
  }
}

void Resolver::check_expects() {
  for (ast::Expect& e : spec_.expects) {
    if (e.kind != ast::ExpectKind::violated) continue;
    const Global* g = global(e.name);
    if (g != nullptr && g->kind == GlobalKind::property) continue;
    if (g != nullptr) {
      error(e.loc, fmt::format("'{}' is {}, not a property", e.name, kind_text(g->kind)));
      continue;
    }
    std::vector<std::string> names;
    for (const ast::PropertyDecl& p : spec_.properties) names.push_back(p.name);
    error(e.loc, fmt::format("unknown property '{}'{}", e.name, did_you_mean(e.name, names)));
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

void Resolver::statements(std::vector<ast::StmtPtr>& list) {
  for (ast::StmtPtr& s : list) {
    if (s) statement(*s);
  }
}

void Resolver::statement(ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::var_decl: {
      error(s.loc, "local variables must be declared at the top of the process");
      if (s.expr) expr(*s.expr);
      if (local_index(s.target) < 0 && !global(s.target)) locals_.emplace(s.target, -1);
      break;
    }
    case ast::StmtKind::assign: {
      bool writable = assign_target(s.target, s.target_loc, s.target_ref, false);
      ghost_ok_ = writable && s.target_ref.kind == ast::RefKind::ghost;
      if (s.expr) expr(*s.expr);
      ghost_ok_ = false;
      break;
    }
    case ast::StmtKind::if_:
      if (s.expr) condition(*s.expr, "a condition");
      statements(s.body);
      statements(s.else_body);
      break;
    case ast::StmtKind::while_:
      if (s.expr) condition(*s.expr, "a condition");
      ++loops_;
      statements(s.body);
      --loops_;
      break;
    case ast::StmtKind::break_:
    case ast::StmtKind::continue_:
      if (loops_ == 0) {
        const char* word = s.kind == ast::StmtKind::break_ ? "break" : "continue";
        error(s.loc, in_atomic_ ? fmt::format("'{}' cannot leave an atomic block", word)
                                : fmt::format("'{}' outside a loop", word));
      }
      break;
    case ast::StmtKind::done:
      break;
    case ast::StmtKind::assert_:
      if (s.expr) condition(*s.expr, "an assertion");
      break;
    case ast::StmtKind::await_:
      if (s.expr) condition(*s.expr, "an await condition");
      break;
    case ast::StmtKind::sleep: {
      if (!spec_.clock) error(s.loc, "sleep needs a 'clock' declaration");
      if (!s.expr) break;
      StaticType t = expr(*s.expr);
      if (t && *t != Type::int_) {
        error(s.expr->loc,
              fmt::format("sleep needs an int number of ticks, found {}", type_text(*t)));
      }
      break;
    }
    case ast::StmtKind::atomic: {
      if (in_atomic_) {
        error(s.loc, "atomic blocks cannot be nested");
        statements(s.body);
        break;
      }
      int saved_loops = loops_;
      loops_ = 0;
      in_atomic_ = true;
      atomic_node_.clear();
      statements(s.body);
      in_atomic_ = false;
      loops_ = saved_loops;
      break;
    }
    case ast::StmtKind::sql:
      if (s.sql) sql(*s.sql);
      break;
    case ast::StmtKind::redis:
      redis(s);
      break;
  }
}

bool Resolver::assign_target(const std::string& name, SourceLoc loc, ast::Ref& ref, bool into) {
  if (int i = local_index(name); i >= 0 || locals_.count(name) > 0) {
    ref = {ast::RefKind::local, i};
    return true;
  }
  if (is_builtin(name)) {
    error(loc, fmt::format("cannot assign to the built-in '{}'", name));
    return false;
  }
  const Global* g = global(name);
  if (g == nullptr) {
    error(loc, fmt::format("unknown variable '{}'{}", name, did_you_mean(name, visible_names())));
    return false;
  }
  switch (g->kind) {
    case GlobalKind::shared:
      ref = {ast::RefKind::shared, g->index};
      return true;
    case GlobalKind::ghost:
      if (into) {
        error(loc, fmt::format("INTO can only assign local or shared variables, not the ghost '{}'",
                               name));
        return false;
      }
      ref = {ast::RefKind::ghost, g->index};
      return true;
    case GlobalKind::constant:
      error(loc, fmt::format("cannot assign to the constant '{}'", name));
      return false;
    default:
      error(loc, fmt::format("cannot assign to '{}': it is {}", name, kind_text(g->kind)));
      return false;
  }
}

void Resolver::redis(ast::Stmt& s) {
  if (!s.redis) return;
  ast::RedisCmd& cmd = *s.redis;
  const Global* g = global(cmd.node);
  if (g != nullptr && g->kind == GlobalKind::redis) {
    cmd.node_ref = {ast::RefKind::redis_node, g->index};
    const ast::RedisDecl& decl = spec_.redis[g->index];
    if (decl.count && !cmd.node_index) {
      error(cmd.node_loc,
            fmt::format("'{0}' is an array of Redis nodes; pick one, as in '{0}[1]:'", cmd.node));
    } else if (!decl.count && cmd.node_index) {
      error(cmd.node_loc,
            fmt::format("'{0}' is a single Redis node; write '{0}:' without an index", cmd.node));
    }
  } else if (g != nullptr) {
    error(cmd.node_loc, fmt::format("'{}' is {}, not a Redis node", cmd.node, kind_text(g->kind)));
  } else {
    std::vector<std::string> names;
    for (const ast::RedisDecl& r : spec_.redis) names.push_back(r.name);
    error(cmd.node_loc,
          fmt::format("unknown Redis node '{}'{}", cmd.node, did_you_mean(cmd.node, names)));
  }
  if (cmd.node_index) {
    StaticType t = expr(*cmd.node_index);
    if (t && *t != Type::int_) {
      error(cmd.node_index->loc,
            fmt::format("a Redis node index must be an int, found {}", type_text(*t)));
    }
  }
  if (in_atomic_ && g != nullptr && g->kind == GlobalKind::redis) {
    if (atomic_node_.empty()) {
      atomic_node_ = cmd.node;
    } else if (atomic_node_ != cmd.node) {
      error(cmd.node_loc,
            fmt::format("an atomic block sends all its Redis commands to one node, but this one "
                        "goes to '{}' and an earlier one to '{}'",
                        cmd.node, atomic_node_));
    }
  }
  auto words = [&](ast::Word& w) {
    for (ast::WordPart& part : w.parts) {
      if (part.expr) expr(*part.expr);
    }
  };
  for (ast::Word& w : cmd.keys) words(w);
  if (cmd.value) words(*cmd.value);
  if (cmd.ttl) words(*cmd.ttl);
  if (!spec_.clock) {
    if (cmd.ttl_unit != ast::TtlUnit::none && cmd.ttl) {
      error(cmd.ttl->loc, fmt::format("{} needs a 'clock' declaration",
                                      cmd.ttl_unit == ast::TtlUnit::ex ? "EX" : "PX"));
    }
    if (cmd.op == ast::RedisOp::expire) error(cmd.loc, "EXPIRE needs a 'clock' declaration");
  }
  if (!s.target.empty()) assign_target(s.target, s.target_loc, s.target_ref, false);
}

}  // namespace detail
}  // namespace lockcheck::front
