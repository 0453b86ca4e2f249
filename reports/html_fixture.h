// Hand-made check results for the HTML report's tests and its browser test, so that neither
// depends on the checker: a lost update through a stale Redis cache after a crash (7 steps over
// two processes, a table, a Redis node and the clock, with ticks and a crash), a spec that holds,
// and one whose every string tries to break out of the page.
#pragma once

#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports::fixture {

inline trace::ProcessSnapshot worker(int id, const std::string& status, int line,
                                     const std::string& position, const std::string& ok,
                                     const std::string& s, bool found) {
  trace::ProcessSnapshot p;
  p.name = "worker[" + std::to_string(id) + "]";
  p.status = status;
  p.line = line;
  p.position = position;
  p.locals = {{"ok", ok},
              {"s", s},
              {"found", found ? "true" : "false"},
              {"row_count", found ? "1" : "0"},
              {"sql_error", "''"}};
  return p;
}

inline constexpr const char* kAcquire =
    "atomic { ok = cache: SET lock:7 $self NX EX 2; if ok { s = cache: GET stock:7; } }";
inline constexpr const char* kUpdate = "UPDATE items SET stock = $s - 1 WHERE id = 7";
inline constexpr const char* kRefresh = "cache: SET stock:7 ${s - 1}";

// The state of the lost-update spec, from the few things that vary along the trace.
struct LostUpdateState {
  int clock = 0;
  std::string stock = "2";
  std::string sold = "0";
  std::string lock_holder;  // "" when lock:7 is absent
  std::string lock_expiry;
  trace::ProcessSnapshot w1 = worker(1, "running", 8, kAcquire, "false", "0", false);
  trace::ProcessSnapshot w2 = worker(2, "running", 8, kAcquire, "false", "0", false);

  trace::StateSnapshot snapshot() const {
    trace::StateSnapshot s;
    s.has_clock = true;
    s.clock = clock;
    s.ghosts = {{"sold", sold}};
    s.tables = {{"items", {"id", "stock"}, {{{"7", stock}, "", ""}}}};
    trace::RedisSnapshot cache{"cache", {}};
    if (!lock_holder.empty()) cache.keys.push_back({"lock:7", lock_holder, lock_expiry});
    cache.keys.push_back({"stock:7", "2", ""});
    s.redis = {cache};
    s.processes = {w1, w2};
    return s;
  }
};

inline trace::TraceStep step(int n, const std::string& actor, trace::StepKind kind, int line,
                             const std::string& text, const std::string& result,
                             std::vector<trace::Change> changes, const LostUpdateState& after) {
  trace::TraceStep t;
  t.step = n;
  t.actor = actor;
  t.kind = kind;
  t.line = line;
  t.text = text;
  t.result = result;
  t.changes = std::move(changes);
  t.after = after.snapshot();
  return t;
}

inline trace::SpecResult lost_update() {
  using trace::StepKind;
  trace::SpecResult r;
  r.file = "specs/inventory/lease_cache_crash.lcs";
  r.spec = "lease_cache_crash";
  r.as_expected = true;
  r.complete = true;
  r.stats = {318, 742, 9, 0.004, 9u << 20, 24};
  r.notes = {"symmetry reduction: worker[1..2] are interchangeable",
             "the cached stock:7 is never refreshed after a crash: the next holder reads it stale"};
  r.lanes = {{"worker[1]", "process"},
             {"worker[2]", "process"},
             {"db", "database"},
             {"cache", "redis"},
             {"clock", "clock"}};
  LostUpdateState s;
  r.initial = s.snapshot();

  std::vector<trace::TraceStep> steps;
  s.lock_holder = "worker[1]";
  s.lock_expiry = "2";
  s.w1 = worker(1, "running", 10, kUpdate, "true", "2", false);
  steps.push_back(step(1, "worker[1]", StepKind::statement, 8, kAcquire, "ok = true, s = 2",
                       {{"cache['lock:7']", "", "worker[1]"},
                        {"worker[1].ok", "false", "true"},
                        {"worker[1].s", "0", "2"}},
                       s));
  s.stock = "1";
  s.sold = "1";
  s.w1 = worker(1, "running", 11, kRefresh, "true", "2", true);
  steps.push_back(step(2, "worker[1]", StepKind::statement, 10, kUpdate, "1 row",
                       {{"items[id=7].stock", "2", "1"},
                        {"sold", "0", "1"},
                        {"worker[1].found", "false", "true"},
                        {"worker[1].row_count", "0", "1"}},
                       s));
  s.w1.status = "crashed";
  steps.push_back(step(3, "worker[1]", StepKind::fault, 0, "crash worker[1]",
                       "crashed before refreshing stock:7",
                       {{"worker[1].status", "running", "crashed"}}, s));
  s.clock = 1;
  steps.push_back(step(4, "clock", StepKind::tick, 0, "tick", "", {{"clock", "0", "1"}}, s));
  s.clock = 2;
  s.lock_holder = "";
  steps.push_back(step(5, "clock", StepKind::tick, 0, "tick", "lock:7 expired",
                       {{"clock", "1", "2"}, {"cache['lock:7']", "worker[1]", ""}}, s));
  s.lock_holder = "worker[2]";
  s.lock_expiry = "4";
  s.w2 = worker(2, "running", 10, kUpdate, "true", "2", false);
  steps.push_back(step(6, "worker[2]", StepKind::statement, 8, kAcquire, "ok = true, s = 2",
                       {{"cache['lock:7']", "", "worker[2]"},
                        {"worker[2].ok", "false", "true"},
                        {"worker[2].s", "0", "2"}},
                       s));
  s.sold = "2";
  s.w2 = worker(2, "running", 11, kRefresh, "true", "2", true);
  steps.push_back(step(
      7, "worker[2]", StepKind::statement, 10, kUpdate, "1 row",
      {{"sold", "1", "2"}, {"worker[2].found", "false", "true"}, {"worker[2].row_count", "0", "1"}},
      s));

  trace::PropertyResult lost;
  lost.name = "no_lost_update";
  lost.kind = trace::PropertyKind::invariant;
  lost.status = trace::Status::violated;
  lost.expected = trace::Status::violated;
  lost.as_expected = true;
  lost.text = "(SELECT stock FROM items WHERE id = 7) + sold == 2";
  lost.explanation = "is false: (SELECT stock FROM items WHERE id = 7) = 1, sold = 2";
  lost.has_trace = true;
  lost.trace = std::move(steps);
  lost.faults = 1;

  trace::PropertyResult sale;
  sale.name = "some_sale";
  sale.kind = trace::PropertyKind::reachable;
  sale.status = trace::Status::holds;
  sale.text = "sold >= 1";

  trace::PropertyResult deadlock;
  deadlock.name = "deadlock";
  deadlock.kind = trace::PropertyKind::deadlock;
  deadlock.status = trace::Status::holds;

  r.properties = {lost, sale, deadlock};
  return r;
}

inline trace::SpecResult holds() {
  trace::SpecResult r;
  r.file = "specs/booking/pessimistic.lcs";
  r.spec = "booking_pessimistic";
  r.as_expected = true;
  r.complete = true;
  r.stats = {1204, 3012, 7, 0.01, 0, 0};
  trace::PropertyResult p;
  p.name = "no_oversell";
  p.status = trace::Status::holds;
  p.text = "sold <= 1";
  r.properties = {p};
  r.lanes = {{"user[1]", "process"}, {"user[2]", "process"}, {"db", "database"}};
  return r;
}

// A deadlock resolved by the database (`detect deadlocks`): a step on a shared variable (a
// self-arrow), open transactions holding row locks with uncommitted writes, two blocked
// processes, and the abort of the victim, whose assert then fails.
inline trace::SpecResult deadlock_abort() {
  using trace::StepKind;
  trace::SpecResult r;
  r.file = "specs/payments/transfer_deadlock.lcs";
  r.spec = "transfer_deadlock";
  r.as_expected = false;
  r.complete = true;
  r.stats = {96, 180, 5, 0.002, 0, 0};
  r.lanes = {{"transfer[1]", "process"}, {"transfer[2]", "process"}, {"db", "database"}};
  const char* kDebit1 = "UPDATE accounts SET balance = balance - 10 WHERE id = 1";
  const char* kDebit2 = "UPDATE accounts SET balance = balance - 10 WHERE id = 2";
  const char* kCredit1 = "UPDATE accounts SET balance = balance + 10 WHERE id = 1";
  const char* kCredit2 = "UPDATE accounts SET balance = balance + 10 WHERE id = 2";
  auto proc = [](int id, const std::string& status, int line, const std::string& position,
                 const std::string& txn, const std::string& error) {
    trace::ProcessSnapshot p;
    p.name = "transfer[" + std::to_string(id) + "]";
    p.status = status;
    p.line = line;
    p.position = position;
    p.transaction = txn;
    p.locals = {{"found", txn.empty() ? "false" : "true"}, {"sql_error", error}};
    return p;
  };
  auto state = [](std::string attempts, trace::TableRow a, trace::TableRow b,
                  trace::ProcessSnapshot p1, trace::ProcessSnapshot p2) {
    trace::StateSnapshot s;
    s.shared = {{"attempts", std::move(attempts)}};
    s.tables = {{"accounts", {"id", "balance"}, {std::move(a), std::move(b)}}};
    s.processes = {std::move(p1), std::move(p2)};
    return s;
  };
  trace::TableRow a0{{"1", "100"}, "", ""};
  trace::TableRow b0{{"2", "100"}, "", ""};
  trace::TableRow a1{
      {"1", "100"}, "FOR UPDATE by transfer[1]", "transfer[1]: balance = 90 (uncommitted)"};
  trace::TableRow b1{
      {"2", "100"}, "FOR UPDATE by transfer[2]", "transfer[2]: balance = 90 (uncommitted)"};
  r.initial = state("0", a0, b0, proc(1, "running", 7, "attempts = attempts + 1", "", "''"),
                    proc(2, "running", 7, "attempts = attempts + 1", "", "''"));
  auto make = [](int n, const std::string& actor, StepKind kind, int line, const std::string& text,
                 const std::string& result, std::vector<trace::Change> changes,
                 trace::StateSnapshot after) {
    trace::TraceStep t;
    t.step = n;
    t.actor = actor;
    t.kind = kind;
    t.line = line;
    t.text = text;
    t.result = result;
    t.changes = std::move(changes);
    t.after = std::move(after);
    return t;
  };
  std::vector<trace::TraceStep> steps;
  steps.push_back(make(1, "transfer[1]", StepKind::statement, 7, "attempts = attempts + 1",
                       "attempts = 1", {{"attempts", "0", "1"}},
                       state("1", a0, b0, proc(1, "running", 9, kDebit1, "", "''"),
                             proc(2, "running", 7, "attempts = attempts + 1", "", "''"))));
  steps.push_back(make(2, "transfer[1]", StepKind::statement, 9, kDebit1, "1 row",
                       {{"accounts[id=1].lock", "", "FOR UPDATE by transfer[1]"},
                        {"accounts[id=1].pending", "", "transfer[1]: balance = 90 (uncommitted)"},
                        {"transfer[1].transaction", "", "open"}},
                       state("1", a1, b0, proc(1, "running", 10, kCredit2, "open", "''"),
                             proc(2, "running", 7, "attempts = attempts + 1", "", "''"))));
  steps.push_back(make(3, "transfer[2]", StepKind::statement, 9, kDebit2, "1 row",
                       {{"accounts[id=2].lock", "", "FOR UPDATE by transfer[2]"},
                        {"accounts[id=2].pending", "", "transfer[2]: balance = 90 (uncommitted)"},
                        {"transfer[2].transaction", "", "open"},
                        {"transfer[1].status", "running", "blocked"},
                        {"transfer[2].status", "running", "blocked"}},
                       state("1", a1, b1, proc(1, "blocked", 10, kCredit2, "open", "''"),
                             proc(2, "blocked", 10, kCredit1, "open", "''"))));
  steps.push_back(make(4, "db", StepKind::abort, 10, "abort transfer[2] (deadlock detected)",
                       "sql_error = 'deadlock_detected'",
                       {{"accounts[id=2]", "2, 100 FOR UPDATE by transfer[2]", "2, 100"},
                        {"transfer[2].sql_error", "''", "'deadlock_detected'"},
                        {"transfer[2].transaction", "open", "failed"},
                        {"transfer[1].status", "blocked", "running"}},
                       state("1", a1, b0, proc(1, "running", 10, kCredit2, "open", "''"),
                             proc(2, "running", 12, "ROLLBACK", "failed", "'deadlock_detected'"))));
  trace::PropertyResult failed;
  failed.name = "assert";
  failed.kind = trace::PropertyKind::assertion;
  failed.status = trace::Status::violated;
  failed.expected = trace::Status::holds;
  failed.as_expected = false;
  failed.text = "sql_error == ''";
  failed.explanation = "transfer[2] at line 11: \"the transfer was aborted\"";
  failed.has_trace = true;
  failed.trace = std::move(steps);
  r.properties = {failed};
  return r;
}

// The lost update from a producer that filled no lanes: the page derives them from the state.
inline trace::SpecResult without_lanes() {
  trace::SpecResult r = lost_update();
  r.spec = "lease_cache_crash_no_lanes";
  r.lanes.clear();
  return r;
}

// Every string a reader could control, written to break out of the page if escaping failed.
inline constexpr const char* kHostile = "</script><script>window.__pwned = 1</script><!--";

inline trace::SpecResult hostile() {
  trace::SpecResult r = lost_update();
  r.spec = kHostile;
  r.file = "specs/\"quoted\" & <b>bold</b> {{LC_JS}}.lcs";
  r.as_expected = false;
  r.notes = {"<img src=x onerror=\"window.__pwned = 2\">", "\u2028 line separator \u2029"};
  auto& p = r.properties[0];
  p.name = "<svg onload=\"window.__pwned = 3\">";
  p.text = "a < b && c > d </script>";
  p.explanation = "'; window.__pwned = 4; '";
  p.trace[0].text = std::string("x = cache: GET ") + kHostile;
  p.trace[1].changes.push_back({"items[id=7].stock", "</script>", "<b>1</b>"});
  return r;
}

}  // namespace lockcheck::reports::fixture
