// A counterexample as text, a step per row: step number, actor, statement, result, changes.
//
// Changes are listed by what a reader looks for first: tables, Redis keys, the clock and shared
// or ghost variables; then the actor's locals and process status; the built-ins found,
// row_count and sql_error last (the result column says the same: "a = 1", "no row", "1 row").
//
// A tick's result also names the keys it expired ("now = 2; lock:1 of worker[1] expired").
//
// Without a width (pipes, CI logs, JUnit) each step is one line, so the output is the same
// wherever it goes and a step can be found with grep. With a terminal's width, the changes wrap
// inside their column when it has room, or else go below the statement, which wraps too:
//
//   1  buyer[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1
//                  a: 0 → 1
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

struct TraceTextOptions {
  size_t width = 0;      // the terminal's columns; 0: no limit, one line per step
  bool builtins = true;  // list changes to found, row_count and sql_error
};

// The step's changes in the order above, without the built-ins unless `builtins`.
std::vector<trace::Change> ordered_changes(const trace::TraceStep& step, bool builtins);

// The trace's lines, each indented by two spaces and ending with '\n'.
std::string render_trace(const std::vector<trace::TraceStep>& steps,
                         const TraceTextOptions& options);

}  // namespace lockcheck::reports
