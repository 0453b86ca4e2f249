// Replays a recorded trace (the steps of a JSON report) on a spec that may have changed since the
// report was written. A report records what each step did, not the engine's choice numbers, so
// each recorded step is matched by its actor, kind and line to one transition enabled in the
// current state; the replay stops with a precise message at the first step that no longer
// applies ("worker[2] cannot run line 18 here: it is at line 21 (COMMIT)").
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checker/compile/spec_model.h"
#include "checker/trace/check_result.h"

namespace lockcheck::compile {

// A step as a report recorded it (docs/json-schema.md, "A step of a trace").
struct RecordedStep {
  int step = 0;
  std::string actor;
  trace::StepKind kind = trace::StepKind::statement;
  int line = 0;
  std::string text;
  std::string result;
};

// One transition enabled in a state, already run: who moved, the kind, the line, the text, the
// result and the state after it (Event::failed for a failing assert or model error).
struct EnabledTransition {
  engine::Choice choice = 0;
  Event event;
};

// Every transition enabled in `s`, in the model's choice order (process steps, the tick, the
// deadlock detector's aborts, the faults), the failing ones included. `model` must be built
// without symmetry reduction, so that choices name the processes of `s` itself.
std::vector<EnabledTransition> enabled_transitions(const SpecModel& model, const State& s);

// The transition of `s` that `step` names. A statement must be the actor's next step and start
// at the recorded line; a tick needs the clock below its max; an abort needs the actor on a
// wait-for cycle; a fault is the one with the recorded text ("crash worker[1] (restarts)"), the
// one declared at the recorded line first. Without one, `error` says why, in terms of the spec
// ("worker[2] cannot run line 18 here: it is at line 21 (COMMIT)").
std::optional<EnabledTransition> match_step(const SpecModel& model, const State& s,
                                            const RecordedStep& step, std::string& error);

struct ReplayOptions {
  std::vector<std::pair<std::string, int64_t>> consts;  // as --const gave them to `check`
  // A liveness counterexample: a lasso's loop_to (-1: none, a terminal trace or no liveness),
  // and the member of a `leads ... for` property whose obligation it breaks.
  int loop_to = -1;
  std::string member;
};

struct ReplayResult {
  std::string spec_error;  // the spec's diagnostics, rendered; nothing was replayed
  std::string error;       // "step 3: worker[2] cannot run line 18 here: ..."; "" when finished
  trace::StateSnapshot initial;
  std::vector<trace::TraceStep> steps;  // the steps replayed, up to the one that did not apply
  bool last_step_failed = false;  // the last step failed (an assert, a model error): its `after`
                                  // is the state it failed in, since none follows it
  // The property at the end of a finished replay: its kind and text from the spec, `status`
  // violated or holds in the last state, and the explanation (as `check` words it). `found` is
  // false when the spec no longer has a property of that name.
  bool found = false;
  trace::PropertyResult property;
  // A lasso: whether the state after the last step is the state after step loop_to.
  bool cycle_closes = false;
};

// Reads the spec in `source` (from `path`), builds it with `options.consts`, and replays `steps`
// from its initial state, then evaluates `property` in the last state. For a liveness property,
// `property` is judged over the whole trace: a lasso must close (the state after the last step
// equal to the state after step loop_to, `error` says so when it does not) and the goal must be
// false along it.
ReplayResult replay_trace(const std::string& path, const std::string& source,
                          const std::vector<RecordedStep>& steps, const std::string& property,
                          const ReplayOptions& options);

}  // namespace lockcheck::compile
