#include "checker/engine/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace lockcheck::engine {
namespace {

TEST(WorkerPoolTest, RunsTheJobOnEveryWorkerEachTime) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int round = 0; round < 100; ++round) {
    std::vector<std::atomic<int>> hits(3);
    pool.run([&](int w) { hits[w].fetch_add(1); });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
}

TEST(WorkerPoolTest, SingleWorkerRunsOnTheCaller) {
  WorkerPool pool(1);
  std::thread::id id;
  pool.run([&](int w) { id = std::this_thread::get_id(); });
  EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(WorkerPoolTest, RethrowsAHelpersException) {
  WorkerPool pool(2);
  EXPECT_THROW(pool.run([](int w) {
    if (w == 1) throw std::runtime_error("boom");
  }),
               std::runtime_error);
  std::atomic<int> after{0};
  pool.run([&](int) { after.fetch_add(1); });  // still usable
  EXPECT_EQ(after.load(), 2);
}

}  // namespace
}  // namespace lockcheck::engine
