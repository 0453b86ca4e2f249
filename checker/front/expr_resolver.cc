// Names and static types of expressions. Types are checked only where they are certain before
// run time (literals, constants, comparisons, columns); variables may hold any type, so anything
// that reads one is left to the model.
#include <fmt/format.h>

#include <algorithm>

#include "checker/front/resolver_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front::detail {

namespace {

struct Builtin {
  std::string_view name;
  Type type;
};

constexpr Builtin kBuiltins[] = {
    {"found", Type::bool_}, {"row_count", Type::int_}, {"sql_error", Type::text}};

int builtin_index(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (kBuiltins[i].name == name) return i;
  }
  return -1;
}

bool is_arithmetic(ast::Op op) {
  return op == ast::Op::add || op == ast::Op::sub || op == ast::Op::mul || op == ast::Op::div ||
         op == ast::Op::mod;
}

bool is_ordering(ast::Op op) {
  return op == ast::Op::lt || op == ast::Op::le || op == ast::Op::gt || op == ast::Op::ge;
}

}  // namespace

const char* op_name(ast::Op op, bool sql) {
  switch (op) {
    case ast::Op::add:
      return "+";
    case ast::Op::sub:
    case ast::Op::neg:
      return "-";
    case ast::Op::mul:
      return "*";
    case ast::Op::div:
      return "/";
    case ast::Op::mod:
      return "%";
    case ast::Op::eq:
      return sql ? "=" : "==";
    case ast::Op::ne:
      return sql ? "<>" : "!=";
    case ast::Op::lt:
      return "<";
    case ast::Op::le:
      return "<=";
    case ast::Op::gt:
      return ">";
    case ast::Op::ge:
      return ">=";
    case ast::Op::and_:
      return sql ? "AND" : "and";
    case ast::Op::or_:
      return sql ? "OR" : "or";
    case ast::Op::not_:
      return sql ? "NOT" : "not";
    case ast::Op::implies:
      return "implies";
    case ast::Op::leads_to:
      return "~>";
    case ast::Op::none:
      break;
  }
  return "?";
}

std::string type_text(Type t) { return type_name(t); }

Type column_type(ast::ColumnType t) {
  switch (t) {
    case ast::ColumnType::int_:
      return Type::int_;
    case ast::ColumnType::text:
      return Type::text;
    case ast::ColumnType::bool_:
      return Type::bool_;
    case ast::ColumnType::pid:
      return Type::pid;
  }
  return Type::int_;
}

void Resolver::condition(ast::Expr& e, std::string_view what) {
  StaticType t = expr(e);
  if (t && *t != Type::bool_ && !(e.sql && *t == Type::null)) {
    error(e.loc, fmt::format("{} must be a bool, found {}", what, type_text(*t)));
  }
}

std::vector<std::string> Resolver::visible_names() const {
  std::vector<std::string> names;
  for (const auto& [name, index] : quantified_) names.push_back(name);
  if (process_index_ >= 0) {
    for (const auto& [name, index] : locals_) names.push_back(name);
    if (where_ == Where::process) {
      for (const Builtin& b : kBuiltins) names.emplace_back(b.name);
    }
  }
  for (const auto& [name, g] : globals_) {
    if (g.kind == GlobalKind::constant || g.kind == GlobalKind::shared ||
        g.kind == GlobalKind::ghost || g.kind == GlobalKind::process ||
        (g.kind == GlobalKind::redis && where_ == Where::property)) {
      names.push_back(name);
    }
  }
  return names;
}

StaticType Resolver::expr(ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::int_lit:
      return Type::int_;
    case ast::ExprKind::text_lit:
      return Type::text;
    case ast::ExprKind::bool_lit:
      return Type::bool_;
    case ast::ExprKind::null_lit:
      return Type::null;
    case ast::ExprKind::name:
      return name(e);
    case ast::ExprKind::self:
      if (where_ != Where::process && where_ != Where::local_init) {
        error(e.loc, "'self' can only be used inside a process");
      }
      return Type::pid;
    case ast::ExprKind::now:
      if (!spec_.clock) {
        error(e.loc, "now() needs a 'clock' declaration");
      } else if (where_ == Where::constant || where_ == Where::init) {
        error(e.loc, "now() is not a constant");
      }
      return Type::int_;
    case ast::ExprKind::unary: {
      if (e.args.empty()) return std::nullopt;
      StaticType t = expr(*e.args[0]);
      if (e.op == ast::Op::neg) {
        if (t && *t != Type::int_) {
          error(e.args[0]->loc,
                fmt::format("operator '-' needs an int operand, found {}", type_text(*t)));
        }
        return Type::int_;
      }
      if (t && *t != Type::bool_ && !(e.sql && *t == Type::null)) {
        error(e.args[0]->loc, fmt::format("operator '{}' needs a bool operand, found {}",
                                          op_name(e.op, e.sql), type_text(*t)));
      }
      return Type::bool_;
    }
    case ast::ExprKind::binary:
      return binary(e);
    case ast::ExprKind::index:
      return index(e);
    case ast::ExprKind::field:
      return field(e);
    case ast::ExprKind::quantifier:
      return quantifier(e);
    case ast::ExprKind::subquery:
      return subquery(e);
    case ast::ExprKind::column:
      return column(e);
    case ast::ExprKind::host: {
      if (e.args.empty()) return std::nullopt;
      const ast::Table* table = table_;
      table_ = nullptr;
      StaticType t = expr(*e.args[0]);
      table_ = table;
      return t;
    }
    case ast::ExprKind::is_null:
    case ast::ExprKind::is_not_null:
      if (!e.args.empty()) expr(*e.args[0]);
      return Type::bool_;
  }
  return std::nullopt;
}

StaticType Resolver::binary(ast::Expr& e) {
  if (e.args.size() != 2) return std::nullopt;
  StaticType lhs = expr(*e.args[0]);
  StaticType rhs = expr(*e.args[1]);
  const char* op = op_name(e.op, e.sql);
  if (is_arithmetic(e.op)) {
    for (int i = 0; i < 2; ++i) {
      StaticType t = i == 0 ? lhs : rhs;
      if (t && *t != Type::int_) {
        error(e.args[i]->loc,
              fmt::format("operator '{}' needs int operands, found {}", op, type_text(*t)));
      }
    }
    return Type::int_;
  }
  if (e.op == ast::Op::and_ || e.op == ast::Op::or_ || e.op == ast::Op::implies ||
      e.op == ast::Op::leads_to) {
    for (int i = 0; i < 2; ++i) {
      StaticType t = i == 0 ? lhs : rhs;
      if (t && *t != Type::bool_ && !(e.sql && *t == Type::null)) {
        error(e.args[i]->loc,
              fmt::format("operator '{}' needs bool operands, found {}", op, type_text(*t)));
      }
    }
    return Type::bool_;
  }
  // Comparisons.
  if (e.sql) {
    // SQL compares only values of one type (PostgreSQL rejects `id = 'abc'` for an int id).
    if (lhs && rhs && *lhs != Type::null && *rhs != Type::null && *lhs != *rhs) {
      int column_side = e.args[0]->kind == ast::ExprKind::column   ? 0
                        : e.args[1]->kind == ast::ExprKind::column ? 1
                                                                   : -1;
      if (column_side >= 0) {
        const ast::Expr& other = *e.args[1 - column_side];
        error(other.loc,
              fmt::format("cannot compare column '{}' of type {} with {}",
                          e.args[column_side]->text, type_text(column_side == 0 ? *lhs : *rhs),
                          type_text(column_side == 0 ? *rhs : *lhs)));
      } else {
        error(e.loc, fmt::format("cannot compare {} with {}", type_text(*lhs), type_text(*rhs)));
      }
    }
    return Type::bool_;
  }
  if (is_ordering(e.op)) {
    // `==` and `!=` take any two values (different types are unequal); ordering does not.
    if (lhs == Type::null || rhs == Type::null) {
      error(e.args[lhs == Type::null ? 0 : 1]->loc,
            fmt::format("operator '{}' cannot order null", op));
    } else if (lhs && rhs && *lhs != *rhs) {
      error(e.loc, fmt::format("cannot compare {} with {}", type_text(*lhs), type_text(*rhs)));
    }
  }
  return Type::bool_;
}

StaticType Resolver::name(ast::Expr& e) {
  const std::string& n = e.text;
  if (n.empty()) return std::nullopt;  // a parse error, reported already
  for (size_t i = quantified_.size(); i-- > 0;) {
    if (quantified_[i].first == n) {
      e.ref = {ast::RefKind::quantified, static_cast<int>(i)};
      return Type::pid;
    }
  }
  if (process_index_ >= 0 && (where_ == Where::process || where_ == Where::local_init)) {
    if (locals_.count(n) > 0) {
      e.ref = {ast::RefKind::local, locals_.at(n)};
      return std::nullopt;
    }
    if (int b = builtin_index(n); b >= 0) {
      if (where_ == Where::local_init) {
        error(e.loc, fmt::format("the initial value of a local cannot read '{}'", n));
        return std::nullopt;
      }
      e.ref = {ast::RefKind::builtin, b};
      return kBuiltins[b].type;
    }
  }
  const Global* g = global(n);
  if (g == nullptr) {
    std::string message = fmt::format("unknown variable '{}'", n);
    std::string hint = did_you_mean(n, visible_names());
    if (hint.empty() && where_ == Where::property) {
      for (const ast::Process& p : spec_.processes) {
        auto it = std::find_if(p.locals.begin(), p.locals.end(),
                               [&](const ast::VarDecl& v) { return v.name == n; });
        if (it == p.locals.end()) continue;
        hint = p.lo ? fmt::format(
                          "; '{0}' is a local of process '{1}': read it as {1}[1].{0}, "
                          "or in a quantifier",
                          n, p.name)
                    : fmt::format("; '{0}' is a local of process '{1}': read it as {1}.{0}", n,
                                  p.name);
        break;
      }
    }
    if (hint.empty() && builtin_index(n) >= 0 && where_ != Where::process) {
      hint = fmt::format("; '{}' is a built-in variable of each process", n);
    }
    error(e.loc, message + hint);
    return std::nullopt;
  }
  switch (g->kind) {
    case GlobalKind::constant:
      e.ref = {ast::RefKind::constant, g->index};
      if (where_ == Where::constant && g->index >= consts_ready_) {
        error(e.loc, fmt::format("constant '{}' is used before its declaration", n));
      }
      return Type::int_;
    case GlobalKind::shared:
    case GlobalKind::ghost: {
      bool ghost = g->kind == GlobalKind::ghost;
      e.ref = {ghost ? ast::RefKind::ghost : ast::RefKind::shared, g->index};
      const char* what = ghost ? "ghost variable" : "variable";
      if (where_ == Where::constant || where_ == Where::init) {
        error(e.loc, fmt::format("expected a constant, found the {} '{}'", what, n));
      } else if (where_ == Where::local_init) {
        error(e.loc, fmt::format("the initial value of a local cannot read the {} '{}'", what, n));
      } else if (ghost && where_ == Where::process && !ghost_ok_) {
        error(e.loc, fmt::format("ghost variable '{}' can only be read by properties", n));
      }
      return std::nullopt;
    }
    case GlobalKind::process: {
      e.ref = {ast::RefKind::process_group, g->index};
      const ast::Process& p = spec_.processes[g->index];
      if (p.lo) {
        error(e.loc, fmt::format("'{0}' is a group of processes; name one, as in {0}[1]", n));
      } else if (where_ == Where::constant) {
        error(e.loc, fmt::format("expected a constant, found the process '{}'", n));
      }
      return Type::pid;
    }
    case GlobalKind::redis:
      e.ref = {ast::RefKind::redis_node, g->index};
      error(e.loc,
            where_ == Where::property
                ? fmt::format("'{0}' is a Redis node, not a value; read a key as {0}['key']", n)
                : fmt::format("'{}' is a Redis node, not a value; read a key with GET", n));
      return std::nullopt;
    case GlobalKind::database:
      error(e.loc, fmt::format("'{}' is a database, not a value", n));
      return std::nullopt;
    case GlobalKind::property:
      error(e.loc, fmt::format("'{}' is a property, not a value", n));
      return std::nullopt;
  }
  return std::nullopt;
}

StaticType Resolver::index(ast::Expr& e) {
  if (e.args.size() != 2) return std::nullopt;
  ast::Expr& base = *e.args[0];
  ast::Expr& at = *e.args[1];
  auto shadowed = [&](const std::string& n) {
    for (const auto& [name, group] : quantified_) {
      if (name == n) return true;
    }
    return process_index_ >= 0 && locals_.count(n) > 0;
  };
  auto int_index = [&](ast::Expr& i, std::string_view what) {
    StaticType t = expr(i);
    if (t && *t != Type::int_) {
      error(i.loc, fmt::format("{} must be an int, found {}", what, type_text(*t)));
    }
  };
  auto redis_read = [&](SourceLoc loc) {
    if (where_ != Where::property) {
      error(loc, "Redis values can only be read by properties; use GET in a process");
    }
  };
  if (base.kind == ast::ExprKind::name && !shadowed(base.text)) {
    const Global* g = global(base.text);
    if (g != nullptr && g->kind == GlobalKind::process) {
      base.ref = {ast::RefKind::process_group, g->index};
      if (!spec_.processes[g->index].lo) {
        error(e.loc,
              fmt::format("'{0}' is a single process; write '{0}' without an index", base.text));
      } else if (where_ == Where::constant) {
        error(e.loc, fmt::format("expected a constant, found the process '{}'", base.text));
      }
      int_index(at, "a process index");
      return Type::pid;
    }
    if (g != nullptr && g->kind == GlobalKind::redis) {
      base.ref = {ast::RefKind::redis_node, g->index};
      redis_read(e.loc);
      if (spec_.redis[g->index].count) {
        error(e.loc, fmt::format("'{0}' is an array of Redis nodes; read a key as {0}[1]['key']",
                                 base.text));
      }
      expr(at);
      return std::nullopt;
    }
  }
  if (base.kind == ast::ExprKind::index && base.args.size() == 2 &&
      base.args[0]->kind == ast::ExprKind::name && !shadowed(base.args[0]->text)) {
    ast::Expr& node = *base.args[0];
    const Global* g = global(node.text);
    if (g != nullptr && g->kind == GlobalKind::redis) {
      node.ref = {ast::RefKind::redis_node, g->index};
      redis_read(e.loc);
      if (!spec_.redis[g->index].count) {
        error(e.loc,
              fmt::format("'{0}' is a single Redis node; read a key as {0}['key']", node.text));
      }
      int_index(*base.args[1], "a Redis node index");
      expr(at);
      return std::nullopt;
    }
  }
  size_t before = diags_.all().size();
  expr(base);
  expr(at);
  bool broken = base.kind == ast::ExprKind::name && base.text.empty();
  if (diags_.all().size() == before && !broken) {
    error(e.loc, "only process groups and Redis nodes can be indexed");
  }
  return std::nullopt;
}

StaticType Resolver::field(ast::Expr& e) {
  if (e.args.empty()) return std::nullopt;
  ast::Expr& base = *e.args[0];
  if (where_ != Where::property) {
    error(e.loc, fmt::format("process state like '.{}' can only be read by properties", e.text));
    return std::nullopt;
  }
  int group = -1;
  if (base.kind == ast::ExprKind::name) {
    for (size_t i = quantified_.size(); i-- > 0;) {
      if (quantified_[i].first == base.text) {
        base.ref = {ast::RefKind::quantified, static_cast<int>(i)};
        group = quantified_[i].second;
        if (group < 0) return std::nullopt;  // its group is unknown: reported already
        break;
      }
    }
    if (group < 0) {
      const Global* g = global(base.text);
      if (g != nullptr && g->kind == GlobalKind::process && !spec_.processes[g->index].lo) {
        base.ref = {ast::RefKind::process_group, g->index};
        group = g->index;
      }
    }
  } else if (base.kind == ast::ExprKind::index && base.args.size() == 2 &&
             base.args[0]->kind == ast::ExprKind::name) {
    const Global* g = global(base.args[0]->text);
    if (g != nullptr && g->kind == GlobalKind::process) {
      index(base);
      group = g->index;
    }
  }
  if (group < 0) {
    size_t before = diags_.all().size();
    expr(base);
    bool broken = base.kind == ast::ExprKind::name && base.text.empty();
    if (diags_.all().size() == before && !broken) {
      error(e.loc, fmt::format("only a process has fields, as in client[1].{}", e.text));
    }
    return std::nullopt;
  }
  if (e.text == "done" || e.text == "crashed" || e.text == "waiting") return Type::bool_;
  const ast::Process& p = spec_.processes[group];
  for (size_t i = 0; i < p.locals.size(); ++i) {
    if (p.locals[i].name == e.text) {
      e.ref = {ast::RefKind::local, static_cast<int>(i)};
      return std::nullopt;
    }
  }
  std::vector<std::string> names = {"done", "crashed", "waiting"};
  for (const ast::VarDecl& v : p.locals) names.push_back(v.name);
  error(e.loc, fmt::format("unknown local '{}' in process '{}'{}", e.text, p.name,
                           did_you_mean(e.text, names)));
  return std::nullopt;
}

StaticType Resolver::quantifier(ast::Expr& e) {
  if (where_ != Where::property) error(e.loc, "quantifiers can only be used in properties");
  const Global* g = global(e.group);
  int group = -1;
  if (g != nullptr && g->kind == GlobalKind::process) {
    group = g->index;
    e.ref = {ast::RefKind::process_group, group};
  } else if (g != nullptr) {
    error(e.loc, fmt::format("'{}' is not a process", e.group));
  } else {
    std::vector<std::string> names;
    for (const ast::Process& p : spec_.processes) names.push_back(p.name);
    error(e.loc, fmt::format("unknown process '{}'{}", e.group, did_you_mean(e.group, names)));
  }
  quantified_.emplace_back(e.text, group);
  if (!e.args.empty()) condition(*e.args[0], "a quantifier's body");
  quantified_.pop_back();
  return e.quant == ast::Quant::count ? Type::int_ : Type::bool_;
}

}  // namespace lockcheck::front::detail
