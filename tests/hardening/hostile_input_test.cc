// Deep, huge and malformed specs through the whole checker (compile::check_spec), and the model
// errors that guard arithmetic and bounds: each gives a clear error or a clean limit, promptly,
// never a crash, a stack overflow, a hang or an allocation failure. Part of golden_tests (the
// hardening block of CMakeLists.txt); see docs/hardening.md.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "checker/compile/check.h"
#include "reports/text_report.h"

namespace lockcheck::hardening {
namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

struct Checked {
  trace::SpecResult result;
  double seconds = 0;
};

Checked check(const std::string& source, std::vector<std::pair<std::string, int64_t>> consts = {},
              uint64_t max_states = 100000, bool symmetry = true) {
  compile::CheckOptions options;
  options.consts = std::move(consts);
  options.symmetry = symmetry;
  options.search.max_states = max_states;
  options.search.max_seconds = 60;
  options.search.threads = 1;
  auto start = std::chrono::steady_clock::now();
  Checked c;
  c.result = compile::check_spec("hostile.lcs", source, options);
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

std::string report(const trace::SpecResult& r) {
  reports::TextOptions text;
  text.show_time = false;
  text.show_error_text = true;
  return reports::text_report(r, text);
}

// The spec is rejected with `message` among its errors, quickly.
void expect_error(const std::string& source, const std::string& message,
                  std::vector<std::pair<std::string, int64_t>> consts = {}) {
  Checked c = check(source, std::move(consts));
  EXPECT_NE(c.result.error_text.find("error: " + message), std::string::npos)
      << "expected the error '" << message << "'; the report:\n"
      << report(c.result).substr(0, 4000);
  EXPECT_TRUE(c.result.properties.empty());
  EXPECT_LT(c.seconds, 10);
}

// ---- deep and huge input ------------------------------------------------------------------------

TEST(HostileInput, TenThousandNestedIfs) {
  expect_error("var a = 0;\nprocess p {\n" + repeat("if a == 0 { ", 10000) + "a = 1;" +
                   repeat(" }", 10000) + "\n}\n",
               "nesting is too deep (more than 200 levels)");
}

TEST(HostileInput, TenThousandNestedLoopsAndBlocks) {
  expect_error(
      "var a = 0;\nprocess p {\n" + repeat("while a < 1 { ", 10000) + repeat("}", 10000) + "\n}\n",
      "nesting is too deep (more than 200 levels)");
  expect_error("process p {\n" + repeat("atomic { ", 10000) + repeat("}", 10000) + "\n}\n",
               "nesting is too deep (more than 200 levels)");
  expect_error("invariant x: " + repeat("(", 100000) + "true" + repeat(")", 100000) + ";\n",
               "nesting is too deep (more than 200 levels)");
}

TEST(HostileInput, NestingJustUnderTheLimitRuns) {
  Checked c = check("var a = 0;\nprocess p {\n" + repeat("if a == 0 { ", 190) + "a = 1;" +
                    repeat(" }", 190) + "\n}\ninvariant set: a <= 1;\n");
  EXPECT_TRUE(c.result.error_text.empty()) << report(c.result);
  EXPECT_TRUE(c.result.complete && c.result.as_expected) << report(c.result);
}

TEST(HostileInput, VeryLongLines) {
  // A million-character line of statements (no nesting): read and checked.
  std::string body;
  for (int i = 0; i < 50000; ++i) body += "x = x + 0; ";
  Checked c = check("var x = 0;\nprocess p { " + body + "}\ninvariant ok: x == 0;\n");
  EXPECT_TRUE(c.result.error_text.empty()) << report(c.result).substr(0, 2000);
  EXPECT_TRUE(c.result.complete && c.result.as_expected) << report(c.result).substr(0, 2000);
  EXPECT_LT(c.seconds, 30);
  // A 1 MB identifier, and a 1 MB text value that a step copies around.
  std::string name(1 << 20, 'v');
  c = check("var " + name + " = 0;\nprocess p { " + name + " = 1; }\n");
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text.substr(0, 200);
  std::string text(1 << 20, 't');
  c = check("ghost g = '" + text + "';\nprocess p { g = '" + text +
            "x'; }\ninvariant ok: g != '';\n");
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text.substr(0, 200);
  EXPECT_TRUE(c.result.complete && c.result.as_expected);
  // An error at the end of a long line: the message stays readable (the line is not printed
  // whole under it).
  c = check("var x = 0;\nprocess p { " + repeat("x = x + 0; ", 50000) + " @ }\n");
  EXPECT_NE(c.result.error_text.find("hostile.lcs:2:550014: error: "), std::string::npos)
      << c.result.error_text.substr(0, 1000);
  EXPECT_LT(c.result.error_text.size(), 4096u)
      << "the error text is " << c.result.error_text.size() << " bytes";
}

TEST(HostileInput, HugeAndNegativeConstants) {
  expect_error("const A = 99999999999999999999999999999999;\n", "integer literal out of range");
  expect_error("const A = 2147483648;\n", "integer literal out of range");
  expect_error("const A = -2147483649;\n", "integer literal out of range");
  expect_error("const A = 2147483647 + 1;\n", "constant 'A' is out of range (2147483648)");
  expect_error("const A = (1000000 * 1000000) * (1000000 * 1000000);\nvar x = A;\n",
               "constant 'A' must be a constant integer expression");
  expect_error("const A = 1000000;\nconst B = A * A * A * A * A * A * A * A;\n",
               "constant 'B' must be a constant integer expression");
  expect_error("const A = 0 - 5;\nprocess c[1..A] { done; }\n",
               "process group 'c' is empty (1..-5)");
  expect_error("redis node[-1];\nprocess p { done; }\n", "'node' must have 1 to 16 nodes");
  expect_error("redis node[100000];\nprocess p { done; }\n", "'node' must have 1 to 16 nodes");
  // -2147483648 itself is an int, and so is its use; negating it again overflows at run time.
  Checked c = check("var m = -2147483648;\nprocess p { m = m + 0; }\ninvariant low: m < 0;\n");
  EXPECT_TRUE(c.result.error_text.empty() && c.result.as_expected) << report(c.result);
}

TEST(HostileInput, ConstantOverridesOutOfRange) {
  const std::string spec = "const N = 1;\nvar x = N;\nprocess p { x = x * N; }\n";
  const std::string range = ": out of range (an int is -2147483648 to 2147483647)";
  expect_error(spec, "--const N=9223372036854775807" + range, {{"N", INT64_MAX}});
  expect_error(spec, "--const N=-9223372036854775808" + range, {{"N", INT64_MIN}});
  expect_error(spec, "--const N=2147483648" + range, {{"N", 2147483648}});
  // A constant computed from an overridden one: never evaluated past 64 bits.
  expect_error("const N = 1;\nconst M = -N;\nprocess p { done; }\n",
               "--const N=" + std::to_string(INT64_MIN) + range, {{"N", INT64_MIN}});
  Checked c = check(spec, {{"N", -2147483648LL}});
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text;
}

TEST(HostileInput, TableBounds) {
  expect_error("database db {\n  table t (id int primary key) max 1000000 rows;\n}\n",
               "table 't' may hold at most 64 rows in a model (max 1000000 rows)");
  std::string rows = "insert into t values (0)";
  for (int i = 1; i < 65; ++i) rows += ", (" + std::to_string(i) + ")";
  expect_error("database db {\n  table t (id int primary key);\n  " + rows + ";\n}\n",
               "table 't' may hold at most 64 rows in a model (max 65 rows)");
}

TEST(HostileInput, HugeProcessGroups) {
  expect_error("process c[1..10000] { done; }\n", "too many processes: at most 64 in all");
  expect_error("process c[1..2147483647] { done; }\n", "too many processes: at most 64 in all");
  expect_error("process c[-2147483648..2147483647] { done; }\n",
               "too many processes: at most 64 in all");
  expect_error("process a[1..40] { done; }\nprocess b[1..40] { done; }\n",
               "too many processes: at most 64 in all");
  // 64 processes is allowed; a state limit then ends the search cleanly.
  Checked c = check("var n = 0;\nprocess c[1..64] { n = n + 1; n = n - 1; }\n", {}, 5000,
                    /*symmetry=*/false);
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text;
  EXPECT_FALSE(c.result.complete);
  EXPECT_EQ(c.result.incomplete_reason, "state limit (5,000 states) reached");
}

// Negative bounds that are accepted today without an error (docs/hardening.md, "Left"): they
// must at least run cleanly, as the bound 0 would.
TEST(HostileInput, NegativeBoundsAreErrors) {
  struct Case {
    const char* source;
    const char* error;  // with its line:column
  };
  for (Case k : {Case{"clock max -1;\nprocess p { done; }\n",
                      ":1:11: error: the clock's max must be 0 or more, not -1"},
                 Case{"process p { done; }\nfault crash p at most -1;\n",
                      ":2:23: error: a fault budget must be 0 or more, not -1"},
                 Case{"process p { done; }\nfault crash p at most 1;\nfaults at most -2;\n",
                      ":3:16: error: the fault budget must be 0 or more, not -2"},
                 Case{"database db {\n  table t (id int primary key) max -1 rows;\n}\n"
                      "process p { INSERT INTO t VALUES (1); }\n",
                      ":2:36: error: max rows must be 0 or more, not -1"}}) {
    Checked c = check(k.source);
    EXPECT_NE(c.result.error_text.find(k.error), std::string::npos)
        << "expected '" << k.error << "' in:\n"
        << c.result.error_text;
    EXPECT_TRUE(c.result.properties.empty());
  }
  // Zero is a bound like any other.
  Checked c = check("clock max 0;\nprocess p { done; }\nfault crash p at most 0;\n");
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text;
  EXPECT_TRUE(c.result.complete && c.result.as_expected) << report(c.result);
}

TEST(HostileInput, BytesThatAreNotText) {
  expect_error("const A = 1;\n\xff\xfe\n", "invalid UTF-8 byte 0xff");
  expect_error(std::string("const A = 1;\n\0\0\0", 16), "unexpected NUL byte");
  expect_error("const A = '\xc3';\n", "invalid UTF-8 byte 0xc3");
  // Valid UTF-8 in strings and comments is fine.
  Checked c =
      check("// caf\xc3\xa9 \xe2\x86\x92 ok\nghost g = 'caf\xc3\xa9';\nprocess p { done; }\n");
  EXPECT_TRUE(c.result.error_text.empty()) << c.result.error_text;
}

TEST(HostileInput, EmptyFile) {
  for (const char* source : {"", "\n\n", "// nothing\n", "/* nothing */"}) {
    Checked c = check(source);
    EXPECT_NE(c.result.error_text.find(":1:1: error: nothing to check: the spec declares no "
                                       "process"),
              std::string::npos)
        << c.result.error_text;
    EXPECT_FALSE(c.result.complete || c.result.as_expected);
    EXPECT_EQ(c.result.stats.states, 0u);
  }
}

// ---- model errors: arithmetic and bounds --------------------------------------------------------

// The model error of a spec: its explanation, with the trace that leads to it.
struct ModelErrorCase {
  const char* name;
  const char* source;
  const char* message;  // the explanation of model_error (or of assert)
  size_t trace_length;
};

const ModelErrorCase kModelErrors[] = {
    {"Overflow", "var n = 2147483647;\nprocess p { n = n + 1; }\n",
     "integer overflow in 'n + 1' (line 2)", 1},
    {"NegationOverflow", "var m = -2147483648;\nprocess p { m = -m; }\n",
     "integer overflow in '-m' (line 2)", 1},
    {"DivisionByZero", "var d = 1;\nprocess p {\n  d = d - 1;\n  d = 10 / d;\n}\n",
     "division by zero in '10 / d' (line 4)", 2},
    {"ModuloByZero", "var d = 1;\nprocess p {\n  d = d - 1;\n  d = 10 % d;\n}\n",
     "division by zero in '10 % d' (line 4)", 2},
    {"DivisionOverflow", "var d = -1;\nprocess p { d = -2147483648 / d; }\n",
     "integer overflow in '-2147483648 / d' (line 2)", 1},
    {"PropertyDivisionByZero", "var d = 1;\nprocess p { d = 0; }\ninvariant x: 10 / d > 0;\n",
     "property 'x': division by zero in '10 / d' (line 3)", 1},
    {"IndexOutOfRange",
     "var i = 2;\nprocess client[1..3] { i = i + 5; }\ninvariant x: not client[i].crashed;\n",
     "property 'x': client[7] does not exist (client is client[1..3]) (line 3)", 1},
    {"IndexOutOfRangeInAProcess",
     "var go = 0;\nprocess client[1..3] {\n  var i = 7;\n  var w = self;\n  go = 1;\n  w = "
     "client[i];\n}\n",
     "client[7] does not exist (client is client[1..3]) (line 6)", 1},
    {"NodeOutOfRange",
     "redis node[3];\nprocess p {\n  var i = 3;\n  node[i]: SET k 1;\n  i = i + 1;\n  node[i]: SET "
     "k 1;\n}\n",
     "node[4] does not exist (node is node[1..3]) (line 6)", 2},
    {"RedisIncrOverflow",
     "redis cache;\nprocess p {\n  cache: SET n 2147483647;\n  cache: INCR n;\n}\n",
     "ERR increment or decrement would overflow (line 4)", 2},
    {"SqlOverflow",
     "database db {\n  table t (id int primary key, a int);\n  insert into t values (1, "
     "2147483647);\n}\nprocess p { UPDATE t SET a = a + 1 WHERE id = 1; }\n",
     "integer overflow in 2147483647 + 1 (line 5)", 1},
    {"FullTable",
     "database db {\n  table t (id int primary key) max 1 rows;\n}\nprocess p {\n  INSERT INTO t "
     "VALUES (1);\n  INSERT INTO t VALUES (2);\n}\n",
     "table 't' is full (max 1 rows) (line 6)", 2},
    {"ValueOutOfColumnType",
     "database db {\n  table t (id int primary key, a int);\n  insert into t values (1, "
     "0);\n}\nredis cache;\nprocess p {\n  var v = null;\n  cache: SET k abc;\n  v = cache: GET "
     "k;\n  UPDATE t SET a = $v WHERE id = 1;\n}\n",
     "cannot store a value of type text in int column 't.a' (line 10)", 3},
    {"NullPrimaryKey",
     "database db {\n  table t (id int primary key, a int) max 2 rows;\n}\nprocess p {\n  var k = "
     "null;\n  INSERT INTO t VALUES ($k, 1);\n}\n",
     "null value in primary key column 't.id' (line 6)", 1},
    {"NegativeLimit",
     "database db {\n  table t (id int primary key);\n  insert into t values (1);\n}\nprocess p "
     "{\n  var n = -1;\n  var a = 0;\n  SELECT id INTO a FROM t LIMIT $n;\n}\n",
     "LIMIT must not be negative (line 8)", 1},
    {"NegativeSleep", "clock max 2;\nvar n = 0;\nprocess p {\n  n = n - 1;\n  sleep n;\n}\n",
     "sleep needs a number of ticks >= 0, got -1 (line 5)", 1},
    {"EndlessLocalLoop",
     "var go = 0;\nprocess p {\n  var x = 0;\n  go = 1;\n  while true { x = 1 - x; }\n}\n",
     "p ran 100000 local statements without an interaction (an endless local loop near line 5?)",
     1},
};

class ModelErrors : public ::testing::TestWithParam<ModelErrorCase> {};

TEST_P(ModelErrors, AreReportedWithATrace) {
  const ModelErrorCase& c = GetParam();
  Checked checked = check(c.source);
  const trace::SpecResult& r = checked.result;
  ASSERT_TRUE(r.error_text.empty()) << r.error_text;
  const trace::PropertyResult* error = nullptr;
  for (const trace::PropertyResult& p : r.properties) {
    if (p.name == "model_error") error = &p;
  }
  ASSERT_NE(error, nullptr) << report(r);
  EXPECT_EQ(error->status, trace::Status::violated) << report(r);
  EXPECT_EQ(error->explanation, c.message) << report(r);
  EXPECT_TRUE(error->has_trace);
  EXPECT_EQ(error->trace.size(), c.trace_length) << report(r);
  EXPECT_FALSE(r.as_expected);
  EXPECT_EQ(reports::outcome(r), reports::Outcome::not_as_expected);
}

INSTANTIATE_TEST_SUITE_P(Arithmetic, ModelErrors, ::testing::ValuesIn(kModelErrors),
                         [](const ::testing::TestParamInfo<ModelErrorCase>& info) {
                           return std::string(info.param.name);
                         });

// SUM of an int column is a bigint (as in PostgreSQL): bound INTO a local it can exceed 32 bits;
// `s * s` must then be a model error, never a 64-bit overflow inside the interpreter.
TEST(ModelErrors, SumPastTheIntRangeTimesItself) {
  Checked c = check(
      "database db {\n  table t (id int primary key, a int);\n  insert into t values (1, "
      "2147483647), (2, 2147483647);\n}\nprocess p {\n  var s = 0;\n  SELECT SUM(a) INTO s FROM "
      "t;\n  s = s * s;\n}\n");
  ASSERT_TRUE(c.result.error_text.empty()) << c.result.error_text;
  const trace::PropertyResult* error = nullptr;
  for (const auto& p : c.result.properties)
    if (p.name == "model_error") error = &p;
  ASSERT_NE(error, nullptr) << report(c.result);
  EXPECT_EQ(error->status, trace::Status::violated) << report(c.result);
  EXPECT_EQ(error->explanation, "integer overflow in 's' (line 8)");
  EXPECT_EQ(error->trace.size(), 1u);
}

TEST(ModelErrorsInTheInitialState, AreReportedNotRun) {
  Checked c = check("var n = 2147483647 + 1;\nprocess p { n = 0; }\n");
  ASSERT_TRUE(c.result.error_text.empty()) << c.result.error_text;
  ASSERT_EQ(c.result.properties.size(), 1u) << report(c.result);
  EXPECT_EQ(c.result.properties[0].name, "model_error");
  EXPECT_EQ(c.result.properties[0].explanation,
            "in the initial state: integer overflow in '2147483647 + 1' (line 1)");
  EXPECT_FALSE(c.result.as_expected);
}

}  // namespace
}  // namespace lockcheck::hardening
