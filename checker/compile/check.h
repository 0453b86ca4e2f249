// The one entry point from the outside (CLI, tests, benchmarks) into checking: read a spec, build
// its model, search it, and turn the search result into a SpecResult with rendered traces.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "checker/engine/random_walk.h"
#include "checker/engine/search.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

struct CheckOptions {
  std::vector<std::pair<std::string, int64_t>> consts;  // --const NAME=VALUE overrides
  // A folder run: an override applies to the specs that declare the constant, and is no error
  // in the others (the CLI reports one that no spec declares).
  bool skip_undeclared_consts = false;
  engine::SearchOptions search;
  bool symmetry = true;  // --no-symmetry turns it off
  bool por = true;       // --no-por turns it off
  // A shortest trace to a state where each `reachable` property holds (--witness, and always
  // for the HTML report): a second search, without partial-order reduction.
  bool witness = false;
};

// Checks the spec in `source` (read from `path`). Spec errors do not throw: they come back as
// SpecResult::error_text (rendered diagnostics) with as_expected = false and nothing checked.
trace::SpecResult check_spec(const std::string& path, const std::string& source,
                             const CheckOptions& options);

// Like check_spec, with random walks instead of the exhaustive search (`lockcheck simulate`):
// the result is never complete, and traces are the walks' own, not shortest ones.
trace::SpecResult simulate_spec(const std::string& path, const std::string& source,
                                const CheckOptions& options, const engine::WalkOptions& walks);

}  // namespace lockcheck::compile
