// The JSON report (`--json`), schema 1, documented field by field in docs/json-schema.md. Scripts
// and `lockcheck replay` read it, so fields are only ever added, never renamed or removed.
#pragma once

#include <string>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

inline constexpr int kJsonSchema = 1;

struct JsonOptions {
  std::string version;  // the "lockcheck" field: the version of the tool that wrote the report
};

// The whole report, indented by two spaces, ending with a newline.
std::string json_report(const std::vector<trace::SpecResult>& results, const JsonOptions& options);

}  // namespace lockcheck::reports
