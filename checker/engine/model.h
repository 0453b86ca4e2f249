// The engine's view of a system: states as opaque byte strings, numbered choices, and properties.
// It knows nothing of SQL, Redis or the spec language (a PINS-like seam, as in ltsmin).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockcheck::engine {

// Which transition fired from a state: a process step, a tick, a fault, an abort. The model
// numbers them; successors are always emitted in increasing choice order, and the same state
// always yields the same successors (the contract that makes traces replayable).
using Choice = uint32_t;
using PropertyId = uint32_t;

enum class PropertyKind {
  invariant,    // must hold in every reachable state
  reachable,    // must hold in at least one reachable state
  deadlock,     // reported by evaluate() for deadlocked states
  assertion,    // reported by a failing transition
  model_error,  // reported by a failing transition or by evaluate()
  eventually,   // every fair behaviour reaches a goal state (liveness.h; the BFS ignores it)
  leads,        // every P-state is followed, then or later, by a Q-state (liveness.h)
};

struct PropertyInfo {
  std::string name;
  PropertyKind kind = PropertyKind::invariant;
  uint32_t members = 1;  // leads ... for c in GROUP: one obligation per member
};

// The fairness a transition is subject to (spec-language.md §8.1). A behaviour is fair when
// every weak group enabled in all states from some point on steps infinitely often, and every
// strong obligation enabled infinitely often is discharged infinitely often. Faults and the
// steps of `unfair` processes belong to no group.
struct Fairness {
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t weak = kNone;    // a process, an orphaned statement, the tick, the deadlock detector
  uint32_t strong = kNone;  // a waiting statement going on (PostgreSQL queues lock waiters)
};

// Receives the successors of one state, in increasing choice order.
class SuccessorSink {
 public:
  virtual ~SuccessorSink() = default;
  // A transition to `next`. `fault` marks fault events (they count for the "fewest faults"
  // tie-break among shortest traces).
  virtual void state(Choice c, bool fault, std::string_view next) = 0;
  // A transition that fails (an assert, a model error): the trace to it is the path to the
  // current state plus this choice.
  virtual void failure(Choice c, bool fault, PropertyId p) = 0;
};

// What is true in one state.
struct StateReport {
  std::vector<PropertyId> violated;   // invariants that are false, deadlock, model errors
  std::vector<PropertyId> satisfied;  // reachable properties that hold here
  void clear() {
    violated.clear();
    satisfied.clear();
  }
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string initial() const = 0;
  virtual void successors(std::string_view state, SuccessorSink& sink) const = 0;
  virtual const std::vector<PropertyInfo>& properties() const = 0;
  virtual void evaluate(std::string_view state, StateReport& out) const = 0;

  // Partial-order reduction: emits an ample subset of the state's successors (with no failing
  // transition) and returns true, or emits nothing and returns false. The model guarantees
  // that the subset is independent of everything else that can happen first and invisible to the
  // properties; the engine adds the cycle condition: when a successor of the subset was stored at
  // the state's depth or before, it expands the state fully instead.
  virtual bool ample(std::string_view /*state*/, SuccessorSink& /*sink*/) const { return false; }

  // Liveness (liveness.h). The fairness of each of `choices`, the transitions successors()
  // emits from `state`, in the same order.
  virtual void fairness(std::string_view /*state*/, const std::vector<Choice>& choices,
                        std::vector<Fairness>& out) const {
    out.assign(choices.size(), Fairness{});
  }
  // For an eventually or leads property p and its member: whether P and the goal Q hold in
  // `state` (eventually: P is unused, the goal is its expression).
  virtual void liveness(std::string_view /*state*/, PropertyId /*p*/, uint32_t /*member*/,
                        bool& p_holds, bool& q_holds) const {
    p_holds = false;
    q_holds = true;
  }
  // Whether more time could still change `state`: the clock is at its horizon and something
  // is due after it (spec-language.md §8.1, "horizon-bound"). Such ends are INCONCLUSIVE.
  virtual bool horizon_pending(std::string_view /*state*/) const { return false; }
};

}  // namespace lockcheck::engine
