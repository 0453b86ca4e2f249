// Hand-made SpecResults for the reporters' tests: each one a shape a real check produces, so the
// reports can be pinned to exact text without running the checker.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports::samples {

inline trace::TraceStep step(int n, std::string actor, trace::StepKind kind, int line,
                             std::string text, std::string result,
                             std::vector<trace::Change> changes) {
  trace::TraceStep s;
  s.step = n;
  s.actor = std::move(actor);
  s.kind = kind;
  s.line = line;
  s.text = std::move(text);
  s.result = std::move(result);
  s.changes = std::move(changes);
  return s;
}

inline trace::PropertyResult property(std::string name, trace::PropertyKind kind,
                                      trace::Status status, trace::Status expected,
                                      std::string text = "", std::string explanation = "") {
  trace::PropertyResult p;
  p.name = std::move(name);
  p.kind = kind;
  p.status = status;
  p.expected = expected;
  p.as_expected = status == trace::Status::unknown || status == expected;
  p.text = std::move(text);
  p.explanation = std::move(explanation);
  return p;
}

// The seed's double booking (spec-language.md §11): the expected violation, found.
inline trace::SpecResult naive_booking() {
  using trace::StepKind;
  trace::SpecResult r;
  r.file = "specs/booking/naive.lcs";
  r.spec = "naive";
  r.as_expected = true;
  r.complete = true;
  r.stats = {.states = 1204,
             .transitions = 3012,
             .depth = 7,
             .seconds = 0.25,
             .peak_memory_bytes = 65536,
             .bytes_per_state = 12};
  trace::PropertyResult p =
      property("no_oversell", trace::PropertyKind::invariant, trace::Status::violated,
               trace::Status::violated, "sold <= 1", "is false: sold = 2");
  p.has_trace = true;
  const std::string select = "SELECT available INTO a FROM seats WHERE id = 123";
  const std::string update = "UPDATE seats SET available = $a - 1 WHERE id = 123";
  p.trace = {
      step(1, "user[1]", StepKind::statement, 6, select, "a = 1", {{"user[1].a", "0", "1"}}),
      step(2, "user[2]", StepKind::statement, 6, select, "a = 1", {{"user[2].a", "0", "1"}}),
      step(3, "user[1]", StepKind::statement, 7, update, "1 row",
           {{"seats[id=123].available", "1", "0"}, {"sold", "0", "1"}}),
      step(4, "user[2]", StepKind::statement, 7, update, "1 row", {{"sold", "1", "2"}}),
  };
  r.properties.push_back(std::move(p));
  r.properties.push_back(property("deadlock", trace::PropertyKind::deadlock, trace::Status::holds,
                                  trace::Status::holds));
  r.properties.push_back(property("some_sale", trace::PropertyKind::reachable, trace::Status::holds,
                                  trace::Status::holds, "sold >= 1"));
  return r;
}

// A lease that expires under its holder, with a tick-heavy trace of more than nine steps, a key
// that appears and one that disappears, a crash, and an unexpected violation.
inline trace::SpecResult redis_lease() {
  using trace::StepKind;
  trace::SpecResult r;
  r.file = "specs/locks/lease.lcs";
  r.spec = "lease";
  r.as_expected = false;
  r.complete = true;
  r.stats = {.states = 1234567, .transitions = 9876543, .depth = 12, .seconds = 3.5};
  r.notes = {"symmetry off for worker: worker[2] is named"};
  trace::PropertyResult p =
      property("one_holder", trace::PropertyKind::invariant, trace::Status::violated,
               trace::Status::holds, "count w in worker: w.holding <= 1", "count = 2");
  p.has_trace = true;
  p.faults = 1;
  const std::string set = "ok = cache: SET lock:123 $self NX EX 2";
  p.trace = {
      step(1, "worker[1]", StepKind::statement, 5, set, "OK",
           {{"cache['lock:123']", "", "'worker[1]'"}, {"worker[1].ok", "false", "true"}}),
      step(2, "clock", StepKind::tick, 0, "tick", "", {{"clock", "0", "1"}}),
      step(3, "clock", StepKind::tick, 0, "tick", "", {{"clock", "1", "2"}}),
      step(4, "cache", StepKind::fault, 0, "restart cache", "", {}),
      step(5, "clock", StepKind::tick, 0, "tick", "", {{"clock", "2", "3"}}),
      step(6, "clock", StepKind::tick, 0, "tick", "", {{"clock", "3", "4"}}),
      step(7, "clock", StepKind::tick, 0, "tick", "", {{"clock", "4", "5"}}),
      step(8, "clock", StepKind::tick, 0, "tick", "", {{"clock", "5", "6"}}),
      step(9, "clock", StepKind::tick, 0, "tick", "", {{"clock", "6", "7"}}),
      step(10, "worker[2]", StepKind::statement, 5, set, "OK",
           {{"cache['lock:123']", "", "'worker[2]'"}, {"worker[2].ok", "false", "true"}}),
      step(11, "worker[1]", StepKind::statement, 8, "cache: DEL lock:123", "1",
           {{"cache['lock:123']", "'worker[2]'", ""}}),
  };
  r.properties.push_back(std::move(p));
  r.properties.push_back(property("deadlock", trace::PropertyKind::deadlock, trace::Status::holds,
                                  trace::Status::holds));
  return r;
}

// Two transactions that lock rows in opposite orders: a deadlock nobody expected, with a cycle
// spread over several lines.
inline trace::SpecResult transfer_deadlock() {
  using trace::StepKind;
  trace::SpecResult r;
  r.file = "specs/payments/transfer.lcs";
  r.spec = "transfer";
  r.as_expected = false;
  r.complete = true;
  r.stats = {.states = 42, .transitions = 80, .depth = 5, .seconds = 0.004};
  r.properties.push_back(property("conserved", trace::PropertyKind::invariant, trace::Status::holds,
                                  trace::Status::holds,
                                  "(SELECT SUM(balance) FROM accounts) == 200"));
  trace::PropertyResult d = property("deadlock", trace::PropertyKind::deadlock,
                                     trace::Status::violated, trace::Status::holds, "",
                                     "client[1] waits for client[2] (row accounts[id=2])\n"
                                     "client[2] waits for client[1] (row accounts[id=1])");
  d.has_trace = true;
  d.trace = {
      step(1, "client[1]", StepKind::statement, 4,
           "UPDATE accounts SET balance = balance - 10\n    WHERE id = 1", "1 row",
           {{"accounts[id=1].balance", "100", "90"}}),
      step(2, "client[2]", StepKind::statement, 4,
           "UPDATE accounts SET balance = balance - 10\n    WHERE id = 2", "1 row",
           {{"accounts[id=2].balance", "100", "90"}}),
      step(3, "client[1]", StepKind::statement, 5,
           "UPDATE accounts SET balance = balance + 10 WHERE id = 2", "blocked", {}),
      step(4, "client[2]", StepKind::statement, 5,
           "UPDATE accounts SET balance = balance + 10 WHERE id = 1", "blocked", {}),
  };
  r.properties.push_back(std::move(d));
  return r;
}

// A state limit stopped the search before the expected violation showed up.
inline trace::SpecResult limited() {
  trace::SpecResult r;
  r.file = "specs/inventory/big.lcs";
  r.spec = "big";
  r.as_expected = false;
  r.complete = false;
  r.incomplete_reason = "state limit (1000 states)";
  r.stats = {.states = 1000, .transitions = 2500, .depth = 9, .seconds = 0.125};
  r.properties.push_back(property("no_oversell", trace::PropertyKind::invariant,
                                  trace::Status::unknown, trace::Status::violated,
                                  "sold <= STOCK"));
  r.properties.push_back(property("some_sale", trace::PropertyKind::reachable, trace::Status::holds,
                                  trace::Status::holds, "sold >= 1"));
  return r;
}

// A fix that works, although its spec still says the bug should be found; and a reachable
// property that nothing satisfies.
inline trace::SpecResult fixed_but_expected_bad() {
  trace::SpecResult r;
  r.file = "specs/booking/locked.lcs";
  r.spec = "locked";
  r.as_expected = false;
  r.complete = true;
  r.stats = {.states = 999, .transitions = 1000, .depth = 6, .seconds = 0.02};
  r.properties.push_back(property("no_oversell", trace::PropertyKind::invariant,
                                  trace::Status::holds, trace::Status::violated, "sold <= 1"));
  r.properties.push_back(property("some_sale", trace::PropertyKind::reachable,
                                  trace::Status::violated, trace::Status::holds, "sold >= 1"));
  r.properties.push_back(property("deadlock", trace::PropertyKind::deadlock, trace::Status::holds,
                                  trace::Status::violated));
  return r;
}

// A spec the front end rejected.
inline trace::SpecResult broken() {
  trace::SpecResult r;
  r.file = "specs/errors/typo.lcs";
  r.spec = "typo";
  r.as_expected = false;
  r.complete = false;
  r.error_text =
      "specs/errors/typo.lcs:3:10: error: unknown variable 'sodl' (did you mean 'sold'?)\n"
      "  invariant x: sodl <= 1 & \"y\";\n"
      "               ^\n";
  r.errors.push_back({r.file, 3, 10, "unknown variable 'sodl' (did you mean 'sold'?)"});
  return r;
}

}  // namespace lockcheck::reports::samples
