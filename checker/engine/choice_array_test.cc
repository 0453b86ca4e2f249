#include "checker/engine/choice_array.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockcheck::engine {
namespace {

TEST(ChoiceArrayTest, KeepsFewDistinctChoicesInOneBytePerState) {
  MemoryMeter meter(0);
  ChoiceArray a(&meter);
  std::vector<Choice> want;
  for (uint32_t i = 0; i < 10000; ++i) {
    Choice c = (i % 3 == 0) ? (uint32_t{3} << 24 | (i % 7) << 12) : i % 5;
    a.push_back(c);
    want.push_back(c);
  }
  a.set(17, uint32_t{1} << 24);
  want[17] = uint32_t{1} << 24;
  EXPECT_FALSE(a.wide());
  ASSERT_EQ(a.size(), want.size());
  for (uint64_t i = 0; i < want.size(); ++i) ASSERT_EQ(a[i], want[i]) << i;
  EXPECT_LT(a.allocated_bytes(), 10000u * 2);
}

TEST(ChoiceArrayTest, WidensPastTheCodesAndKeepsEveryValue) {
  MemoryMeter meter(0);
  ChoiceArray a(&meter);
  std::vector<Choice> want;
  for (uint32_t i = 0; i < 256; ++i) {
    a.push_back(i * 4096);
    want.push_back(i * 4096);
  }
  EXPECT_FALSE(a.wide());
  a.set(3, 77);  // the 257th distinct choice, through set()
  want[3] = 77;
  EXPECT_TRUE(a.wide());
  a.push_back(123456);
  want.push_back(123456);
  a.push_back(0);
  want.push_back(0);
  ASSERT_EQ(a.size(), want.size());
  for (uint64_t i = 0; i < want.size(); ++i) ASSERT_EQ(a[i], want[i]) << i;
}

TEST(ChoiceArrayTest, WidensThroughPushBack) {
  MemoryMeter meter(0);
  ChoiceArray a(&meter);
  for (uint32_t i = 0; i < 300; ++i) a.push_back(i * 7);
  EXPECT_TRUE(a.wide());
  for (uint32_t i = 0; i < 300; ++i) ASSERT_EQ(a[i], i * 7);
}

}  // namespace
}  // namespace lockcheck::engine
