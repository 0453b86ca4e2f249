// What a check of one spec produced, in the terms reporters need: verdicts, totals, traces with
// the state after each step. Reporters (text, JSON, JUnit, HTML) read only this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockcheck::trace {

// ---- A rendered state, for reports. Values are already formatted ("1", "'held'", "null",
// "client[2]"). ----

struct RowLock {
  std::string mode;                  // "FOR UPDATE" (exclusive) or "FOR SHARE"
  std::vector<std::string> holders;  // process names
};

struct TableRow {
  std::vector<std::string> cells;  // committed values, in column order
  std::string lock;                // "" or e.g. "FOR UPDATE by client[1]"
  std::string pending;             // "" or e.g. "client[1]: available = 0 (uncommitted)"
};

struct TableSnapshot {
  std::string name;
  std::vector<std::string> columns;
  std::vector<TableRow> rows;  // sorted, so that the same state always renders the same
};

struct RedisKey {
  std::string key;
  std::string value;
  std::string expires_at;  // "" when the key has no expiry, else the tick ("5")
};

struct RedisSnapshot {
  std::string node;
  std::vector<RedisKey> keys;  // sorted by key
};

struct NamedValue {
  std::string name;
  std::string value;
};

struct ProcessSnapshot {
  std::string name;                // "client[2]"
  std::string status;              // "running", "blocked", "done", "crashed"
  int line = 0;                    // the source line of its next interaction, 0 when done
  std::string position;            // the text of its next interaction, or "done"
  std::vector<NamedValue> locals;  // declared locals, then found / row_count / sql_error
  std::string transaction;         // "", "open", "failed"
};

struct StateSnapshot {
  bool has_clock = false;
  int64_t clock = 0;
  std::vector<NamedValue> shared;
  std::vector<NamedValue> ghosts;
  std::vector<TableSnapshot> tables;
  std::vector<RedisSnapshot> redis;
  std::vector<ProcessSnapshot> processes;
};

// ---- Traces ----

struct Change {
  std::string path;  // "user[1].a", "sold", "seats[id=123].available", "cache['lock:1']", "clock"
  std::string from;  // "" when it did not exist
  std::string to;    // "" when it no longer exists
};

enum class StepKind { statement, tick, fault, abort, orphan };
// "statement", "tick", "fault", "abort", "orphan" (a crashed client's statement goes on, §4.3)
const char* step_kind_name(StepKind k);

struct TraceStep {
  int step = 0;       // 1-based
  std::string actor;  // "user[1]", "clock", "crash worker[1]"'s process, "db"
  StepKind kind = StepKind::statement;
  int line = 0;        // the source line of the interaction (0 for ticks)
  std::string text;    // the interaction's text, "tick", "crash worker[1]", ...
  std::string result;  // "a = 1", "1 row", "error: unique_violation", "blocked", ...
  std::vector<Change> changes;
  StateSnapshot after;
  bool cycle = false;  // a step of a lasso's cycle (liveness)
};

// ---- Verdicts ----

enum class PropertyKind {
  invariant,
  reachable,
  deadlock,
  assertion,
  model_error,
  eventually,
  leads
};
// "invariant", "reachable", "deadlock", "assert", "model_error", "eventually", "leads"
const char* property_kind_name(PropertyKind k);

// inconclusive: a liveness property whose only counterexamples are horizon-bound, or whose
// graph a limit cut short (spec-language.md §8.1); the run exits 3 unless something fails.
enum class Status { holds, violated, unknown, inconclusive };
const char* status_name(Status s);  // "holds", "violated", "unknown", "inconclusive"

// One edge of a deadlock's wait-for cycle: `from` waits for `to` (process names: an orphaned
// statement is drawn on its process's lane) at `row` ("accounts[id=2]", "" for a key).
struct WaitEdge {
  std::string from;
  std::string to;
  std::string row;
};

// A counterexample replayed on real servers (`check --postgres/--redis`, docs/conformance.md):
// reports mark it "reproduced on PostgreSQL 15.x" or "diverged at step K", the two outcomes
// side by side. Empty `status`: not replayed.
struct ServerCheck {
  std::string status;   // "", "reproduced", "diverged", "error"
  std::string servers;  // "PostgreSQL 15.18", "PostgreSQL 15.18 and Redis 7.0.15"
  int step = 0;         // diverged: the step (trace length + 1: after the last step)
  std::string actor;    // diverged: who moved, what was sent, what each side did
  std::string what;
  std::string model;
  std::string server;
  std::string note;   // why it may happen
  std::string error;  // status error: why it could not be replayed
};

struct PropertyResult {
  std::string name;
  PropertyKind kind = PropertyKind::invariant;
  Status status = Status::unknown;
  Status expected = Status::holds;  // holds or violated
  bool as_expected = true;
  std::string text;         // the property's expression ("sold <= 1"), or "" for built-ins
  std::string explanation;  // "is false: sold = 2", the deadlock cycle, the assert message
  bool has_trace = false;
  std::vector<TraceStep> trace;
  uint32_t faults = 0;
  std::vector<WaitEdge> wait_for;  // deadlock: the cycle, in order
  ServerCheck server;              // with --postgres/--redis
  // Liveness counterexamples: "lasso" (the steps after loop_to repeat for ever: the state after
  // the last step is the state after step loop_to, 0 the initial state) or "terminal" (nothing
  // fair can step after the last one); "" for the other properties.
  std::vector<TraceStep> witness;  // reachable, holds, with --witness: a shortest trace to it
  std::string trace_kind;
  int loop_to = 0;
  std::string fairness;                      // why the cycle counts: "fair: worker[1] steps at 3"
  std::string member;                        // leads ... for: whose obligation the trace breaks
  std::vector<std::string> failing_members;  // ... and every failing member, in member order
};

struct Stats {
  uint64_t states = 0;
  uint64_t transitions = 0;
  uint32_t depth = 0;
  double seconds = 0;
  uint64_t peak_memory_bytes = 0;
  uint64_t bytes_per_state = 0;
};

struct Lane {  // for the HTML sequence diagram
  std::string name;
  std::string kind;  // "process", "database", "redis", "clock"
};

// One spec error as data (the JSON report's `errors`); line and column are 0 for an error
// without a place in the file, such as a --const the spec does not declare.
struct SpecError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

struct SpecResult {
  std::string file;
  std::string spec;
  bool as_expected = false;
  bool complete = false;
  std::string incomplete_reason;
  Stats stats;
  std::vector<PropertyResult> properties;
  std::vector<std::string> notes;  // e.g. "symmetry off for client: client[2] is named"
  std::vector<Lane> lanes;
  StateSnapshot initial;
  std::string error_text;                   // spec errors, rendered; when set, nothing was checked
  std::vector<SpecError> errors;            // the same errors as data, in the order of error_text
  std::vector<std::string> consts_applied;  // the --const overrides this spec declares
};

}  // namespace lockcheck::trace
