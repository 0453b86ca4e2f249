// Runs the spec's semantics on a State: host expressions, process steps (§3), SQL and Redis
// interactions through the store models, and the environment's events (ticks, faults, the
// deadlock detector's aborts). It is the only place that knows what a step is.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/state.h"

namespace lockcheck::compile {

// A model error or failed assertion found while running a step or evaluating a property.
struct ModelError {
  bool assertion = false;
  std::string message;
};

enum class StepStatus { ran, blocked, failed };

enum class BlockReason { none, sql, await_, sleep };

// One store interaction of a step, as the model ran it: what a replay on a real server sends and
// what it must see come back. Filled only when a step is described (traces, replays).
struct Interaction {
  enum class Kind {
    sql_begin,   // BEGIN [ISOLATION LEVEL ...] (a local statement: sent before the next one)
    sql_start,   // a SQL statement is sent (it may finish, fail, or wait)
    sql_resume,  // a statement that waited goes on (nothing is sent: the server's reply arrives)
    sql_victim,  // the deadlock detector aborts the statement that waits (deadlock_detected)
    redis,       // a Redis command
  };
  Kind kind = Kind::sql_start;
  int connection = -1;  // the process index; for an orphaned statement, processes + index
  sql::Isolation isolation = sql::Isolation::read_committed;  // sql_begin: the level it opens
  bool read_only = false;                                     // sql_begin: READ ONLY
  // SQL: the lowered statement and its host values (sql_start; sql_resume repeats them).
  const sql::Statement* stmt = nullptr;
  std::vector<Value> params;
  Value now;  // `now()` inside SQL
  // The model's outcome: `waiting` means the statement waits for `waits_for` (connections).
  bool waiting = false;
  std::vector<int> waits_for;
  std::vector<sql::Row> rows;  // rows returned (RETURNING / SELECT), first ones at least
  int64_t row_count = 0;
  bool found = false;
  std::string sql_error;   // "" or unique_violation, deadlock_detected, ...
  bool committed = false;  // COMMIT
  // Redis
  int node = -1;
  redis::Request request;
  Value reply;
};

struct StepOutcome {
  StepStatus status = StepStatus::ran;
  ModelError error;  // failed
  BlockReason blocked_on = BlockReason::none;
  std::vector<int> waits_for;             // blocked on SQL: the transactions it waits on
  int line = 0;                           // the interaction's source line
  std::string text;                       // the interaction's text
  std::string result;                     // what it returned, for traces
  std::vector<Interaction> interactions;  // with `describe`: every store interaction, in order
  bool waiting = false;  // the step left a SQL statement waiting for a lock (§4.3)
};

class Interpreter {
 public:
  explicit Interpreter(const CompiledSpec& spec) : spec_(spec) {}

  // The initial state, or a model error (e.g. a full table, a failing local at start).
  bool initial(State& out, ModelError& error) const;

  // Process p's next step. With `deadlock_victim`, the step's first interaction (a blocked SQL
  // statement) fails with deadlock_detected instead of running: the detector's abort.
  // With `describe`, StepOutcome::result says what the interaction returned (for traces).
  StepOutcome step(State& s, int p, bool deadlock_victim = false, bool describe = false) const;
  // The orphaned statement of crashed process p (its dropped connection's, §4.3) goes on, or,
  // with `deadlock_victim`, fails; blocked while it still waits.
  StepOutcome orphan_step(State& s, int p, bool deadlock_victim = false,
                          bool describe = false) const;
  // Whether process p's orphaned statement waits, and for whom (empty: it could go on).
  std::vector<int> orphan_waits_for(const State& s, int p) const;
  // A cheap test that slot txn's waiting statement still waits where it waits (no step then).
  bool still_waits(const State& s, int txn) const;
  // "client[2]", or "client[2] (orphaned statement)" for slot processes + 1.
  std::string connection_name(int txn) const;
  // Whether process p's next step would block, and on what, without running it: a cheap check
  // for the deadlock test (status is `ran` when the step would run or fail).
  StepOutcome probe(const State& s, int p) const;
  // The clock's tick (the caller checks clock < max).
  void tick(State& s) const;
  // Whether a tick can run in s: below the clock's max, or with `clock relative` where it
  // changes something (a key due to expire, a process asleep).
  bool tick_enabled(const State& s) const;
  // Crashes process p (rolling back its transaction), restarting it when `restart`.
  void crash(State& s, int p, bool restart, ModelError& error, bool& failed) const;
  // A Redis node comes back empty.
  void restart_node(State& s, int node) const;

  // Evaluates a property's expression in state s; with `bound`, inside the quantifier that
  // binds it (a `leads ... for c in G` obligation's member).
  bool holds(const ast::Expr& e, const State& s, ModelError& error,
             const Value* bound = nullptr) const;
  // "sold = 2, (SELECT COUNT(*) FROM bookings) = 3": the values a property read.
  std::string explain(const ast::Expr& e, const State& s, const Value* bound = nullptr) const;

  // Whether a process id was ever turned into text (`lock:$self`): symmetry reduction cannot
  // rename ids inside text, so a search that saw this must be re-run without it.
  bool pid_text_used() const { return pid_text_.load(std::memory_order_relaxed); }

  // Where process p stands: its next interaction (line, text), or done/crashed.
  const ast::Stmt* next_statement(const State& s, int p) const;

 private:
  struct Frame;
  const CompiledSpec& spec_;
  mutable std::atomic<bool> pid_text_{false};

  void start_process(State& s, int p) const;
  void finish(State& s, int p) const;
  // A done or crashed process's locals that no property reads take their fixed value.
  void reset_dead_locals(ProcState& ps, int p) const;
  void run_locals(Frame& f) const;
  void exec(Frame& f, const Instr& in, bool first, StepOutcome& out) const;
  void exec_sql(Frame& f, const ast::Stmt& st, bool victim, StepOutcome& out, bool resume) const;
  void run_atomic(Frame& f, int end, bool first_interaction, StepOutcome& out) const;
  std::string waiting_text(const sql::Result& r) const;
  std::vector<int> statement_waits_for(const State& s, int txn, const Instr& in) const;
  void exec_redis(Frame& f, const ast::Stmt& st, StepOutcome& out) const;
  std::string sql_result(const ast::SqlStmt& q, const LoweredSql& l, const sql::Result& r) const;
  void arrive(Frame& f) const;  // sets a sleep's wake-up time when the process reaches one

  Value eval(const ast::Expr& e, Frame& f) const;
  Value eval_binary(const ast::Expr& e, Frame& f) const;
  Value eval_index(const ast::Expr& e, Frame& f) const;
  Value eval_field(const ast::Expr& e, Frame& f) const;
  Value eval_quantifier(const ast::Expr& e, Frame& f) const;
  Value eval_subquery(const ast::Expr& e, Frame& f) const;
  Value eval_word(const ast::Word& w, Frame& f) const;
  Value redis_key(const ast::Word& w, Frame& f) const;
  int node_of(const ast::RedisCmd& c, Frame& f) const;
  void assign(Frame& f, const ast::Ref& ref, const Value& v) const;
  std::string render_value(const Value& v) const { return spec_.value_text(v); }
  std::string word_text(const Value& v) const;
  void collect_leaves(const ast::Expr& e, Frame& f, std::vector<std::string>& out) const;
};

// Thrown inside the interpreter only; caught at step and property boundaries.
struct ModelErrorException {
  ModelError error;
};

}  // namespace lockcheck::compile
