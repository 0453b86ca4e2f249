#include "checker/engine/replay.h"

#include <gtest/gtest.h>

#include "checker/engine/search.h"
#include "checker/engine/test_graph_model.h"

namespace lockcheck::engine {
namespace {

using testing::GraphModel;

GraphModel sample() {
  GraphModel g;
  g.invariant("bad", {3});
  g.assertion("assert");
  g.edge(0, 0, 1).edge(0, 1, 2).edge(1, 4, 3).edge(2, 0, 3);
  g.fail(2, 5, 1);
  return g;
}

TEST(ReplayTest, ReplaysAFoundCounterexample) {
  GraphModel g = sample();
  SearchResult r = search(g, SearchOptions{});
  ASSERT_TRUE(r.violations[0]);
  std::string error = "stale";
  std::vector<std::string> states = replay(g, r.violations[0]->choices, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(states, (std::vector<std::string>{"n0", "n1", "n3"}));
}

TEST(ReplayTest, EmptyTraceGivesTheInitialState) {
  GraphModel g = sample();
  std::string error;
  EXPECT_EQ(replay(g, {}, error), (std::vector<std::string>{"n0"}));
  EXPECT_EQ(error, "");
}

TEST(ReplayTest, TraceEndingInAFailingTransition) {
  GraphModel g = sample();
  SearchResult r = search(g, SearchOptions{});
  ASSERT_TRUE(r.violations[1]);
  EXPECT_EQ(r.violations[1]->choices, (std::vector<Choice>{1, 5}));
  std::string error;
  std::optional<PropertyId> failed;
  std::vector<std::string> states = replay(g, r.violations[1]->choices, error, &failed);
  EXPECT_EQ(error, "");
  EXPECT_EQ(states, (std::vector<std::string>{"n0", "n2"}));
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 1u);
}

TEST(ReplayTest, ResetsTheFailedPropertyOnAnOrdinaryTrace) {
  GraphModel g = sample();
  std::string error;
  std::optional<PropertyId> failed = 7;
  replay(g, {0}, error, &failed);
  EXPECT_FALSE(failed);
}

TEST(ReplayTest, NamesTheStepOfAnUnavailableChoice) {
  GraphModel g = sample();
  std::string error;
  std::vector<std::string> states = replay(g, {1, 9}, error);
  EXPECT_EQ(error, "step 2: choice 9 is not available; the state offers choices 0, 5");
  EXPECT_EQ(states, (std::vector<std::string>{"n0", "n2"}));
}

TEST(ReplayTest, StateWithoutSuccessors) {
  GraphModel g = sample();
  std::string error;
  replay(g, {0, 4, 0}, error);
  EXPECT_EQ(error, "step 3: choice 0 is not available; the state offers no choices");
}

TEST(ReplayTest, SingleChoiceOffered) {
  GraphModel g = sample();
  std::string error;
  replay(g, {0, 3}, error);
  EXPECT_EQ(error, "step 2: choice 3 is not available; the state offers choice 4");
}

TEST(ReplayTest, FailingTransitionBeforeTheEnd) {
  GraphModel g = sample();
  std::string error;
  std::vector<std::string> states = replay(g, {1, 5, 0}, error);
  EXPECT_EQ(error, "step 2: choice 5 is a failing transition, but the trace goes on");
  EXPECT_EQ(states, (std::vector<std::string>{"n0", "n2"}));
}

}  // namespace
}  // namespace lockcheck::engine
