// The data the HTML report's script renders: a SpecResult as JSON, with every field the page shows
// (states after each step included, which the JSON report leaves out).
#pragma once

#include <nlohmann/json.hpp>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

nlohmann::json state_to_json(const trace::StateSnapshot& state);
nlohmann::json spec_result_to_json(const trace::SpecResult& result);

}  // namespace lockcheck::reports
