#include "reports/text_width.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::reports {
namespace {

TEST(TextWidth, CountsCodePointsNotBytes) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("a: 0 → 1"), 8u);
  EXPECT_EQ(display_width("'żółw'"), 6u);
}

TEST(TextWidth, OneLine) {
  EXPECT_EQ(one_line("UPDATE t\n    SET a = 1\tWHERE id = 2 "), "UPDATE t SET a = 1 WHERE id = 2");
  EXPECT_EQ(one_line("  x  "), "x");
}

TEST(TextWidth, TruncateEndsWithAnEllipsis) {
  EXPECT_EQ(truncate_to("abcdef", 6), "abcdef");
  EXPECT_EQ(truncate_to("abcdefg", 6), "abcde…");
  EXPECT_EQ(truncate_to("ab → cd → ef", 6), "ab →…");
  EXPECT_EQ(truncate_to("abc def", 5), "abc…");  // no space before the ellipsis
  EXPECT_EQ(truncate_to("abc", 0), "");
}

TEST(TextWidth, WrapWordsKeepsLongWordsWhole) {
  EXPECT_EQ(wrap_words("UPDATE accounts SET balance = balance - 10", 20),
            (std::vector<std::string>{"UPDATE accounts SET", "balance = balance -", "10"}));
  EXPECT_EQ(wrap_words("a verylongword b", 5),
            (std::vector<std::string>{"a", "verylongword", "b"}));
  EXPECT_TRUE(wrap_words("   ", 5).empty());
}

TEST(TextWidth, FitLinesWrapsWithAHangingIndent) {
  EXPECT_EQ(fit_lines("  deadlock: alice waits for bob; bob waits for alice\nshort\n", 30),
            "  deadlock: alice waits for\n"
            "    bob; bob waits for alice\n"
            "short\n");
  // Spaces inside a piece that fits stay as they were.
  EXPECT_EQ(fit_lines("  inv: x <= 1   is false: x = 2", 24),
            "  inv: x <= 1   is\n"
            "    false: x = 2");
}

TEST(TextWidth, FitLinesCutsWhatCannotBreak) {
  EXPECT_EQ(fit_lines("  key: 'aaaaaaaaaaaaaaaaaaaa' → 'b'\n", 16),
            "  key:\n"
            "    'aaaaaaaaaa…\n"
            "    → 'b'\n");
}

TEST(TextWidth, NoWidthNoChange) {
  std::string long_line(500, 'x');
  EXPECT_EQ(fit_lines(long_line + "\n", 0), long_line + "\n");
}

}  // namespace
}  // namespace lockcheck::reports
