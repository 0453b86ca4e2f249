// The liveness pass on small hand-built graphs: one test per fairness rule (spec-language.md
// §8.1), the horizon, leads monitors, limits and the shortest-lasso order.
#include "checker/engine/liveness.h"

#include <gtest/gtest.h>

#include "checker/engine/test_graph_model.h"

namespace lockcheck::engine {
namespace {

using testing::GraphModel;
constexpr uint32_t P0 = 0, P1 = 1;  // weak groups: two processes
constexpr uint32_t kNo = Fairness::kNone;

LivenessVerdict verdict(const GraphModel& m, PropertyId p, LivenessOptions options = {}) {
  LivenessResult r = check_liveness(m, options);
  EXPECT_EQ(r.verdicts.size(), m.properties().size());
  return r.verdicts.at(p).value_or(LivenessVerdict{});
}

std::vector<Choice> choices(std::initializer_list<Choice> c) { return c; }

TEST(LivenessTest, GoalOnEveryPathHolds) {
  GraphModel m;
  m.step(0, 0, 1, P0).step(0, 1, 2, P1).step(1, 0, 3, P0).step(2, 0, 3, P0);
  PropertyId p = m.eventually("reach", {3});
  LivenessVerdict v = verdict(m, p);
  EXPECT_EQ(v.status, LivenessStatus::holds);
  EXPECT_FALSE(v.counterexample);
}

TEST(LivenessTest, GoalAtTheStartHolds) {
  GraphModel m;
  m.step(0, 0, 0, P0);
  PropertyId p = m.eventually("reach", {0});
  LivenessVerdict v = verdict(m, p);
  EXPECT_EQ(v.status, LivenessStatus::holds);
  EXPECT_TRUE(v.goal_at_start);
}

TEST(LivenessTest, TerminalStateIsACounterexample) {
  // 0 -> 1 -> 2, and 2 has no transition: the behaviour ends without the goal.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 2, P0).step(0, 1, 3, P1);
  PropertyId p = m.eventually("reach", {3});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample);
  EXPECT_FALSE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0}));
  EXPECT_EQ(v.counterexample->loop_to, 2u);
}

TEST(LivenessTest, StateWithOnlyFaultsAndUnfairStepsIsTerminal) {
  // From 1 only a fault (never forced) and an unfair process's step (it may stop for ever) lead
  // to the goal.
  GraphModel m;
  m.step(0, 0, 1, P0).edge(1, 5, 2, /*fault=*/true).edge(1, 1, 2);
  PropertyId p = m.eventually("reach", {2});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_FALSE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->choices, choices({0}));
}

TEST(LivenessTest, SelfLoopIsAFairCycle) {
  // A process that spins without changing the state: a 1-step cycle.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 1, P0);
  PropertyId p = m.eventually("reach", {9});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->loop_to, 1u);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0}));
}

TEST(LivenessTest, CycleUnfairBecauseOfOneProcessHolds) {
  // P0 cycles 0 -> 1 -> 0 while P1, enabled in both states, never steps: weak fairness forces
  // P1's step to the goal.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0).step(0, 1, 2, P1).step(1, 1, 2, P1);
  PropertyId p = m.eventually("reach", {2});
  EXPECT_EQ(verdict(m, p).status, LivenessStatus::holds);
}

TEST(LivenessTest, UnfairProcessMayStopForEver) {
  // The same graph with P1 unfair (its steps belong to no group): the cycle is fair.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0).edge(0, 1, 2).edge(1, 1, 2);
  PropertyId p = m.eventually("reach", {2});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->loop_to, 0u);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0}));
}

TEST(LivenessTest, ProcessDisabledSomewhereInTheCycleIsTreatedFairly) {
  // P1 can step only in state 1 (weak fairness does not force a step enabled only now and then).
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0).step(1, 1, 2, P1);
  PropertyId p = m.eventually("reach", {2});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_EQ(v.counterexample->loop_to, 0u);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0}));
}

TEST(LivenessTest, StrongObligationEnabledInfinitelyOftenIsTaken) {
  // The same, but P1's step is a waiting statement going on (strong obligation 7): enabled
  // infinitely often, it must be taken, so every fair behaviour reaches the goal.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0).step(1, 1, 2, P1, 7);
  PropertyId p = m.eventually("reach", {2});
  EXPECT_EQ(verdict(m, p).status, LivenessStatus::holds);
}

TEST(LivenessTest, EmersonLeiPruningFindsTheCycleAvoidingTheObligation) {
  // As above, plus a self-loop at 0 where the obligation is not enabled: pruning state 1 leaves
  // the fair 1-step cycle at 0 (P1 is disabled there).
  GraphModel m;
  m.step(0, 0, 0, P0).step(0, 1, 1, P0).step(1, 0, 0, P0).step(1, 1, 2, P1, 7);
  PropertyId p = m.eventually("reach", {2});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->loop_to, 0u);
  EXPECT_EQ(v.counterexample->choices, choices({0}));
}

TEST(LivenessTest, ShortestFairCycleTakesEveryObligation) {
  // Both processes are enabled everywhere, so a fair cycle must take a step of each. From 0,
  // P0's cycle 0 -> 1 -> 0 comes first in choice order but is unfair; 0 -P1-> 2 -P0-> 0 is the
  // shortest fair one.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0).step(0, 1, 2, P1).step(2, 0, 0, P0);
  m.step(1, 1, 1, P1).step(2, 1, 2, P1);
  PropertyId p = m.eventually("reach", {9});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample->cycle);
  EXPECT_EQ(v.counterexample->loop_to, 0u);
  EXPECT_EQ(v.counterexample->choices, choices({1, 0}));
}

TEST(LivenessTest, FaultsAreNeverForced) {
  // A crash would lead to the goal, but faults may also never happen.
  GraphModel m;
  m.step(0, 0, 0, P0).edge(0, 9, 1, /*fault=*/true);
  PropertyId p = m.eventually("reach", {1});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_EQ(v.counterexample->choices, choices({0}));
  EXPECT_EQ(v.counterexample->faults, 0u);
}

TEST(LivenessTest, FewestFaultsAmongShortestPrefixes) {
  // Two ways to the stuck state 3 in two steps: through a fault (smaller choice) or without.
  GraphModel m;
  m.edge(0, 0, 1, /*fault=*/true).step(0, 1, 2, P0).step(1, 0, 3, P0).step(2, 0, 3, P0);
  m.step(0, 2, 4, P1);
  PropertyId p = m.eventually("reach", {4});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_EQ(v.counterexample->choices, choices({1, 0}));
  EXPECT_EQ(v.counterexample->faults, 0u);
}

TEST(LivenessTest, HorizonBoundCycleIsInconclusive) {
  // The only counterexample spins at the horizon with time still due.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 1, P0).horizon({1});
  PropertyId p = m.eventually("reach", {9});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::inconclusive);
  ASSERT_TRUE(v.counterexample);
  EXPECT_TRUE(v.counterexample->horizon_bound);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0}));
}

TEST(LivenessTest, GenuineCounterexampleWinsOverAShorterHorizonBoundOne) {
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 1, P0);                    // horizon-bound, prefix 1
  m.step(0, 1, 2, P1).step(2, 0, 3, P0).step(3, 0, 3, P0);  // genuine, prefix 2
  m.horizon({1});
  PropertyId p = m.eventually("reach", {9});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_FALSE(v.counterexample->horizon_bound);
  EXPECT_EQ(v.counterexample->choices, choices({1, 0, 0}));
  EXPECT_EQ(v.counterexample->loop_to, 2u);
}

TEST(LivenessTest, HorizonTerminalStateIsInconclusive) {
  GraphModel m;
  m.step(0, 0, 1, P0).horizon({1});
  PropertyId p = m.eventually("reach", {9});
  LivenessVerdict v = verdict(m, p);
  EXPECT_EQ(v.status, LivenessStatus::inconclusive);
  EXPECT_FALSE(v.counterexample->cycle);
}

TEST(LivenessTest, LeadsArmsAtPAndNeedsQAfterwards) {
  // 0 -> 1 -> 2 -> 0 for ever, or from 2 to 3 for ever; P at 1, Q at 0 and 3: holds.
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 2, P0).step(2, 0, 0, P0).step(2, 1, 3, P0).step(3, 0, 3, P0);
  PropertyId holds = m.leads("back_to_start", {{1}}, {{0, 3}});
  // Q at 3 only: 1 -> 2 -> 0 -> 1 ... never reaches 3 (P0 takes choice 0 for ever: fair).
  PropertyId fails = m.leads("to_three", {{1}}, {{3}});
  LivenessResult r = check_liveness(m, {});
  EXPECT_EQ(r.verdicts[holds]->status, LivenessStatus::holds);
  const LivenessVerdict& v = *r.verdicts[fails];
  ASSERT_EQ(v.status, LivenessStatus::violated);
  ASSERT_TRUE(v.counterexample->cycle);
  // The monitor arms at 1 (after one step); the cycle 1 -> 2 -> 0 -> 1 stays armed.
  EXPECT_EQ(v.counterexample->loop_to, 1u);
  EXPECT_EQ(v.counterexample->choices, choices({0, 0, 0, 0}));
}

TEST(LivenessTest, LeadsReportsTheFirstFailingMember) {
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 0, P0);
  // Member 0: P at 0, Q at 1 (holds); members 1 and 2: Q never.
  PropertyId p = m.leads("each", {{0}, {0}, {1}}, {{1}, {9}, {9}});
  LivenessVerdict v = verdict(m, p);
  ASSERT_EQ(v.status, LivenessStatus::violated);
  EXPECT_EQ(v.member, 1u);
  EXPECT_EQ(v.failing_members, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(v.counterexample->loop_to, 0u);
}

TEST(LivenessTest, LimitGivesInconclusiveNeverHolds) {
  GraphModel m;
  m.step(0, 0, 1, P0).step(1, 0, 2, P0).step(2, 0, 3, P0);
  PropertyId p = m.eventually("reach", {3});
  LivenessOptions options;
  options.max_states = 2;
  LivenessResult r = check_liveness(m, options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "state limit (2 states) reached");
  EXPECT_EQ(r.verdicts[p]->status, LivenessStatus::inconclusive);
}

TEST(LivenessTest, NoLivenessPropertyNoVerdicts) {
  GraphModel m;
  m.step(0, 0, 1, P0);
  m.invariant("never", {7});
  EXPECT_FALSE(has_liveness(m));
  LivenessResult r = check_liveness(m, {});
  EXPECT_FALSE(r.verdicts[0]);
  EXPECT_EQ(r.states, 2u);
  EXPECT_EQ(kNo, Fairness::kNone);
}

}  // namespace
}  // namespace lockcheck::engine
