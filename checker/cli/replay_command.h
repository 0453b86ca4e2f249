// `lockcheck replay SPEC TRACE.json`: re-runs a trace from a JSON report of `lockcheck check` on
// the spec, printing each step and the whole state after it, and whether the property is
// violated at the end as recorded. A trace that no longer applies to the spec stops the replay
// at its first step that does not, with the reason:
//
//   t.json: step 3: worker[2] cannot run line 18 here: it is at line 21 (COMMIT)
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::cli {

struct ReplayArgs {
  std::string spec;
  std::string trace;
  std::string property;             // --property NAME: which property's trace
  std::vector<std::string> consts;  // --const NAME=VALUE, as given to `check`
  std::string postgres;             // --postgres CONNINFO: replay on this PostgreSQL
  std::string redis;                // --redis URL: and this Redis
};

// The replay goes to `out`, errors to `err`. Returns 0 when the whole trace replayed, 2 for
// usage errors, unreadable files, spec errors and traces that do not apply.
// With --postgres/--redis the trace is replayed on the real servers instead (docs/conformance.md):
// 0 reproduced, 1 diverged, 2 usage or spec errors (or a trace that does not apply), 3 a server
// could not be reached or set up.
int run_replay(const ReplayArgs& args, std::ostream& out, std::ostream& err);

// `check --postgres/--redis`: replays every counterexample of `result` on the servers and marks
// it (PropertyResult::server). Returns false when a server could not be reached or set up (the
// marks then say why; `err` gets one line).
bool mark_on_servers(trace::SpecResult& result, const std::string& source,
                     const std::vector<std::pair<std::string, int64_t>>& consts,
                     const std::string& postgres, const std::string& redis, std::ostream& err);

}  // namespace lockcheck::cli
