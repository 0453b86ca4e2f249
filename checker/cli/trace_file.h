// Reads the trace that `lockcheck replay` re-runs out of a JSON report of `lockcheck check`
// (docs/json-schema.md): the report may hold several specs and several violated properties, so
// this picks the spec of the file being replayed and one property's trace.
#pragma once

#include <string>
#include <vector>

#include "checker/compile/replay_trace.h"

namespace lockcheck::cli {

struct RecordedTrace {
  std::string file;         // the spec's `file` in the report
  bool other_file = false;  // `file` is not the spec's path: it stands in as the report's only
                            // spec, or the only one with the same file name
  std::string property;     // the property whose trace this is
  std::string status;       // as recorded: "violated"
  std::string explanation;
  std::vector<compile::RecordedStep> steps;
  int loop_to = -1;    // a liveness lasso: the cycle is steps[loop_to..]; -1 otherwise
  std::string member;  // leads ... for: the member whose obligation the trace breaks
  // The other properties of the spec that have a trace, when `property` was not named.
  std::vector<std::string> others;
};

// Picks, in the report `json` (read from `json_path`), the spec checked from `spec_path` and the
// trace of `property` (or, when it is "", of the first property that has one). The spec is the
// one whose `file` is `spec_path` (the same path or the same file), else the report's only spec,
// else the only one with the same file name. On failure, `error` says why, starting with
// `json_path` ("t.json: no property of specs/a.lcs has a trace (nothing was violated)").
bool read_recorded_trace(const std::string& json, const std::string& json_path,
                         const std::string& spec_path, const std::string& property,
                         RecordedTrace& out, std::string& error);

}  // namespace lockcheck::cli
