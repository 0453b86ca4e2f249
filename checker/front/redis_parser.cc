// Redis commands: `NODE: CMD words...;`, `NODE[expr]: ...`, `x = NODE: ...`. After the command
// word the words are read raw, up to the `;` (which must be on the same line): split on blanks,
// each a mix of literal text and
// `$name` / `${expr}` interpolations; a quoted string is one literal word; a word that is only an
// integer is an int. The structured fields of ast::RedisCmd are then filled by arity.
#include <fmt/format.h>

#include <array>
#include <optional>

#include "checker/front/parser_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front::detail {

namespace {

struct CommandName {
  std::string_view name;
  ast::RedisOp op;
};

constexpr std::array<CommandName, 10> kCommands = {{
    {"GET", ast::RedisOp::get},
    {"SET", ast::RedisOp::set},
    {"DEL", ast::RedisOp::del},
    {"EXISTS", ast::RedisOp::exists},
    {"INCR", ast::RedisOp::incr},
    {"DECR", ast::RedisOp::decr},
    {"INCRBY", ast::RedisOp::incrby},
    {"DECRBY", ast::RedisOp::decrby},
    {"EXPIRE", ast::RedisOp::expire},
    {"TTL", ast::RedisOp::ttl},
}};

struct RawWord {
  ast::Word word;
  bool quoted = false;
  std::string raw;  // as written, for messages
};

// The word's text when it is one unquoted literal part (options are matched on it), else "".
std::string literal_of(const RawWord& w) {
  if (w.quoted || w.word.parts.size() != 1 || w.word.parts[0].is_expr) return "";
  return w.word.parts[0].text;
}

bool is_integer_text(std::string_view s) {
  size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

ast::StmtPtr Parser::parse_redis_statement(size_t begin, std::string target, SourceLoc target_loc) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::StmtKind::redis;
  s->loc = lexer_.loc_at(begin);
  s->target = std::move(target);
  s->target_loc = target_loc;
  auto cmd = std::make_unique<ast::RedisCmd>();
  Token node = take();
  cmd->node = std::string(node.text);
  cmd->node_loc = node.loc;
  if (accept_punct("[")) {
    cmd->node_index = parse_expr();
    if (expect_punct("]", "after the node index")) take();
  }
  if (!expect_punct(":", "after the Redis node")) {
    sync_statement();
    return nullptr;
  }
  take();
  Token word = take();  // at_redis_start() made sure it is an identifier
  cmd->loc = word.loc;
  std::string upper = to_upper(word.text);
  std::optional<ast::RedisOp> op;
  for (const CommandName& c : kCommands) {
    if (c.name == upper) op = c.op;
  }
  if (!op) {
    std::vector<std::string> names;
    for (const CommandName& c : kCommands) names.emplace_back(c.name);
    std::string best = suggest(upper, names);
    error(word.loc, best.empty() ? fmt::format("unknown Redis command '{}'", word.text)
                                 : fmt::format("unknown Redis command '{}'; did you mean '{}'?",
                                               word.text, best));
  }

  // The words, read raw from the source.
  std::string_view src = lexer_.source();
  std::vector<RawWord> words;
  size_t pos = word.end;
  size_t last_end = word.end;
  for (;;) {
    size_t blank = pos;
    pos = lexer_.skip_blanks(pos);
    if (pos >= src.size()) break;
    char c = src[pos];
    if (c == ';' || c == '{' || c == '}') break;
    // A command ends with its line: a missing `;` must not turn the next statement into words.
    if (src.substr(blank, pos - blank).find('\n') != std::string_view::npos) break;
    RawWord w;
    size_t word_begin = pos;
    w.word.loc = lexer_.loc_at(pos);
    if (c == '\'' || c == '"') {
      rewind(pos);
      Token str = take();
      w.quoted = true;
      ast::WordPart part;
      part.text = str.value;
      w.word.parts.push_back(std::move(part));
      pos = std::max(str.end, pos + 1);
    } else {
      std::string literal;
      auto flush = [&] {
        if (literal.empty()) return;
        ast::WordPart part;
        part.text = std::move(literal);
        w.word.parts.push_back(std::move(part));
        literal.clear();
      };
      while (pos < src.size()) {
        c = src[pos];
        if (is_blank(c) || c == ';' || c == '{' || c == '}') break;
        if (c == '/' && pos + 1 < src.size() && (src[pos + 1] == '/' || src[pos + 1] == '*')) break;
        if (c == '$' && pos + 1 < src.size() && src[pos + 1] == '{') {
          flush();
          rewind(pos + 2);
          prev_end_ = pos + 2;
          ast::WordPart part;
          part.is_expr = true;
          part.expr = parse_expr();
          if (at_punct("}")) {
            take();
          } else {
            report_expected("'}'", "to close '${'");
          }
          w.word.parts.push_back(std::move(part));
          pos = std::max(prev_end_, pos + 2);
          continue;
        }
        if (c == '$' && pos + 1 < src.size() && is_ident_start(src[pos + 1])) {
          flush();
          size_t name_begin = pos + 1;
          size_t name_end = name_begin;
          while (name_end < src.size() && is_ident_char(src[name_end])) ++name_end;
          std::string_view name = src.substr(name_begin, name_end - name_begin);
          ast::WordPart part;
          part.is_expr = true;
          if (name == "self") {
            part.expr = make_expr(ast::ExprKind::self, lexer_.loc_at(name_begin));
          } else {
            part.expr = make_expr(ast::ExprKind::name, lexer_.loc_at(name_begin));
            part.expr->text = std::string(name);
          }
          w.word.parts.push_back(std::move(part));
          pos = name_end;
          continue;
        }
        if (c == '$') {
          lexer_.error_at(pos, "expected a variable name or '{' after '$'");
          ++pos;
          continue;
        }
        size_t n = lexer_.check_text_byte(pos);
        literal.append(src.substr(pos, n));
        pos += n;
      }
      flush();
    }
    w.raw = std::string(src.substr(word_begin, pos - word_begin));
    std::string text = literal_of(w);
    if (!text.empty() && is_integer_text(text)) {
      Token number;
      number.kind = TokenKind::integer;
      bool negative = text[0] == '-';
      number.text = std::string_view(text).substr(negative ? 1 : 0);
      ast::WordPart part;
      part.is_expr = true;
      part.expr = parse_int(number, negative, w.word.loc);
      w.word.parts.clear();
      w.word.parts.push_back(std::move(part));
    }
    words.push_back(std::move(w));
    last_end = pos;
  }
  rewind(pos);
  prev_end_ = last_end;
  s->text = lexer_.one_line(begin, last_end);

  if (op) {
    cmd->op = *op;
    std::string_view name = kCommands[0].name;
    for (const CommandName& c : kCommands) {
      if (c.op == *op) name = c.name;
    }
    auto too_many = [&](size_t from) {
      if (from < words.size()) {
        error(words[from].word.loc, fmt::format("too many arguments for {}", name));
      }
    };
    switch (*op) {
      case ast::RedisOp::get:
      case ast::RedisOp::exists:
      case ast::RedisOp::incr:
      case ast::RedisOp::decr:
      case ast::RedisOp::ttl:
        if (words.empty()) {
          error(word.loc, fmt::format("{} needs a key", name));
          break;
        }
        cmd->keys.push_back(std::move(words[0].word));
        too_many(1);
        break;
      case ast::RedisOp::del:
        if (words.empty()) error(word.loc, "DEL needs at least one key");
        for (RawWord& w : words) cmd->keys.push_back(std::move(w.word));
        break;
      case ast::RedisOp::incrby:
      case ast::RedisOp::decrby:
      case ast::RedisOp::expire:
        if (words.size() < 2) {
          error(word.loc, fmt::format("{} needs a key and {}", name,
                                      *op == ast::RedisOp::expire ? "a time" : "an amount"));
          break;
        }
        cmd->keys.push_back(std::move(words[0].word));
        cmd->value = std::move(words[1].word);
        too_many(2);
        break;
      case ast::RedisOp::set: {
        if (words.size() < 2) {
          error(word.loc, "SET needs a key and a value");
          break;
        }
        cmd->keys.push_back(std::move(words[0].word));
        cmd->value = std::move(words[1].word);
        for (size_t i = 2; i < words.size(); ++i) {
          std::string option = to_upper(literal_of(words[i]));
          SourceLoc loc = words[i].word.loc;
          if (option == "NX" || option == "XX") {
            if (cmd->condition != ast::SetCondition::always) {
              error(loc, "SET takes only one of NX and XX");
            }
            cmd->condition = option == "NX" ? ast::SetCondition::nx : ast::SetCondition::xx;
          } else if (option == "EX" || option == "PX") {
            if (cmd->ttl_unit != ast::TtlUnit::none) error(loc, "SET takes only one of EX and PX");
            if (i + 1 >= words.size()) {
              error(loc, fmt::format("{} needs a time", option));
              break;
            }
            cmd->ttl_unit = option == "EX" ? ast::TtlUnit::ex : ast::TtlUnit::px;
            cmd->ttl = std::move(words[++i].word);
          } else {
            error(loc, fmt::format("unknown option '{}' for SET; expected NX, XX, EX or PX",
                                   words[i].raw));
          }
        }
        break;
      }
    }
    s->redis = std::move(cmd);
  }
  expect_semicolon("statement");
  return op ? std::move(s) : nullptr;
}

}  // namespace lockcheck::front::detail
