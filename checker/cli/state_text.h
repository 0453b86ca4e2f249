// A whole state as readable text, for `lockcheck replay`: the clock, shared and ghost variables,
// each table as a small grid with its row locks and uncommitted writes, each Redis node's keys
// with their expiry, and each process with its status, position and locals.
//
//   clock    1
//   ghosts   increments = 0
//   table counters
//     id  n
//     1   0   FOR UPDATE by worker[1]; worker[1]: n = 1 (uncommitted)
//   redis cache
//     'lock:1' = worker[2]   expires at 2
//   worker[1]  running, at line 19: UPDATE counters SET n = $a + 1 WHERE id = 1
//              ok = true, a = 0, found = true, row_count = 1
#pragma once

#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::cli {

// Every line starts with `indent` and ends with '\n'.
std::string state_text(const trace::StateSnapshot& s, const std::string& indent);

// "worker[1].ok: false → true, cache['lock:1']: (none) → worker[1]"; "" when nothing changed.
std::string changes_text(const std::vector<trace::Change>& changes);

}  // namespace lockcheck::cli
