#include "checker/compile/replay_trace.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "checker/compile/check.h"
#include "checker/compile/compiled_spec.h"
#include "checker/front/front_end.h"

namespace lockcheck::compile {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(LOCKCHECK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<RecordedStep> recorded(const trace::PropertyResult& p) {
  std::vector<RecordedStep> out;
  for (const trace::TraceStep& s : p.trace)
    out.push_back({s.step, s.actor, s.kind, s.line, s.text, s.result});
  return out;
}

const trace::PropertyResult* find(const trace::SpecResult& r, const std::string& name) {
  for (const auto& p : r.properties)
    if (p.name == name) return &p;
  return nullptr;
}

// Replaces the first occurrence of `from` in `text`.
std::string edit(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A spec built by hand, kept alive with its model, for the step-level functions.
struct Built {
  explicit Built(const std::string& source) {
    Diagnostics diags;
    ast = front::read_spec(source, "t.lcs", diags);
    EXPECT_TRUE(ast && !diags.has_errors()) << render_all(diags, "t.lcs", source);
    spec = CompiledSpec::build(*ast, {}, diags);
    EXPECT_TRUE(spec != nullptr);
    Interpreter interp(*spec);
    ModelError error;
    EXPECT_TRUE(interp.initial(initial, error)) << error.message;
    std::vector<std::string> notes;
    model = std::make_unique<SpecModel>(*spec, initial, false, notes);
  }
  std::unique_ptr<ast::Spec> ast;
  std::unique_ptr<CompiledSpec> spec;
  State initial;
  std::unique_ptr<SpecModel> model;
};

constexpr const char* kLease = "specs/locks/redis_lease_lost_update.lcs";

TEST(ReplayTrace, TheLostUpdateReplaysInSevenSteps) {
  std::string source = read(kLease);
  trace::SpecResult checked = check_spec(kLease, source, CheckOptions{});
  const trace::PropertyResult* counted = find(checked, "counted");
  ASSERT_NE(counted, nullptr);
  ASSERT_EQ(counted->trace.size(), 7u);

  ReplayResult r = replay_trace(kLease, source, recorded(*counted), "counted", ReplayOptions{});
  EXPECT_EQ(r.spec_error, "");
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.steps.size(), 7u);
  EXPECT_EQ(r.steps[2].actor, "clock");
  EXPECT_EQ(r.steps[2].kind, trace::StepKind::tick);
  EXPECT_EQ(r.steps[6].result, "1 row");
  EXPECT_FALSE(r.last_step_failed);
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.property.kind, trace::PropertyKind::invariant);
  EXPECT_EQ(r.property.status, trace::Status::violated);
  EXPECT_EQ(r.property.text, "(SELECT n FROM counters WHERE id = 1) == increments");
  EXPECT_EQ(r.property.explanation, counted->explanation);
}

// Every trace `check` finds in the spec library replays to the very same steps: results,
// changes and states, and ends with the property violated as `check` explained it.
TEST(ReplayTrace, EveryTraceOfTheSpecLibraryReplaysAsChecked) {
  int traces = 0;
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(std::string(LOCKCHECK_SOURCE_DIR) + "/specs"))
    if (e.path().extension() == ".lcs") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    trace::SpecResult checked = check_spec(file, source, CheckOptions{});
    for (const trace::PropertyResult& p : checked.properties) {
      if (!p.has_trace || p.trace.empty()) continue;
      ++traces;
      SCOPED_TRACE(file + ": " + p.name);
      ReplayOptions options;
      if (p.trace_kind == "lasso") options.loop_to = p.loop_to;
      options.member = p.member;
      ReplayResult r = replay_trace(file, source, recorded(p), p.name, options);
      EXPECT_EQ(r.cycle_closes, p.trace_kind == "lasso");
      ASSERT_EQ(r.error, "");
      ASSERT_EQ(r.steps.size(), p.trace.size());
      for (size_t i = 0; i < r.steps.size(); ++i) {
        EXPECT_EQ(r.steps[i].actor, p.trace[i].actor) << "step " << i + 1;
        EXPECT_EQ(r.steps[i].result, p.trace[i].result) << "step " << i + 1;
        ASSERT_EQ(r.steps[i].changes.size(), p.trace[i].changes.size()) << "step " << i + 1;
        for (size_t c = 0; c < r.steps[i].changes.size(); ++c)
          EXPECT_EQ(r.steps[i].changes[c].path, p.trace[i].changes[c].path);
        EXPECT_EQ(r.steps[i].after.processes.size(), p.trace[i].after.processes.size());
      }
      EXPECT_EQ(r.property.status, trace::Status::violated);
      EXPECT_EQ(r.property.explanation, p.explanation);
    }
  }
  EXPECT_GE(traces, 10);  // ticks, faults and deadlocks among them
}

TEST(ReplayTrace, AMovedStatementStopsTheReplayAtItsStep) {
  std::string source = read(kLease);
  trace::SpecResult checked = check_spec(kLease, source, CheckOptions{});
  std::string moved = edit(source, "  if ok {\n", "  // one line down\n  if ok {\n");
  ReplayResult r =
      replay_trace("moved.lcs", moved, recorded(*find(checked, "counted")), "counted", {});
  EXPECT_EQ(r.error,
            "step 2: worker[1] cannot run line 18 here: it is at line 19 (SELECT n INTO a FROM "
            "counters WHERE id = 1)");
  EXPECT_EQ(r.steps.size(), 1u);  // the steps before it did replay
  EXPECT_FALSE(r.found);
}

TEST(ReplayTrace, ErrorsNameTheStepAndTheReason) {
  std::string source = read(kLease);
  std::vector<RecordedStep> steps = recorded(*find(check_spec(kLease, source, {}), "counted"));
  struct Case {
    std::string from, to, error;
  };
  std::vector<Case> cases = {
      {"clock max 3;", "clock max 0;", "step 3: no tick is possible (the clock is at its max 0)"},
      {"worker[1..2]", "worker[1..1]",
       "step 4: the spec has no process named 'worker[2]' (did you mean 'worker[1]'?)"},
      // A lease that outlives the tick: worker[2] fails to lock and is done at step 4.
      {"NX EX 1", "NX EX 5", "step 5: worker[2] cannot run line 18 here: it is done"},
  };
  for (const Case& c : cases) {
    ReplayResult r = replay_trace("t.lcs", edit(source, c.from, c.to), steps, "counted", {});
    EXPECT_EQ(r.error, c.error) << c.from << " -> " << c.to;
  }
}

TEST(ReplayTrace, ASpecErrorIsReportedAsSuch) {
  ReplayResult r = replay_trace("t.lcs", "process p { x = ; }", {}, "inv", {});
  EXPECT_NE(r.spec_error.find("t.lcs:1:"), std::string::npos) << r.spec_error;
  EXPECT_EQ(r.error, "");
}

TEST(ReplayTrace, ConstantsComeFromTheOptions) {
  std::string source = read("specs/booking/select_for_update_2.lcs");
  ReplayOptions options;
  options.consts = {{"BUYERS", 3}};
  RecordedStep step{1, "buyer[3]", trace::StepKind::statement, 13, "", ""};
  EXPECT_EQ(replay_trace("t.lcs", source, {step}, "no_oversell", options).error, "");
  EXPECT_EQ(replay_trace("t.lcs", source, {step}, "no_oversell", {}).error,
            "step 1: the spec has no process named 'buyer[3]' (did you mean 'buyer[1]'?)");
}

constexpr const char* kTransfers = R"(database db {
  table accounts (id int primary key, balance int);
  insert into accounts values (1, 100), (2, 100);
  DETECT
}
redis cache;
fault crash alice at most 1;
fault crash alice at most 1 restart;
process alice {
  BEGIN;
  UPDATE accounts SET balance = balance - 10 WHERE id = 1;
  UPDATE accounts SET balance = balance + 10 WHERE id = 2;
  COMMIT;
}
process bob {
  BEGIN;
  UPDATE accounts SET balance = balance - 20 WHERE id = 2;
  UPDATE accounts SET balance = balance + 20 WHERE id = 1;
  COMMIT;
  assert found;
}
)";

std::string transfers(bool detect) {
  return edit(kTransfers, "DETECT", detect ? "detect deadlocks;" : "");
}

TEST(ReplayTrace, EnabledTransitionsListEveryKind) {
  Built b(transfers(true));
  std::vector<std::string> seen;
  for (const EnabledTransition& t : enabled_transitions(*b.model, b.initial)) {
    seen.push_back(t.event.actor + " " + trace::step_kind_name(t.event.kind) + " " +
                   std::to_string(t.event.line) + " " + t.event.text);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "alice statement 11 UPDATE accounts SET balance = balance - 10 WHERE id = 1",
                      "bob statement 17 UPDATE accounts SET balance = balance - 20 WHERE id = 2",
                      "alice fault 7 crash alice",
                      "alice fault 8 crash alice (restarts)",
                  }));
}

// Runs `steps` (actor, kind, line) from the initial state and returns the first error.
std::string run(const Built& b, const std::vector<RecordedStep>& steps) {
  State s = b.initial;
  for (const RecordedStep& step : steps) {
    std::string error;
    std::optional<EnabledTransition> t = match_step(*b.model, s, step, error);
    if (!t) return fmt::format("step {}: {}", step.step, error);
    s = t->event.after;
  }
  return "";
}

RecordedStep statement(int n, const std::string& actor, int line) {
  return {n, actor, trace::StepKind::statement, line, "", ""};
}

TEST(ReplayTrace, BlockedProcessesSayWhatTheyWaitFor) {
  Built b(transfers(false));
  // Bob's second UPDATE starts (a step) and waits; it cannot go on while alice holds row 1.
  EXPECT_EQ(run(b, {statement(1, "alice", 11), statement(2, "bob", 17), statement(3, "bob", 18),
                    statement(4, "bob", 18)}),
            "step 4: bob cannot run line 18 here: it is blocked at line 18 (UPDATE accounts SET "
            "balance = balance + 20 WHERE id = 1), waiting for alice");
}

TEST(ReplayTrace, AbortsNeedTheDetectorAndACycle) {
  RecordedStep abort{5, "bob", trace::StepKind::abort, 18, "", ""};
  const std::vector<RecordedStep> cycle = {statement(1, "alice", 11), statement(2, "bob", 17),
                                           statement(3, "alice", 12), statement(4, "bob", 18)};
  auto with_abort = [&](std::vector<RecordedStep> steps) {
    steps.push_back(abort);
    return steps;
  };
  Built without(transfers(false));
  EXPECT_EQ(run(without, with_abort(cycle)),
            "step 5: the deadlock detector cannot abort bob: the database has none");
  Built with(transfers(true));
  EXPECT_EQ(run(with, with_abort(cycle)), "");
  abort.step = 2;
  EXPECT_EQ(run(with, {statement(1, "alice", 11), abort}),
            "step 2: the deadlock detector cannot abort bob here: it is on no wait-for cycle (it "
            "is at line 17 (UPDATE accounts SET balance = balance - 20 WHERE id = 2))");
}

TEST(ReplayTrace, FaultsAreMatchedByTheirLine) {
  Built b(transfers(false));
  RecordedStep crash{1, "alice", trace::StepKind::fault, 8, "crash alice (restarts)", ""};
  std::string error;
  std::optional<EnabledTransition> t = match_step(*b.model, b.initial, crash, error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->event.text, "crash alice (restarts)");
  crash.line = 7;  // the declaration moved: its text still names it
  t = match_step(*b.model, b.initial, crash, error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->event.text, "crash alice (restarts)");
  EXPECT_EQ(t->event.line, 8);

  RecordedStep bob_crash{1, "bob", trace::StepKind::fault, 7, "crash bob", ""};
  EXPECT_EQ(run(b, {bob_crash}),
            "step 1: 'crash bob' cannot happen here: the spec declares no fault for bob");
  RecordedStep first{1, "alice", trace::StepKind::fault, 7, "crash alice", ""};
  RecordedStep again{2, "alice", trace::StepKind::fault, 8, "crash alice (restarts)", ""};
  EXPECT_EQ(run(b, {first, again}),
            "step 2: 'crash alice (restarts)' cannot happen here: it has crashed");
  // The crash with restart is used up; the plain crash is no stand-in for it.
  RecordedStep third{3, "alice", trace::StepKind::fault, 8, "crash alice (restarts)", ""};
  EXPECT_EQ(run(b, {again, third}),
            "step 3: 'crash alice (restarts)' cannot happen here: the fault budget is used up");
  RecordedStep restart{1, "cache", trace::StepKind::fault, 0, "restart cache", ""};
  EXPECT_EQ(run(b, {restart}),
            "step 1: 'restart cache' cannot happen here: the spec declares no fault for cache");
}

TEST(ReplayTrace, AFailingStepEndsTheTrace) {
  std::string source = transfers(true);
  std::vector<RecordedStep> steps = {
      statement(1, "alice", 11),
      statement(2, "bob", 17),
      statement(3, "alice", 12),
      statement(4, "bob", 18),
      {5, "bob", trace::StepKind::abort, 18, "", ""},
      statement(6, "bob", 19),
  };
  ReplayResult r = replay_trace("t.lcs", source, steps, "assert", {});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.last_step_failed);
  EXPECT_EQ(r.property.kind, trace::PropertyKind::assertion);
  EXPECT_EQ(r.property.status, trace::Status::violated);
  EXPECT_EQ(r.property.explanation, "assertion failed at line 20: found");

  steps.push_back(statement(7, "alice", 12));
  r = replay_trace("t.lcs", source, steps, "assert", {});
  EXPECT_EQ(r.error,
            "step 6: bob fails at line 19 (COMMIT): assertion failed at line 20: found; the trace "
            "goes on after it");
}

TEST(ReplayTrace, APropertyThatIsGoneOrHolds) {
  std::string source = transfers(false);
  std::vector<RecordedStep> steps = {statement(1, "alice", 11)};
  ReplayResult r = replay_trace("t.lcs", source, steps, "gone", {});
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.found);
  r = replay_trace("t.lcs", source, steps, "deadlock", {});
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.property.status, trace::Status::holds);
}

}  // namespace
}  // namespace lockcheck::compile
