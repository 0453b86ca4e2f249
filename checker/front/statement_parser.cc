// Process bodies: blocks and statements (SQL and Redis statements are handed to
// sql_parser.cc and redis_parser.cc).
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "checker/front/parser_impl.h"

namespace lockcheck::front::detail {

void Parser::parse_block(std::vector<ast::StmtPtr>& out, std::string_view after) {
  if (!at_punct("{")) {
    report_expected("'{'", after.empty() ? std::string_view() : after);
    return sync_statement();
  }
  Token open = take();
  DepthGuard guard(*this);
  if (!guard.ok) {
    too_deep(open.loc);
    skip_to_close(false);
  } else {
    while (!at_punct("}") && peek().kind != TokenKind::eof) {
      size_t before = peek().begin;
      ast::StmtPtr s = parse_statement();
      if (s) out.push_back(std::move(s));
      if (peek().begin == before && !at_punct("}") && peek().kind != TokenKind::eof) take();
    }
  }
  if (!accept_punct("}")) {
    report_expected("'}'", fmt::format("to close the block opened at line {}", open.loc.line));
  }
}

bool Parser::at_sql_start(size_t k) {
  const Token& t = peek(k);
  if (t.kind != TokenKind::ident || t.text.size() > 8) return false;
  std::string w = to_lower(t.text);
  const Token& n = peek(k + 1);
  if (w == "begin" || w == "commit" || w == "rollback") {
    return n.kind == TokenKind::ident || n.kind == TokenKind::eof ||
           (n.kind == TokenKind::punct && (n.text == ";" || n.text == "}"));
  }
  if (w == "select") {
    return n.kind == TokenKind::ident || (n.kind == TokenKind::punct && n.text == "*");
  }
  if (w == "update" || w == "insert" || w == "delete") return n.kind == TokenKind::ident;
  return false;
}

bool Parser::at_redis_start(size_t k) {
  if (peek(k).kind != TokenKind::ident) return false;
  size_t i = k + 1;
  if (at_punct("[", i)) {
    constexpr size_t kMaxScan = 1000;
    int depth = 0;
    for (; i < k + kMaxScan; ++i) {
      const Token& t = peek(i);
      if (t.kind == TokenKind::eof) return false;
      if (t.kind != TokenKind::punct) continue;
      if (t.text == ";" || t.text == "{" || t.text == "}") return false;
      if (t.text == "[") ++depth;
      if (t.text == "]" && --depth == 0) break;
    }
    if (depth != 0) return false;
    ++i;
  }
  return at_punct(":", i) && peek(i + 1).kind == TokenKind::ident && !at_sql_start(i + 1);
}

ast::StmtPtr Parser::parse_statement() {
  const Token& t = peek();
  size_t begin = t.begin;
  SourceLoc loc = t.loc;
  auto make = [&](ast::StmtKind kind) {
    auto s = std::make_unique<ast::Stmt>();
    s->kind = kind;
    s->loc = loc;
    return s;
  };
  if (t.kind != TokenKind::ident) {
    report_expected("a statement", "");
    sync_statement();
    return nullptr;
  }
  std::string_view w = t.text;
  if (w == "var") {
    take();
    auto s = make(ast::StmtKind::var_decl);
    s->target = expect_name("a variable name", &s->target_loc);
    if (s->target.empty()) {
      sync_statement();
      return nullptr;
    }
    if (accept_punct("=")) {
      s->expr = parse_expr();
    } else {
      s->expr = make_expr(ast::ExprKind::null_lit, s->target_loc);
    }
    s->text = text_from(begin);
    expect_semicolon("statement");
    return s;
  }
  if (w == "if") return parse_if();
  if (w == "while") {
    take();
    auto s = make(ast::StmtKind::while_);
    s->expr = parse_expr();
    s->text = text_from(begin);
    parse_block(s->body, "after the condition");
    return s;
  }
  if (w == "break" || w == "continue" || w == "done") {
    take();
    auto s = make(w == "break"      ? ast::StmtKind::break_
                  : w == "continue" ? ast::StmtKind::continue_
                                    : ast::StmtKind::done);
    s->text = text_from(begin);
    expect_semicolon("statement");
    return s;
  }
  if (w == "assert") {
    take();
    auto s = make(ast::StmtKind::assert_);
    s->expr = parse_expr();
    if (accept_punct(",")) {
      if (peek().kind == TokenKind::string) {
        s->message = take().value;
      } else {
        report_expected("a message string", "after ','");
      }
    }
    s->text = text_from(begin);
    expect_semicolon("statement");
    return s;
  }
  if (w == "await" || w == "sleep") {
    take();
    auto s = make(w == "await" ? ast::StmtKind::await_ : ast::StmtKind::sleep);
    s->expr = parse_expr();
    s->text = text_from(begin);
    expect_semicolon("statement");
    return s;
  }
  if (w == "atomic") {
    take();
    auto s = make(ast::StmtKind::atomic);
    s->text = "atomic";
    parse_block(s->body, "after 'atomic'");
    return s;
  }
  if (w == "else") {
    error(loc, "'else' without 'if'");
    take();
    if (at_word("if")) take();
    sync_statement();
    return nullptr;
  }
  if (at_sql_start(0)) return parse_sql_statement(begin);
  if (at_punct(":", 1) && at_sql_start(2)) return parse_sql_statement(begin);
  if (at_redis_start(0)) return parse_redis_statement(begin, "", {});
  if (at_punct("=", 1)) return parse_assignment();
  static constexpr std::array<std::string_view, 10> kRedisWords = {
      "get", "set", "del", "exists", "incr", "decr", "incrby", "decrby", "expire", "ttl"};
  if (std::find(kRedisWords.begin(), kRedisWords.end(), to_lower(w)) != kRedisWords.end() &&
      peek(1).kind != TokenKind::punct) {
    error(loc, fmt::format("a Redis command needs a node, as in 'cache: {} ...'", w));
    sync_statement();
    return nullptr;
  }
  if (at_punct(":", 1)) {
    take();
    take();
    report_expected("a Redis command or a SQL statement", fmt::format("after '{}:'", w));
    sync_statement();
    return nullptr;
  }
  static constexpr std::array<std::string_view, 10> kStatementWords = {
      "var", "if", "while", "break", "continue", "done", "assert", "await", "sleep", "atomic"};
  std::string lower = to_lower(w);
  if (lower != w &&
      std::find(kStatementWords.begin(), kStatementWords.end(), lower) != kStatementWords.end()) {
    error_token_ = t.begin;
    error(loc,
          fmt::format("expected a statement, found '{}'; keywords are lowercase: '{}'", w, lower));
  } else {
    report_expected("a statement", "");
  }
  sync_statement();
  return nullptr;
}

ast::StmtPtr Parser::parse_assignment() {
  Token name = take();
  take();  // `=`
  if (at_redis_start(0)) return parse_redis_statement(name.begin, std::string(name.text), name.loc);
  // `x = commit;` reads a variable; only the statements that go on with a word count here.
  auto sql_here = [&](size_t k) {
    return at_sql_start(k) && !at_keyword("begin", k) && !at_keyword("commit", k) &&
           !at_keyword("rollback", k);
  };
  if (sql_here(0) || (at_punct(":", 1) && sql_here(2))) {
    error(peek().loc, "a SQL statement cannot be assigned; read its results with INTO");
    return parse_sql_statement(peek().begin);
  }
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::StmtKind::assign;
  s->loc = name.loc;
  s->target = std::string(name.text);
  s->target_loc = name.loc;
  s->expr = parse_expr();
  s->text = text_from(name.begin);
  expect_semicolon("statement");
  return s;
}

ast::StmtPtr Parser::parse_if() {
  // An `else if` chain is read in a loop, each link counting as one level of nesting.
  ast::StmtPtr root;
  ast::Stmt* last = nullptr;
  int links = 0;
  for (;;) {
    Token kw = take();  // `if`
    auto s = std::make_unique<ast::Stmt>();
    s->kind = ast::StmtKind::if_;
    s->loc = kw.loc;
    s->expr = parse_expr();
    s->text = text_from(kw.begin);
    parse_block(s->body, "after the condition");
    ast::Stmt* current = s.get();
    if (last == nullptr) {
      root = std::move(s);
    } else {
      last->else_body.push_back(std::move(s));
    }
    last = current;
    if (!accept_word("else")) break;
    if (!at_word("if")) {
      parse_block(last->else_body, "after 'else'");
      break;
    }
    ++links;
    ++depth_;
    if (depth_ > kMaxDepth) {
      too_deep(peek().loc);
      // Skip the rest of the chain without building it.
      while (accept_word("if") || at_punct("{")) {
        while (!at_punct("{") && !at_punct("}") && !at_punct(";") &&
               peek().kind != TokenKind::eof) {
          take();
        }
        if (!accept_punct("{")) break;
        skip_to_close(false);
        accept_punct("}");
        if (!accept_word("else")) break;
      }
      break;
    }
  }
  depth_ -= links;
  return root;
}

}  // namespace lockcheck::front::detail
