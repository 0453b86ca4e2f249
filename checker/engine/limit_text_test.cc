#include "checker/engine/limit_text.h"

#include <gtest/gtest.h>

namespace lockcheck::engine {
namespace {

TEST(LimitTextTest, Counts) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(123456), "123,456");
  EXPECT_EQ(format_count(1234567), "1,234,567");
}

TEST(LimitTextTest, Bytes) {
  EXPECT_EQ(format_bytes(1), "1 byte");
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(uint64_t{3} << 20), "3.0 MiB");
  EXPECT_EQ(format_bytes(uint64_t{8} << 30), "8.0 GiB");
}

TEST(LimitTextTest, Reasons) {
  EXPECT_EQ(state_limit_reason(1), "state limit (1 state) reached");
  EXPECT_EQ(state_limit_reason(1000), "state limit (1,000 states) reached");
  EXPECT_EQ(memory_limit_reason(uint64_t{8} << 30), "memory limit (8.0 GiB) reached");
  EXPECT_EQ(time_limit_reason(2), "time limit (2 s) reached");
  EXPECT_EQ(time_limit_reason(0.5), "time limit (0.5 s) reached");
  EXPECT_STREQ(kInterruptedReason, "interrupted");
}

}  // namespace
}  // namespace lockcheck::engine
