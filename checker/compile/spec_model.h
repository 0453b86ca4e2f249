// The spec as an engine::Model: process steps, ticks, deadlock-detector aborts and fault events
// as numbered transitions, and the spec's properties plus the built-in ones (deadlock, assert,
// model_error). It also re-runs single transitions to render traces.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/interpreter.h"
#include "checker/compile/partial_order.h"
#include "checker/compile/state.h"
#include "checker/compile/state_layout.h"
#include "checker/compile/symmetry.h"
#include "checker/engine/model.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

// What one transition did, for traces.
struct Event {
  std::string actor;
  trace::StepKind kind = trace::StepKind::statement;
  bool fault = false;
  int line = 0;
  std::string text;
  std::string result;
  bool failed = false;  // an assertion or model error: no next state
  ModelError error;
  State after;
  std::vector<Interaction> interactions;  // the step's store interactions (for server replays)
};

class SpecModel : public engine::Model {
 public:
  // With `symmetry`, states are stored as the representatives of their symmetry orbits;
  // `notes` receives why a group stays asymmetric.
  SpecModel(const CompiledSpec& spec, State initial, bool symmetry, std::vector<std::string>& notes,
            bool partial_order = false);

  std::string initial() const override { return initial_bytes_; }
  void successors(std::string_view state, engine::SuccessorSink& sink) const override;
  const std::vector<engine::PropertyInfo>& properties() const override { return properties_; }
  void evaluate(std::string_view state, engine::StateReport& out) const override;
  bool ample(std::string_view state, engine::SuccessorSink& sink) const override;
  void fairness(std::string_view state, const std::vector<engine::Choice>& choices,
                std::vector<engine::Fairness>& out) const override;
  void liveness(std::string_view state, engine::PropertyId p, uint32_t member, bool& p_holds,
                bool& q_holds) const override;
  bool horizon_pending(std::string_view state) const override;

  State decode(std::string_view bytes) const;
  std::string encode(State s) const { return s.encode(spec_.pool, layout_); }
  const StateLayout& layout() const { return layout_; }
  // Re-runs transition `c` from `s`; false when `c` is not enabled there.
  bool apply(const State& s, engine::Choice c, Event& out) const;
  // The same transition with its process renamed: position p becomes tau[p].
  engine::Choice rename(engine::Choice c, const std::vector<int>& tau) const;
  const Symmetry& symmetry() const { return symmetry_; }
  const PartialOrder& partial_order() const { return partial_order_; }

  // Property ids.
  engine::PropertyId deadlock_id() const { return deadlock_id_; }
  engine::PropertyId assert_id() const { return assert_id_; }
  engine::PropertyId model_error_id() const { return model_error_id_; }
  // The spec's property behind an id, or null for the built-in ones.
  const ast::PropertyDecl* decl(engine::PropertyId p) const {
    return p < decls_.size() ? decls_[p] : nullptr;
  }

  // Liveness: P and Q of property p's obligation for `member` (eventually: Q is the goal; P is
  // null), and the value its variable is bound to (null: none).
  struct Obligation {
    const ast::Expr* p = nullptr;
    const ast::Expr* q = nullptr;
    std::optional<Value> bound;
  };
  Obligation obligation(engine::PropertyId p, uint32_t member) const;
  // The member names of a `leads ... for c in G` property ("worker[1]"), else empty.
  std::vector<std::string> member_names(engine::PropertyId p) const;
  // What the pending time is, at the horizon: "cache['lock'] expires at 4", "" when none.
  std::string horizon_pending_text(const State& s) const;
  // The choices' actors, for fairness lines: the process a step, an orphan's statement or an
  // abort belongs to (-1: the clock, a fault).
  int process_of(engine::Choice c) const;
  bool is_tick(engine::Choice c) const;

  // Why a state is deadlocked ("" when it is not).
  std::string deadlock_explanation(const State& s) const;
  // The wait-for cycle of a deadlocked state, as edges between process names (empty: none).
  std::vector<trace::WaitEdge> wait_edges(const State& s) const;

  // The first model error met while evaluating properties in s ("" when none).
  std::string property_error(const State& s) const;
  const Interpreter& interpreter() const { return interp_; }
  const CompiledSpec& spec() const { return spec_; }

  // "test[id=1] held by " for transaction slot txn's waiting statement, "" when it waits for no
  // row (a key, or nothing).
  std::string waited_row(const State& s, int txn) const;

 private:
  struct Probe {
    bool enabled = false;
    BlockReason blocked_on = BlockReason::none;
    std::vector<int> waits_for;
  };
  // One probe per transaction slot: the processes, then (with crash faults) their orphans.
  std::vector<Probe> probe(const State& s) const;
  // How many slots could be on a wait-for cycle: their statement waits and they hold a row lock
  // or write a row themselves. `surely_enabled` says whether some process stands at a statement
  // that cannot block at all.
  int may_wait_on_rows(const State& s, bool& surely_enabled) const;
  // "accounts[id=2] held by " for slot txn's waiting statement, or "" (a key wait).
  // Whether any statement waits or any orphan runs (partial-order reduction stays off there).
  bool any_waiting(const State& s) const;
  std::vector<int> cycle(const std::vector<Probe>& probes) const;
  std::vector<int> cycle_members(const std::vector<Probe>& probes) const;
  bool fault_budget_left(const State& s, size_t fault) const;

  std::string store(State& s) const;  // the representative's bytes
  // The first model error met evaluating property p (each member's P and Q) in s, or "".
  std::string evaluation_error(engine::PropertyId p, const State& s) const;

  const CompiledSpec& spec_;
  StateLayout layout_;
  Interpreter interp_;
  Symmetry symmetry_;
  PartialOrder partial_order_;
  std::string initial_bytes_;
  std::vector<engine::PropertyInfo> properties_;
  std::vector<const ast::PropertyDecl*> decls_;
  engine::PropertyId deadlock_id_ = 0;
  engine::PropertyId assert_id_ = 0;
  engine::PropertyId model_error_id_ = 0;
};

}  // namespace lockcheck::compile
