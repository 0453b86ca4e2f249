// The server -> model direction of the conformance tests (docs/conformance.md): a schedule runs
// on PostgreSQL, and the runner checks that what the server did is a path of the model.
//
// A schedule is a list of actions: "process P sends its next statement" and "process P's client
// dies". The model says which statement is next (and its host values); the server says what it
// does: after each action the runner lets the server settle (every statement in flight has
// replied or waits for a lock, PostgreSQL's deadlock detector has broken any cycle) and then looks
// for a sequence of model transitions that explains it: the acting process's step first, then any
// steps of statements that were in flight (a waiting statement goes on, the detector aborts one,
// an orphaned statement finishes), each with the outcome the server reported, until the model's
// waiting statements are the server's, waiting for the same sessions. No such sequence: the
// schedule diverges there.
//
// The model makes a statement that has to wait a step when it starts (sql_start, waiting) and
// another each time it goes on (sql_resume); a crashed client's orphaned statement goes on in
// orphan steps, and the detector's victim is an abort step (sql_victim, an orphan's too). A
// statement that the server runs while the model keeps it blocked without a step is pending, and
// its step is matched when the server's reply comes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/spec_model.h"
#include "checker/oracle/pg_world.h"

namespace lockcheck::oracle {

struct ScheduleAction {
  enum class Kind { send, crash };
  Kind kind = Kind::send;
  int proc = 0;
  friend bool operator==(const ScheduleAction&, const ScheduleAction&) = default;
};

struct ScheduleOutcome {
  bool diverged = false;
  std::string error;                      // the servers failed (not a verdict)
  size_t at = 0;                          // diverged: the index of the action (in `performed`)
  std::string model;                      // diverged: what the model does there
  std::string server;                     // and what the server did
  std::vector<ScheduleAction> performed;  // the actions run (skipped ones left out)
  std::vector<std::string> transcript;    // one line per action: "T2  UPDATE ...  → waits for T1"
  // diverged: "victim" when PostgreSQL's deadlock detector aborted a statement that is on no
  // wait-for cycle of the model while the model has a cycle there (PostgreSQL's cycle runs
  // through its queue of waiters on a row, docs/conformance.md "Waiter order"); else "".
  std::string kind;
};

struct ScheduleOptions {
  PgWorldOptions server;
  // Random mode: when set, actions are drawn as the schedule runs (a process that is neither done
  // nor waiting sends its next statement; a crash now and then while the spec's budget lasts), up
  // to `max_actions`; `actions` is ignored.
  std::mt19937* random = nullptr;
  size_t max_actions = 40;
  int crash_one_in = 8;  // random mode: the chance of a crash, when the spec allows one
};

// Runs the schedule on the server with a fresh scratch schema and checks it against the model.
ScheduleOutcome run_schedule(const compile::CompiledSpec& spec,
                             const std::vector<ScheduleAction>& actions,
                             const ScheduleOptions& options);

}  // namespace lockcheck::oracle
