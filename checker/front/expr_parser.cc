// Host expressions. Precedence, low to high: implies (right-associative), or, and, not,
// comparisons (not chained), + -, * / %, unary -, postfix ([i], .field). Quantifiers reach as far
// right as they can. Every level counts towards the nesting limit, so that no input can overflow
// the stack, here or in the passes that walk the tree later.
#include <fmt/format.h>

#include <optional>

#include "checker/front/parser_impl.h"

namespace lockcheck::front::detail {

namespace {

std::optional<ast::Op> comparison_op(const Token& t) {
  if (t.kind != TokenKind::punct) return std::nullopt;
  if (t.text == "==" || t.text == "=") return ast::Op::eq;
  if (t.text == "!=" || t.text == "<>") return ast::Op::ne;
  if (t.text == "<") return ast::Op::lt;
  if (t.text == "<=") return ast::Op::le;
  if (t.text == ">") return ast::Op::gt;
  if (t.text == ">=") return ast::Op::ge;
  return std::nullopt;
}

}  // namespace

ast::ExprPtr Parser::parse_expr() {
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  return parse_implies();
}

ast::ExprPtr Parser::parse_implies() {
  ast::ExprPtr first = parse_or();
  if (!at_word("implies")) return first;
  std::vector<ast::ExprPtr> operands;
  std::vector<SourceLoc> locs;
  operands.push_back(std::move(first));
  while (at_word("implies")) {
    if (depth_ + static_cast<int>(operands.size()) > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    locs.push_back(take().loc);
    operands.push_back(parse_or());
  }
  ast::ExprPtr result = std::move(operands.back());
  for (size_t i = locs.size(); i-- > 0;) {
    result =
        make_binary(ast::Op::implies, locs[i], std::move(operands[i]), std::move(result), false);
  }
  return result;
}

ast::ExprPtr Parser::parse_or() {
  ast::ExprPtr lhs = parse_and();
  for (int n = 1; at_word("or"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    SourceLoc loc = take().loc;
    lhs = make_binary(ast::Op::or_, loc, std::move(lhs), parse_and(), false);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_and() {
  ast::ExprPtr lhs = parse_not();
  for (int n = 1; at_word("and"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    SourceLoc loc = take().loc;
    lhs = make_binary(ast::Op::and_, loc, std::move(lhs), parse_not(), false);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_not() {
  if (!at_word("not")) return parse_comparison();
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  Token t = take();
  auto e = make_expr(ast::ExprKind::unary, t.loc);
  e->op = ast::Op::not_;
  e->args.push_back(parse_not());
  return e;
}

ast::ExprPtr Parser::parse_comparison() {
  ast::ExprPtr lhs = parse_additive();
  if (is_error_expr(*lhs)) return lhs;  // what follows is part of the same mistake
  std::optional<ast::Op> op = comparison_op(peek());
  if (!op) return lhs;
  Token t = take();
  if (t.text == "=") error(t.loc, "'=' assigns; use '==' to compare");
  if (t.text == "<>") error(t.loc, "'<>' is SQL; use '!=' outside SQL");
  ast::ExprPtr e = make_binary(*op, t.loc, std::move(lhs), parse_additive(), false);
  while (comparison_op(peek())) {
    error(peek().loc, "comparisons cannot be chained; use 'and'");
    take();
    parse_additive();
  }
  return e;
}

ast::ExprPtr Parser::parse_additive() {
  ast::ExprPtr lhs = parse_multiplicative();
  if (is_error_expr(*lhs)) return lhs;
  for (int n = 1; at_punct("+") || at_punct("-"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    Token t = take();
    ast::Op op = t.text == "+" ? ast::Op::add : ast::Op::sub;
    lhs = make_binary(op, t.loc, std::move(lhs), parse_multiplicative(), false);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_multiplicative() {
  ast::ExprPtr lhs = parse_unary();
  if (is_error_expr(*lhs)) return lhs;
  for (int n = 1; at_punct("*") || at_punct("/") || at_punct("%"); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    Token t = take();
    ast::Op op = t.text == "*" ? ast::Op::mul : t.text == "/" ? ast::Op::div : ast::Op::mod;
    lhs = make_binary(op, t.loc, std::move(lhs), parse_unary(), false);
  }
  return lhs;
}

ast::ExprPtr Parser::parse_unary() {
  if (!at_punct("-")) return parse_postfix();
  DepthGuard guard(*this);
  if (!guard.ok) {
    SourceLoc loc = peek().loc;
    too_deep(loc);
    skip_to_close(true);
    return make_error_expr(loc);
  }
  Token minus = take();
  // `-3` is folded into one literal, which also lets -2147483648 be written.
  if (peek().kind == TokenKind::integer) return parse_int(take(), true, minus.loc);
  auto e = make_expr(ast::ExprKind::unary, minus.loc);
  e->op = ast::Op::neg;
  e->args.push_back(parse_unary());
  return e;
}

ast::ExprPtr Parser::parse_int(const Token& t, bool negative, SourceLoc loc) {
  auto e = make_expr(ast::ExprKind::int_lit, loc);
  if (t.bad) return e;
  // Ints are 32-bit signed, like PostgreSQL's `int`.
  constexpr unsigned long long kLimit = 2147483648ULL;
  unsigned long long v = 0;
  bool overflow = false;
  for (char c : t.text) {
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > kLimit) {
      overflow = true;
      break;
    }
  }
  if (overflow || (!negative && v == kLimit)) {
    error(loc, "integer literal out of range");
    return e;
  }
  e->int_value = negative ? -static_cast<long long>(v) : static_cast<long long>(v);
  return e;
}

ast::ExprPtr Parser::parse_postfix() {
  ast::ExprPtr e = parse_primary();
  for (int n = 1; at_punct("[") || at_punct("."); ++n) {
    if (depth_ + n > kMaxDepth) {
      too_deep(peek().loc);
      skip_to_close(true);
      break;
    }
    if (accept_punct("[")) {
      auto index = make_expr(ast::ExprKind::index, e->loc);
      index->args.push_back(std::move(e));
      index->args.push_back(parse_expr());
      if (expect_punct("]", "after the index")) take();
      e = std::move(index);
    } else {
      take();  // `.`
      const Token& name = peek();
      if (name.kind != TokenKind::ident) {
        report_expected("a field name", "after '.'");
        break;
      }
      auto field = make_expr(ast::ExprKind::field, name.loc);
      field->text = std::string(take().text);
      field->args.push_back(std::move(e));
      e = std::move(field);
    }
  }
  return e;
}

bool Parser::at_quantifier() {
  return (at_word("all") || at_word("some") || at_word("count")) &&
         peek(1).kind == TokenKind::ident && at_word("in", 2);
}

ast::ExprPtr Parser::parse_primary() {
  const Token& t = peek();
  SourceLoc loc = t.loc;
  switch (t.kind) {
    case TokenKind::integer:
      return parse_int(take(), false, loc);
    case TokenKind::string: {
      auto e = make_expr(ast::ExprKind::text_lit, loc);
      e->text = take().value;
      return e;
    }
    case TokenKind::ident: {
      std::string_view w = t.text;
      if (w == "true" || w == "false") {
        auto e = make_expr(ast::ExprKind::bool_lit, loc);
        e->int_value = w == "true" ? 1 : 0;
        take();
        return e;
      }
      if (w == "null") {
        take();
        return make_expr(ast::ExprKind::null_lit, loc);
      }
      if (w == "self") {
        take();
        return make_expr(ast::ExprKind::self, loc);
      }
      if (w == "now" && at_punct("(", 1)) {
        take();
        take();
        if (expect_punct(")", "after 'now('")) take();
        return make_expr(ast::ExprKind::now, loc);
      }
      if (at_quantifier()) {
        Token q = take();
        auto e = make_expr(ast::ExprKind::quantifier, loc);
        e->quant = q.text == "all"    ? ast::Quant::all
                   : q.text == "some" ? ast::Quant::some
                                      : ast::Quant::count;
        e->text = std::string(take().text);
        take();  // `in`
        const Token& g = peek();
        if (g.kind != TokenKind::ident) {
          report_expected("a process name", "after 'in'");
          return e;
        }
        e->group = std::string(take().text);
        if (!expect_punct(":", "after the process name")) return e;
        take();
        e->args.push_back(parse_expr());
        return e;
      }
      if (is_reserved(w)) {
        report_expected("an expression", "");
        return make_error_expr(loc);
      }
      auto e = make_expr(ast::ExprKind::name, loc);
      e->text = std::string(take().text);
      return e;
    }
    case TokenKind::punct: {
      if (t.text == "(") {
        if (at_keyword("select", 1)) {
          take();
          auto e = make_expr(ast::ExprKind::subquery, peek().loc);
          e->select = parse_sql();
          if (expect_punct(")", "after the subquery")) take();
          return e;
        }
        Token open = take();
        ast::ExprPtr e = parse_expr();
        if (!accept_punct(")")) {
          report_expected("')'", fmt::format("to close the '(' at line {}, column {}",
                                             open.loc.line, open.loc.column));
        }
        return e;
      }
      if (t.text == "$" || t.text == "${") {
        if (!dollar_is_constant_)
          error(loc, "'$' is only used inside SQL statements and Redis commands");
        Token d = take();
        if (d.text == "$") {
          if (peek().kind != TokenKind::ident || is_reserved(peek().text)) {
            return make_error_expr(loc);
          }
          auto e = make_expr(ast::ExprKind::name, peek().loc);
          e->text = std::string(take().text);
          return e;
        }
        ast::ExprPtr e = parse_expr();
        if (expect_punct("}", "")) take();
        return e;
      }
      break;
    }
    default:
      break;
  }
  report_expected("an expression", "");
  return make_error_expr(loc);
}

}  // namespace lockcheck::front::detail
