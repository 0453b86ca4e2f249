#include "checker/compile/expr_text.h"

#include <fmt/format.h>

namespace lockcheck::compile {

namespace {

const char* op_text(ast::Op op, bool sql) {
  switch (op) {
    case ast::Op::add:
      return "+";
    case ast::Op::sub:
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
    case ast::Op::implies:
      return "implies";
    case ast::Op::leads_to:
      return "~>";
    case ast::Op::neg:
      return "-";
    case ast::Op::not_:
      return sql ? "NOT " : "not ";
    case ast::Op::none:
      break;
  }
  return "?";
}

std::string select_text(const ast::SqlStmt& s) {
  std::string items;
  for (const auto& it : s.items) {
    if (!items.empty()) items += ", ";
    switch (it.agg) {
      case ast::Aggregate::none:
        items += it.star ? "*" : it.column;
        break;
      case ast::Aggregate::count_star:
        items += "COUNT(*)";
        break;
      case ast::Aggregate::count:
        items += "COUNT(" + it.column + ")";
        break;
      case ast::Aggregate::sum:
        items += "SUM(" + it.column + ")";
        break;
      case ast::Aggregate::min:
        items += "MIN(" + it.column + ")";
        break;
      case ast::Aggregate::max:
        items += "MAX(" + it.column + ")";
        break;
    }
  }
  std::string out = fmt::format("SELECT {} FROM {}", items, s.table);
  if (s.where) out += " WHERE " + expr_text(*s.where);
  return out;
}

}  // namespace

std::string expr_text(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::int_lit:
      return std::to_string(e.int_value);
    case K::text_lit:
      return "'" + e.text + "'";
    case K::bool_lit:
      return e.int_value ? "true" : "false";
    case K::null_lit:
      return e.sql ? "NULL" : "null";
    case K::name:
    case K::column:
      return e.text;
    case K::self:
      return "self";
    case K::now:
      return "now()";
    case K::unary: {
      const auto& a = *e.args[0];
      std::string inner = expr_text(a);
      if (a.kind == K::binary) inner = "(" + inner + ")";
      return op_text(e.op, e.sql) + inner;
    }
    case K::binary: {
      auto side = [&](const ast::Expr& a) {
        std::string t = expr_text(a);
        return a.kind == K::binary || a.kind == K::quantifier ? "(" + t + ")" : t;
      };
      return fmt::format("{} {} {}", side(*e.args[0]), op_text(e.op, e.sql), side(*e.args[1]));
    }
    case K::index:
      return fmt::format("{}[{}]", expr_text(*e.args[0]), expr_text(*e.args[1]));
    case K::field:
      return fmt::format("{}.{}", expr_text(*e.args[0]), e.text);
    case K::quantifier: {
      const char* q = e.quant == ast::Quant::all    ? "all"
                      : e.quant == ast::Quant::some ? "some"
                                                    : "count";
      return fmt::format("{} {} in {}: {}", q, e.text, e.group, expr_text(*e.args[0]));
    }
    case K::subquery:
      return e.select ? "(" + select_text(*e.select) + ")" : "(subquery)";
    case K::host: {
      const auto& a = *e.args[0];
      if (a.kind == K::name) return "$" + a.text;
      return "${" + expr_text(a) + "}";
    }
    case K::is_null:
      return expr_text(*e.args[0]) + " IS NULL";
    case K::is_not_null:
      return expr_text(*e.args[0]) + " IS NOT NULL";
  }
  return "?";
}

}  // namespace lockcheck::compile
