#include "checker/compile/replay_trace.h"

#include <fmt/format.h>

#include <memory>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/liveness_report.h"
#include "checker/compile/render_trace.h"
#include "checker/compile/snapshot.h"
#include "checker/front/front_end.h"

namespace lockcheck::compile {

namespace {

// Collects the choices `successors` offers; the states themselves are re-run by `apply`, which
// also describes them.
class ChoiceSink : public engine::SuccessorSink {
 public:
  void state(engine::Choice c, bool, std::string_view) override { choices.push_back(c); }
  void failure(engine::Choice c, bool, engine::PropertyId) override { choices.push_back(c); }
  std::vector<engine::Choice> choices;
};

// Statements may span lines in the spec; a message names them on one.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

int process_index(const CompiledSpec& spec, const std::string& name) {
  for (size_t p = 0; p < spec.procs.size(); ++p)
    if (spec.procs[p].name == name) return static_cast<int>(p);
  return -1;
}

int node_index(const CompiledSpec& spec, const std::string& name) {
  for (size_t n = 0; n < spec.node_names.size(); ++n)
    if (spec.node_names[n] == name) return static_cast<int>(n);
  return -1;
}

std::string no_such_process(const CompiledSpec& spec, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& p : spec.procs) names.push_back(p.name);
  std::string hint = closest_match(name, names);
  return fmt::format("the spec has no process named '{}'{}", name,
                     hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
}

std::string names(const CompiledSpec& spec, const std::vector<int>& procs) {
  std::string out;
  for (size_t i = 0; i < procs.size(); ++i) {
    if (i) out += i + 1 == procs.size() ? " and " : ", ";
    const int n = static_cast<int>(spec.procs.size());
    out += procs[i] < n ? spec.procs[procs[i]].name
                        : spec.procs[procs[i] - n].name + " (orphaned statement)";
  }
  return out;
}

// Where process p stands when it cannot take a step: "it is done", "it is blocked at line 12
// (UPDATE ...), waiting for bob_to_alice".
std::string why_not_running(const SpecModel& model, const State& s, int p) {
  const CompiledSpec& spec = model.spec();
  switch (s.procs[p].status) {
    case ProcStatus::done:
      return "it is done";
    case ProcStatus::crashed:
      return "it has crashed";
    case ProcStatus::running:
      break;
  }
  const ast::Stmt* st = model.interpreter().next_statement(s, p);
  std::string where =
      st ? fmt::format("line {} ({})", st->loc.line, one_line(st->text)) : std::string("its end");
  StepOutcome o = model.interpreter().probe(s, p);
  switch (o.blocked_on) {
    case BlockReason::sql:
      return o.waits_for.empty() ? fmt::format("it is blocked at {}", where)
                                 : fmt::format("it is blocked at {}, waiting for {}", where,
                                               names(spec, o.waits_for));
    case BlockReason::await_:
      return fmt::format("it is waiting at {}", where);
    case BlockReason::sleep:
      return fmt::format("it is asleep at {}", where);
    case BlockReason::none:
      break;
  }
  return fmt::format("it is at {}", where);
}

std::string statement_error(const SpecModel& model, const State& s, const RecordedStep& step,
                            const std::vector<const EnabledTransition*>& mine) {
  const CompiledSpec& spec = model.spec();
  int p = process_index(spec, step.actor);
  if (p < 0) return no_such_process(spec, step.actor);
  std::string what = fmt::format("{} cannot run line {} here", step.actor, step.line);
  if (!mine.empty()) {
    const Event& ev = mine.front()->event;
    return fmt::format("{}: it is at line {} ({})", what, ev.line, one_line(ev.text));
  }
  return fmt::format("{}: {}", what, why_not_running(model, s, p));
}

std::string fault_error(const SpecModel& model, const State& s, const RecordedStep& step) {
  const CompiledSpec& spec = model.spec();
  int p = process_index(spec, step.actor);
  int node = node_index(spec, step.actor);
  if (p < 0 && node < 0) {
    return fmt::format("the spec has no process or Redis node named '{}' for the fault '{}'",
                       step.actor, step.text);
  }
  bool declared = false;
  for (const Fault& f : spec.faults) {
    if (f.target == FaultTarget::process_crash && p >= 0) {
      declared = declared || spec.procs[p].group == f.group;
    } else if (f.target == FaultTarget::node_restart && node >= 0) {
      const NodeGroup& g = spec.node_groups[f.group];
      declared = declared || (node >= g.first && node < g.first + g.count);
    }
  }
  std::string what = fmt::format("'{}' cannot happen here", step.text);
  if (!declared) return fmt::format("{}: the spec declares no fault for {}", what, step.actor);
  if (p >= 0 && s.procs[p].status != ProcStatus::running) {
    return fmt::format("{}: {}", what, why_not_running(model, s, p));
  }
  if (node >= 0 && s.nodes[node].entries.empty()) {
    return fmt::format("{}: {} holds no key (an empty node is not restarted)", what, step.actor);
  }
  return fmt::format("{}: the fault budget is used up", what);
}

std::vector<std::vector<int>> primary_keys(const CompiledSpec& spec) {
  std::vector<std::vector<int>> out;
  for (const auto& t : spec.schema.tables) out.push_back(t.primary_key);
  return out;
}

// The property's verdict in the last state, worded as `check` words it.
void evaluate_at_end(const SpecModel& model, const std::vector<State>& states,
                     const Event* last_event, const std::string& name, const ReplayOptions& options,
                     ReplayResult& out) {
  const State& last = states.back();
  const auto& props = model.properties();
  engine::PropertyId id = 0;
  while (id < props.size() && props[id].name != name) ++id;
  out.property.name = name;
  if (id == props.size()) return;
  out.found = true;
  trace::PropertyResult& pr = out.property;
  bool failed = last_event != nullptr && last_event->failed;
  switch (props[id].kind) {
    case engine::PropertyKind::invariant:
    case engine::PropertyKind::reachable: {
      const ast::PropertyDecl* decl = model.decl(id);
      pr.kind = props[id].kind == engine::PropertyKind::invariant ? trace::PropertyKind::invariant
                                                                  : trace::PropertyKind::reachable;
      pr.text = decl->text;
      ModelError error;
      bool ok = model.interpreter().holds(*decl->expr, last, error);
      if (!error.message.empty()) {
        pr.status = trace::Status::unknown;
        pr.explanation = "cannot be evaluated: " + error.message;
      } else if (pr.kind == trace::PropertyKind::invariant) {
        pr.status = ok ? trace::Status::holds : trace::Status::violated;
        if (!ok) pr.explanation = "is false: " + model.interpreter().explain(*decl->expr, last);
      } else {
        // A reachable property "holds" at the end of a trace that reaches it.
        pr.status = ok ? trace::Status::holds : trace::Status::violated;
      }
      break;
    }
    case engine::PropertyKind::deadlock:
      pr.kind = trace::PropertyKind::deadlock;
      pr.explanation = model.deadlock_explanation(last);
      pr.status = pr.explanation.empty() ? trace::Status::holds : trace::Status::violated;
      break;
    case engine::PropertyKind::assertion:
      pr.kind = trace::PropertyKind::assertion;
      if (failed && last_event->error.assertion) pr.explanation = last_event->error.message;
      pr.status = pr.explanation.empty() ? trace::Status::holds : trace::Status::violated;
      break;
    case engine::PropertyKind::model_error:
      pr.kind = trace::PropertyKind::model_error;
      pr.explanation = failed && !last_event->error.assertion ? last_event->error.message
                                                              : model.property_error(last);
      pr.status = pr.explanation.empty() ? trace::Status::holds : trace::Status::violated;
      break;
    case engine::PropertyKind::eventually:
    case engine::PropertyKind::leads:
      // A liveness counterexample is a whole behaviour, not a last state: replay checks that
      // its cycle closes (see replay_trace.h).
      pr.kind = props[id].kind == engine::PropertyKind::eventually ? trace::PropertyKind::eventually
                                                                   : trace::PropertyKind::leads;
      pr.text = model.decl(id)->text;
      {
        uint32_t member = 0;
        std::vector<std::string> members = model.member_names(id);
        for (uint32_t m = 0; m < members.size(); ++m)
          if (members[m] == options.member) member = m;
        const bool cycle = options.loop_to >= 0;
        pr.explanation = liveness_explanation(model, states, id, member, cycle, options.loop_to);
        pr.status = !pr.explanation.empty() && (!cycle || out.cycle_closes)
                        ? trace::Status::violated
                        : trace::Status::holds;
      }
      break;
  }
}

}  // namespace

std::vector<EnabledTransition> enabled_transitions(const SpecModel& model, const State& s) {
  // `successors` is the one place that knows which transitions exist; asking it keeps the
  // replay in step with the search without a second list of them.
  ChoiceSink sink;
  model.successors(model.encode(s), sink);
  std::vector<EnabledTransition> out;
  for (engine::Choice c : sink.choices) {
    EnabledTransition t;
    t.choice = c;
    if (model.apply(s, c, t.event)) out.push_back(std::move(t));
  }
  return out;
}

std::optional<EnabledTransition> match_step(const SpecModel& model, const State& s,
                                            const RecordedStep& step, std::string& error) {
  std::vector<EnabledTransition> all = enabled_transitions(model, s);
  std::vector<const EnabledTransition*> mine;
  for (const EnabledTransition& t : all)
    if (t.event.kind == step.kind && t.event.actor == step.actor) mine.push_back(&t);
  const CompiledSpec& spec = model.spec();

  switch (step.kind) {
    case trace::StepKind::statement:
      // A process has one next step; it must start where the recorded one did.
      if (mine.size() == 1 && mine.front()->event.line == step.line) return *mine.front();
      error = statement_error(model, s, step, mine);
      return std::nullopt;
    case trace::StepKind::tick:
      for (const EnabledTransition& t : all)
        if (t.event.kind == trace::StepKind::tick) return t;
      error = spec.has_clock
                  ? fmt::format("no tick is possible (the clock is at its max {})", s.clock)
                  : "no tick is possible (the spec has no clock)";
      return std::nullopt;
    case trace::StepKind::orphan:
      for (const EnabledTransition* t : mine)
        if (t->event.line == step.line) return *t;
      error = fmt::format("{} has no orphaned statement at line {} that can go on here", step.actor,
                          step.line);
      return std::nullopt;
    case trace::StepKind::abort: {
      if (!mine.empty()) return *mine.front();
      int p = process_index(spec, step.actor);
      if (p < 0) {
        error = no_such_process(spec, step.actor);
      } else if (!spec.detect_deadlocks) {
        error =
            fmt::format("the deadlock detector cannot abort {}: the database has none", step.actor);
      } else {
        error = fmt::format(
            "the deadlock detector cannot abort {} here: it is on no wait-for cycle ({})",
            step.actor, why_not_running(model, s, p));
      }
      return std::nullopt;
    }
    case trace::StepKind::fault: {
      // Several faults may hit one actor (a crash, a crash with restart): the one declared at
      // the recorded line, else (the declaration moved) the one with the recorded text. Never
      // another fault in its place: a crash is not a crash with restart.
      for (const EnabledTransition* t : mine)
        if (t->event.line == step.line && t->event.text == step.text) return *t;
      for (const EnabledTransition* t : mine)
        if (t->event.text == step.text) return *t;
      error = fault_error(model, s, step);
      return std::nullopt;
    }
  }
  error = "unknown step kind";
  return std::nullopt;
}

ReplayResult replay_trace(const std::string& path, const std::string& source,
                          const std::vector<RecordedStep>& steps, const std::string& property,
                          const ReplayOptions& options) {
  ReplayResult out;
  Diagnostics diags;
  std::unique_ptr<ast::Spec> spec = front::read_spec(source, path, diags);
  std::unique_ptr<CompiledSpec> compiled;
  if (spec && !diags.has_errors()) compiled = CompiledSpec::build(*spec, options.consts, diags);
  if (!compiled) {
    out.spec_error = render_all(diags, path, source);
    if (out.spec_error.empty())
      out.spec_error = fmt::format("{}: error: the spec could not be read\n", path);
    return out;
  }
  Interpreter interp(*compiled);
  State cur;
  ModelError init_error;
  if (!interp.initial(cur, init_error)) {
    out.error = "the spec's initial state is broken: " + init_error.message;
    return out;
  }
  // Without symmetry reduction: the replay walks real states, so names stay put.
  std::vector<std::string> notes;
  SpecModel model(*compiled, cur, /*symmetry=*/false, notes);
  out.initial = snapshot(model, cur);
  const auto keys = primary_keys(*compiled);
  trace::StateSnapshot prev = out.initial;
  Event last_event;
  bool any = false;
  std::vector<State> states{cur};
  AbsoluteTime time(*compiled);
  for (size_t i = 0; i < steps.size(); ++i) {
    const RecordedStep& recorded = steps[i];
    int number = recorded.step > 0 ? recorded.step : static_cast<int>(i + 1);
    std::string error;
    std::optional<EnabledTransition> t = match_step(model, cur, recorded, error);
    if (!t) {
      out.error = fmt::format("step {}: {}", number, error);
      return out;
    }
    Event& ev = t->event;
    if (ev.failed && i + 1 < steps.size()) {
      // A failing step has no state after it, so nothing can follow it.
      out.error = fmt::format("step {}: {} fails at line {} ({}): {}; the trace goes on after it",
                              number, ev.actor, ev.line, one_line(ev.text), ev.error.message);
      return out;
    }
    trace::TraceStep step;
    step.step = number;
    step.actor = ev.actor;
    step.kind = ev.kind;
    step.line = ev.line;
    step.text = ev.text;
    step.result = ev.result;
    step.after = snapshot(model, ev.after);
    time.after_step(ev.kind, step.result, step.after);
    step.changes = diff(prev, step.after, keys);
    prev = step.after;
    out.steps.push_back(std::move(step));
    out.last_step_failed = ev.failed;
    cur = std::move(ev.after);
    states.push_back(cur);
    last_event = std::move(ev);
    any = true;
  }
  if (options.loop_to >= 0) {
    // A lasso: the cycle must come back to where it started (states compare as the search
    // stores them).
    const size_t to = static_cast<size_t>(options.loop_to);
    out.cycle_closes = to < states.size() - 1 && model.encode(states[to]) == model.encode(cur);
    if (!out.cycle_closes) {
      out.error = fmt::format(
          "the cycle does not close: the state after step {} is not the state after step {}",
          states.size() - 1, to);
      if (to == 0)
        out.error.replace(out.error.rfind("the state after step 0"), 22, "the initial state");
    }
  }
  evaluate_at_end(model, states, any ? &last_event : nullptr, property, options, out);
  return out;
}

}  // namespace lockcheck::compile
