// Random walks through a Model, for specs too large to explore exhaustively (`lockcheck
// simulate`). Each run starts at the initial state and takes a uniformly chosen transition per
// step. A walk never proves that a property holds: the result is always incomplete, and a
// violation it finds comes with the walk's choices, not with a shortest trace.
#pragma once

#include <atomic>
#include <cstdint>

#include "checker/engine/model.h"
#include "checker/engine/search.h"

namespace lockcheck::engine {

struct WalkOptions {
  uint64_t runs = 100;
  uint32_t depth = 100;  // steps per run at most
  uint64_t seed = 1;     // the same seed gives the same walks
  const std::atomic<bool>* stop = nullptr;
};

// Among the walks that violate a property, the shortest (then fewest faults, then earliest) is
// kept. `states` counts the distinct states visited; `incomplete_reason` names the result a
// random search and says how many walks ran ("random search, not a proof: 100 walks of at most
// 100 steps").
SearchResult random_walks(const Model& model, const WalkOptions& options);

}  // namespace lockcheck::engine
