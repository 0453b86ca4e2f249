#include "checker/front/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::front {
namespace {

struct Lexed {
  std::vector<std::string> tokens;  // kind-prefixed text: "id:x", "int:3", "str:abc", "p:=="
  std::string errors;
};

Lexed lex(std::string_view src) {
  Diagnostics diags;
  Lexer lexer(src, diags);
  Lexed out;
  for (;;) {
    Token t = lexer.next();
    if (t.kind == TokenKind::eof) break;
    switch (t.kind) {
      case TokenKind::ident:
        out.tokens.push_back("id:" + std::string(t.text));
        break;
      case TokenKind::integer:
        out.tokens.push_back("int:" + std::string(t.text));
        break;
      case TokenKind::string:
        out.tokens.push_back("str:" + t.value);
        break;
      default:
        out.tokens.push_back("p:" + std::string(t.text));
        break;
    }
  }
  out.errors = render_all(diags, "t.lcs", src);
  return out;
}

using Tokens = std::vector<std::string>;

TEST(Lexer, TokensAndComments) {
  Lexed l = lex("x1 = -3; // line\n/* block\n comment */ a..b ${ $y <> != == <= >= 'q' \"d\"");
  EXPECT_EQ(l.tokens,
            (Tokens{"id:x1", "p:=", "p:-", "int:3", "p:;", "id:a", "p:..", "id:b", "p:${", "p:$",
                    "id:y", "p:<>", "p:!=", "p:==", "p:<=", "p:>=", "str:q", "str:d"}));
  EXPECT_EQ(l.errors, "");
}

TEST(Lexer, StringEscapes) {
  Lexed l = lex(R"('it''s' "a\"b" 'tab\there' 'back\\slash' "new\nline")");
  EXPECT_EQ(l.tokens,
            (Tokens{"str:it's", "str:a\"b", "str:tab\there", "str:back\\slash", "str:new\nline"}));
  EXPECT_EQ(lex(R"('bad\q')").errors,
            "t.lcs:1:5: error: unknown escape '\\q' in string\n"
            "  'bad\\q'\n"
            "      ^\n");
}

TEST(Lexer, Locations) {
  Diagnostics diags;
  Lexer lexer("a\n  bb\r\n\tc", diags);
  Token a = lexer.next();
  Token b = lexer.next();
  Token c = lexer.next();
  EXPECT_EQ(a.loc, (SourceLoc{1, 1}));
  EXPECT_EQ(b.loc, (SourceLoc{2, 3}));
  EXPECT_TRUE(b.line_start);
  EXPECT_EQ(c.loc, (SourceLoc{3, 2}));
  EXPECT_EQ(lexer.next().kind, TokenKind::eof);
}

TEST(Lexer, OneLine) {
  Diagnostics diags;
  std::string src = "SELECT  a\n\t INTO /* c */ b -- x // gone\n FROM 'two  spaces' ;";
  Lexer lexer(src, diags);
  EXPECT_EQ(lexer.one_line(0, src.size() - 2), "SELECT a INTO b -- x FROM 'two  spaces'");
}

TEST(Lexer, BadBytesAreReportedAndSkipped) {
  std::string src = std::string("a \x01 b # c \xff d \xc3\xa9 e") + '\0' + "f";
  Lexed l = lex(src);
  EXPECT_EQ(l.tokens, (Tokens{"id:a", "id:b", "id:c", "id:d", "id:e", "id:f"}));
  EXPECT_EQ(l.errors,
            "t.lcs:1:3: error: unexpected control character 0x01\n"
            "  " +
                src +
                "\n"
                "    ^\n"
                "t.lcs:1:7: error: unexpected character '#'\n"
                "  " +
                src +
                "\n"
                "        ^\n"
                "t.lcs:1:11: error: invalid UTF-8 byte 0xff\n"
                "  " +
                src +
                "\n"
                "            ^\n"
                "t.lcs:1:15: error: unexpected character '\xc3\xa9'\n"
                "  " +
                src +
                "\n"
                "                ^\n"
                "t.lcs:1:19: error: unexpected NUL byte\n"
                "  " +
                src +
                "\n"
                "                    ^\n");
}

TEST(Lexer, TextMayHoldUtf8ButNotBrokenBytes) {
  EXPECT_EQ(lex("'café' // ok ✓\n").errors, "");
  EXPECT_EQ(lex("'caf\xc3' \"\xed\xa0\x80\"").errors,
            "t.lcs:1:5: error: invalid UTF-8 byte 0xc3\n"
            "  'caf\xc3' \"\xed\xa0\x80\"\n"
            "      ^\n"
            "t.lcs:1:9: error: invalid UTF-8 byte 0xed\n"
            "  'caf\xc3' \"\xed\xa0\x80\"\n"
            "          ^\n");
}

TEST(Lexer, UnterminatedThings) {
  EXPECT_EQ(lex("x = 'abc\ny").errors,
            "t.lcs:1:5: error: unterminated string\n"
            "  x = 'abc\n"
            "      ^\n");
  EXPECT_EQ(lex("x /* never").errors,
            "t.lcs:1:3: error: unterminated comment\n"
            "  x /* never\n"
            "    ^\n");
  EXPECT_EQ(lex("12ab").errors,
            "t.lcs:1:1: error: invalid number '12ab'\n"
            "  12ab\n"
            "  ^\n");
}

TEST(Lexer, ErrorsAtOneSpotAreReportedOnce) {
  Diagnostics diags;
  Lexer lexer("a # b", diags);
  lexer.next();
  lexer.next();
  lexer.reset(0);
  lexer.next();
  lexer.next();
  EXPECT_EQ(diags.all().size(), 1u);
}

}  // namespace
}  // namespace lockcheck::front
