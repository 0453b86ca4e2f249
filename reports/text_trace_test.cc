#include "reports/text_trace.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/sample_results.h"
#include "reports/text_report.h"

namespace lockcheck::reports {
namespace {

using trace::StepKind;

std::vector<trace::ProcessSnapshot> processes(std::vector<std::string> names) {
  std::vector<trace::ProcessSnapshot> out;
  for (std::string& name : names) {
    trace::ProcessSnapshot p;
    p.name = std::move(name);
    out.push_back(std::move(p));
  }
  return out;
}

// The README's double booking as the checker reports it: every step lists the built-ins, the
// locals sort before the tables by path, and the state after each step names the processes.
std::vector<trace::TraceStep> booking_steps() {
  const std::string select = "SELECT available INTO a FROM seats WHERE id = 123";
  const std::string update = "UPDATE seats SET available = $a - 1 WHERE id = 123";
  std::vector<trace::TraceStep> steps = {
      samples::step(1, "buyer[1]", StepKind::statement, 9, select, "a = 1",
                    {{"buyer[1].a", "0", "1"},
                     {"buyer[1].found", "false", "true"},
                     {"buyer[1].row_count", "0", "1"}}),
      samples::step(2, "buyer[2]", StepKind::statement, 9, select, "a = 1",
                    {{"buyer[2].a", "0", "1"},
                     {"buyer[2].found", "false", "true"},
                     {"buyer[2].row_count", "0", "1"}}),
      samples::step(3, "buyer[2]", StepKind::statement, 11, update, "1 row",
                    {{"buyer[2].status", "running", "done"},
                     {"seats[id=123].available", "1", "0"},
                     {"sold", "0", "1"}}),
      samples::step(4, "buyer[1]", StepKind::statement, 11, update, "1 row",
                    {{"buyer[1].status", "running", "done"}, {"sold", "1", "2"}}),
  };
  for (trace::TraceStep& s : steps) {
    s.after.processes = processes({"buyer[1]", "buyer[2]"});
  }
  return steps;
}

// Opposite-order transfers: long statements, row locks, and a result column as wide as
// "waits for bob_to_alice".
std::vector<trace::TraceStep> deadlock_steps() {
  std::vector<trace::TraceStep> steps = {
      samples::step(1, "alice_to_bob", StepKind::statement, 11,
                    "UPDATE accounts SET balance = balance - 10 WHERE id = 1", "1 row",
                    {{"accounts[id=1].lock", "", "FOR UPDATE by alice_to_bob"},
                     {"accounts[id=1].pending", "", "alice_to_bob: balance = 90 (uncommitted)"},
                     {"alice_to_bob.row_count", "0", "1"},
                     {"alice_to_bob.transaction", "", "open"}}),
      samples::step(2, "bob_to_alice", StepKind::statement, 18,
                    "UPDATE accounts SET balance = balance - 20 WHERE id = 2", "1 row",
                    {{"accounts[id=2].lock", "", "FOR UPDATE by bob_to_alice"},
                     {"accounts[id=2].pending", "", "bob_to_alice: balance = 80 (uncommitted)"},
                     {"bob_to_alice.row_count", "0", "1"},
                     {"bob_to_alice.transaction", "", "open"}}),
      samples::step(3, "alice_to_bob", StepKind::statement, 12,
                    "UPDATE accounts SET balance = balance + 10 WHERE id = 2",
                    "waits for bob_to_alice", {{"alice_to_bob.status", "running", "blocked"}}),
  };
  for (trace::TraceStep& s : steps) {
    s.after.processes = processes({"alice_to_bob", "bob_to_alice"});
  }
  return steps;
}

TEST(TextTrace, StoresFirstThenLocalsThenBuiltIns) {
  std::vector<trace::TraceStep> steps = booking_steps();
  std::vector<trace::Change> changes = ordered_changes(steps[2], true);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].path, "seats[id=123].available");
  EXPECT_EQ(changes[1].path, "sold");
  EXPECT_EQ(changes[2].path, "buyer[2].status");
  changes = ordered_changes(steps[0], true);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].path, "buyer[1].a");
  EXPECT_EQ(changes[2].path, "buyer[1].row_count");
  changes = ordered_changes(steps[0], false);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, "buyer[1].a");
}

// Another process's fields are its, not the store's: a crash changes the victim's status.
TEST(TextTrace, FieldsOfAProcessOtherThanTheActor) {
  trace::TraceStep crash = samples::step(
      5, "crash buyer[2]", StepKind::fault, 0, "crash buyer[2]", "",
      {{"buyer[2].found", "true", "false"}, {"buyer[2].status", "running", "crashed"}});
  crash.after.processes = processes({"buyer[1]", "buyer[2]"});
  std::vector<trace::Change> changes = ordered_changes(crash, true);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].path, "buyer[2].status");
  EXPECT_EQ(changes[1].path, "buyer[2].found");
}

TEST(TextTrace, WithoutAWidthEveryStepIsOneLine) {
  EXPECT_EQ(render_trace(booking_steps(), {}),
            "  1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  "
            "a: 0 → 1, found: false → true, row_count: 0 → 1\n"
            "  2  buyer[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  "
            "a: 0 → 1, found: false → true, row_count: 0 → 1\n"
            "  3  buyer[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  "
            "seats[id=123].available: 1 → 0, sold: 0 → 1, status: running → done\n"
            "  4  buyer[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  "
            "sold: 1 → 2, status: running → done\n");
}

TEST(TextTrace, Width120WrapsChangesInTheirColumn) {
  EXPECT_EQ(
      render_trace(booking_steps(), {.width = 120, .builtins = true}),
      "  1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1, found: "
      "false → true,\n"
      "                                                                          row_count: 0 → 1\n"
      "  2  buyer[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1, found: "
      "false → true,\n"
      "                                                                          row_count: 0 → 1\n"
      "  3  buyer[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  "
      "seats[id=123].available: 1 → 0, sold: 0 → 1,\n"
      "                                                                          status: running → "
      "done\n"
      "  4  buyer[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  sold: 1 → 2, "
      "status: running → done\n");
}

TEST(TextTrace, Width80PutsChangesBelowTheStatement) {
  EXPECT_EQ(render_trace(booking_steps(), {.width = 80, .builtins = false}),
            "  1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1\n"
            "                 a: 0 → 1\n"
            "  2  buyer[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1\n"
            "                 a: 0 → 1\n"
            "  3  buyer[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row\n"
            "                 seats[id=123].available: 1 → 0, sold: 0 → 1,\n"
            "                 status: running → done\n"
            "  4  buyer[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row\n"
            "                 sold: 1 → 2, status: running → done\n");
}

TEST(TextTrace, Width80WrapsLongStatementsBesideTheirResult) {
  EXPECT_EQ(render_trace(deadlock_steps(), {.width = 80, .builtins = false}),
            "  1  alice_to_bob  UPDATE accounts SET balance = balance  1 row\n"
            "                   - 10 WHERE id = 1\n"
            "                     accounts[id=1].lock: (none) → FOR UPDATE by alice_to_bob,\n"
            "                     accounts[id=1].pending: (none) → alice_to_bob: balance = 90\n"
            "                       (uncommitted),\n"
            "                     transaction: (none) → open\n"
            "  2  bob_to_alice  UPDATE accounts SET balance = balance  1 row\n"
            "                   - 20 WHERE id = 2\n"
            "                     accounts[id=2].lock: (none) → FOR UPDATE by bob_to_alice,\n"
            "                     accounts[id=2].pending: (none) → bob_to_alice: balance = 80\n"
            "                       (uncommitted),\n"
            "                     transaction: (none) → open\n"
            "  3  alice_to_bob  UPDATE accounts SET balance = balance  waits for bob_to_alice\n"
            "                   + 10 WHERE id = 2\n"
            "                     status: running → blocked\n");
}

TEST(TextTrace, Width120Deadlock) {
  EXPECT_EQ(render_trace(deadlock_steps(), {.width = 120, .builtins = false}),
            "  1  alice_to_bob  UPDATE accounts SET balance = balance - 10 WHERE id = 1  1 row\n"
            "                     accounts[id=1].lock: (none) → FOR UPDATE by alice_to_bob,\n"
            "                     accounts[id=1].pending: (none) → alice_to_bob: balance = 90 "
            "(uncommitted),\n"
            "                     transaction: (none) → open\n"
            "  2  bob_to_alice  UPDATE accounts SET balance = balance - 20 WHERE id = 2  1 row\n"
            "                     accounts[id=2].lock: (none) → FOR UPDATE by bob_to_alice,\n"
            "                     accounts[id=2].pending: (none) → bob_to_alice: balance = 80 "
            "(uncommitted),\n"
            "                     transaction: (none) → open\n"
            "  3  alice_to_bob  UPDATE accounts SET balance = balance + 10 WHERE id = 2  waits for "
            "bob_to_alice\n"
            "                     status: running → blocked\n");
}

// A lease that runs out under its holder: the tick says which key it expired, and whose.
TEST(TextTrace, ATickNamesTheKeysItExpired) {
  trace::TraceStep tick = samples::step(3, "clock", StepKind::tick, 0, "tick", "now = 1",
                                        {{"cache['lock:1']", "'worker[1]'", ""},
                                         {"cache['lock:1'].expires", "1", ""},
                                         {"clock", "0", "1"}});
  tick.after.redis = {{.node = "cache", .keys = {}}};
  EXPECT_EQ(render_trace({tick}, {}),
            "  3  clock  tick  now = 1; lock:1 of worker[1] expired  "
            "cache['lock:1']: 'worker[1]' → (none), cache['lock:1'].expires: 1 → (none), "
            "clock: 0 → 1\n");
  // With several nodes, the node too; a key set to a new value did not expire.
  tick.after.redis = {{.node = "node[1]", .keys = {}}, {.node = "node[2]", .keys = {}}};
  tick.changes = {{"node[2]['lock']", "worker[2]", ""}, {"node[1]['lock']", "worker[1]", "x"}};
  EXPECT_EQ(render_trace({tick}, {}),
            "  3  clock  tick  now = 1; lock of worker[2] expired on node[2]  "
            "node[2]['lock']: worker[2] → (none), node[1]['lock']: worker[1] → x\n");
}

// The whole report of the README's double booking on a terminal: the verdict line keeps its
// totals together, and the property line wraps under its name.
trace::SpecResult booking_result() {
  trace::SpecResult r = samples::naive_booking();
  r.file = "specs/booking/naive_autocommit.lcs";
  r.properties[0].trace = booking_steps();
  r.properties[0].explanation = "is false: sold = 2 (sold counts every buyer that paid)";
  return r;
}

TEST(TextTrace, WholeReportAt80) {
  TextOptions options;
  options.show_time = false;
  options.width = 80;
  options.builtins = false;
  EXPECT_EQ(text_report(booking_result(), options),
            "specs/booking/naive_autocommit.lcs: VIOLATED no_oversell (expected)\n"
            "  1,204 states, depth 7\n"
            "  1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1\n"
            "                 a: 0 → 1\n"
            "  2  buyer[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1\n"
            "                 a: 0 → 1\n"
            "  3  buyer[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row\n"
            "                 seats[id=123].available: 1 → 0, sold: 0 → 1,\n"
            "                 status: running → done\n"
            "  4  buyer[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row\n"
            "                 sold: 1 → 2, status: running → done\n"
            "  no_oversell: sold <= 1   is false: sold = 2 (sold counts every buyer that\n"
            "    paid)\n");
}

TEST(TextTrace, WholeReportAt120) {
  TextOptions options;
  options.show_time = false;
  options.width = 120;
  options.builtins = false;
  EXPECT_EQ(text_report(booking_result(), options),
            "specs/booking/naive_autocommit.lcs: VIOLATED no_oversell (expected)   1,204 states, "
            "depth 7\n"
            "  1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1\n"
            "  2  buyer[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1\n"
            "  3  buyer[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  "
            "seats[id=123].available: 1 → 0, sold: 0 → 1,\n"
            "                                                                          status: "
            "running → done\n"
            "  4  buyer[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  sold: 1 → "
            "2, status: running → done\n"
            "  no_oversell: sold <= 1   is false: sold = 2 (sold counts every buyer that paid)\n");
}

}  // namespace
}  // namespace lockcheck::reports
