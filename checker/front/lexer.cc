#include "checker/front/lexer.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockcheck::front {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::eof:
      return "end of file";
    case TokenKind::string:
      return "a string";
    default:
      break;
  }
  constexpr size_t kMaxShown = 30;
  if (t.text.size() > kMaxShown) return fmt::format("'{}...'", t.text.substr(0, kMaxShown));
  return fmt::format("'{}'", t.text);
}

Lexer::Lexer(std::string_view source, Diagnostics& diags) : src_(source), diags_(diags) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < src_.size(); ++i) {
    if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceLoc Lexer::loc_at(size_t offset) const {
  offset = std::min(offset, src_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());
  size_t column = offset - line_starts_[line - 1] + 1;
  return {static_cast<uint32_t>(line), static_cast<uint32_t>(column)};
}

void Lexer::error_at(size_t offset, std::string message) {
  // Past the limit the parser stops (see kMaxErrors); a binary file must not flood the output.
  if (reported_.size() >= kMaxLexErrors) return;
  if (!reported_.insert(offset).second) return;
  diags_.error(loc_at(offset), std::move(message));
}

size_t Lexer::utf8_length(size_t offset) const {
  auto byte = [&](size_t i) -> unsigned {
    return i < src_.size() ? static_cast<unsigned char>(src_[i]) : 0u;
  };
  unsigned c = byte(offset);
  size_t n = 0;
  unsigned min = 0;
  unsigned code = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    code = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    code = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    code = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; ++i) {
    unsigned b = byte(offset + i);
    if ((b & 0xC0) != 0x80) return 0;
    code = (code << 6) | (b & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

size_t Lexer::check_text_byte(size_t offset) {
  unsigned char c = static_cast<unsigned char>(src_[offset]);
  if (c == 0) {
    error_at(offset, "unexpected NUL byte");
    return 1;
  }
  if (c < 0x20 && !is_blank(static_cast<char>(c))) {
    error_at(offset, fmt::format("unexpected control character 0x{:02x}", c));
    return 1;
  }
  if (c < 0x80) return 1;
  size_t n = utf8_length(offset);
  if (n == 0) {
    error_at(offset, fmt::format("invalid UTF-8 byte 0x{:02x}", c));
    return invalid_run(offset);
  }
  return n;
}

size_t Lexer::invalid_run(size_t offset) const {
  // One report covers the bytes that continue a broken sequence.
  size_t n = 1;
  while (n < 4 && offset + n < src_.size() &&
         (static_cast<unsigned char>(src_[offset + n]) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

size_t Lexer::skip_blanks(size_t offset) {
  size_t i = offset;
  while (i < src_.size()) {
    char c = src_[i];
    if (is_blank(c)) {
      ++i;
    } else if (c == '/' && i + 1 < src_.size() && src_[i + 1] == '/') {
      while (i < src_.size() && src_[i] != '\n') i += check_text_byte(i);
    } else if (c == '/' && i + 1 < src_.size() && src_[i + 1] == '*') {
      size_t close = src_.find("*/", i + 2);
      if (close == std::string_view::npos) {
        error_at(i, "unterminated comment");
        for (size_t j = i + 2; j < src_.size();) j += check_text_byte(j);
        i = src_.size();
      } else {
        for (size_t j = i + 2; j < close;) j += check_text_byte(j);
        i = close + 2;
      }
    } else {
      break;
    }
  }
  return i;
}

Token Lexer::make(TokenKind kind, size_t begin, size_t end) {
  Token t;
  t.kind = kind;
  t.text = src_.substr(begin, end - begin);
  t.loc = loc_at(begin);
  t.begin = begin;
  t.end = end;
  size_t i = begin;
  while (i > 0 && (src_[i - 1] == ' ' || src_[i - 1] == '\t' || src_[i - 1] == '\r')) --i;
  t.line_start = i == 0 || src_[i - 1] == '\n';
  return t;
}

Token Lexer::lex_string(size_t begin) {
  char quote = src_[begin];
  std::string value;
  size_t i = begin + 1;
  bool closed = false;
  bool bad = false;
  while (i < src_.size() && src_[i] != '\n') {
    char c = src_[i];
    if (c == quote) {
      // SQL style: a doubled quote stands for one.
      if (i + 1 < src_.size() && src_[i + 1] == quote) {
        value += quote;
        i += 2;
        continue;
      }
      closed = true;
      ++i;
      break;
    }
    if (c == '\\' && i + 1 < src_.size()) {
      char e = src_[i + 1];
      switch (e) {
        case '\\':
        case '\'':
        case '"':
          value += e;
          break;
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        default:
          error_at(i, fmt::format("unknown escape '\\{}' in string", is_blank(e) ? ' ' : e));
          bad = true;
          break;
      }
      i += 2;
      continue;
    }
    size_t n = check_text_byte(i);
    if (n == 1 && (static_cast<unsigned char>(c) < 0x20 && c != '\t')) bad = true;
    value.append(src_.substr(i, n));
    i += n;
  }
  if (!closed) {
    error_at(begin, "unterminated string");
    bad = true;
  }
  pos_ = i;
  Token t = make(TokenKind::string, begin, i);
  t.value = std::move(value);
  t.bad = bad;
  return t;
}

Token Lexer::lex_number(size_t begin) {
  size_t i = begin;
  while (i < src_.size() && src_[i] >= '0' && src_[i] <= '9') ++i;
  bool bad = false;
  if (i < src_.size() && is_ident_char(src_[i])) {
    while (i < src_.size() && is_ident_char(src_[i])) ++i;
    error_at(begin, fmt::format("invalid number '{}'",
                                src_.substr(begin, std::min<size_t>(i - begin, 30))));
    bad = true;
  }
  pos_ = i;
  Token t = make(TokenKind::integer, begin, i);
  t.bad = bad;
  return t;
}

Token Lexer::next() {
  for (;;) {
    pos_ = skip_blanks(pos_);
    if (pos_ >= src_.size()) {
      Token t = make(TokenKind::eof, src_.size(), src_.size());
      t.text = {};
      return t;
    }
    size_t begin = pos_;
    char c = src_[begin];
    if (is_ident_start(c)) {
      size_t i = begin;
      while (i < src_.size() && is_ident_char(src_[i])) ++i;
      pos_ = i;
      return make(TokenKind::ident, begin, i);
    }
    if (c >= '0' && c <= '9') return lex_number(begin);
    if (c == '\'' || c == '"') return lex_string(begin);
    auto two = [&](std::string_view p) { return src_.substr(begin, 2) == p; };
    for (std::string_view p : {"..", "==", "!=", "<>", "<=", ">=", "${", "~>"}) {
      if (two(p)) {
        pos_ = begin + 2;
        return make(TokenKind::punct, begin, begin + 2);
      }
    }
    // Operators from other languages: say what to write, then read them as meant.
    struct Alias {
      std::string_view written;
      std::string_view meant;
    };
    for (Alias a : {Alias{"&&", "and"}, Alias{"||", "or"}}) {
      if (two(a.written)) {
        error_at(begin, fmt::format("'{}' is not an operator; use '{}'", a.written, a.meant));
        pos_ = begin + 2;
        Token t = make(TokenKind::ident, begin, begin + 2);
        t.text = a.meant;
        return t;
      }
    }
    if (c == '!') {
      error_at(begin, "'!' is not an operator; use 'not'");
      pos_ = begin + 1;
      Token t = make(TokenKind::ident, begin, begin + 1);
      t.text = "not";
      return t;
    }
    if (std::string_view("(){}[],;:.+-*/%=<>$").find(c) != std::string_view::npos) {
      pos_ = begin + 1;
      return make(TokenKind::punct, begin, begin + 1);
    }
    // Anything else is reported and skipped.
    unsigned char u = static_cast<unsigned char>(c);
    if (u == 0) {
      error_at(begin, "unexpected NUL byte");
      pos_ = begin + 1;
    } else if (u < 0x20 || u == 0x7f) {
      error_at(begin, fmt::format("unexpected control character 0x{:02x}", u));
      pos_ = begin + 1;
    } else if (u >= 0x80) {
      size_t n = utf8_length(begin);
      if (n == 0) {
        error_at(begin, fmt::format("invalid UTF-8 byte 0x{:02x}", u));
        pos_ = begin + invalid_run(begin);
      } else {
        error_at(begin, fmt::format("unexpected character '{}'", src_.substr(begin, n)));
        pos_ = begin + n;
      }
    } else {
      error_at(begin, fmt::format("unexpected character '{}'", c));
      pos_ = begin + 1;
    }
  }
}

std::string Lexer::one_line(size_t begin, size_t end) const {
  std::string out;
  end = std::min(end, src_.size());
  bool pending_space = false;
  size_t i = begin;
  auto put = [&](std::string_view s) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += s;
  };
  while (i < end) {
    char c = src_[i];
    if (is_blank(c)) {
      pending_space = true;
      ++i;
    } else if (c == '/' && i + 1 < end && src_[i + 1] == '/') {
      while (i < end && src_[i] != '\n') ++i;
      pending_space = true;
    } else if (c == '/' && i + 1 < end && src_[i + 1] == '*') {
      size_t close = src_.find("*/", i + 2);
      i = close == std::string_view::npos ? end : std::min(end, close + 2);
      pending_space = true;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < end && src_[j] != '\n') {
        if (src_[j] == '\\') {
          j += 2;
          continue;
        }
        if (src_[j] == c) {
          if (j + 1 < end && src_[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      j = std::min(j, end);
      put(src_.substr(i, j - i));
      i = j;
    } else {
      put(src_.substr(i, 1));
      ++i;
    }
  }
  return out;
}

}  // namespace lockcheck::front
