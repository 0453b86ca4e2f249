#include "checker/cli/terminal_width.h"

#include <gtest/gtest.h>

namespace lockcheck::cli {
namespace {

TEST(TerminalWidth, PipesHaveNoLimit) {
  EXPECT_EQ(report_width(nullptr, false, std::nullopt), 0u);
  // A terminal elsewhere (stderr) says nothing about where stdout goes.
  EXPECT_EQ(report_width(nullptr, false, 132), 0u);
}

TEST(TerminalWidth, TheTerminalsWidth) {
  EXPECT_EQ(report_width(nullptr, true, 100), 100u);
  EXPECT_EQ(report_width(nullptr, true, std::nullopt), 0u);
  EXPECT_EQ(report_width(nullptr, true, 0), 0u);
}

TEST(TerminalWidth, ColumnsWinsEvenInAPipe) {
  EXPECT_EQ(report_width("80", false, std::nullopt), 80u);
  EXPECT_EQ(report_width("120", true, 100), 120u);
}

TEST(TerminalWidth, MalformedColumnsIsIgnored) {
  EXPECT_EQ(report_width("", false, std::nullopt), 0u);
  EXPECT_EQ(report_width("wide", true, 100), 100u);
  EXPECT_EQ(report_width("-5", false, std::nullopt), 0u);
  EXPECT_EQ(report_width("0", true, 90), 90u);
}

TEST(TerminalWidth, TooNarrowCountsAsTheMinimum) {
  EXPECT_EQ(report_width("12", false, std::nullopt), kMinColumns);
  EXPECT_EQ(report_width(nullptr, true, 3), kMinColumns);
}

}  // namespace
}  // namespace lockcheck::cli
