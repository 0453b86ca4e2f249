// Liveness over the whole explored graph (spec-language.md §8.1): `eventually` and `leads`
// properties under weak and strong fairness, answered with a terminal trace or a lasso (a prefix,
// then a fair cycle along which the goal never holds), or INCONCLUSIVE when every counterexample
// is horizon-bound or a limit cut the graph short (never HOLDS on a partial graph).
//
// The graph is explored again, without the model's reductions and on one thread, with its edges
// kept: strongly connected components need them, and one thread in a fixed order makes verdicts
// and traces the same for any --threads (tlaplus#971).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/model.h"

namespace lockcheck::engine {

struct LivenessOptions {
  uint64_t max_states = 0;        // 0: no limit
  uint64_t max_memory_bytes = 0;  // 0: no limit; counts the graph
  double max_seconds = 0;         // 0: no limit
  const std::atomic<bool>* stop = nullptr;
};

enum class LivenessStatus { holds, violated, inconclusive };

// A counterexample: `choices` from the initial state. With `cycle`, the steps from `loop_to` on
// form a cycle that returns to the state after `loop_to` steps and repeats for ever; without it,
// the trace ends where nothing fair can step any more (a terminal trace).
struct Lasso {
  std::vector<Choice> choices;
  uint32_t loop_to = 0;  // the prefix's length
  bool cycle = false;
  uint32_t faults = 0;
  bool horizon_bound = false;  // it ends, or cycles, at the clock's horizon with time still due
};

struct LivenessVerdict {
  LivenessStatus status = LivenessStatus::holds;
  std::optional<Lasso> counterexample;    // violated, or inconclusive at the horizon
  uint32_t member = 0;                    // whose obligation the counterexample breaks
  std::vector<uint32_t> failing_members;  // every violated member, in member order
  bool goal_at_start = false;             // eventually: the goal holds in the initial state
  bool p_reached = false;                 // leads: some reachable state satisfies P
};

struct LivenessResult {
  bool complete = false;
  std::string incomplete_reason;
  uint64_t states = 0;
  uint64_t transitions = 0;
  double seconds = 0;
  uint64_t memory_bytes = 0;  // the graph's, at its largest
  // Indexed by PropertyId; set for the eventually and leads properties.
  std::vector<std::optional<LivenessVerdict>> verdicts;
};

LivenessResult check_liveness(const Model& model, const LivenessOptions& options);

// Whether the model has an eventually or leads property (else there is nothing to check).
inline bool has_liveness(const Model& model) {
  for (const PropertyInfo& p : model.properties())
    if (p.kind == PropertyKind::eventually || p.kind == PropertyKind::leads) return true;
  return false;
}

}  // namespace lockcheck::engine
