// SQL statements inside process bodies, and the SELECT of scalar subqueries in properties.
// Keywords are read in any case; table and column names keep theirs. Every expression node
// built here is marked `sql`; the host expression inside `${...}` is not, as host rules apply.
#include <fmt/format.h>

#include <optional>

#include "checker/front/parser_impl.h"

namespace lockcheck::front::detail {

ast::StmtPtr Parser::parse_sql_statement(size_t begin) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::StmtKind::sql;
  s->loc = lexer_.loc_at(begin);
  std::string database;
  SourceLoc database_loc;
  if (at_punct(":", 1)) {
    Token d = take();
    take();
    database = std::string(d.text);
    database_loc = d.loc;
  }
  s->sql = parse_sql();
  s->sql->database = std::move(database);
  s->sql->database_loc = database_loc;
  s->text = text_from(begin);
  expect_semicolon("statement");
  return s;
}

std::unique_ptr<ast::SqlStmt> Parser::parse_sql() {
  auto s = std::make_unique<ast::SqlStmt>();
  Token kw = take();
  s->loc = kw.loc;
  std::string w = to_lower(kw.text);
  if (w == "begin") {
    s->kind = ast::SqlKind::begin;
    if (!accept_keyword("transaction")) accept_keyword("work");
    // Transaction modes, as PostgreSQL's BEGIN takes them: in any order, commas optional.
    bool first = true;
    while (at_keyword("isolation") || at_keyword("read") || at_keyword("deferrable") ||
           at_keyword("not") || (!first && at_punct(","))) {
      if (!first) accept_punct(",");
      first = false;
      if (at_keyword("isolation")) {
        take();
        if (!expect_keyword("level", "after 'ISOLATION'")) return s;
        take();
        s->isolation_given = true;
        if (accept_keyword("read")) {
          if (!accept_keyword("committed") && !accept_keyword("uncommitted")) {
            report_expected("'COMMITTED'", "after 'READ'");
            return s;
          }
          s->isolation = ast::Isolation::read_committed;
        } else if (accept_keyword("repeatable")) {
          if (!expect_keyword("read", "after 'REPEATABLE'")) return s;
          take();
          s->isolation = ast::Isolation::repeatable_read;
        } else if (accept_keyword("serializable")) {
          s->isolation = ast::Isolation::serializable;
        } else {
          report_expected("READ COMMITTED, REPEATABLE READ or SERIALIZABLE", "");
          return s;
        }
      } else if (at_keyword("read")) {
        take();
        if (accept_keyword("only")) {
          s->read_only = true;
        } else if (accept_keyword("write")) {
          s->read_only = false;
        } else {
          report_expected("'ONLY' or 'WRITE'", "after 'READ'");
          return s;
        }
      } else {
        Token d = peek();
        if (accept_keyword("not") && !at_keyword("deferrable")) {
          report_expected("'DEFERRABLE'", "after 'NOT'");
          return s;
        }
        take();
        error(d.loc, "DEFERRABLE transactions are not supported yet");
      }
    }
    return s;
  }
  if (w == "commit" || w == "rollback") {
    s->kind = w == "commit" ? ast::SqlKind::commit : ast::SqlKind::rollback;
    if (!accept_keyword("transaction")) accept_keyword("work");
    return s;
  }
  if (w == "select") {
    s->kind = ast::SqlKind::select;
    parse_select(*s);
    return s;
  }
  if (w == "update") {
    s->kind = ast::SqlKind::update;
    if (!parse_table_name(*s)) return s;
    if (!expect_keyword("set", "after the table name")) return s;
    take();
    for (;;) {
      ast::SetClause set;
      set.column = expect_column(&set.loc);
      if (set.column.empty()) return s;
      if (!expect_punct("=", "after the column")) return s;
      take();
      set.value = parse_sql_expr();
      s->sets.push_back(std::move(set));
      if (!accept_punct(",")) break;
    }
    if (accept_keyword("where")) s->where = parse_sql_expr();
    if (at_keyword("returning")) parse_returning(*s);
    return s;
  }
  if (w == "insert") {
    s->kind = ast::SqlKind::insert;
    if (!expect_keyword("into", "after 'INSERT'")) return s;
    take();
    if (!parse_table_name(*s)) return s;
    if (accept_punct("(")) {
      for (;;) {
        SourceLoc loc;
        std::string column = expect_column(&loc);
        if (column.empty()) return s;
        s->columns.push_back(std::move(column));
        s->column_locs.push_back(loc);
        if (!accept_punct(",")) break;
      }
      if (!expect_punct(")", "after the columns")) return s;
      take();
    }
    if (!expect_keyword("values", "")) return s;
    take();
    if (!expect_punct("(", "after 'VALUES'")) return s;
    take();
    for (;;) {
      s->values.push_back(parse_sql_expr());
      if (!accept_punct(",")) break;
    }
    if (!expect_punct(")", "after the values")) return s;
    take();
    if (at_punct(",") && at_punct("(", 1)) {
      error(peek().loc, "an INSERT in a process takes one row of values");
      while (accept_punct(",") && at_punct("(")) {
        take();
        skip_to_close(false);
        accept_punct(")");
      }
    }
    if (accept_keyword("on")) {
      for (std::string_view k : {"conflict", "do", "nothing"}) {
        if (!expect_keyword(k, "")) return s;
        take();
      }
      s->on_conflict_do_nothing = true;
    }
    return s;
  }
  // delete
  s->kind = ast::SqlKind::delete_;
  if (!expect_keyword("from", "after 'DELETE'")) return s;
  take();
  if (!parse_table_name(*s)) return s;
  if (accept_keyword("where")) s->where = parse_sql_expr();
  if (at_keyword("returning")) parse_returning(*s);
  return s;
}

void Parser::parse_select(ast::SqlStmt& s) {
  parse_select_items(s.items);
  if (accept_keyword("into")) parse_into(s.into);
  if (!expect_keyword("from", "")) return;
  take();
  if (!parse_table_name(s)) return;
  if (accept_keyword("where")) s.where = parse_sql_expr();
  if (at_keyword("order")) {
    take();
    if (!expect_keyword("by", "after 'ORDER'")) return;
    take();
    s.order_by = expect_column(&s.order_by_loc);
    if (s.order_by.empty()) return;
    if (accept_keyword("desc")) {
      s.order_desc = true;
    } else {
      accept_keyword("asc");
    }
  }
  if (accept_keyword("limit")) s.limit = parse_sql_additive();
  if (accept_keyword("for")) {
    if (accept_keyword("update")) {
      s.lock = ast::LockMode::for_update;
    } else if (accept_keyword("share")) {
      s.lock = ast::LockMode::for_share;
    } else {
      report_expected("'UPDATE' or 'SHARE'", "after 'FOR'");
      return;
    }
    if (accept_keyword("nowait")) {
      s.wait = ast::WaitMode::nowait;
    } else if (accept_keyword("skip")) {
      if (!expect_keyword("locked", "after 'SKIP'")) return;
      take();
      s.wait = ast::WaitMode::skip_locked;
    }
  }
  if (at_keyword("into")) {
    Token into = take();
    if (!s.into.empty()) error(into.loc, "INTO is given twice");
    parse_into(s.into);
  }
}

void Parser::parse_select_items(std::vector<ast::SelectItem>& out) {
  if (at_punct("*")) {
    ast::SelectItem item;
    item.star = true;
    item.loc = take().loc;
    out.push_back(std::move(item));
    return;
  }
  for (;;) {
    ast::SelectItem item;
    const Token& t = peek();
    item.loc = t.loc;
    std::string w = t.kind == TokenKind::ident ? to_lower(t.text) : "";
    if ((w == "count" || w == "sum" || w == "min" || w == "max") && at_punct("(", 1)) {
      take();
      take();
      if (at_punct("*")) {
        Token star = take();
        if (w == "count") {
          item.agg = ast::Aggregate::count_star;
          item.star = true;
        } else {
          error(star.loc, fmt::format("only COUNT takes '*', not {}", to_upper(w)));
          item.agg = ast::Aggregate::count_star;
          item.star = true;
        }
      } else {
        item.agg = w == "count" ? ast::Aggregate::count
                   : w == "sum" ? ast::Aggregate::sum
                   : w == "min" ? ast::Aggregate::min
                                : ast::Aggregate::max;
        SourceLoc loc;
        item.column = expect_column(&loc);
        if (item.column.empty()) return;
      }
      if (!expect_punct(")", "after the aggregate's column")) return;
      take();
    } else {
      item.column = expect_column(&item.loc);
      if (item.column.empty()) return;
    }
    out.push_back(std::move(item));
    if (!accept_punct(",")) break;
  }
}

void Parser::parse_into(std::vector<ast::IntoTarget>& out) {
  for (;;) {
    ast::IntoTarget target;
    target.name = expect_name("a variable", &target.loc);
    if (target.name.empty()) return;
    out.push_back(std::move(target));
    if (!accept_punct(",")) break;
  }
}

void Parser::parse_returning(ast::SqlStmt& s) {
  take();  // RETURNING
  parse_select_items(s.returning);
  if (!expect_keyword("into", "after the RETURNING columns")) return;
  take();
  parse_into(s.into);
}

bool Parser::parse_table_name(ast::SqlStmt& s) {
  const Token& t = peek();
  if (t.kind != TokenKind::ident || sql_reserved(t.text)) {
    report_expected("a table name", "");
    return false;
  }
  s.table_loc = t.loc;
  s.table = std::string(take().text);
  return true;
}

std::string Parser::expect_column(SourceLoc* loc) {
  const Token& t = peek();
  if (t.kind != TokenKind::ident || sql_reserved(t.text)) {
    report_expected("a column name", "");
    return "";
  }
  *loc = t.loc;
  return std::string(take().text);
}

// --- SQL expressions: OR, AND, NOT, comparisons and IS [NOT] NULL, + -, * / %, unary -.

ast::ExprPtr Parser::parse_sql_expr() {
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  ast::ExprPtr lhs = parse_sql_and();
  for (int n = 1; at_keyword("or"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    SourceLoc loc = take().loc;
    lhs = make_binary(ast::Op::or_, loc, std::move(lhs), parse_sql_and(), true);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_sql_and() {
  ast::ExprPtr lhs = parse_sql_not();
  for (int n = 1; at_keyword("and"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    SourceLoc loc = take().loc;
    lhs = make_binary(ast::Op::and_, loc, std::move(lhs), parse_sql_not(), true);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_sql_not() {
  if (!at_keyword("not")) return parse_sql_comparison();
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  Token t = take();
  auto e = make_expr(ast::ExprKind::unary, t.loc, true);
  e->op = ast::Op::not_;
  e->args.push_back(parse_sql_not());
  return e;
}

ast::ExprPtr Parser::parse_sql_comparison() {
  ast::ExprPtr lhs = parse_sql_additive();
  if (is_error_expr(*lhs)) return lhs;
  if (at_keyword("is")) {
    Token is = take();
    bool negated = accept_keyword("not");
    if (!expect_keyword("null", negated ? "after 'IS NOT'" : "after 'IS'")) return lhs;
    take();
    auto e = make_expr(negated ? ast::ExprKind::is_not_null : ast::ExprKind::is_null, is.loc, true);
    e->args.push_back(std::move(lhs));
    return e;
  }
  const Token& t = peek();
  if (t.kind != TokenKind::punct) return lhs;
  std::optional<ast::Op> op;
  if (t.text == "=" || t.text == "==") op = ast::Op::eq;
  if (t.text == "<>" || t.text == "!=") op = ast::Op::ne;
  if (t.text == "<") op = ast::Op::lt;
  if (t.text == "<=") op = ast::Op::le;
  if (t.text == ">") op = ast::Op::gt;
  if (t.text == ">=") op = ast::Op::ge;
  if (!op) return lhs;
  Token o = take();
  if (o.text == "==") error(o.loc, "'==' is not SQL; use '='");
  return make_binary(*op, o.loc, std::move(lhs), parse_sql_additive(), true);
}

ast::ExprPtr Parser::parse_sql_additive() {
  ast::ExprPtr lhs = parse_sql_multiplicative();
  if (is_error_expr(*lhs)) return lhs;
  for (int n = 1; at_punct("+") || at_punct("-"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    Token t = take();
    ast::Op op = t.text == "+" ? ast::Op::add : ast::Op::sub;
    lhs = make_binary(op, t.loc, std::move(lhs), parse_sql_multiplicative(), true);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_sql_multiplicative() {
  ast::ExprPtr lhs = parse_sql_unary();
  if (is_error_expr(*lhs)) return lhs;
  for (int n = 1; at_punct("*") || at_punct("/") || at_punct("%"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    Token t = take();
    ast::Op op = t.text == "*" ? ast::Op::mul : t.text == "/" ? ast::Op::div : ast::Op::mod;
    lhs = make_binary(op, t.loc, std::move(lhs), parse_sql_unary(), true);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_sql_unary() {
  if (!at_punct("-")) return parse_sql_primary();
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  Token minus = take();
  if (peek().kind == TokenKind::integer) {
    ast::ExprPtr e = parse_int(take(), true, minus.loc);
    e->sql = true;
    return e;
  }
  auto e = make_expr(ast::ExprKind::unary, minus.loc, true);
  e->op = ast::Op::neg;
  e->args.push_back(parse_sql_unary());
  return e;
}

ast::ExprPtr Parser::parse_sql_primary() {
  const Token& t = peek();
  SourceLoc loc = t.loc;
  if (t.kind == TokenKind::integer) {
    ast::ExprPtr e = parse_int(take(), false, loc);
    e->sql = true;
    return e;
  }
  if (t.kind == TokenKind::string) {
    auto e = make_expr(ast::ExprKind::text_lit, loc, true);
    e->text = take().value;
    return e;
  }
  if (t.kind == TokenKind::punct) {
    if (t.text == "$" || t.text == "${") return parse_host_value();
    if (t.text == "(") {
      Token open = take();
      if (at_keyword("select")) {
        error(peek().loc, "subqueries inside SQL statements are not supported");
        skip_to_close(false);
        accept_punct(")");
        return make_error_expr(loc);
      }
      ast::ExprPtr e = parse_sql_expr();
      if (!accept_punct(")")) {
        report_expected("')'", fmt::format("to close the '(' at line {}, column {}", open.loc.line,
                                           open.loc.column));
      }
      return e;
    }
  }
  if (t.kind == TokenKind::ident) {
    std::string w = to_lower(t.text);
    if (w == "true" || w == "false") {
      auto e = make_expr(ast::ExprKind::bool_lit, loc, true);
      e->int_value = w == "true" ? 1 : 0;
      take();
      return e;
    }
    if (w == "null") {
      take();
      return make_expr(ast::ExprKind::null_lit, loc, true);
    }
    if (at_punct("(", 1)) {
      if (w == "now") {
        take();
        take();
        if (expect_punct(")", "after 'now('")) take();
        return make_expr(ast::ExprKind::now, loc, true);
      }
      error(loc, fmt::format("function '{}' is not supported in SQL expressions", t.text));
      take();
      take();
      skip_to_close(false);
      accept_punct(")");
      return make_error_expr(loc);
    }
    if (!sql_reserved(w)) {
      auto e = make_expr(ast::ExprKind::column, loc, true);
      e->text = std::string(take().text);
      return e;
    }
  }
  report_expected("an expression", "");
  return make_error_expr(loc);
}

ast::ExprPtr Parser::parse_host_value() {
  Token dollar = take();
  auto host = make_expr(ast::ExprKind::host, dollar.loc, true);
  if (dollar.text == "${") {
    host->args.push_back(parse_expr());
    if (!accept_punct("}")) report_expected("'}'", "to close '${'");
    return host;
  }
  const Token& n = peek();
  if (n.kind != TokenKind::ident || n.begin != dollar.end) {
    error(dollar.loc, "expected a variable name right after '$'");
    host->args.push_back(make_error_expr(dollar.loc));
    return host;
  }
  Token name = take();
  if (name.text == "self") {
    host->args.push_back(make_expr(ast::ExprKind::self, name.loc));
  } else {
    auto e = make_expr(ast::ExprKind::name, name.loc);
    e->text = std::string(name.text);
    host->args.push_back(std::move(e));
  }
  return host;
}

}  // namespace lockcheck::front::detail
