#include "checker/cli/progress.h"

#include <gtest/gtest.h>

namespace lockcheck::cli {
namespace {

TEST(FormatBytes, Units) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(uint64_t{12} << 20), "12.0 MiB");
  EXPECT_EQ(format_bytes(uint64_t{8} << 30), "8.0 GiB");
  EXPECT_EQ(format_bytes(UINT64_MAX), "16.0 EiB");
}

TEST(ProgressLine, Fields) {
  engine::Progress p;
  p.states = 12345;
  p.transitions = 40000;
  p.depth = 7;
  p.queue = 1024;
  p.memory_bytes = 1536 * 1024;
  p.seconds = 2;
  EXPECT_EQ(progress_line("specs/a.lcs", p),
            "specs/a.lcs: 12,345 states (6,172/s), depth 7, queue 1,024, 1.5 MiB, 2 s");
  p.seconds = 0;
  EXPECT_EQ(progress_line("a.lcs", p),
            "a.lcs: 12,345 states (0/s), depth 7, queue 1,024, 1.5 MiB, 0 s");
  p.seconds = 125;
  EXPECT_EQ(progress_line("a.lcs", p, uint64_t{8} << 30),
            "a.lcs: 12,345 states (98/s), depth 7, queue 1,024, 1.5 MiB of 8.0 GiB, 2 min 05 s");
}

TEST(FormatElapsed, Units) {
  EXPECT_EQ(format_elapsed(0), "0 s");
  EXPECT_EQ(format_elapsed(59.9), "59 s");
  EXPECT_EQ(format_elapsed(60), "1 min 00 s");
  EXPECT_EQ(format_elapsed(3599), "59 min 59 s");
  EXPECT_EQ(format_elapsed(3725), "1 h 02 min");
}

}  // namespace
}  // namespace lockcheck::cli
