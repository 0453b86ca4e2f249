// Breadth-first exploration of a Model: every reachable state once, a shortest counterexample per
// violated property (fewest steps, then fewest faults, then the smallest choice sequence), and
// limits that stop the search cleanly.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/model.h"

namespace lockcheck::engine {

struct Progress {
  uint64_t states = 0;
  uint64_t transitions = 0;
  uint32_t depth = 0;
  uint64_t queue = 0;
  uint64_t memory_bytes = 0;
  double seconds = 0;
};

struct SearchOptions {
  uint64_t max_states = 0;        // 0: no limit
  uint64_t max_memory_bytes = 0;  // 0: no limit; counts the engine's own stores
  double max_seconds = 0;         // 0: no limit
  int threads = 1;  // <= 0: all cores. successors() is then called from several threads at once
  bool compress_states = false;  // the tree-compressed store (TreeStore): less memory, same results
  const std::atomic<bool>* stop = nullptr;        // set by a signal handler: stop as if a limit hit
  std::function<void(const Progress&)> progress;  // called now and then, from the search thread
};

struct Counterexample {
  std::vector<Choice> choices;  // from the initial state; its length is the trace length
  uint32_t faults = 0;
};

struct SearchResult {
  bool complete = false;
  std::string incomplete_reason;  // "state limit (1,000 states) reached", "interrupted", ...
  uint64_t states = 0;
  uint64_t transitions = 0;     // every transition emitted, failing ones included
  uint64_t reduced_states = 0;  // states expanded through the model's ample set only
  uint32_t depth = 0;           // the deepest BFS level reached
  double seconds = 0;
  uint64_t peak_memory_bytes = 0;  // measured: every allocation of the engine's own structures
  uint64_t bytes_per_state = 0;    // (state store + parent/choice/fault arrays) / states
  // Indexed by PropertyId.
  std::vector<std::optional<Counterexample>> violations;  // set for violated properties
  std::vector<bool> reached;  // reachable properties: some state satisfied it
};

// evaluate() is called once per state, from several threads at once when threads > 1. When a limit stops the
// search, counterexamples found so far are kept (each is still of the shortest length; one found
// in the level cut short may lose its tie-break to a path not explored).
SearchResult search(const Model& model, const SearchOptions& options);

}  // namespace lockcheck::engine
