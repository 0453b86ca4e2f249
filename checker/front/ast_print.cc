#include "checker/front/ast_print.h"

#include <fmt/format.h>

namespace lockcheck::front {

namespace {

const char* op_text(ast::Op op, bool sql) {
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
      return "and";
    case ast::Op::or_:
      return "or";
    case ast::Op::implies:
      return "implies";
    case ast::Op::leads_to:
      return "~>";
    case ast::Op::not_:
      return "not";
    case ast::Op::none:
      break;
  }
  return "?";
}

const char* aggregate_text(ast::Aggregate a) {
  switch (a) {
    case ast::Aggregate::count:
    case ast::Aggregate::count_star:
      return "COUNT";
    case ast::Aggregate::sum:
      return "SUM";
    case ast::Aggregate::min:
      return "MIN";
    case ast::Aggregate::max:
      return "MAX";
    case ast::Aggregate::none:
      break;
  }
  return "";
}

std::string items_text(const std::vector<ast::SelectItem>& items) {
  std::string out;
  for (const ast::SelectItem& i : items) {
    if (!out.empty()) out += ", ";
    if (i.agg == ast::Aggregate::none) {
      out += i.star ? "*" : i.column;
    } else {
      out += fmt::format("{}({})", aggregate_text(i.agg), i.star ? "*" : i.column);
    }
  }
  return out;
}

}  // namespace

std::string to_string(const ast::Ref& r) {
  switch (r.kind) {
    case ast::RefKind::unresolved:
      return "?";
    case ast::RefKind::constant:
      return fmt::format("const{}", r.index);
    case ast::RefKind::shared:
      return fmt::format("shared{}", r.index);
    case ast::RefKind::ghost:
      return fmt::format("ghost{}", r.index);
    case ast::RefKind::local:
      return fmt::format("local{}", r.index);
    case ast::RefKind::builtin:
      return fmt::format("builtin{}", r.index);
    case ast::RefKind::process_group:
      return fmt::format("process{}", r.index);
    case ast::RefKind::redis_node:
      return fmt::format("redis{}", r.index);
    case ast::RefKind::quantified:
      return fmt::format("quant{}", r.index);
  }
  return "?";
}

std::string to_string(const ast::Expr& e, bool refs) {
  auto arg = [&](size_t i) { return i < e.args.size() ? to_string(*e.args[i], refs) : "<none>"; };
  auto ref = [&]() {
    return refs && e.ref.kind != ast::RefKind::unresolved ? "@" + to_string(e.ref) : "";
  };
  switch (e.kind) {
    case ast::ExprKind::int_lit:
      return std::to_string(e.int_value);
    case ast::ExprKind::text_lit:
      return fmt::format("'{}'", e.text);
    case ast::ExprKind::bool_lit:
      return e.int_value != 0 ? "true" : "false";
    case ast::ExprKind::null_lit:
      return "null";
    case ast::ExprKind::name:
      return e.text.empty() ? "<error>" : e.text + ref();
    case ast::ExprKind::self:
      return "self";
    case ast::ExprKind::now:
      return "now()";
    case ast::ExprKind::unary:
      return fmt::format("({} {})", op_text(e.op, e.sql), arg(0));
    case ast::ExprKind::binary:
      return fmt::format("({} {} {})", op_text(e.op, e.sql), arg(0), arg(1));
    case ast::ExprKind::index:
      return fmt::format("(index {} {})", arg(0), arg(1));
    case ast::ExprKind::field:
      return fmt::format("(. {} {}{})", arg(0), e.text, ref());
    case ast::ExprKind::quantifier: {
      const char* q = e.quant == ast::Quant::all    ? "all"
                      : e.quant == ast::Quant::some ? "some"
                                                    : "count";
      return fmt::format("({} {} {}{} {})", q, e.text, e.group, ref(), arg(0));
    }
    case ast::ExprKind::subquery:
      return fmt::format("(subquery {})", e.select ? to_string(*e.select, refs) : "<none>");
    case ast::ExprKind::column:
      return "#" + e.text;
    case ast::ExprKind::host:
      return "$" + arg(0);
    case ast::ExprKind::is_null:
      return fmt::format("(is-null {})", arg(0));
    case ast::ExprKind::is_not_null:
      return fmt::format("(is-not-null {})", arg(0));
  }
  return "?";
}

std::string to_string(const ast::SqlStmt& s, bool refs) {
  std::string out;
  auto expr = [&](const ast::ExprPtr& e) { return e ? to_string(*e, refs) : "<none>"; };
  auto into = [&]() {
    std::string names;
    for (const ast::IntoTarget& t : s.into) {
      if (!names.empty()) names += ", ";
      names += t.name;
      if (refs && t.ref.kind != ast::RefKind::unresolved) names += "@" + to_string(t.ref);
    }
    return names;
  };
  if (!s.database.empty()) out += s.database + ": ";
  switch (s.kind) {
    case ast::SqlKind::begin:
      out += "BEGIN";
      if (s.isolation == ast::Isolation::repeatable_read) out += " ISOLATION LEVEL REPEATABLE READ";
      if (s.isolation == ast::Isolation::serializable) out += " ISOLATION LEVEL SERIALIZABLE";
      if (s.read_only) out += " READ ONLY";
      return out;
    case ast::SqlKind::commit:
      return out + "COMMIT";
    case ast::SqlKind::rollback:
      return out + "ROLLBACK";
    case ast::SqlKind::select:
      out += "SELECT " + items_text(s.items);
      if (!s.into.empty()) out += " INTO " + into();
      out += " FROM " + s.table;
      if (s.where) out += " WHERE " + expr(s.where);
      if (!s.order_by.empty()) out += " ORDER BY " + s.order_by + (s.order_desc ? " DESC" : "");
      if (s.limit) out += " LIMIT " + expr(s.limit);
      if (s.lock == ast::LockMode::for_update) out += " FOR UPDATE";
      if (s.lock == ast::LockMode::for_share) out += " FOR SHARE";
      if (s.wait == ast::WaitMode::nowait) out += " NOWAIT";
      if (s.wait == ast::WaitMode::skip_locked) out += " SKIP LOCKED";
      return out;
    case ast::SqlKind::update:
      out += "UPDATE " + s.table + " SET ";
      for (size_t i = 0; i < s.sets.size(); ++i) {
        if (i > 0) out += ", ";
        out += s.sets[i].column + " = " + expr(s.sets[i].value);
      }
      break;
    case ast::SqlKind::insert:
      out += "INSERT INTO " + s.table;
      if (!s.columns.empty()) {
        out += " (";
        for (size_t i = 0; i < s.columns.size(); ++i) out += (i > 0 ? ", " : "") + s.columns[i];
        out += ")";
      }
      out += " VALUES (";
      for (size_t i = 0; i < s.values.size(); ++i) out += (i > 0 ? ", " : "") + expr(s.values[i]);
      out += ")";
      if (s.on_conflict_do_nothing) out += " ON CONFLICT DO NOTHING";
      return out;
    case ast::SqlKind::delete_:
      out += "DELETE FROM " + s.table;
      break;
  }
  if (s.where) out += " WHERE " + expr(s.where);
  if (!s.returning.empty()) out += " RETURNING " + items_text(s.returning) + " INTO " + into();
  return out;
}

std::string to_string(const ast::Word& w) {
  std::string out;
  for (const ast::WordPart& p : w.parts) {
    if (!p.is_expr) {
      out += fmt::format("'{}'", p.text);
    } else if (p.expr && p.expr->kind == ast::ExprKind::int_lit) {
      out += std::to_string(p.expr->int_value);
    } else {
      out += "${" + (p.expr ? to_string(*p.expr) : "<none>") + "}";
    }
  }
  return out;
}

std::string to_string(const ast::RedisCmd& c) {
  static constexpr const char* kNames[] = {"GET",  "SET",    "DEL",    "EXISTS", "INCR",
                                           "DECR", "INCRBY", "DECRBY", "EXPIRE", "TTL"};
  std::string out = c.node;
  if (c.node_index) out += "[" + to_string(*c.node_index) + "]";
  out += ": ";
  out += kNames[static_cast<int>(c.op)];
  for (const ast::Word& k : c.keys) out += " " + to_string(k);
  if (c.value) out += " " + to_string(*c.value);
  if (c.condition == ast::SetCondition::nx) out += " NX";
  if (c.condition == ast::SetCondition::xx) out += " XX";
  if (c.ttl) out += (c.ttl_unit == ast::TtlUnit::px ? " PX " : " EX ") + to_string(*c.ttl);
  return out;
}

}  // namespace lockcheck::front
