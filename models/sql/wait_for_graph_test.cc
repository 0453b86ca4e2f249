#include "models/sql/wait_for_graph.h"

#include <gtest/gtest.h>

namespace lockcheck::sql {
namespace {

using Edges = std::vector<std::pair<int, int>>;

TEST(WaitForGraphTest, NoCycle) {
  EXPECT_TRUE(find_cycle(3, {{0, 1}, {1, 2}}).empty());
  EXPECT_TRUE(nodes_on_cycles(3, {{0, 1}, {1, 2}, {0, 2}}).empty());
  EXPECT_TRUE(find_cycle(0, {}).empty());
  EXPECT_TRUE(nodes_on_cycles(0, {}).empty());
}

TEST(WaitForGraphTest, TwoTransactionsWaitingOnEachOther) {
  EXPECT_EQ(find_cycle(2, {{1, 0}, {0, 1}}), (std::vector<int>{0, 1}));
  EXPECT_EQ(nodes_on_cycles(2, {{1, 0}, {0, 1}}), (std::vector<int>{0, 1}));
}

TEST(WaitForGraphTest, CycleThroughTheSmallestNodeOnAnyCycle) {
  // 0 waits on the 1-2-3 cycle but is not on it; 4-5 is a second cycle.
  Edges edges = {{5, 4}, {4, 5}, {0, 1}, {3, 1}, {2, 3}, {1, 2}};
  EXPECT_EQ(find_cycle(6, edges), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(nodes_on_cycles(6, edges), (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(WaitForGraphTest, FollowsEdgesInTheGivenOrder) {
  // Two cycles through 0: 0->2->0 and 0->1->0. The first edge out of 0 decides.
  EXPECT_EQ(find_cycle(3, {{0, 2}, {0, 1}, {1, 0}, {2, 0}}), (std::vector<int>{0, 2}));
  EXPECT_EQ(find_cycle(3, {{0, 1}, {0, 2}, {1, 0}, {2, 0}}), (std::vector<int>{0, 1}));
  // A dead end (1->3, 3 waits on nobody) is backtracked over.
  EXPECT_EQ(find_cycle(4, {{0, 1}, {1, 3}, {1, 2}, {2, 0}}), (std::vector<int>{0, 1, 2}));
}

TEST(WaitForGraphTest, SelfLoopIsACycleOfOne) {
  EXPECT_EQ(find_cycle(3, {{2, 2}, {0, 1}}), (std::vector<int>{2}));
  EXPECT_EQ(nodes_on_cycles(3, {{2, 2}, {0, 1}}), (std::vector<int>{2}));
}

TEST(WaitForGraphTest, OutOfRangeEdgesAreIgnored) {
  EXPECT_TRUE(find_cycle(2, {{0, 5}, {5, 0}, {-1, 0}}).empty());
  EXPECT_EQ(find_cycle(2, {{0, 1}, {1, 0}, {1, 7}}), (std::vector<int>{0, 1}));
}

TEST(WaitForGraphTest, DuplicateEdgesDoNotMatter) {
  EXPECT_EQ(find_cycle(2, {{0, 1}, {0, 1}, {1, 0}}), (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace lockcheck::sql
