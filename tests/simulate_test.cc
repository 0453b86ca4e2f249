// `lockcheck simulate`: random walks find violations but never claim that a property holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/compile/check.h"

namespace lockcheck {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(std::filesystem::path(LOCKCHECK_SOURCE_DIR) / path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const trace::PropertyResult* find(const trace::SpecResult& r, const std::string& name) {
  for (const auto& p : r.properties)
    if (p.name == name) return &p;
  return nullptr;
}

TEST(SimulateTest, AWalkFindsTheRaceAndTheTraceReplays) {
  const std::string path = "tests/golden/semantics/simulate_finds.lcs";
  engine::WalkOptions walks;
  walks.runs = 50;
  walks.depth = 20;
  auto r = compile::simulate_spec(path, read(path), compile::CheckOptions{}, walks);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "random search, not a proof: 50 walks of at most 20 steps");
  const auto* p = find(r, "never_negative");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->status, trace::Status::violated);
  ASSERT_EQ(p->trace.size(), 4u);  // the only way to the violation takes 4 steps
  EXPECT_EQ(p->explanation, "is false: stock = -1");
  EXPECT_TRUE(r.as_expected == false);  // incomplete: never "as expected" on its own
  EXPECT_TRUE(p->as_expected);
}

TEST(SimulateTest, NothingIsEverReportedAsHolding) {
  const std::string path = "specs/booking/select_for_update_2.lcs";
  engine::WalkOptions walks;
  walks.runs = 20;
  auto r = compile::simulate_spec(path, read(path), compile::CheckOptions{}, walks);
  EXPECT_FALSE(r.complete);
  for (const auto& p : r.properties)
    if (p.kind != trace::PropertyKind::reachable) {
      EXPECT_EQ(p.status, trace::Status::unknown) << p.name;
    }
}

TEST(SimulateTest, CountsDistinctStates) {
  const std::string path = "specs/booking/select_for_update_2.lcs";
  compile::CheckOptions exhaustive;
  exhaustive.symmetry = false;  // as the walks see the spec
  auto all = compile::check_spec(path, read(path), exhaustive);
  ASSERT_TRUE(all.complete);
  engine::WalkOptions walks;
  walks.runs = 200;
  auto r = compile::simulate_spec(path, read(path), compile::CheckOptions{}, walks);
  // 200 walks visit far more states than there are; each is counted once.
  EXPECT_GT(r.stats.states, 1u);
  EXPECT_LE(r.stats.states, all.stats.states);
  EXPECT_EQ(r.incomplete_reason, "random search, not a proof: 200 walks of at most 100 steps");
}

TEST(SimulateTest, TheSameSeedGivesTheSameWalks) {
  const std::string path = "specs/locks/release_plain_del.lcs";
  engine::WalkOptions walks;
  walks.runs = 30;
  walks.seed = 7;
  auto a = compile::simulate_spec(path, read(path), compile::CheckOptions{}, walks);
  auto b = compile::simulate_spec(path, read(path), compile::CheckOptions{}, walks);
  EXPECT_EQ(a.stats.states, b.stats.states);
  ASSERT_EQ(a.properties.size(), b.properties.size());
  for (size_t i = 0; i < a.properties.size(); ++i)
    EXPECT_EQ(a.properties[i].trace.size(), b.properties[i].trace.size());
}

}  // namespace
}  // namespace lockcheck
