// Renders an engine counterexample (a list of choices) as a report's trace: each step replayed
// on real states, with what it did and the state after it.
#pragma once

#include "checker/compile/spec_model.h"
#include "checker/engine/search.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

// Appends the steps of `cx` to out.trace and sets out.has_trace. Returns the final state and,
// for a trace that ends in a failing step, that step's error.
State render_trace(const SpecModel& model, const State& initial, const engine::Counterexample& cx,
                   trace::PropertyResult& out, ModelError& final_error);

}  // namespace lockcheck::compile
