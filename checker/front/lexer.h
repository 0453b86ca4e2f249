// Splits spec text into tokens, on demand. The parser may move the lexer back to any offset it has
// seen: it does so for its few places of lookahead and for Redis commands, whose words it reads
// raw up to the `;` (see redis_parser.cc). Lexical errors go straight to the diagnostics, each
// reported once even when a stretch of text is lexed twice.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checker/base/diagnostics.h"
#include "checker/base/source_location.h"

namespace lockcheck::front {

// Lexical errors past this many are not reported (the parser stops at its own limit).
inline constexpr size_t kMaxLexErrors = 100;

enum class TokenKind { eof, ident, integer, string, punct };

struct Token {
  TokenKind kind = TokenKind::eof;
  // The source slice. For `&&`, `||` and `!` (reported, then read as `and`, `or`, `not` so that
  // one slip does not derail the parse) it is the keyword meant.
  std::string_view text;
  std::string value;  // a string literal's decoded contents
  SourceLoc loc;
  size_t begin = 0;  // byte offsets of the token in the source
  size_t end = 0;
  bool line_start = false;  // only blanks before it on its line
  bool bad = false;         // malformed and already reported by the lexer
};

class Lexer {
 public:
  Lexer(std::string_view source, Diagnostics& diags);

  Token next();
  // Continues lexing from `offset`, which must not be inside a token.
  void reset(size_t offset) { pos_ = offset; }
  size_t offset() const { return pos_; }
  std::string_view source() const { return src_; }

  SourceLoc loc_at(size_t offset) const;
  // The first offset at or after `offset` that is not a blank or inside a comment.
  size_t skip_blanks(size_t offset);
  // The source between two offsets on one line: comments dropped, blank runs folded to one space,
  // no blanks at either end. String literals are kept as written.
  std::string one_line(size_t begin, size_t end) const;
  // Reports an error at `offset` unless one was already reported there.
  void error_at(size_t offset, std::string message);
  // The length of the valid UTF-8 sequence that starts at `offset`, or 0 when it is not one.
  size_t utf8_length(size_t offset) const;
  // Reports a NUL, control or invalid UTF-8 byte at `offset` (inside a string, comment or Redis
  // word) and returns how many bytes to step over.
  size_t check_text_byte(size_t offset);

 private:
  Token make(TokenKind kind, size_t begin, size_t end);
  size_t invalid_run(size_t offset) const;
  Token lex_string(size_t begin);
  Token lex_number(size_t begin);

  std::string_view src_;
  Diagnostics& diags_;
  size_t pos_ = 0;
  std::vector<size_t> line_starts_;
  std::set<size_t> reported_;
};

bool is_ident_start(char c);
bool is_ident_char(char c);
bool is_blank(char c);
// How a token is named in "found ..." messages: 'x', end of file, a string.
std::string describe(const Token& t);

}  // namespace lockcheck::front
