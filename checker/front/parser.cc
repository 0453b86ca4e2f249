#include "checker/front/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "checker/front/parser_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front {

std::unique_ptr<ast::Spec> parse(std::string_view source, Diagnostics& diags) {
  detail::Parser parser(source, diags);
  return parser.parse_spec();
}

namespace detail {

namespace {

constexpr std::array<std::string_view, 17> kTopKeywords = {
    "spec",      "const",      "var",     "ghost",    "database", "redis",
    "clock",     "timing",     "process", "fault",    "faults",   "invariant",
    "reachable", "eventually", "leads",   "fairness", "expect"};

bool is_top_keyword(std::string_view w) {
  return std::find(kTopKeywords.begin(), kTopKeywords.end(), w) != kTopKeywords.end();
}

bool is_opener(const Token& t) {
  return t.kind == TokenKind::punct &&
         (t.text == "(" || t.text == "[" || t.text == "{" || t.text == "${");
}

bool is_closer(const Token& t) {
  return t.kind == TokenKind::punct && (t.text == ")" || t.text == "]" || t.text == "}");
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_reserved(std::string_view w) {
  static constexpr std::array<std::string_view, 19> kReserved = {
      "var",    "if",  "else", "while", "break",   "continue", "done",  "assert", "await", "sleep",
      "atomic", "and", "or",   "not",   "implies", "true",     "false", "null",   "self"};
  return std::find(kReserved.begin(), kReserved.end(), w) != kReserved.end();
}

ast::ExprPtr make_expr(ast::ExprKind kind, SourceLoc loc, bool sql) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->loc = loc;
  e->sql = sql;
  return e;
}

ast::ExprPtr make_error_expr(SourceLoc loc) { return make_expr(ast::ExprKind::name, loc); }

ast::ExprPtr make_binary(ast::Op op, SourceLoc loc, ast::ExprPtr lhs, ast::ExprPtr rhs, bool sql) {
  auto e = make_expr(ast::ExprKind::binary, loc, sql);
  e->op = op;
  e->args.push_back(std::move(lhs));
  e->args.push_back(std::move(rhs));
  return e;
}

// ---------------------------------------------------------------------------------------------
// Tokens

Parser::Parser(std::string_view source, Diagnostics& diags)
    : lexer_(source, diags), diags_(diags), first_diag_(diags.all().size()) {
  eof_.kind = TokenKind::eof;
  eof_.begin = eof_.end = source.size();
  eof_.loc = lexer_.loc_at(source.size());
}

const Token& Parser::peek(size_t k) {
  if (stopped_) return eof_;
  while (ahead_.size() <= k && (ahead_.empty() || ahead_.back().kind != TokenKind::eof)) {
    ahead_.push_back(lexer_.next());
  }
  if (diags_.all().size() - first_diag_ >= kMaxErrors) {
    stopped_ = true;
    diags_.error(ahead_.front().loc, "too many errors; stopping here");
    return eof_;
  }
  return k < ahead_.size() ? ahead_[k] : ahead_.back();
}

Token Parser::take() {
  peek();
  if (stopped_) return eof_;
  Token t = std::move(ahead_.front());
  ahead_.pop_front();
  if (t.kind != TokenKind::eof) {
    prev_end_ = t.end;
    prev_bad_ = t.bad;
  }
  return t;
}

void Parser::rewind(size_t offset) {
  ahead_.clear();
  lexer_.reset(offset);
}

bool Parser::at_punct(std::string_view p, size_t k) {
  const Token& t = peek(k);
  return t.kind == TokenKind::punct && t.text == p;
}

bool Parser::at_word(std::string_view w, size_t k) {
  const Token& t = peek(k);
  return t.kind == TokenKind::ident && t.text == w;
}

bool Parser::at_keyword(std::string_view w, size_t k) {
  const Token& t = peek(k);
  return t.kind == TokenKind::ident && to_lower(t.text) == w;
}

bool Parser::accept_punct(std::string_view p) {
  if (!at_punct(p)) return false;
  take();
  return true;
}

bool Parser::accept_word(std::string_view w) {
  if (!at_word(w)) return false;
  take();
  return true;
}

bool Parser::accept_keyword(std::string_view w) {
  if (!at_keyword(w)) return false;
  take();
  return true;
}

void Parser::error(SourceLoc loc, std::string message) {
  if (stopped_) return;
  diags_.error(loc, std::move(message));
}

void Parser::report_expected(std::string_view what, std::string_view context) {
  const Token& t = peek();
  if (t.begin == error_token_ || prev_bad_) return;  // said already
  error_token_ = t.begin;
  if (context.empty()) {
    error(t.loc, fmt::format("expected {}, found {}", what, describe(t)));
  } else {
    error(t.loc, fmt::format("expected {} {}, found {}", what, context, describe(t)));
  }
}

bool Parser::expect_punct(std::string_view p, std::string_view context) {
  if (at_punct(p)) return true;
  report_expected(fmt::format("'{}'", p), context);
  return false;
}

bool Parser::expect_word(std::string_view w, std::string_view context) {
  if (at_word(w)) return true;
  report_expected(fmt::format("'{}'", w), context);
  return false;
}

bool Parser::expect_keyword(std::string_view w, std::string_view context) {
  if (at_keyword(w)) return true;
  report_expected(fmt::format("'{}'", to_upper(w)), context);
  return false;
}

std::string Parser::expect_name(std::string_view what, SourceLoc* loc) {
  const Token& t = peek();
  if (t.kind == TokenKind::ident && !is_reserved(t.text)) {
    if (loc != nullptr) *loc = t.loc;
    return std::string(take().text);
  }
  if (t.kind == TokenKind::ident) {
    error_token_ = t.begin;
    error(t.loc, fmt::format("expected {}, found keyword '{}'", what, t.text));
  } else {
    report_expected(what, "");
  }
  return "";
}

void Parser::expect_semicolon(std::string_view after) {
  if (accept_punct(";")) return;
  const Token& t = peek();
  bool said = t.begin == error_token_ || prev_bad_;
  if (!said) {
    error_token_ = t.begin;
    error(end_of_previous(), fmt::format("expected ';' after {}, found {}", after, describe(t)));
  }
  if (t.line_start || t.kind == TokenKind::eof || (t.kind == TokenKind::punct && t.text == "}")) {
    return;
  }
  sync_statement();
}

SourceLoc Parser::end_of_previous() const { return lexer_.loc_at(prev_end_); }

std::string Parser::text_from(size_t begin) const { return lexer_.one_line(begin, prev_end_); }

void Parser::too_deep(SourceLoc loc) {
  // Once per declaration: the levels around the spot would each say it again.
  if (too_deep_reported_) return;
  too_deep_reported_ = true;
  error(loc, fmt::format("nesting is too deep (more than {} levels)", kMaxDepth));
}

// ---------------------------------------------------------------------------------------------
// Recovery. Each loop takes a token per turn or stops, so none can spin.

void Parser::sync_statement() {
  int depth = 0;
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::eof) return;
    if (is_opener(t)) {
      ++depth;
    } else if (is_closer(t)) {
      if (depth == 0) {
        if (t.text == "}") return;
      } else {
        --depth;
        if (depth == 0 && t.text == "}") {
          take();
          return;
        }
      }
    } else if (depth == 0 && t.kind == TokenKind::punct && t.text == ";") {
      take();
      return;
    }
    take();
  }
}

void Parser::sync_top_level() {
  int depth = 0;
  bool first = true;
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::eof) return;
    if (depth == 0 && !first && t.line_start && t.kind == TokenKind::ident &&
        is_top_keyword(t.text)) {
      return;
    }
    if (is_opener(t)) {
      ++depth;
    } else if (is_closer(t)) {
      if (depth > 0) --depth;
      if (depth == 0 && t.text == "}") {
        take();
        return;
      }
    } else if (depth == 0 && t.kind == TokenKind::punct && t.text == ";") {
      take();
      return;
    }
    take();
    first = false;
  }
}

void Parser::skip_to_close(bool stop_at_semicolon) {
  int depth = 0;
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::eof) return;
    if (stop_at_semicolon && depth == 0 && t.kind == TokenKind::punct &&
        (t.text == ";" || t.text == "{")) {
      return;  // the end of the expression's statement, or the block after a condition
    }
    if (is_opener(t)) {
      ++depth;
    } else if (is_closer(t)) {
      if (depth == 0) return;
      --depth;
    }
    take();
  }
}

// ---------------------------------------------------------------------------------------------
// Top level

std::unique_ptr<ast::Spec> Parser::parse_spec() {
  auto spec = std::make_unique<ast::Spec>();
  while (peek().kind != TokenKind::eof) {
    size_t before = peek().begin;
    parse_top(*spec);
    if (peek().kind != TokenKind::eof && peek().begin == before) take();
  }
  return spec;
}

void Parser::parse_top(ast::Spec& spec) {
  too_deep_reported_ = false;
  const Token& t = peek();
  std::string_view w = t.kind == TokenKind::ident ? t.text : std::string_view();
  if (w == "spec") {
    take();
    SourceLoc loc;
    std::string name = expect_name("a spec name", &loc);
    if (name.empty()) return sync_top_level();
    if (spec.name_loc.valid()) {
      error(loc, fmt::format("the spec name is already given at line {}", spec.name_loc.line));
    } else {
      spec.name = name;
      spec.name_loc = loc;
    }
    return expect_semicolon("declaration");
  }
  if (w == "const") {
    take();
    ast::ConstDecl c;
    c.name = expect_name("a constant name", &c.loc);
    if (c.name.empty() || !expect_punct("=", "after the constant name")) return sync_top_level();
    take();
    c.value = parse_expr();
    spec.consts.push_back(std::move(c));
    return expect_semicolon("declaration");
  }
  if (w == "var" || w == "ghost") {
    take();
    ast::VarDecl v;
    v.name = expect_name("a variable name", &v.loc);
    if (v.name.empty()) return sync_top_level();
    if (accept_punct("=")) {
      v.init = parse_expr();
    } else {
      v.init = make_expr(ast::ExprKind::null_lit, v.loc);
    }
    (w == "var" ? spec.vars : spec.ghosts).push_back(std::move(v));
    return expect_semicolon("declaration");
  }
  if (w == "database") return parse_database(spec);
  if (w == "redis") {
    take();
    ast::RedisDecl r;
    r.name = expect_name("a Redis node name", &r.loc);
    if (r.name.empty()) return sync_top_level();
    if (accept_punct("[")) {
      r.count = parse_expr();
      if (!expect_punct("]", "after the number of nodes")) return sync_top_level();
      take();
    }
    spec.redis.push_back(std::move(r));
    return expect_semicolon("declaration");
  }
  if (w == "clock") {
    Token kw = take();
    ast::ClockDecl c;
    c.loc = kw.loc;
    if (at_word("relative")) {
      take();
      c.relative = true;
    } else {
      if (!expect_word("max", "after 'clock'")) return sync_top_level();
      take();
      c.max = parse_expr();
    }
    if (at_word("drift")) {
      Token d = take();
      error(d.loc, "clock drift is not supported yet");
      c.drift = parse_expr();
    }
    if (spec.clock) {
      error(kw.loc, fmt::format("the clock is already declared at line {}", spec.clock->loc.line));
    } else {
      spec.clock = std::move(c);
    }
    return expect_semicolon("declaration");
  }
  if (w == "timing") {
    Token kw = take();
    error(kw.loc, "timing bounded is not supported yet");
    ast::TimingDecl d;
    d.loc = kw.loc;
    if (!expect_word("bounded", "after 'timing'")) return sync_top_level();
    take();
    d.bound = parse_expr();
    if (!spec.timing) spec.timing = std::move(d);
    return expect_semicolon("declaration");
  }
  if (w == "process") return parse_process(spec);
  if (w == "fault") return parse_fault(spec);
  if (w == "faults") {
    Token kw = take();
    ast::ExprPtr budget = parse_at_most();
    if (!budget) return sync_top_level();
    if (spec.total_fault_budget) {
      error(kw.loc, fmt::format("'faults at most' is already given at line {}",
                                spec.total_fault_budget_loc.line));
    } else {
      spec.total_fault_budget = std::move(budget);
      spec.total_fault_budget_loc = kw.loc;
    }
    return expect_semicolon("declaration");
  }
  if (w == "invariant") return parse_property(spec, ast::PropertyKind::invariant);
  if (w == "reachable") return parse_property(spec, ast::PropertyKind::reachable);
  if (w == "eventually") return parse_property(spec, ast::PropertyKind::eventually);
  if (w == "leads") return parse_property(spec, ast::PropertyKind::leads);
  if (w == "fairness") {
    Token kw = take();
    if (!expect_word("weak", "after 'fairness' (the only option: 'fairness weak;')"))
      return sync_top_level();
    take();
    if (spec.fairness_weak) {
      error(kw.loc,
            fmt::format("'fairness weak' is already given at line {}", spec.fairness_loc.line));
    } else {
      spec.fairness_weak = true;
      spec.fairness_loc = kw.loc;
    }
    return expect_semicolon("declaration");
  }
  if (w == "expect") {
    Token kw = take();
    ast::Expect e;
    e.loc = kw.loc;
    if (accept_word("deadlock")) {
      e.kind = ast::ExpectKind::deadlock;
    } else if (accept_word("violated")) {
      e.kind = ast::ExpectKind::violated;
      e.name = expect_name("a property name", &e.loc);
      if (e.name.empty()) return sync_top_level();
    } else {
      report_expected("'violated' or 'deadlock'", "after 'expect'");
      return sync_top_level();
    }
    spec.expects.push_back(std::move(e));
    return expect_semicolon("declaration");
  }
  std::string message = fmt::format("expected a declaration, found {}", describe(t));
  if (t.kind == TokenKind::ident) {
    std::vector<std::string> candidates(kTopKeywords.begin(), kTopKeywords.end());
    std::string best = suggest(to_lower(t.text), candidates);
    if (best.empty() && to_lower(t.text) != t.text && is_top_keyword(to_lower(t.text))) {
      best = to_lower(t.text);
    }
    if (!best.empty()) message += fmt::format("; did you mean '{}'?", best);
  }
  error(t.loc, std::move(message));
  take();
  sync_top_level();
}

ast::ExprPtr Parser::parse_at_most() {
  if (!expect_word("at", "before the budget")) return nullptr;
  take();
  if (!expect_word("most", "after 'at'")) return nullptr;
  take();
  return parse_expr();
}

void Parser::parse_property(ast::Spec& spec, ast::PropertyKind kind) {
  take();
  ast::PropertyDecl p;
  p.kind = kind;
  p.name = expect_name("a property name", &p.loc);
  if (p.name.empty()) return sync_top_level();
  // `leads NAME for c in GROUP: P ~> Q`: one obligation per member of GROUP.
  std::string bound, group;
  SourceLoc bound_loc;
  if (kind == ast::PropertyKind::leads && at_word("for")) {
    take();
    bound = expect_name("a variable name", &bound_loc);
    if (bound.empty() || !expect_word("in", "after the variable")) return sync_top_level();
    take();
    group = expect_name("a process group", nullptr);
    if (group.empty()) return sync_top_level();
  }
  if (!expect_punct(":", "after the property name")) return sync_top_level();
  take();
  size_t begin = peek().begin;
  p.expr = parse_expr();
  if (kind == ast::PropertyKind::leads) {
    if (!expect_punct("~>", "in a leads property, as in 'leads NAME: P ~> Q;'"))
      return sync_top_level();
    SourceLoc arrow = take().loc;
    ast::ExprPtr q = parse_expr();
    p.expr = make_binary(ast::Op::leads_to, arrow, std::move(p.expr), std::move(q), false);
    if (!bound.empty()) {
      auto all = make_expr(ast::ExprKind::quantifier, bound_loc);
      all->quant = ast::Quant::all;
      all->text = bound;
      all->group = group;
      all->args.push_back(std::move(p.expr));
      p.expr = std::move(all);
    }
  }
  p.text = text_from(begin);
  spec.properties.push_back(std::move(p));
  expect_semicolon("declaration");
}

void Parser::parse_fault(ast::Spec& spec) {
  take();
  ast::FaultDecl f;
  const Token& k = peek();
  f.loc = k.loc;
  if (at_word("crash")) {
    f.kind = ast::FaultKind::crash;
  } else if (at_word("restart")) {
    f.kind = ast::FaultKind::restart_node;
  } else if (at_word("pause")) {
    f.kind = ast::FaultKind::pause;
    error(k.loc, "fault pause is not supported yet");
  } else if (at_word("lose_reply")) {
    f.kind = ast::FaultKind::lose_reply;
    error(k.loc, "fault lose_reply is not supported yet");
  } else {
    report_expected("'crash', 'restart', 'pause' or 'lose_reply'", "after 'fault'");
    return sync_top_level();
  }
  take();
  f.target =
      expect_name(f.kind == ast::FaultKind::restart_node ? "a Redis node name" : "a process name",
                  &f.target_loc);
  if (f.target.empty()) return sync_top_level();
  f.at_most = parse_at_most();
  if (!f.at_most) return sync_top_level();
  if (at_word("restart")) {
    Token r = take();
    if (f.kind == ast::FaultKind::crash) {
      f.restart = true;
    } else {
      error(r.loc, "'restart' only applies to 'fault crash'");
    }
  }
  spec.faults.push_back(std::move(f));
  expect_semicolon("declaration");
}

void Parser::parse_process(ast::Spec& spec) {
  take();
  ast::Process p;
  p.name = expect_name("a process name", &p.loc);
  if (p.name.empty()) return sync_top_level();
  if (accept_punct("[")) {
    p.lo = parse_expr();
    if (!expect_punct("..", "in the process range, as in [1..3]")) return sync_top_level();
    take();
    p.hi = parse_expr();
    if (!expect_punct("]", "after the process range")) return sync_top_level();
    take();
  }
  if (at_word("unfair")) {
    take();
    p.unfair = true;
  }
  std::vector<ast::StmtPtr> body;
  if (!at_punct("{")) {
    report_expected("'{'", "to open the process");
    return sync_top_level();
  }
  parse_block(body, "");
  // The `var` statements before the first other statement are the locals; any later `var` stays
  // in the body for the resolver to report.
  size_t i = 0;
  for (; i < body.size() && body[i]->kind == ast::StmtKind::var_decl; ++i) {
    ast::VarDecl v;
    v.name = std::move(body[i]->target);
    v.loc = body[i]->target_loc;
    v.init = std::move(body[i]->expr);
    p.locals.push_back(std::move(v));
  }
  for (; i < body.size(); ++i) p.body.push_back(std::move(body[i]));
  spec.processes.push_back(std::move(p));
}

}  // namespace detail
}  // namespace lockcheck::front
