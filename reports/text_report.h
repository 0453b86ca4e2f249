// The plain-text report (cli-and-reports.md, "Text output"): one verdict line per spec, then for
// each violation its shortest trace, a step per line, and the property that failed.
//
//   specs/booking/naive.lcs: VIOLATED no_oversell (expected)   1,204 states, depth 7, 0.01 s
//     1  user[1]  SELECT available INTO a FROM seats WHERE id = 123  a = 1  a: 0 → 1
//     ...
//     no_oversell: sold <= 1   is false: sold = 2
//
// The JUnit report reuses the trace rendering, so CI shows the same text as a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

struct TextOptions {
  bool show_time = true;         // tests turn it off: times differ from run to run
  bool show_error_text = false;  // the CLI prints spec errors on stderr, not in the report
  bool details = true;  // false: the verdict line only (a folder run's specs that are as expected)
  // A terminal's columns: trace steps and long lines are fitted to them (text_trace.h). 0, for
  // pipes and files: every step on one line, whatever its length, so that grep finds it.
  size_t width = 0;
  bool builtins = true;    // list the changes of found, row_count and sql_error in traces
  bool witnesses = false;  // print the witness of each reachable property that has one
};

// How one spec turned out, which decides the exit status of `lockcheck check`.
enum class Outcome {
  as_expected,      // complete, and every property as its expect lines say
  not_as_expected,  // an unexpected violation, or an expected one that was not found
  incomplete,       // a limit stopped the search and nothing contradicted the expectations
  error,            // spec errors: nothing was checked
};
Outcome outcome(const trace::SpecResult& result);
const char* outcome_name(Outcome o);  // "as_expected", "not_as_expected", "incomplete", "error"

// True when this property's result contradicts its expectation (`complete`: the search ended,
// so a property that was not found violated will never be).
bool contradicts(const trace::PropertyResult& p, bool complete);

// 1204 -> "1,204".
std::string with_thousands(uint64_t n);

// "HOLDS", "VIOLATED no_oversell (expected)", "INCOMPLETE (state limit (1000 states))", "ERROR",
// joined with "; " when several apply.
std::string verdict(const trace::SpecResult& result);

// "1,204 states, depth 7, 0.01 s" (without the time when !options.show_time).
std::string totals(const trace::SpecResult& result, const TextOptions& options);

// What the report says about one property below the verdict line: its trace (if any) and the
// line that names it ("  no_oversell: sold <= 1   is false: sold = 2"). Empty for properties
// that hold as expected. Every line is indented by two spaces and ends with '\n'.
std::string property_details(const trace::PropertyResult& p, bool complete,
                             const TextOptions& options = {});

// The mark of a counterexample replayed on real servers ("" when it was not):
//   "  reproduced on PostgreSQL 15.18\n", or "  diverged at step 3 on PostgreSQL 15.18: ...\n"
//   followed by the model's and the server's outcomes side by side.
std::string server_lines(const trace::ServerCheck& s);

// Everything the text report prints for one spec.
std::string text_report(const trace::SpecResult& result, const TextOptions& options);

// The closing line of a run over several specs: "3 specs: 2 as expected, 1 NOT as expected".
std::string text_summary(const std::vector<trace::SpecResult>& results);

}  // namespace lockcheck::reports
