// Liveness verdicts end to end, from spec files through the checker to every report: the exact
// text of a lasso, its JSON fields, an INCONCLUSIVE verdict in JUnit and in the exit outcome,
// and a `leads ... for` counterexample naming its member.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "checker/compile/check.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/text_report.h"

namespace lockcheck {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(std::filesystem::path(LOCKCHECK_SOURCE_DIR) / path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

trace::SpecResult check(const std::string& path, int threads = 1) {
  compile::CheckOptions options;
  options.search.threads = threads;
  return compile::check_spec(path, read(path), options);
}

const trace::PropertyResult& property(const trace::SpecResult& r, const std::string& name) {
  for (const auto& p : r.properties)
    if (p.name == name) return p;
  throw std::runtime_error("no property " + name);
}

TEST(LivenessReport, SkipLockedStarvationAsText) {
  trace::SpecResult r = check("specs/liveness/skip_locked_starvation.lcs");
  reports::TextOptions options;
  options.show_time = false;
  options.builtins = false;
  std::string text = reports::text_report(r, options);
  std::string trace = text.substr(text.find("  1  worker[1]"));
  EXPECT_EQ(
      trace,
      "  1  worker[1]  SELECT id INTO j FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED  j = 1            "
      " jobs[id=1].lock: (none) → FOR UPDATE by worker[1], j: null → 1, served: false → true\n"
      "  2  worker[2]  SELECT id INTO j FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED  no row: j = "
      "null\n"
      "  ┌ cycle, steps 3-6, repeats for ever\n"
      "│ 3  worker[1]  COMMIT                                                     committed        "
      " jobs[id=1].lock: FOR UPDATE by worker[1] → (none)\n"
      "│ 4  worker[1]  SELECT id INTO j FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED  j = 1            "
      " jobs[id=1].lock: (none) → FOR UPDATE by worker[1]\n"
      "│ 5  worker[2]  COMMIT                                                     committed\n"
      "│ 6  worker[2]  SELECT id INTO j FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED  no row: j = "
      "null\n"
      "  └ back to the state after step 2\n"
      "  lasso: 2 + 4 steps\n"
      "  fair: worker[1] steps at 3 and 4; worker[2] steps at 5 and 6; no clock; no faults\n"
      "  all_served: all w in worker: w.served   never holds in any state of the trace: all w in "
      "worker: w.served = false\n");
}

TEST(LivenessReport, LassoInJson) {
  trace::SpecResult r = check("specs/liveness/opposite_claims.lcs");
  auto json = nlohmann::json::parse(reports::json_report({r}, {}));
  const auto& props = json["specs"][0]["properties"];
  const nlohmann::json* p = nullptr;
  for (const auto& q : props)
    if (q["name"] == "someone_gets_pair") p = &q;
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["kind"], "eventually");
  EXPECT_EQ((*p)["status"], "violated");
  EXPECT_EQ((*p)["trace_kind"], "lasso");
  EXPECT_EQ((*p)["loop_to"], 2);
  ASSERT_EQ((*p)["trace"].size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ((*p)["trace"][i]["cycle"], i >= 2) << i;
  EXPECT_EQ((*p)["fairness"],
            "fair: buyer[1] steps at 3, 4 and 5; buyer[2] steps at 6, 7 and 8; no clock; no "
            "faults");
}

TEST(LivenessReport, LeadsForNamesTheMemberAndTheOthers) {
  trace::SpecResult r = check("specs/liveness/for_update_queue_weak.lcs");
  const trace::PropertyResult& p = property(r, "each_gets_job_again");
  EXPECT_EQ(p.kind, trace::PropertyKind::leads);
  EXPECT_EQ(p.member, "worker[1]");
  EXPECT_EQ(p.failing_members, (std::vector<std::string>{"worker[1]", "worker[2]"}));
  EXPECT_EQ(p.explanation,
            "P holds in the initial state; Q never holds afterwards: w.has_job = false");
  EXPECT_EQ(p.fairness,
            "fair (fairness weak): worker[1] is blocked at line 20 (waits for jobs[id=1] held by "
            "worker[2]) in the state after step 2; worker[2] steps at 3 and 4; no clock; no "
            "faults");
}

TEST(LivenessReport, HorizonBoundIsInconclusiveEverywhere) {
  trace::SpecResult r = check("tests/golden/liveness/redis_lock_ttl_horizon.lcs");
  const trace::PropertyResult& p = property(r, "all_finished");
  EXPECT_EQ(p.status, trace::Status::inconclusive);
  EXPECT_EQ(reports::outcome(r), reports::Outcome::incomplete);  // exit 3
  EXPECT_EQ(reports::verdict(r), "INCONCLUSIVE all_finished");
  EXPECT_TRUE(p.explanation.starts_with(
      "every counterexample is horizon-bound (a key of cache expires at 4 > clock max 3)"))
      << p.explanation;
  std::string junit = reports::junit_report({r}, {});
  EXPECT_NE(junit.find("skipped=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("<skipped message=\"INCONCLUSIVE: every counterexample is horizon-bound"),
            std::string::npos)
      << junit;
}

TEST(LivenessReport, LimitMakesItInconclusiveNeverHolds) {
  compile::CheckOptions options;
  options.search.max_states =
      12;  // the safety search (9 states) finishes, the liveness graph (16) not
  std::string path = "specs/liveness/for_update_queue.lcs";
  trace::SpecResult r = compile::check_spec(path, read(path), options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.incomplete_reason, "liveness: state limit (12 states) reached");
  EXPECT_EQ(property(r, "each_gets_job_again").status, trace::Status::inconclusive);
  EXPECT_EQ(reports::outcome(r), reports::Outcome::incomplete);
}

TEST(LivenessReport, TerminalTraceSaysWhoIsLeft) {
  trace::SpecResult r = check("tests/golden/liveness/unfair_holder.lcs");
  const trace::PropertyResult& p = property(r, "worker_finishes");
  EXPECT_EQ(p.trace_kind, "terminal");
  EXPECT_EQ(p.fairness,
            "then nothing can run: admin running (unfair: it may stop for ever), worker blocked "
            "at line 18");
}

}  // namespace
}  // namespace lockcheck

namespace lockcheck {
namespace {

// `reachable` witnesses (--witness, and always with --html): a shortest trace to a state where
// the property holds, the same for any number of threads, in the text and JSON reports.
TEST(Witness, ShortestTraceToAReachableState) {
  const std::string path = "specs/booking/naive_autocommit.lcs";
  compile::CheckOptions options;
  options.witness = true;
  trace::SpecResult one = compile::check_spec(path, read(path), options);
  options.search.threads = 2;
  trace::SpecResult two = compile::check_spec(path, read(path), options);
  const trace::PropertyResult& p = property(one, "some_sale");
  ASSERT_EQ(p.status, trace::Status::holds);
  ASSERT_EQ(p.witness.size(), 2u);
  EXPECT_EQ(p.witness[1].text, "UPDATE seats SET available = $a - 1 WHERE id = 123");
  ASSERT_EQ(property(two, "some_sale").witness.size(), 2u);
  EXPECT_EQ(property(two, "some_sale").witness[0].actor, p.witness[0].actor);
  reports::TextOptions text;
  text.show_time = false;
  text.witnesses = true;
  EXPECT_NE(
      reports::text_report(one, text).find("  witness of some_sale (2 steps):\n  1  buyer[1]"),
      std::string::npos);
  auto json = nlohmann::json::parse(reports::json_report({one}, {}));
  for (const auto& q : json["specs"][0]["properties"])
    if (q["name"] == "some_sale") EXPECT_EQ(q["witness"].size(), 2u);
  // Without the option, no second search and no witness.
  trace::SpecResult plain = compile::check_spec(path, read(path), compile::CheckOptions{});
  EXPECT_TRUE(property(plain, "some_sale").witness.empty());
}

}  // namespace
}  // namespace lockcheck
