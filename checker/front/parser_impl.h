// The parser's class, shared by its source files: parser.cc (tokens, recovery, top level,
// processes), database_parser.cc, statement_parser.cc, expr_parser.cc (host expressions),
// sql_parser.cc and redis_parser.cc.
// Internal to checker/front.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/base/diagnostics.h"
#include "checker/front/ast.h"
#include "checker/front/lexer.h"

namespace lockcheck::front::detail {

inline constexpr int kMaxDepth = 200;
inline constexpr size_t kMaxErrors = 100;

class Parser {
 public:
  Parser(std::string_view source, Diagnostics& diags);
  std::unique_ptr<ast::Spec> parse_spec();

 private:
  friend struct DepthGuard;

  // --- tokens (parser.cc)
  const Token& peek(size_t k = 0);
  Token take();
  void rewind(size_t offset);
  bool at_punct(std::string_view p, size_t k = 0);
  bool at_word(std::string_view w, size_t k = 0);     // an identifier, exactly
  bool at_keyword(std::string_view w, size_t k = 0);  // an identifier, any case (SQL, Redis)
  bool accept_punct(std::string_view p);
  bool accept_word(std::string_view w);
  bool accept_keyword(std::string_view w);
  // On a mismatch: reports "expected 'p' <context>, found X" and returns false (consumes nothing).
  bool expect_punct(std::string_view p, std::string_view context = "");
  bool expect_word(std::string_view w, std::string_view context = "");
  bool expect_keyword(std::string_view w, std::string_view context = "");
  // Reports "expected <what> <context>, found X" at the next token, once per token.
  void report_expected(std::string_view what, std::string_view context);
  // Reads a name that may be declared (not a keyword); reports and returns "" when there is none.
  std::string expect_name(std::string_view what, SourceLoc* loc = nullptr);
  // `;` after a statement or declaration. When it is missing and the next token starts a line,
  // reports it and goes on as if it were there; otherwise skips to the next `;` or `}`.
  void expect_semicolon(std::string_view after);
  void error(SourceLoc loc, std::string message);
  SourceLoc end_of_previous() const;
  std::string text_from(size_t begin) const;  // one_line(begin, end of the last token taken)

  // --- recovery
  void sync_statement();  // to just after the next `;`, or before the `}` that closes the block
  void sync_top_level();  // to the next declaration
  // To before the closer of the current bracket level (or, if asked, the `;` or `{` that ends an
  // expression at that level).
  void skip_to_close(bool stop_at_semicolon);
  void too_deep(SourceLoc loc);

  // --- top level (parser.cc; the database block in database_parser.cc)
  void parse_top(ast::Spec& spec);
  void parse_database(ast::Spec& spec);
  void parse_table(ast::Database& db);
  void parse_default_isolation(ast::Database& db);
  void parse_ssi_granularity(ast::Database& db);
  void parse_initial_insert(ast::Database& db);
  void parse_process(ast::Spec& spec);
  void parse_fault(ast::Spec& spec);
  void parse_property(ast::Spec& spec, ast::PropertyKind kind);
  void parse_var_decl(std::vector<ast::VarDecl>& out);
  ast::ExprPtr parse_at_most();

  // --- statements (statement_parser.cc)
  void parse_block(std::vector<ast::StmtPtr>& out, std::string_view after);
  ast::StmtPtr parse_statement();
  ast::StmtPtr parse_if();
  ast::StmtPtr parse_assignment();
  bool at_sql_start(size_t k);
  bool at_redis_start(size_t k);  // NAME: CMD or NAME[...]: CMD

  // --- expressions (expr_parser.cc)
  ast::ExprPtr parse_expr();
  ast::ExprPtr parse_implies();
  ast::ExprPtr parse_or();
  ast::ExprPtr parse_and();
  ast::ExprPtr parse_not();
  ast::ExprPtr parse_comparison();
  ast::ExprPtr parse_additive();
  ast::ExprPtr parse_multiplicative();
  ast::ExprPtr parse_unary();
  ast::ExprPtr parse_postfix();
  ast::ExprPtr parse_primary();
  ast::ExprPtr parse_int(const Token& t, bool negative, SourceLoc loc);
  bool at_quantifier();

  // --- SQL (sql_parser.cc)
  ast::StmtPtr parse_sql_statement(size_t begin);
  std::unique_ptr<ast::SqlStmt> parse_sql();
  void parse_select(ast::SqlStmt& s);
  void parse_select_items(std::vector<ast::SelectItem>& out);
  void parse_into(std::vector<ast::IntoTarget>& out);
  void parse_returning(ast::SqlStmt& s);
  bool parse_table_name(ast::SqlStmt& s);
  std::string expect_column(SourceLoc* loc);
  ast::ExprPtr parse_sql_expr();
  ast::ExprPtr parse_sql_and();
  ast::ExprPtr parse_sql_not();
  ast::ExprPtr parse_sql_comparison();
  ast::ExprPtr parse_sql_additive();
  ast::ExprPtr parse_sql_multiplicative();
  ast::ExprPtr parse_sql_unary();
  ast::ExprPtr parse_sql_primary();
  ast::ExprPtr parse_host_value();  // `$name` or `${expr}`, at the `$`

  // --- Redis (redis_parser.cc)
  ast::StmtPtr parse_redis_statement(size_t begin, std::string target, SourceLoc target_loc);

  Lexer lexer_;
  Diagnostics& diags_;
  size_t first_diag_;
  std::deque<Token> ahead_;
  Token eof_;
  size_t prev_end_ = 0;
  size_t error_token_ = static_cast<size_t>(-1);  // the token last reported as unexpected
  int depth_ = 0;
  bool prev_bad_ = false;  // the last token taken was malformed (and reported)
  bool too_deep_reported_ = false;
  // Inside the values of the database block's `insert`: `$C` and `${C}` name constants there.
  bool dollar_is_constant_ = false;
  bool stopped_ = false;  // too many errors: the parser sees the end of the file from here on
};

// Counts nesting for the limit; `ok` is false when the construct is too deep to parse.
struct DepthGuard {
  explicit DepthGuard(Parser& p) : parser(p), ok(++p.depth_ <= kMaxDepth) {}
  ~DepthGuard() { --parser.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  Parser& parser;
  bool ok;
};

ast::ExprPtr make_expr(ast::ExprKind kind, SourceLoc loc, bool sql = false);
// Stands for an expression that failed to parse (reported already): a name without text, which
// the resolver takes as "type unknown" and reports nothing about.
ast::ExprPtr make_error_expr(SourceLoc loc);
inline bool is_error_expr(const ast::Expr& e) {
  return e.kind == ast::ExprKind::name && e.text.empty();
}
ast::ExprPtr make_binary(ast::Op op, SourceLoc loc, ast::ExprPtr lhs, ast::ExprPtr rhs, bool sql);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
// Words that start or continue expressions and statements, never usable as names.
bool is_reserved(std::string_view word);
// SQL keywords (any case), never usable as table or column names inside SQL.
bool sql_reserved(std::string_view word);

}  // namespace lockcheck::front::detail
