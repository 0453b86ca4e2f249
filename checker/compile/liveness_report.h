// The liveness pass for a spec (spec-language.md §8.1), and its verdicts as report data: the
// lasso rendered step by step with its cycle marked, the fairness line that says why the cycle
// counts, and what the goal read.
#pragma once

#include <string>
#include <vector>

#include "checker/compile/spec_model.h"
#include "checker/engine/liveness.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

// Fills pr (name, kind, text and expected already set) from the verdict of property p.
// `model` must be the plain model the liveness pass ran on (no reductions).
void liveness_result(const SpecModel& model, const State& initial,
                     const engine::LivenessResult& result, engine::PropertyId p,
                     trace::PropertyResult& pr);

// How a liveness counterexample breaks property p's obligation for `member`, over the states
// along it (the initial state first): "never holds in any state of the trace: pairs = 0", or
// for leads "P holds after step 1; Q never holds afterwards: ...". Empty when the states do not
// break it (the goal holds in one of them; for leads, Q holds after P's last arming, or with a
// cycle the monitor is not armed from `loop_to` on).
std::string liveness_explanation(const SpecModel& model, const std::vector<State>& states,
                                 engine::PropertyId p, uint32_t member, bool cycle, int loop_to);

// The states along `choices` from `initial`, initial included (shorter if a choice fails).
std::vector<State> states_along(const SpecModel& model, const State& initial,
                                const std::vector<engine::Choice>& choices);

// The fairness line of a lasso already rendered into pr.trace ("fair: worker[1] steps at 3, 4;
// worker[2] is blocked in the states after steps 1 and 3; no clock"), or the end of a terminal
// trace ("then nothing can run: buyer[1] done, buyer[2] crashed").
std::string fairness_line(const SpecModel& model, const trace::StateSnapshot& initial,
                          const trace::PropertyResult& pr);

}  // namespace lockcheck::compile
