// The `lockcheck` command line (cli-and-reports.md): argument handling, the loop over spec files,
// the reports, and the exit status. The world outside (the checker, the HTML writer, the terminal,
// signals) comes in through an Environment, so tests can run the whole command with fakes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "checker/compile/check.h"
#include "checker/trace/check_result.h"

namespace lockcheck::cli {

// Exit statuses: the contract with CI pipelines and scripts.
inline constexpr int kExitAsExpected = 0;     // every spec as expected
inline constexpr int kExitNotAsExpected = 1;  // an unexpected violation, or a missing expected one
inline constexpr int kExitError = 2;          // usage errors, spec errors, unwritable reports
inline constexpr int kExitIncomplete = 3;     // a limit stopped a search; nothing contradicted

using CheckFunction = std::function<trace::SpecResult(
    const std::string& path, const std::string& source, const compile::CheckOptions& options)>;
// The lint warnings of one spec, rendered ("file:line:col: warning: ..."), or "".
using LintFunction = std::function<std::string(const std::string& path, const std::string& source)>;
using HtmlWriter = std::function<bool(const std::vector<trace::SpecResult>& results,
                                      const std::string& path, std::string& error)>;

struct Environment {
  CheckFunction check;
  HtmlWriter write_html;
  LintFunction lint;             // null: no lints
  bool err_is_terminal = false;  // draw the progress line on `err`
  size_t out_columns = 0;  // fit the text report to this width (terminal_width.h); 0: no limit
  const std::atomic<bool>* stop = nullptr;  // set on SIGINT/SIGTERM: searches stop, reports stay
  int hardware_threads = 1;                 // the default of --threads
  uint64_t memory_available_bytes = 0;      // MemAvailable at start; 0: unknown (no default limit)
};

// Runs `lockcheck` with `argv` (argv[0] is the program name); the text report goes to `out`,
// messages and the progress line to `err`. Returns the exit status.
int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err,
        const Environment& env);

// The same with the real world: compile::check_spec, the HTML report, the terminal, and handlers
// for SIGINT and SIGTERM (a second signal ends the process at once).
int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err);

}  // namespace lockcheck::cli
