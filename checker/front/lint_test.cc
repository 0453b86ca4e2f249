#include "checker/front/lint.h"

#include <gtest/gtest.h>

#include <string>

namespace lockcheck::front {
namespace {

// A spec around one process body, with a table whose rows come and go, so that a SELECT ...
// INTO may find no row. Line 6 is the body's first line.
std::string spec_with(const std::string& body, const std::string& tail = "reachable r: true;\n") {
  return "database db {\n"
         "  table seats (id int primary key, available int) max 2 rows;\n"
         "  insert into seats values (1, 1);\n"
         "}\n"
         "process buyer {\n"
         "  var a = 0;  var ok = false;\n" +
         body + "}\n" + tail;
}

TEST(Lint, ForUpdateOutsideATransaction) {
  std::string spec = spec_with(
      "  SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\n"
      "  if found { UPDATE seats SET available = $a - 1 WHERE id = 1; }\n");
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:7:3: warning: FOR UPDATE outside a transaction: the row lock is released as "
            "soon as the statement ends; put it between BEGIN and COMMIT\n"
            "    SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\n"
            "    ^\n");
}

TEST(Lint, ForShareAfterCommit) {
  std::string spec = spec_with(
      "  BEGIN;\n"
      "  SELECT available INTO a FROM seats WHERE id = 1 FOR SHARE;\n"
      "  COMMIT;\n"
      "  SELECT available INTO a FROM seats WHERE id = 1 FOR SHARE;\n"
      "  if found { ok = a > 0; }\n");
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:10:3: warning: FOR SHARE outside a transaction: the row lock is released as "
            "soon as the statement ends; put it between BEGIN and COMMIT\n"
            "    SELECT available INTO a FROM seats WHERE id = 1 FOR SHARE;\n"
            "    ^\n");
}

// Only where no path has a transaction open: a lint must not cry wolf.
TEST(Lint, LockingReadsInsideTransactionsOnSomePathAreFine) {
  EXPECT_EQ(lint_text(spec_with("  BEGIN;\n"
                                "  SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\n"
                                "  if found { COMMIT; } else { ROLLBACK; }\n"),
                      "a.lcs"),
            "");
  // Opened in one branch only; and a retry loop whose later passes start inside BEGIN.
  EXPECT_EQ(lint_text(spec_with("  if ok { BEGIN; }\n"
                                "  SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\n"
                                "  if found { ok = true; }\n"
                                "  while not ok {\n"
                                "    SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\n"
                                "    BEGIN;\n"
                                "    ok = found;\n"
                                "  }\n"),
                      "a.lcs"),
            "");
}

TEST(Lint, FoundNotCheckedBeforeTheValueIsUsed) {
  std::string spec = spec_with(
      "  SELECT available INTO a FROM seats WHERE id = 1;\n"
      "  if a > 0 { UPDATE seats SET available = $a - 1 WHERE id = 1; }\n"
      "  DELETE FROM seats WHERE id = 1;\n");
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:7:3: warning: 'found' is not checked before 'a' is used (line 8): when no row "
            "matches, 'a' is null\n"
            "    SELECT available INTO a FROM seats WHERE id = 1;\n"
            "    ^\n");
}

TEST(Lint, FoundOfAnotherStatementDoesNotCount) {
  std::string spec = spec_with(
      "  SELECT available INTO a FROM seats WHERE id = 2;\n"
      "  UPDATE seats SET available = 0 WHERE id = 1;\n"
      "  if found { ok = a > 0; }\n");
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:7:3: warning: 'found' is not checked before 'a' is used (line 9): when no row "
            "matches, 'a' is null\n"
            "    SELECT available INTO a FROM seats WHERE id = 2;\n"
            "    ^\n");
}

TEST(Lint, FoundCheckedOrValueUnusedOrOverwrittenIsFine) {
  EXPECT_EQ(lint_text(spec_with("  SELECT available INTO a FROM seats WHERE id = 2;\n"
                                "  if found and a > 0 { ok = true; }\n"),
                      "a.lcs"),
            "");
  EXPECT_EQ(lint_text(spec_with("  SELECT available INTO a FROM seats WHERE id = 2;\n"
                                "  if row_count == 0 { done; }\n"
                                "  ok = a > 0;\n"),
                      "a.lcs"),
            "");
  EXPECT_EQ(lint_text(spec_with("  SELECT available INTO a FROM seats WHERE id = 2;\n"
                                "  a = 5;\n"
                                "  ok = a > 0;\n"),
                      "a.lcs"),
            "");
  // Aggregates always return a row.
  EXPECT_EQ(lint_text(spec_with("  SELECT COUNT(*) INTO a FROM seats;\n  ok = a > 0;\n"), "a.lcs"),
            "");
}

// The README's double booking reads a row that always exists: its key is an initial row's,
// and nothing inserts into or deletes from the table.
TEST(Lint, ARowThatAlwaysExistsNeedsNoFound) {
  std::string spec =
      "database db {\n"
      "  table seats (id int primary key, available int);\n"
      "  insert into seats values (123, 1);\n"
      "}\n"
      "process buyer[1..2] {\n"
      "  var a = 0;\n"
      "  SELECT available INTO a FROM seats WHERE id = 123;\n"
      "  if a > 0 { UPDATE seats SET available = $a - 1 WHERE id = 123; }\n"
      "}\n"
      "reachable r: true;\n";
  EXPECT_EQ(lint_text(spec, "a.lcs"), "");
  // A key that no initial row has may find nothing.
  std::string missing = spec;
  missing.replace(missing.find("id = 123;"), 9, "id = 124;");
  EXPECT_EQ(lint_text(missing, "a.lcs"),
            "a.lcs:7:3: warning: 'found' is not checked before 'a' is used (line 8): when no row "
            "matches, 'a' is null\n"
            "    SELECT available INTO a FROM seats WHERE id = 124;\n"
            "    ^\n");
}

TEST(Lint, InvariantsWithoutReachable) {
  std::string spec = spec_with("  ok = true;\n",
                               "ghost sold = 0;\n"
                               "invariant no_oversell: sold <= 1;\n");
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:10:11: warning: invariants but no 'reachable' property: a spec in which nothing "
            "can happen passes them; add one that says what must be possible (e.g. reachable "
            "some_sale: sold >= 1;)\n"
            "  invariant no_oversell: sold <= 1;\n"
            "            ^\n");
  // An expected violation or deadlock shows, when found, that something happens.
  EXPECT_EQ(lint_text(spec + "expect violated no_oversell;\n", "a.lcs"), "");
  EXPECT_EQ(lint_text(spec + "expect deadlock;\n", "a.lcs"), "");
}

TEST(Lint, SetNxWithoutExpiry) {
  std::string spec =
      "redis cache;  clock max 3;\n"
      "process worker[1..2] {\n"
      "  var ok = false;\n"
      "  ok = cache: SET lock $self NX;\n"
      "  ok = cache: SET lock $self NX EX 2;\n"
      "  ok = cache: SET lock $self NX PX 2;\n"
      "  ok = cache: SET other $self;\n"
      "}\n"
      "reachable r: true;\n";
  EXPECT_EQ(lint_text(spec, "a.lcs"),
            "a.lcs:4:15: warning: SET ... NX without EX or PX: the key never expires, so a lock "
            "whose holder crashes is never released\n"
            "    ok = cache: SET lock $self NX;\n"
            "                ^\n");
}

TEST(Lint, WarningsComeInSourceOrder) {
  std::string spec = spec_with(
      "  SELECT available INTO a FROM seats WHERE id = 2 FOR UPDATE;\n"
      "  ok = a > 0;\n",
      "invariant i: true;\n");
  std::string text = lint_text(spec, "a.lcs");
  size_t lock = text.find("a.lcs:7:3: warning: FOR UPDATE");
  size_t found = text.find("a.lcs:7:3: warning: 'found'");
  size_t reachable = text.find("a.lcs:10:11: warning: invariants");
  ASSERT_NE(lock, std::string::npos) << text;
  ASSERT_NE(found, std::string::npos) << text;
  ASSERT_NE(reachable, std::string::npos) << text;
  EXPECT_LT(found, reachable);
  EXPECT_LT(lock, reachable);
}

// Each loop's facts settle after a pass or two; nested loops must not multiply the passes.
TEST(Lint, DeeplyNestedLoopsAreLintedQuickly) {
  std::string body;
  const int depth = 150;
  for (int i = 0; i < depth; ++i) body += "while not ok {\n";
  body += "SELECT available INTO a FROM seats WHERE id = 1 FOR UPDATE;\nBEGIN;\nok = found;\n";
  for (int i = 0; i < depth; ++i) body += "}\n";
  EXPECT_EQ(lint_text(spec_with(body), "a.lcs"), "");
  // Without the BEGIN, every pass has the lock outside a transaction.
  body.replace(body.find("BEGIN;\n"), 7, "");
  EXPECT_NE(lint_text(spec_with(body), "a.lcs").find(":157:1: warning: FOR UPDATE outside"),
            std::string::npos);
}

TEST(Lint, SpecsWithErrorsGetNoWarnings) {
  EXPECT_EQ(lint_text("process p { x = 1; }\ninvariant i: true;\n", "a.lcs"), "");
}

}  // namespace
}  // namespace lockcheck::front
