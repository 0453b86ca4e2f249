#include "checker/base/string_pool.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lockcheck {
namespace {

TEST(StringPoolTest, InternsOnceAndKeepsTextsAcrossChunks) {
  StringPool pool;
  std::vector<int64_t> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(pool.intern("key:" + std::to_string(i)));
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(ids[i], i);
    ASSERT_EQ(pool.intern("key:" + std::to_string(i)), i);
    ASSERT_EQ(pool.text(ids[i]), "key:" + std::to_string(i));
  }
  const std::string& first = pool.text(0);
  for (int i = 5000; i < 20000; ++i) pool.intern(std::to_string(i));
  EXPECT_EQ(&first, &pool.text(0));  // references stay valid
  EXPECT_EQ(pool.intern(""), 20000);
  EXPECT_EQ(pool.text(20000), "");
}

TEST(StringPoolTest, UnknownIdsThrow) {
  StringPool pool;
  EXPECT_THROW(pool.text(0), std::out_of_range);
  pool.intern("a");
  EXPECT_EQ(pool.text(0), "a");
  EXPECT_THROW(pool.text(1), std::out_of_range);
  EXPECT_THROW(pool.text(-1), std::out_of_range);
}

// Readers and writers at once, as search threads are (ThreadSanitizer checks the ordering).
TEST(StringPoolTest, ReadsWhileOtherThreadsIntern) {
  StringPool pool;
  pool.intern("seed");
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&pool, t] {
      for (int i = 0; i < 3000; ++i) {
        std::string s = std::to_string(i % 1500) + "/" + std::to_string(t % 2);
        int64_t id = pool.intern(s);
        ASSERT_EQ(pool.text(id), s);
        ASSERT_EQ(pool.text(0), "seed");
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(pool.intern("seed"), 0);
  EXPECT_EQ(pool.intern("1499/1"), pool.intern("1499/1"));
}

}  // namespace
}  // namespace lockcheck
