#include "checker/cli/option_values.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace lockcheck::cli {
namespace {

TEST(ParseConst, Accepted) {
  EXPECT_EQ(parse_const("SEATS=2"), std::make_pair(std::string("SEATS"), int64_t{2}));
  EXPECT_EQ(parse_const("_x1=-7"), std::make_pair(std::string("_x1"), int64_t{-7}));
  EXPECT_EQ(parse_const("BIG=9223372036854775807"), std::make_pair(std::string("BIG"), INT64_MAX));
  EXPECT_EQ(parse_const("SMALL=-9223372036854775808"),
            std::make_pair(std::string("SMALL"), INT64_MIN));
}

TEST(ParseConst, Rejected) {
  for (const char* bad : {"", "N", "N=", "=3", "1N=3", "N-1=3", "N=x", "N=1.5", "N=+1", "N= 1",
                          "N=1 ", "N=--1", "N=-", "N=9223372036854775808", "N=1=2"}) {
    EXPECT_EQ(parse_const(bad), std::nullopt) << bad;
  }
}

TEST(ParseCount, AcceptedAndRejected) {
  EXPECT_EQ(parse_count("0"), 0u);
  EXPECT_EQ(parse_count("1000"), 1000u);
  EXPECT_EQ(parse_count("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", "1,000", "1e3", "12a", " 1", "18446744073709551616"}) {
    EXPECT_EQ(parse_count(bad), std::nullopt) << bad;
  }
}

TEST(ParseSize, Units) {
  EXPECT_EQ(parse_size("1000000"), 1000000u);
  EXPECT_EQ(parse_size("100B"), 100u);
  EXPECT_EQ(parse_size("64K"), 64u << 10);
  EXPECT_EQ(parse_size("64KiB"), 64u << 10);
  EXPECT_EQ(parse_size("512M"), 512u << 20);
  EXPECT_EQ(parse_size("512mb"), 512u << 20);
  EXPECT_EQ(parse_size("8G"), uint64_t{8} << 30);
  EXPECT_EQ(parse_size("2gib"), uint64_t{2} << 30);
  EXPECT_EQ(parse_size("3T"), uint64_t{3} << 40);
  EXPECT_EQ(parse_size("16777215T"), uint64_t{16777215} << 40);
}

TEST(ParseSize, Rejected) {
  for (const char* bad : {"", "G", "8X", "8 G", "8GG", "8Gi", "8GBs", "-8G", "1.5G", "16777216T",
                          "99999999999999999999"}) {
    EXPECT_EQ(parse_size(bad), std::nullopt) << bad;
  }
}

TEST(ParseSeconds, AcceptedAndRejected) {
  EXPECT_EQ(parse_seconds("10"), 10.0);
  EXPECT_EQ(parse_seconds("0.5"), 0.5);
  EXPECT_EQ(parse_seconds("0"), 0.0);
  for (const char* bad : {"", "-1", "+1", ".5", "1e3", "inf", "nan", "1s", "1,5"}) {
    EXPECT_EQ(parse_seconds(bad), std::nullopt) << bad;
  }
}

TEST(ParseMemAvailable, FromProcMeminfo) {
  EXPECT_EQ(parse_mem_available("MemTotal:       16303548 kB\nMemFree:         1000 kB\n"
                                "MemAvailable:    8048576 kB\nBuffers: 1 kB\n"),
            uint64_t{8048576} * 1024);
  EXPECT_EQ(parse_mem_available("MemAvailable: 0 kB"), 0u);
  for (const char* bad : {"", "MemTotal: 1 kB\n", "MemAvailable: kB\n", "MemAvailable: 12 MB\n",
                          "XMemAvailable: 12 kB\n", "MemAvailable: 99999999999999999999 kB\n"}) {
    EXPECT_EQ(parse_mem_available(bad), std::nullopt) << bad;
  }
}

TEST(DefaultMemoryLimit, EightyPercentOfWhatIsAvailable) {
  EXPECT_EQ(default_memory_limit(uint64_t{10} << 30), uint64_t{8} << 30);
  EXPECT_EQ(default_memory_limit(0), 0u);
}

}  // namespace
}  // namespace lockcheck::cli
