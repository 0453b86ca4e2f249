// The front end must never crash, hang or overflow its stack, whatever it is fed, and must give
// every error a location.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "checker/front/front_end.h"

namespace lockcheck::front {
namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Reads `src` and returns the diagnostics; checks the invariants every input must keep.
Diagnostics read_any(const std::string& src) {
  Diagnostics diags;
  auto start = std::chrono::steady_clock::now();
  auto spec = read_spec(src, "t.lcs", diags);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(spec == nullptr, diags.has_errors());
  for (const Diagnostic& d : diags.all()) {
    EXPECT_TRUE(d.loc.valid()) << d.message;
    EXPECT_FALSE(d.message.empty());
  }
  return diags;
}

bool mentions(const Diagnostics& diags, std::string_view message) {
  for (const Diagnostic& d : diags.all()) {
    if (d.message == message) return true;
  }
  return false;
}

constexpr std::string_view kTooDeep = "nesting is too deep (more than 200 levels)";

TEST(Robustness, DeepNestingIsAnErrorNotAStackOverflow) {
  EXPECT_TRUE(mentions(
      read_any("process p {\n" + repeat("if true { ", 10000) + repeat("}", 10000) + "\n}\n"),
      kTooDeep));
  EXPECT_TRUE(
      mentions(read_any("invariant x: " + repeat("(", 10000) + "true" + repeat(")", 10000) + ";"),
               kTooDeep));
  EXPECT_TRUE(mentions(read_any("invariant x: " + repeat("(", 20000)), kTooDeep));
  EXPECT_TRUE(mentions(read_any("invariant x: " + repeat("- ", 10000) + "1 > 0;"), kTooDeep));
  EXPECT_TRUE(mentions(read_any("invariant x: " + repeat("not ", 10000) + "true;"), kTooDeep));
  EXPECT_TRUE(mentions(read_any("invariant x: 1" + repeat(" + 1", 20000) + " > 0;"), kTooDeep));
  EXPECT_TRUE(mentions(read_any("invariant x: true" + repeat(" and true", 20000) + ";"), kTooDeep));
  EXPECT_TRUE(
      mentions(read_any("invariant x: true" + repeat(" implies true", 20000) + ";"), kTooDeep));
  EXPECT_TRUE(mentions(read_any("process p { var a = 1;\nif a == 1 { } " +
                                repeat("else if a == 1 { } ", 10000) + "\n}\n"),
                       kTooDeep));
  EXPECT_TRUE(mentions(read_any("process client[1..2] { done; }\ninvariant x: client" +
                                repeat("[1]", 10000) + " == null;"),
                       kTooDeep));
  EXPECT_TRUE(mentions(read_any("database db { table t (a int); }\nprocess p { SELECT a FROM t "
                                "WHERE " +
                                repeat("(", 10000) + "a = 1" + repeat(")", 10000) + "; }"),
                       kTooDeep));
  EXPECT_TRUE(mentions(
      read_any("process p {" + repeat("atomic {", 10000) + repeat("}", 10000) + "}"), kTooDeep));
}

TEST(Robustness, NestingUpToTheLimitIsFine) {
  Diagnostics diags =
      read_any("invariant x: " + repeat("(", 150) + "true" + repeat(")", 150) + ";");
  EXPECT_FALSE(diags.has_errors());
  diags = read_any("var a = 0;\nprocess p {\n" + repeat("if a > 0 { ", 150) + repeat("}", 150) +
                   "\n}\n");
  EXPECT_FALSE(diags.has_errors());
}

TEST(Robustness, OddFiles) {
  EXPECT_FALSE(read_any("").has_errors());
  EXPECT_FALSE(read_any("// only a comment").has_errors());
  EXPECT_FALSE(read_any("\n\n   \t\r\n").has_errors());
  EXPECT_TRUE(mentions(read_any(std::string("const A = 1;\0\0", 14)), "unexpected NUL byte"));
  EXPECT_TRUE(mentions(read_any("const A = 1; \xff"), "invalid UTF-8 byte 0xff"));
  EXPECT_TRUE(mentions(read_any("const A = 99999999999999999999999999999999;"),
                       "integer literal out of range"));
  EXPECT_TRUE(mentions(read_any("const A = -2147483649;"), "integer literal out of range"));
  EXPECT_FALSE(read_any("const A = -2147483648;").has_errors());
  EXPECT_TRUE(mentions(read_any("/*"), "unterminated comment"));
  EXPECT_TRUE(mentions(read_any("var s = 'abc"), "unterminated string"));
  EXPECT_TRUE(mentions(read_any("process p { cache: SET k ${"),
                       "expected an expression, found end of file"));
  EXPECT_TRUE(read_any("process p { cache: SET k $").has_errors());
  EXPECT_TRUE(read_any("process p[").has_errors());
  EXPECT_TRUE(read_any("invariant").has_errors());
}

TEST(Robustness, ErrorFloodsStop) {
  Diagnostics diags = read_any(repeat("@ ", 5000));
  EXPECT_TRUE(mentions(diags, "too many errors; stopping here"));
  EXPECT_LE(diags.all().size(), 110u);
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::string src(2000, ' ');
    for (char& c : src) c = static_cast<char>(rng() & 0xff);
    read_any(src);
  }
}

TEST(Robustness, RandomTokenSoup) {
  static const char* kTokens[] = {
      "process", "p",      "{",        "}",      "(",        ")",         "[",         "]",
      ";",       ":",      "=",        "==",     "if",       "else",      "while",     "SELECT",
      "FROM",    "WHERE",  "INTO",     "cache",  "SET",      "$",         "${",        "x",
      "1",       "'s'",    "..",       "var",    "atomic",   "invariant", "all",       "c",
      "in",      "not",    "-",        "+",      "database", "table",     "insert",    "values",
      "redis",   "node",   "\n",       "UPDATE", "INSERT",   "DELETE",    "RETURNING", "NX",
      "EX",      "ghost",  "const",    "clock",  "max",      "fault",     "crash",     "at",
      "most",    "expect", "violated", "self",   "now",      "done",      "break",     "*"};
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string src;
    int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      src += kTokens[rng() % std::size(kTokens)];
      src += ' ';
    }
    read_any(src);
  }
}

constexpr const char* kLease =
    R"(database db { table seats (id int primary key, available int); insert into seats values (123, 1); }
redis cache;  clock max 6;  ghost sold = 0;
process worker[1..2] {
  var ok = false;  var a = 0;
  ok = cache: SET lock:${a + 1} $self NX EX 2;
  if ok {
    SELECT available INTO a FROM seats WHERE id = 123 FOR UPDATE;
    if a > 0 { UPDATE seats SET available = $a - 1 WHERE id = 123; sold = sold + 1; }
    cache: DEL lock:123;
  }
}
invariant no_oversell: sold <= 1 and (SELECT COUNT(*) FROM seats) == 1;
expect violated no_oversell;
)";

TEST(Robustness, EveryOneCharacterDeletionOrChange) {
  std::string base = kLease;
  ASSERT_FALSE(read_any(base).has_errors());
  for (size_t i = 0; i < base.size(); ++i) {
    std::string cut = base.substr(0, i) + base.substr(i + 1);
    read_any(cut);
    std::string changed = base;
    changed[i] = "{;)$'\""[i % 6];
    read_any(changed);
  }
}

}  // namespace
}  // namespace lockcheck::front
