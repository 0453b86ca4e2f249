// Dead-variable reset: a process that is done, or crashed without restart, keeps only the locals
// that properties read; the others take a fixed value (docs/language.md, "Dead locals").
#include <gtest/gtest.h>

#include "checker/compile/check.h"
#include "checker/compile/compiled_spec.h"
#include "checker/compile/interpreter.h"
#include "checker/front/front_end.h"

namespace lockcheck::compile {
namespace {

struct Fixture {
  std::unique_ptr<ast::Spec> ast;
  std::unique_ptr<CompiledSpec> spec;
  std::unique_ptr<Interpreter> interp;
  State state;

  explicit Fixture(const std::string& source) {
    Diagnostics diags;
    ast = front::read_spec(source, "test.lcs", diags);
    EXPECT_FALSE(diags.has_errors()) << render_all(diags, "test.lcs", source);
    if (!ast) return;
    spec = CompiledSpec::build(*ast, {}, diags);
    EXPECT_TRUE(spec);
    interp = std::make_unique<Interpreter>(*spec);
    ModelError error;
    EXPECT_TRUE(interp->initial(state, error)) << error.message;
  }
  const Value& local(int p, int i) const { return state.procs[p].locals[i]; }
  Value text(const std::string& t) const { return Value::text(spec->pool.intern(t)); }
  void crash(int p) {
    ModelError error;
    bool failed = false;
    interp->crash(state, p, /*restart=*/false, error, failed);
    EXPECT_FALSE(failed) << error.message;
  }
};

TEST(DeadLocalsTest, AFinishedProcessResetsTheLocalsNoPropertyReads) {
  Fixture f(R"(
    database db {
      table t (id int primary key, n int);
      insert into t values (1, 5);
    }
    var x = 3;
    process p {
      var a = 7;
      var me = self;
      var c = 0;
      var label = 'start';
      SELECT n INTO c FROM t WHERE id = 1;
      a = x;
      me = self;
      label = 'end';
    }
    invariant fine: x == 3;
  )");
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // the SELECT
  EXPECT_EQ(f.local(0, 2), Value::integer(5));
  EXPECT_EQ(f.local(0, 4), Value::boolean(true));                 // found
  EXPECT_EQ(f.local(0, 5), Value::integer(1));                    // row_count
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // a = x, then the end
  ASSERT_EQ(f.state.procs[0].status, ProcStatus::done);
  EXPECT_EQ(f.local(0, 0), Value::integer(7));  // its constant initial value
  EXPECT_EQ(f.local(0, 1), Value::null());      // `self` is not a constant: null
  EXPECT_EQ(f.local(0, 2), Value::integer(0));
  EXPECT_EQ(f.local(0, 3), f.text("start"));
  EXPECT_EQ(f.local(0, 4), Value::boolean(false));  // found, row_count, sql_error as at start
  EXPECT_EQ(f.local(0, 5), Value::integer(0));
  EXPECT_EQ(f.local(0, 6), f.text(""));
}

TEST(DeadLocalsTest, ALocalAPropertyReadsKeepsItsValueAfterDoneAndAfterACrash) {
  Fixture f(R"(
    var x = 3;
    process p[1..2] {
      var kept = 0;
      var tmp = 0;
      tmp = x;
      kept = tmp;
      x = x + 1;
    }
    fault crash p at most 1;
    invariant bounded: all q in p: q.kept <= 10;
  )");
  const Group& g = f.spec->groups[0];
  EXPECT_EQ(g.dead_when_finished, (std::vector<bool>{false, true, true, true, true}));
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // tmp = x
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // x = x + 1, then the end
  ASSERT_EQ(f.state.procs[0].status, ProcStatus::done);
  EXPECT_EQ(f.local(0, 0), Value::integer(3));                    // kept: read by `bounded`
  EXPECT_EQ(f.local(0, 1), Value::integer(0));                    // tmp: reset
  ASSERT_EQ(f.interp->step(f.state, 1).status, StepStatus::ran);  // tmp = x (4)
  f.crash(1);
  ASSERT_EQ(f.state.procs[1].status, ProcStatus::crashed);
  EXPECT_EQ(f.local(1, 0), Value::integer(4));
  EXPECT_EQ(f.local(1, 1), Value::integer(0));
}

TEST(DeadLocalsTest, ReadsAreMatchedByGroupAndName) {
  Fixture f(R"(
    process a[1..2] { var n = 0; var m = 0; }
    process b { var n = 0; var m = 0; }
    process c { var n = 0; var m = 0; }
    invariant one: a[1].n >= 0 and b.m >= 0;
    invariant two: all x in a: some y in a: x.m == y.m;
  )");
  // Declared locals n, m, then the built-ins: properties cannot name those, so they are dead.
  EXPECT_EQ(f.spec->groups[0].dead_when_finished,
            (std::vector<bool>{false, false, true, true, true}));
  EXPECT_EQ(f.spec->groups[1].dead_when_finished,
            (std::vector<bool>{true, false, true, true, true}));
  EXPECT_EQ(f.spec->groups[2].dead_when_finished,
            (std::vector<bool>{true, true, true, true, true}));
}

// w writes x once; r reads it into `seen` and ends. Without symmetry or partial-order reduction
// the states are: the start; w done; r done (seen 0); both done after w then r (seen 1); both
// done after r then w (seen 0). That is 5 while `seen` is kept. With `seen` dead, r's end resets
// it, so the last two are one state: 4.
constexpr const char* kTwoOrders = R"(
    var x = 0;
    process w { x = 1; }
    process r {
      var seen = 0;
      seen = x;
    }
    invariant fine: x <= 1;
)";

uint64_t states(const std::string& source) {
  CheckOptions o;
  o.symmetry = false;
  o.por = false;
  trace::SpecResult r = check_spec("test.lcs", source, o);
  EXPECT_TRUE(r.complete) << r.error_text;
  EXPECT_TRUE(r.as_expected) << r.error_text;
  return r.stats.states;
}

TEST(DeadLocalsTest, RunsThatDifferOnlyInADeadLocalMerge) {
  EXPECT_EQ(states(kTwoOrders), 4u);
  // Read by a property, `seen` is kept, and the two orders stay apart.
  EXPECT_EQ(states(std::string(kTwoOrders) + "invariant seen_ok: r.seen <= 1;\n"), 5u);
}

// Traces show a done process with the locals it kept only, and its end is not a list of
// locals that went to "(none)".
TEST(DeadLocalsTest, TracesShowOnlyTheLocalsAFinishedProcessKept) {
  trace::SpecResult r = check_spec("test.lcs", R"(
    var x = 2;
    process p {
      var tmp = 0;
      var kept = 0;
      tmp = x;
      kept = 5;
      x = 1;
    }
    invariant running: not p.done or p.kept == 0;
  )",
                                   CheckOptions{});
  ASSERT_EQ(r.error_text, "");
  const trace::PropertyResult* running = nullptr;
  for (const auto& pr : r.properties)
    if (pr.name == "running") running = &pr;
  ASSERT_NE(running, nullptr);
  ASSERT_EQ(running->trace.size(), 2u);
  const trace::TraceStep& last = running->trace[1];
  ASSERT_EQ(last.after.processes.size(), 1u);
  const trace::ProcessSnapshot& p = last.after.processes[0];
  EXPECT_EQ(p.status, "done");
  ASSERT_EQ(p.locals.size(), 1u);
  EXPECT_EQ(p.locals[0].name, "kept");
  EXPECT_EQ(p.locals[0].value, "5");
  std::vector<std::string> changes;
  for (const auto& c : last.changes) changes.push_back(c.path + ": " + c.from + " -> " + c.to);
  EXPECT_EQ(changes, (std::vector<std::string>{"p.status: running -> done", "x: 2 -> 1"}));
  // While it runs, every local is shown.
  ASSERT_EQ(running->trace[0].after.processes[0].locals.size(), 5u);
  EXPECT_EQ(running->trace[0].after.processes[0].locals[0].value, "2");  // tmp
}

}  // namespace
}  // namespace lockcheck::compile
