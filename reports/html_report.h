// The HTML report: one self-contained page per spec (inline CSS and script, the data embedded as
// JSON, nothing loaded from the network) with a sequence diagram of each violation's trace and the
// state after each step; and an index page with a verdict table when several specs are checked.
#pragma once

#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

// One self-contained page for one spec.
std::string render_html(const trace::SpecResult& result);

// A verdict table (spec, verdict, expected, states, time), row i linking to report_files[i] (a path
// relative to the index page; rows without one have no link).
std::string render_html_index(const std::vector<trace::SpecResult>& results,
                              const std::vector<std::string>& report_files);

// `path` is a file when results.size() == 1 and path ends in .html; otherwise a folder (created if
// needed) that gets index.html plus one page per spec, named after the spec. Returns false and
// sets error on I/O failure.
bool write_html(const std::vector<trace::SpecResult>& results, const std::string& path,
                std::string& error);

// The file names write_html gives the pages of `results` inside a folder: "<spec>.html", made safe
// for file systems, unique, never "index.html".
std::vector<std::string> html_page_names(const std::vector<trace::SpecResult>& results);

}  // namespace lockcheck::reports
