#include "checker/engine/search.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "checker/engine/test_graph_model.h"

namespace lockcheck::engine {
namespace {

using testing::EndlessModel;
using testing::GraphModel;
using Choices = std::vector<Choice>;

SearchResult run(const Model& model, int threads = 1) {
  SearchOptions options;
  options.threads = threads;
  return search(model, options);
}

TEST(SearchTest, FindsTheShortestPath) {
  GraphModel g;
  g.edge(0, 0, 1).edge(1, 0, 2).edge(2, 0, 3);  // the long way, found first
  g.edge(0, 1, 4).edge(4, 0, 3);                // the short way
  PropertyId bad = g.invariant("not_three", {3});
  SearchResult r = run(g);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "");
  EXPECT_EQ(r.states, 5u);
  EXPECT_EQ(r.transitions, 5u);
  EXPECT_EQ(r.depth, 2u);
  ASSERT_TRUE(r.violations[bad]);
  EXPECT_EQ(r.violations[bad]->choices, (Choices{1, 0}));
  EXPECT_EQ(r.violations[bad]->faults, 0u);
}

TEST(SearchTest, FewestFaultsWinsOverAnEarlierPathOfTheSameLength) {
  GraphModel g;
  g.edge(0, 0, 1, /*fault=*/true).edge(1, 0, 3);  // lexicographically first, one fault
  g.edge(0, 1, 2).edge(2, 0, 3);                  // no fault
  g.edge(3, 0, 5);
  PropertyId at3 = g.invariant("not_three", {3});
  PropertyId at5 = g.invariant("not_five", {5});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[at3]);
  EXPECT_EQ(r.violations[at3]->choices, (Choices{1, 0}));
  EXPECT_EQ(r.violations[at3]->faults, 0u);
  ASSERT_TRUE(r.violations[at5]);  // the improved path carries on to the next level
  EXPECT_EQ(r.violations[at5]->choices, (Choices{1, 0, 0}));
  EXPECT_EQ(r.violations[at5]->faults, 0u);
}

TEST(SearchTest, FaultsAreCountedWhenEveryShortestPathHasThem) {
  GraphModel g;
  g.edge(0, 0, 1, true).edge(1, 0, 3, true);  // two faults
  g.edge(0, 1, 2).edge(2, 0, 3, true);        // one fault
  PropertyId bad = g.invariant("not_three", {3});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[bad]);
  EXPECT_EQ(r.violations[bad]->choices, (Choices{1, 0}));
  EXPECT_EQ(r.violations[bad]->faults, 1u);
}

// An improved state moves in its level's order, and the next level must see the new order.
TEST(SearchTest, RanksFollowImprovedPaths) {
  GraphModel g;
  g.edge(0, 0, 1, true).edge(0, 1, 2);  // A = 1 (through a fault), B = 2
  g.edge(1, 0, 3);                      // X = 3 first found as [0, 0] (1 fault)
  g.edge(2, 1, 4).edge(2, 2, 3);        // Y = 4 as [1, 1]; X improved to [1, 2]
  g.edge(3, 0, 5).edge(4, 0, 5);        // Z = 5: [1, 1, 0] beats [1, 2, 0]
  PropertyId bad = g.invariant("not_five", {5});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[bad]);
  EXPECT_EQ(r.violations[bad]->choices, (Choices{1, 1, 0}));
  EXPECT_EQ(r.violations[bad]->faults, 0u);
}

TEST(SearchTest, BreaksTiesLexicographically) {
  GraphModel g;
  g.edge(0, 0, 1).edge(0, 1, 2);
  g.edge(2, 0, 3).edge(1, 5, 3);  // [0, 5] and [1, 0]: [0, 5] is smaller
  PropertyId bad = g.invariant("not_three", {3});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[bad]);
  EXPECT_EQ(r.violations[bad]->choices, (Choices{0, 5}));
}

TEST(SearchTest, LexicographicOrderComparesWholePathsNotLastChoices) {
  GraphModel g;
  g.edge(0, 0, 1).edge(0, 1, 2);
  g.edge(1, 7, 3).edge(2, 0, 4);  // level 2: 3 = [0, 7], 4 = [1, 0]
  g.edge(4, 0, 5).edge(3, 9, 6);  // level 3: [1, 0, 0] and [0, 7, 9]
  PropertyId bad = g.invariant("bad", {5, 6});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[bad]);
  EXPECT_EQ(r.violations[bad]->choices, (Choices{0, 7, 9}));
}

TEST(SearchTest, FailingTransitionCompetesWithStateViolationsOfTheSameLength) {
  GraphModel g;
  PropertyId p = g.invariant("p", {3});
  g.edge(0, 0, 1).edge(0, 1, 2);
  g.fail(1, 3, p);  // [0, 3]
  g.edge(2, 0, 3);  // [1, 0]
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[p]);
  EXPECT_EQ(r.violations[p]->choices, (Choices{0, 3}));
  EXPECT_EQ(r.transitions, 4u);
}

TEST(SearchTest, FaultyFailingTransitionLosesToAFaultFreeStateViolation) {
  GraphModel g;
  PropertyId p = g.invariant("p", {3});
  g.edge(0, 0, 1).edge(0, 1, 2);
  g.fail(1, 3, p, /*fault=*/true);  // [0, 3] with a fault
  g.edge(2, 0, 3);                  // [1, 0]
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[p]);
  EXPECT_EQ(r.violations[p]->choices, (Choices{1, 0}));
  EXPECT_EQ(r.violations[p]->faults, 0u);
}

TEST(SearchTest, StateViolationWinsOverALaterFailingTransition) {
  GraphModel g;
  PropertyId p = g.invariant("p", {1});
  g.edge(0, 4, 1);        // violated at length 1
  g.fail(1, 0, p);        // a failure at length 2
  g.fail(0, 9, p, true);  // a failure at length 1 but with a fault
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[p]);
  EXPECT_EQ(r.violations[p]->choices, (Choices{4}));
}

TEST(SearchTest, ShorterFailureWinsOverLongerStateViolation) {
  GraphModel g;
  PropertyId a = g.assertion("assert");
  PropertyId inv = g.invariant("inv", {2});
  g.edge(0, 0, 1).edge(1, 0, 2);
  g.fail(1, 1, a, true);
  g.fail(0, 7, inv, true);
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[a]);
  EXPECT_EQ(r.violations[a]->choices, (Choices{0, 1}));
  EXPECT_EQ(r.violations[a]->faults, 1u);
  ASSERT_TRUE(r.violations[inv]);
  EXPECT_EQ(r.violations[inv]->choices, (Choices{7}));
  EXPECT_EQ(r.violations[inv]->faults, 1u);
}

TEST(SearchTest, InvariantViolatedInTheInitialStateHasAnEmptyTrace) {
  GraphModel g;
  PropertyId init = g.invariant("init", {0});
  PropertyId later = g.invariant("later", {2});
  g.edge(0, 0, 1).edge(1, 0, 2).edge(2, 0, 0);
  SearchResult r = run(g);
  EXPECT_TRUE(r.complete);
  ASSERT_TRUE(r.violations[init]);
  EXPECT_EQ(r.violations[init]->choices, Choices{});
  EXPECT_EQ(r.violations[init]->faults, 0u);
  ASSERT_TRUE(r.violations[later]);  // exploration went on, through the violating state
  EXPECT_EQ(r.violations[later]->choices, (Choices{0, 0}));
  EXPECT_EQ(r.states, 3u);
  EXPECT_EQ(r.transitions, 3u);
}

TEST(SearchTest, ExplorationContinuesThroughViolatingStates) {
  GraphModel g;
  PropertyId first = g.invariant("first", {1});
  PropertyId second = g.invariant("second", {3});
  g.edge(0, 0, 1).edge(1, 0, 2).edge(2, 0, 3);
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[first]);
  ASSERT_TRUE(r.violations[second]);
  EXPECT_EQ(r.violations[second]->choices, (Choices{0, 0, 0}));
}

TEST(SearchTest, ReachableProperties) {
  GraphModel g;
  PropertyId deep = g.reachable("deep", {3});
  PropertyId never = g.reachable("never", {99});
  PropertyId start = g.reachable("start", {0});
  PropertyId fine = g.invariant("fine", {});
  g.edge(0, 0, 1).edge(1, 0, 2).edge(2, 0, 3);
  SearchResult r = run(g);
  ASSERT_EQ(r.reached.size(), 4u);
  EXPECT_TRUE(r.reached[deep]);
  EXPECT_FALSE(r.reached[never]);
  EXPECT_TRUE(r.reached[start]);
  EXPECT_FALSE(r.reached[fine]);
  ASSERT_EQ(r.violations.size(), 4u);
  for (const auto& v : r.violations) EXPECT_FALSE(v);
}

TEST(SearchTest, CountsStatesTransitionsAndDepthExactly) {
  GraphModel g;
  PropertyId a = g.assertion("a");
  g.edge(0, 0, 1).edge(0, 1, 2).edge(0, 2, 0);  // a self loop
  g.edge(1, 0, 3).edge(1, 1, 3, true);          // two edges to one state
  g.edge(2, 0, 3).edge(2, 1, 1);                // a same-level edge
  g.fail(3, 0, a).edge(3, 1, 4).edge(4, 0, 0);  // a failure, back to the start
  SearchResult r = run(g);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.states, 5u);
  EXPECT_EQ(r.transitions, 10u);
  EXPECT_EQ(r.depth, 3u);
  ASSERT_TRUE(r.violations[a]);
  EXPECT_EQ(r.violations[a]->choices, (Choices{0, 0, 0}));
  EXPECT_GT(r.peak_memory_bytes, 0u);
  EXPECT_GT(r.bytes_per_state, 0u);
}

TEST(SearchTest, IgnoresPropertyIdsTheModelDoesNotDeclare) {
  GraphModel g;
  g.fail(0, 0, 42);
  SearchResult r = run(g);
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty());
}

TEST(SearchTest, StateLimit) {
  GraphModel g;
  PropertyId early = g.invariant("early", {3});
  PropertyId late = g.invariant("late", {50});
  for (uint32_t i = 0; i < 100; ++i) g.edge(i, 0, i + 1);
  SearchOptions options;
  options.max_states = 10;
  SearchResult r = search(g, options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "state limit (10 states) reached");
  EXPECT_EQ(r.states, 10u);
  EXPECT_EQ(r.transitions, 9u);
  EXPECT_EQ(r.depth, 9u);
  ASSERT_TRUE(r.violations[early]);  // found before the stop: kept
  EXPECT_EQ(r.violations[early]->choices, (Choices{0, 0, 0}));
  EXPECT_FALSE(r.violations[late]);
}

TEST(SearchTest, StateLimitOfExactlyTheStateCountCompletes) {
  GraphModel g;
  for (uint32_t i = 0; i < 10; ++i) g.edge(i, 0, i + 1);
  SearchOptions options;
  options.max_states = 11;
  SearchResult r = search(g, options);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.states, 11u);
}

TEST(SearchTest, StateLimitMessageUsesThousandsSeparators) {
  EndlessModel m;
  SearchOptions options;
  options.max_states = 1000;
  SearchResult r = search(m, options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "state limit (1,000 states) reached");
  EXPECT_EQ(r.states, 1000u);
  ASSERT_TRUE(r.violations[0]);  // 0 -> 2 (2k+2) -> 3 (k+1)
  EXPECT_EQ(r.violations[0]->choices, (Choices{1, 0}));
}

TEST(SearchTest, MemoryLimit) {
  EndlessModel m;
  SearchOptions options;
  options.max_memory_bytes = 256 * 1024;
  SearchResult r = search(m, options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "memory limit (256.0 KiB) reached");
  EXPECT_GT(r.states, 1000u);
  EXPECT_LE(r.peak_memory_bytes, options.max_memory_bytes);
  EXPECT_TRUE(r.violations[0]);
}

TEST(SearchTest, TimeLimit) {
  EndlessModel m(std::chrono::microseconds(500));
  SearchOptions options;
  options.max_seconds = 0.2;
  auto start = std::chrono::steady_clock::now();
  SearchResult r = search(m, options);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "time limit (0.2 s) reached");
  EXPECT_GE(r.seconds, 0.2);
  EXPECT_LT(took, 0.5);
  EXPECT_TRUE(r.violations[0]);
}

TEST(SearchTest, TimeLimitStopsPromptlyWithSlowSuccessors) {
  for (int threads : {1, 2}) {
    EndlessModel m(std::chrono::milliseconds(20));
    SearchOptions options;
    options.threads = threads;
    options.max_seconds = 0.1;
    auto start = std::chrono::steady_clock::now();
    SearchResult r = search(m, options);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.incomplete_reason, "time limit (0.1 s) reached") << threads;
    EXPECT_LT(took, 0.2) << threads;
  }
}

TEST(SearchTest, TimeLimitInWholeSeconds) {
  EndlessModel m(std::chrono::microseconds(100));
  SearchOptions options;
  options.max_seconds = 1;
  SearchResult r = search(m, options);
  EXPECT_EQ(r.incomplete_reason, "time limit (1 s) reached");
}

TEST(SearchTest, StopFlagSetBeforehand) {
  GraphModel g;
  PropertyId init = g.invariant("init", {0});
  g.edge(0, 0, 1);
  std::atomic<bool> stop{true};
  SearchOptions options;
  options.stop = &stop;
  SearchResult r = search(g, options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "interrupted");
  EXPECT_EQ(r.states, 1u);
  EXPECT_TRUE(r.violations[init]);
}

TEST(SearchTest, StopFlagSetDuringTheSearch) {
  for (int threads : {1, 2}) {
    EndlessModel m(std::chrono::microseconds(200));
    std::atomic<bool> stop{false};
    SearchOptions options;
    options.threads = threads;
    options.stop = &stop;
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      stop = true;
    });
    auto start = std::chrono::steady_clock::now();
    SearchResult r = search(m, options);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stopper.join();
    EXPECT_FALSE(r.complete) << threads;
    EXPECT_EQ(r.incomplete_reason, "interrupted") << threads;
    EXPECT_LT(took, 0.5) << threads;
  }
}

TEST(SearchTest, ReportsProgressAboutFourTimesASecond) {
  EndlessModel m(std::chrono::microseconds(200));
  std::vector<Progress> seen;
  SearchOptions options;
  options.max_seconds = 0.9;
  options.progress = [&](const Progress& p) { seen.push_back(p); };
  SearchResult r = search(m, options);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_LE(seen.size(), 4u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].states, seen[i - 1].states);
    EXPECT_GE(seen[i].seconds, seen[i - 1].seconds + 0.2);
  }
  EXPECT_GT(seen.back().states, 0u);
  EXPECT_GT(seen.back().memory_bytes, 0u);
  EXPECT_GT(seen.back().queue, 0u);
  EXPECT_LE(seen.back().states, r.states);
}

TEST(SearchTest, MeasuresMemory) {
  GraphModel g;
  for (uint32_t i = 0; i < 20000; ++i) g.edge(i, 0, i + 1);
  SearchResult r = run(g);
  EXPECT_EQ(r.states, 20001u);
  // States are "n12345": 6 bytes plus a length byte, a locator, parent, choice, faults and
  // the index.
  EXPECT_GT(r.bytes_per_state, 25u);
  EXPECT_LT(r.bytes_per_state, 60u);
  EXPECT_GE(r.peak_memory_bytes, r.bytes_per_state * r.states * 9 / 10);
}

}  // namespace
}  // namespace lockcheck::engine

namespace lockcheck::engine {
namespace {

using testing::GraphModel;

// Two independent transitions a (choice 0) and b (choice 1) from 0, commuting into 3.
GraphModel diamond() {
  GraphModel g;
  g.edge(0, 0, 1).edge(0, 1, 2).edge(1, 1, 3).edge(2, 0, 3);
  return g;
}

TEST(PartialOrderTest, AnAmpleSetReplacesTheFullExpansion) {
  GraphModel g = diamond();
  g.ample_choice(0, 0);
  PropertyId end = g.reachable("end", {3});
  for (int threads : {1, 2}) {
    SearchResult r = run(g, threads);
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.states, 3u);  // 0, 1, 3: state 2 is never built
    EXPECT_EQ(r.transitions, 2u);
    EXPECT_EQ(r.reduced_states, 1u);
    EXPECT_TRUE(r.reached[end]);
  }
}

TEST(PartialOrderTest, AnAmpleSetThatClosesACycleIsExpandedFully) {
  // a goes round 0 -> 1 -> 0; b (the bad move) is enabled all along, as independence requires.
  // Following only a would never take b: at 1, a leads back to a state already stored at a
  // smaller depth, so 1 is expanded fully and b is taken.
  GraphModel g;
  g.edge(0, 0, 1).edge(0, 1, 2).edge(1, 0, 0).edge(1, 1, 3);
  g.ample_choice(0, 0).ample_choice(1, 0);
  PropertyId bad = g.invariant("bad", {2, 3});
  for (int threads : {1, 2}) {
    SearchResult r = run(g, threads);
    ASSERT_TRUE(r.violations[bad].has_value());
    EXPECT_EQ(r.violations[bad]->choices, (std::vector<Choice>{0, 1}));
    EXPECT_EQ(r.reduced_states, 1u);  // 0 only
    EXPECT_EQ(r.states, 3u);          // 0, 1, 3
  }
}

TEST(PartialOrderTest, ASelfLoopIsACycle) {
  GraphModel g;
  g.edge(0, 0, 0).edge(0, 1, 1);
  g.ample_choice(0, 0);
  PropertyId bad = g.invariant("bad", {1});
  SearchResult r = run(g);
  ASSERT_TRUE(r.violations[bad].has_value());
  EXPECT_EQ(r.reduced_states, 0u);
}

}  // namespace
}  // namespace lockcheck::engine
