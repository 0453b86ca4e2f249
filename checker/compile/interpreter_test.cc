// The interpreter on its own: steps, the clock and expiry, sleep, crashes and node restarts,
// driven by hand on small specs (the golden specs check the same rules through the search).
#include "checker/compile/interpreter.h"

#include <gtest/gtest.h>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/state_layout.h"
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
  Value key(const std::string& k) const { return Value::text(spec->pool.intern(k)); }
  Value redis(int node, const std::string& k) const {
    return redis::lookup(state.nodes[node], key(k), state.clock);
  }
  const Value& local(int p, int i) const { return state.procs[p].locals[i]; }
};

TEST(InterpreterTest, TickAdvancesTheClockAndDropsKeysAtTheirDeadline) {
  Fixture f(R"(
    redis cache;
    clock max 5;
    process p {
      var ok = false;
      ok = cache: SET lock $self NX EX 2;
    }
  )");
  StepOutcome o = f.interp->step(f.state, 0, false, /*describe=*/true);
  ASSERT_EQ(o.status, StepStatus::ran);
  // `ok` itself is reset as p finishes (no property reads it): the step's result shows the SET.
  EXPECT_EQ(o.result, "ok = true");
  ASSERT_EQ(f.state.nodes[0].entries.size(), 1u);
  EXPECT_EQ(f.state.nodes[0].entries[0].deadline, 2);
  f.interp->tick(f.state);
  EXPECT_EQ(f.state.clock, 1);
  EXPECT_EQ(f.redis(0, "lock"), Value::pid(0));
  f.interp->tick(f.state);
  EXPECT_EQ(f.state.clock, 2);
  // Gone exactly when the clock reaches the deadline, and dropped from the state.
  EXPECT_TRUE(f.redis(0, "lock").is_null());
  EXPECT_TRUE(f.state.nodes[0].entries.empty());
}

TEST(InterpreterTest, SleepBlocksUntilItsWakeUpTick) {
  Fixture f(R"(
    clock max 5;
    var woke = -1;
    process p {
      sleep 2;
      woke = now();
    }
  )");
  EXPECT_EQ(f.state.procs[0].wake, 2);
  EXPECT_EQ(f.interp->probe(f.state, 0).blocked_on, BlockReason::sleep);
  State copy = f.state;
  EXPECT_EQ(f.interp->step(copy, 0).status, StepStatus::blocked);
  f.interp->tick(f.state);
  f.interp->tick(f.state);
  EXPECT_EQ(f.interp->probe(f.state, 0).status, StepStatus::ran);
  EXPECT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // the sleep
  EXPECT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // the shared write
  EXPECT_EQ(f.state.shared[0], Value::integer(2));
  EXPECT_EQ(f.state.procs[0].status, ProcStatus::done);
}

TEST(InterpreterTest, AStepIsOneInteractionAndTheLocalStatementsAfterIt) {
  Fixture f(R"(
    var stock = 1;
    ghost sold = 0;
    process p {
      var a = 0;
      var b = 0;
      a = stock;
      b = a + 1;
      sold = sold + 1;
      stock = b;
    }
  )");
  StepOutcome o = f.interp->step(f.state, 0, false, /*describe=*/true);
  ASSERT_EQ(o.status, StepStatus::ran);
  EXPECT_EQ(o.text, "a = stock");
  EXPECT_EQ(o.result, "a = 1");
  // The local and ghost statements ran with it; the next interaction is the shared write.
  EXPECT_EQ(f.local(0, 1), Value::integer(2));
  EXPECT_EQ(f.state.ghosts[0], Value::integer(1));
  EXPECT_EQ(f.state.shared[0], Value::integer(1));
  ASSERT_NE(f.interp->next_statement(f.state, 0), nullptr);
  EXPECT_EQ(f.interp->next_statement(f.state, 0)->text, "stock = b");
}

TEST(InterpreterTest, ACrashReleasesRowLocksButNotRedisKeys) {
  Fixture f(R"(
    database db {
      table seats (id int primary key, n int);
      insert into seats values (1, 0);
    }
    redis cache;
    clock max 3;
    process p[1..2] {
      var ok = false;
      ok = cache: SET lock $self NX EX 3;
      BEGIN;
      UPDATE seats SET n = n + 1 WHERE id = 1;
      COMMIT;
    }
  )");
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // SET
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);  // UPDATE (row locked)
  ASSERT_EQ(f.interp->step(f.state, 1).status, StepStatus::ran);  // p[2]'s SET fails
  StepOutcome starts = f.interp->step(f.state, 1);  // p[2]'s UPDATE starts and waits (§4.3)
  ASSERT_EQ(starts.status, StepStatus::ran);
  EXPECT_TRUE(starts.waiting);
  EXPECT_EQ(starts.waits_for, std::vector<int>{0});
  StepOutcome blocked = f.interp->probe(f.state, 1);
  EXPECT_EQ(blocked.blocked_on, BlockReason::sql);
  EXPECT_EQ(blocked.waits_for, std::vector<int>{0});
  ModelError error;
  bool failed = false;
  f.interp->crash(f.state, 0, /*restart=*/false, error, failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(f.state.procs[0].status, ProcStatus::crashed);
  EXPECT_EQ(f.state.db.txns[0], sql::TxnStatus::none);
  EXPECT_EQ(f.interp->probe(f.state, 1).status, StepStatus::ran);  // the row lock is gone
  EXPECT_EQ(f.redis(0, "lock"), Value::pid(0));                    // the key stays
  // No property reads `ok`: it is reset to its initial value (a property-read local would keep
  // its last value, see dead_locals_test.cc).
  EXPECT_EQ(f.local(0, 0), Value::boolean(false));
}

TEST(InterpreterTest, ARestartedProcessStartsAgainWithFreshLocals) {
  Fixture f(R"(
    var x = 0;
    process p {
      var n = 5;
      x = 1;
      n = 7;
      x = 2;
    }
  )");
  ASSERT_EQ(f.interp->step(f.state, 0).status, StepStatus::ran);
  EXPECT_EQ(f.local(0, 0), Value::integer(7));
  ModelError error;
  bool failed = false;
  f.interp->crash(f.state, 0, /*restart=*/true, error, failed);
  EXPECT_EQ(f.state.procs[0].status, ProcStatus::running);
  EXPECT_EQ(f.local(0, 0), Value::integer(5));
  EXPECT_EQ(f.interp->next_statement(f.state, 0)->text, "x = 1");
}

TEST(InterpreterTest, ANodeRestartEmptiesTheNode) {
  Fixture f(R"(
    redis node[2];
    process p {
      node[1]: SET a 1;
      node[2]: SET b 2;
    }
  )");
  f.interp->step(f.state, 0);
  f.interp->step(f.state, 0);
  f.interp->restart_node(f.state, 0);
  EXPECT_TRUE(f.state.nodes[0].entries.empty());
  EXPECT_EQ(f.redis(1, "b"), Value::integer(2));
}

TEST(InterpreterTest, OverflowIsAModelError) {
  Fixture f(R"(
    var n = 2147483647;
    process p {
      n = n + 1;
    }
  )");
  StepOutcome o = f.interp->step(f.state, 0);
  EXPECT_EQ(o.status, StepStatus::failed);
  EXPECT_EQ(o.error.message, "integer overflow in 'n + 1' (line 4)");
}

TEST(InterpreterTest, AnAtomicBlockThatBlocksAfterItsFirstInteractionIsAModelError) {
  Fixture f(R"(
    var go = false;
    var x = 0;
    process p {
      atomic {
        x = 1;
        await go;
      }
    }
  )");
  StepOutcome o = f.interp->step(f.state, 0);
  EXPECT_EQ(o.status, StepStatus::failed);
  EXPECT_EQ(o.error.message,
            "'await go' blocks inside an atomic block (line 7); an atomic block may block only "
            "at its first interaction");
}

TEST(InterpreterTest, EncodingIsCanonicalAndRoundTrips) {
  Fixture f(R"(
    database db {
      table t (id int primary key, v text) max 3 rows;
    }
    redis cache;
    process p {
      INSERT INTO t VALUES (1, 'x');
      cache: SET k 'v';
    }
  )");
  f.interp->step(f.state, 0);
  f.interp->step(f.state, 0);
  StateLayout layout(*f.spec);
  std::string bytes = f.state.encode(f.spec->pool, layout);
  State back = State::decode(bytes, layout);
  EXPECT_EQ(back, f.state);
  EXPECT_EQ(back.encode(f.spec->pool, layout), bytes);
}

}  // namespace
}  // namespace lockcheck::compile
