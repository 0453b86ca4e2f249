// Renders an engine counterexample (a list of choices) as a report's trace: each step replayed
// on real states, with what it did and the state after it.
#pragma once

#include "checker/compile/spec_model.h"
#include "checker/engine/search.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

// With `clock relative` states keep time relative to now() (the stored clock stays 0); traces
// print absolute times, counted along the trace (§8.2). Call after_step on each step in order.
class AbsoluteTime {
 public:
  explicit AbsoluteTime(const CompiledSpec& spec) : relative_(spec.clock_relative) {}
  // Fixes the step's result ("now = 3", "woke at 3") and the clock and Redis expiries of the
  // state after it.
  void after_step(trace::StepKind kind, std::string& result, trace::StateSnapshot& after);

 private:
  bool relative_;
  int64_t now_ = 0;
};

// Appends the steps of `cx` to out.trace and sets out.has_trace. Returns the final state and,
// for a trace that ends in a failing step, that step's error.
State render_trace(const SpecModel& model, const State& initial, const engine::Counterexample& cx,
                   trace::PropertyResult& out, ModelError& final_error);

}  // namespace lockcheck::compile
