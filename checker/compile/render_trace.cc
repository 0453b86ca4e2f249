#include "checker/compile/render_trace.h"

#include <fmt/format.h>

#include "checker/compile/snapshot.h"

namespace lockcheck::compile {

namespace {

std::vector<std::vector<int>> primary_keys(const CompiledSpec& spec) {
  std::vector<std::vector<int>> out;
  for (const auto& t : spec.schema.tables) out.push_back(t.primary_key);
  return out;
}

}  // namespace

// Replays a counterexample's choices, rendering each step and the state after it. Returns the
// final state and, for a trace that ends in a failing step, that step's error.
//
// With symmetry reduction the engine's choices name processes by their position in stored
// representatives. The replay runs on real states instead, so that a process keeps its name
// along the whole trace: `tau` maps a representative's positions to the real state's, and is
// carried from step to step through the permutation each representative was made with.
State render_trace(const SpecModel& model, const State& initial, const engine::Counterexample& cx,
                   trace::PropertyResult& out, ModelError& final_error) {
  State cur = initial;
  State canon = initial;
  std::vector<int> tau;
  const bool renaming = model.symmetry().active();
  if (renaming) model.symmetry().canonicalize(canon, &tau);
  trace::StateSnapshot prev = snapshot(model, cur);
  auto keys = primary_keys(model.spec());
  AbsoluteTime time(model.spec());
  for (size_t i = 0; i < cx.choices.size(); ++i) {
    Event ev;
    trace::TraceStep step;
    step.step = static_cast<int>(i + 1);
    engine::Choice choice = renaming ? model.rename(cx.choices[i], tau) : cx.choices[i];
    if (renaming) {
      Event on_canon;
      if (model.apply(canon, cx.choices[i], on_canon) && !on_canon.failed) {
        std::vector<int> from;
        model.symmetry().canonicalize(on_canon.after, &from);
        std::vector<int> next(tau.size());
        for (size_t k = 0; k < next.size(); ++k) next[k] = tau[from[k]];
        tau = std::move(next);
        canon = std::move(on_canon.after);
      }
    }
    if (!model.apply(cur, choice, ev)) {
      // Cannot happen for a trace the engine found from this model; say so rather than hide it.
      step.actor = "?";
      step.text = fmt::format("internal error: choice {} does not apply", cx.choices[i]);
      out.trace.push_back(std::move(step));
      break;
    }
    step.actor = ev.actor;
    step.kind = ev.kind;
    step.line = ev.line;
    step.text = ev.text;
    step.result = ev.result;
    step.after = snapshot(model, ev.after);
    time.after_step(ev.kind, step.result, step.after);
    step.changes = diff(prev, step.after, keys);
    if (ev.failed) final_error = ev.error;
    prev = step.after;
    cur = std::move(ev.after);
    out.trace.push_back(std::move(step));
  }
  out.has_trace = true;
  return cur;
}

void AbsoluteTime::after_step(trace::StepKind kind, std::string& result,
                              trace::StateSnapshot& after) {
  if (!relative_) return;
  if (kind == trace::StepKind::tick) result = fmt::format("now = {}", ++now_);
  if (result == "woke at 0") result = fmt::format("woke at {}", now_);
  after.clock = now_;
  for (auto& node : after.redis)
    for (auto& k : node.keys)
      if (!k.expires_at.empty()) k.expires_at = std::to_string(std::stoll(k.expires_at) + now_);
}

}  // namespace lockcheck::compile
