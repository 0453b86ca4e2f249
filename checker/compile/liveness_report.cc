#include "checker/compile/liveness_report.h"

#include <fmt/format.h>

#include "checker/compile/render_trace.h"
#include "checker/compile/snapshot.h"

namespace lockcheck::compile {

namespace {

// "3", "3 and 5", "3, 4 and 5".
std::string step_list(const std::vector<int>& steps) {
  std::string out;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) out += i + 1 == steps.size() ? " and " : ", ";
    out += std::to_string(steps[i]);
  }
  return out;
}

const trace::StateSnapshot& state_after(const trace::StateSnapshot& initial,
                                        const trace::PropertyResult& pr, int k) {
  return k == 0 ? initial : pr.trace[static_cast<size_t>(k - 1)].after;
}

}  // namespace

std::vector<State> states_along(const SpecModel& model, const State& initial,
                                const std::vector<engine::Choice>& choices) {
  std::vector<State> out{initial};
  for (engine::Choice c : choices) {
    Event ev;
    if (!model.apply(out.back(), c, ev) || ev.failed) break;
    out.push_back(std::move(ev.after));
  }
  return out;
}

std::string liveness_explanation(const SpecModel& model, const std::vector<State>& states,
                                 engine::PropertyId p, uint32_t member, bool cycle, int loop_to) {
  SpecModel::Obligation o = model.obligation(p, member);
  const Value* bound = o.bound ? &*o.bound : nullptr;
  const Interpreter& interp = model.interpreter();
  const State& last = states.back();
  std::string where = cycle ? "in any state of the trace" : "in the trace";
  if (o.p == nullptr) {
    for (const State& s : states) {
      ModelError e;
      if (interp.holds(*o.q, s, e, bound)) return "";
    }
    return fmt::format("never holds {}: {}", where, interp.explain(*o.q, last, bound));
  }
  // The monitor: armed from a P-state until a Q-state. It must be armed at the end, and with a
  // cycle in every state of it; `from` is where it armed for the last time.
  bool armed = false;
  size_t from = 0;
  for (size_t k = 0; k < states.size(); ++k) {
    ModelError e;
    bool p_holds = interp.holds(*o.p, states[k], e, bound);
    bool q_holds = interp.holds(*o.q, states[k], e, bound);
    bool next = (armed || p_holds) && !q_holds;
    if (next && !armed) from = k;
    armed = next;
  }
  if (!armed || (cycle && from > static_cast<size_t>(loop_to))) return "";
  return fmt::format(
      "P holds {}; Q never holds afterwards: {}",
      from == 0 ? std::string("in the initial state") : fmt::format("after step {}", from),
      interp.explain(*o.q, last, bound));
}

std::string fairness_line(const SpecModel& model, const trace::StateSnapshot& initial,
                          const trace::PropertyResult& pr) {
  const CompiledSpec& spec = model.spec();
  const int n = static_cast<int>(pr.trace.size());
  if (pr.trace_kind == "terminal") {
    const trace::StateSnapshot& last = state_after(initial, pr, n);
    std::vector<std::string> parts;
    for (const auto& p : last.processes) {
      std::string part = fmt::format("{} {}", p.name, p.status);
      if (p.status == "blocked" || p.status == "sleeping")
        part += fmt::format(" at line {}", p.line);
      if (p.status == "running") part += " (unfair: it may stop for ever)";
      parts.push_back(part);
    }
    return fmt::format("then nothing can run: {}", fmt::join(parts, ", "));
  }
  std::vector<std::string> parts;
  for (size_t p = 0; p < spec.procs.size(); ++p) {
    const std::string& name = spec.procs[p].name;
    std::vector<int> steps;
    for (int k = pr.loop_to; k < n; ++k) {
      const trace::TraceStep& st = pr.trace[static_cast<size_t>(k)];
      if (st.actor == name && st.kind != trace::StepKind::fault && st.kind != trace::StepKind::tick)
        steps.push_back(k + 1);
    }
    if (!steps.empty()) {
      parts.push_back(fmt::format("{} steps at {}", name, step_list(steps)));
      continue;
    }
    // It does not step: disabled in some state of the cycle (or unfair).
    std::vector<int> disabled;
    std::string why;
    for (int k = pr.loop_to; k < n; ++k) {
      const trace::StateSnapshot& s = state_after(initial, pr, k);
      if (p >= s.processes.size()) continue;
      const trace::ProcessSnapshot& ps = s.processes[p];
      if (ps.status == "running") continue;
      disabled.push_back(k);
      if (why.empty()) {
        why = ps.status == "blocked" || ps.status == "sleeping"
                  ? fmt::format("{} at line {}", ps.status, ps.line)
                  : ps.status;
        if (ps.position.find("(waits for") != std::string::npos)
          why += " " + ps.position.substr(ps.position.find("(waits for"));
      }
    }
    if (spec.groups[spec.procs[p].group].decl->unfair) {
      parts.push_back(fmt::format("{} is unfair (it may stop for ever)", name));
    } else if (!disabled.empty()) {
      bool always = disabled.size() == static_cast<size_t>(n - pr.loop_to);
      std::vector<int> after;
      for (int k : disabled) after.push_back(k);
      std::string where =
          always ? "throughout"
                 : fmt::format("in the state{} after step{} {}", after.size() > 1 ? "s" : "",
                               after.size() > 1 ? "s" : "", step_list(after));
      if (!always && after.size() == 1 && after[0] == 0) where = "in the initial state";
      parts.push_back(fmt::format("{} is {} {}", name, why, where));
    }
  }
  if (!spec.has_clock) {
    parts.push_back("no clock");
  } else {
    std::vector<int> ticks;
    for (int k = pr.loop_to; k < n; ++k)
      if (pr.trace[static_cast<size_t>(k)].kind == trace::StepKind::tick) ticks.push_back(k + 1);
    if (!ticks.empty()) {
      parts.push_back(fmt::format("the clock ticks at {}", step_list(ticks)));
    } else if (spec.clock_relative) {
      parts.push_back("no tick can run (nothing is due)");
    } else {
      parts.push_back(fmt::format("the clock is at its max ({})", spec.clock_max));
    }
  }
  bool faults = false;
  for (const auto& st : pr.trace) faults = faults || st.kind == trace::StepKind::fault;
  if (!faults) parts.push_back("no faults");
  return fmt::format("fair{}: {}", spec.ast.fairness_weak ? " (fairness weak)" : "",
                     fmt::join(parts, "; "));
}

void liveness_result(const SpecModel& model, const State& initial,
                     const engine::LivenessResult& result, engine::PropertyId p,
                     trace::PropertyResult& pr) {
  const auto& verdict = result.verdicts[p];
  if (!verdict) return;
  std::vector<std::string> members = model.member_names(p);
  switch (verdict->status) {
    case engine::LivenessStatus::holds:
      pr.status = trace::Status::holds;
      return;
    case engine::LivenessStatus::violated:
      pr.status = trace::Status::violated;
      break;
    case engine::LivenessStatus::inconclusive:
      pr.status = trace::Status::inconclusive;
      if (!result.complete) {
        pr.explanation =
            fmt::format("the graph is incomplete ({}): liveness is never decided on part of it",
                        result.incomplete_reason);
        return;
      }
      break;
  }
  const engine::Lasso& lasso = *verdict->counterexample;
  for (uint32_t m : verdict->failing_members)
    if (m < members.size()) pr.failing_members.push_back(members[m]);
  if (verdict->member < members.size()) pr.member = members[verdict->member];
  engine::Counterexample cx{lasso.choices, lasso.faults};
  ModelError ignored;
  render_trace(model, initial, cx, pr, ignored);
  pr.faults = lasso.faults;
  pr.trace_kind = lasso.cycle ? "lasso" : "terminal";
  pr.loop_to = static_cast<int>(lasso.loop_to);
  if (lasso.cycle)
    for (size_t k = lasso.loop_to; k < pr.trace.size(); ++k) pr.trace[k].cycle = true;
  pr.fairness = fairness_line(model, snapshot(model, initial), pr);

  std::vector<State> states = states_along(model, initial, lasso.choices);
  pr.explanation = liveness_explanation(model, states, p, verdict->member, lasso.cycle, pr.loop_to);
  if (lasso.horizon_bound) {
    // Named in the first state of the cycle (or the last state) that has it.
    std::string pending;
    for (size_t k = lasso.loop_to; pending.empty() && k < states.size(); ++k)
      pending = model.horizon_pending_text(states[k]);
    pr.explanation = fmt::format(
        "every counterexample is horizon-bound ({}): more time could still change it; {}",
        pending.empty() ? "time is due after the clock's max" : pending, pr.explanation);
  }
}

}  // namespace lockcheck::compile
