#include "checker/cli/trace_file.h"

#include <gtest/gtest.h>

#include <string>

namespace lockcheck::cli {
namespace {

// A report with two specs; `a.lcs` has two traced properties.
const std::string kReport = R"({"lockcheck": "0.1.0", "schema": 1, "specs": [
  {"file": "x/a.lcs", "spec": "a", "properties": [
    {"name": "inv", "kind": "invariant", "status": "violated", "explanation": "is false: x = 2",
     "trace": [
       {"step": 1, "actor": "p[1]", "kind": "statement", "line": 4, "text": "x = x + 1",
        "result": "", "changes": []},
       {"step": 2, "actor": "clock", "kind": "tick", "line": 0, "text": "tick",
        "result": "now = 1", "changes": []},
       {"step": 3, "actor": "p[2]", "kind": "fault", "line": 2, "text": "crash p[2]",
        "result": "crashed", "changes": []},
       {"step": 4, "actor": "p[1]", "kind": "abort", "line": 5, "text": "UPDATE t SET a = 1",
        "result": "", "changes": []}]},
    {"name": "ok", "kind": "invariant", "status": "holds"},
    {"name": "deadlock", "kind": "deadlock", "status": "violated", "trace": []}]},
  {"file": "y/b.lcs", "spec": "b", "properties": []}]})";

TEST(TraceFile, ReadsTheStepsOfTheFirstTrace) {
  RecordedTrace t;
  std::string error;
  ASSERT_TRUE(read_recorded_trace(kReport, "r.json", "x/a.lcs", "", t, error)) << error;
  EXPECT_EQ(t.file, "x/a.lcs");
  EXPECT_FALSE(t.other_file);
  EXPECT_EQ(t.property, "inv");
  EXPECT_EQ(t.status, "violated");
  EXPECT_EQ(t.explanation, "is false: x = 2");
  EXPECT_EQ(t.others, std::vector<std::string>{"deadlock"});
  ASSERT_EQ(t.steps.size(), 4u);
  EXPECT_EQ(t.steps[0].actor, "p[1]");
  EXPECT_EQ(t.steps[0].line, 4);
  EXPECT_EQ(t.steps[0].text, "x = x + 1");
  EXPECT_EQ(t.steps[1].kind, trace::StepKind::tick);
  EXPECT_EQ(t.steps[1].result, "now = 1");
  EXPECT_EQ(t.steps[2].kind, trace::StepKind::fault);
  EXPECT_EQ(t.steps[3].kind, trace::StepKind::abort);
  EXPECT_EQ(t.steps[3].step, 4);
}

TEST(TraceFile, PicksThePropertyByName) {
  RecordedTrace t;
  std::string error;
  ASSERT_TRUE(read_recorded_trace(kReport, "r.json", "x/a.lcs", "deadlock", t, error)) << error;
  EXPECT_EQ(t.property, "deadlock");
  EXPECT_TRUE(t.steps.empty());  // a deadlock in the initial state
  EXPECT_TRUE(t.others.empty());
}

TEST(TraceFile, PicksTheSpecByItsFileName) {
  RecordedTrace t;
  std::string error;
  ASSERT_TRUE(read_recorded_trace(kReport, "r.json", "elsewhere/a.lcs", "", t, error)) << error;
  EXPECT_EQ(t.file, "x/a.lcs");
  EXPECT_TRUE(t.other_file);
  EXPECT_FALSE(read_recorded_trace(kReport, "r.json", "c.lcs", "", t, error));
  EXPECT_EQ(error, "r.json: the report has no spec checked from c.lcs (it has x/a.lcs, y/b.lcs)");
}

TEST(TraceFile, MalformedReports) {
  struct Case {
    std::string json, error;
  };
  const std::string head = R"({"schema": 1, "specs": [{"file": "a.lcs", "properties": [
      {"name": "inv", "trace": [)";
  const std::string tail = "]}]}]}";
  std::vector<Case> cases = {
      {"", "r.json: not a JSON report of 'lockcheck check --json'"},
      {"[1, 2]", "r.json: not a JSON report of 'lockcheck check --json'"},
      {R"({"schema": 2, "specs": []})",
       "r.json: the report has schema 2; this lockcheck reads "
       "schema 1"},
      {R"({"specs": []})", "r.json: the report holds no spec"},
      {head + "3" + tail, "r.json: step 1 is not an object"},
      {head + R"({"kind": "tick"})" + tail, "r.json: step 1 has no 'actor'"},
      {head + R"({"step": 7, "actor": "p", "kind": "jump"})" + tail,
       "r.json: step 7: unknown kind 'jump' (expected statement, tick, fault or abort)"},
      {head + R"({"actor": "p", "kind": "statement"})" + tail, "r.json: step 1 has no 'line'"},
  };
  for (const Case& c : cases) {
    RecordedTrace t;
    std::string error;
    EXPECT_FALSE(read_recorded_trace(c.json, "r.json", "a.lcs", "", t, error)) << c.json;
    EXPECT_EQ(error, c.error) << c.json;
  }
}

}  // namespace
}  // namespace lockcheck::cli
