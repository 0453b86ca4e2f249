// Renders a State for reports (names and formatted values) and lists what a step changed.
#pragma once

#include <vector>

#include "checker/compile/spec_model.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

trace::StateSnapshot snapshot(const SpecModel& model, const State& s);

// The changes from one snapshot to the next, as paths: "sold", "clock", "user[1].a",
// "seats[id=123].available", "seats[id=123]" (a row that appeared or went away),
// "cache['lock:1']", "cache['lock:1'].expires", "user[1].status".
std::vector<trace::Change> diff(const trace::StateSnapshot& before,
                                const trace::StateSnapshot& after,
                                const std::vector<std::vector<int>>& primary_keys);

}  // namespace lockcheck::compile
