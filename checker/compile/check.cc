#include "checker/compile/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/liveness_report.h"
#include "checker/compile/render_trace.h"
#include "checker/compile/snapshot.h"
#include "checker/compile/spec_model.h"
#include "checker/engine/random_walk.h"
#include "checker/front/front_end.h"

namespace lockcheck::compile {

namespace {

trace::PropertyKind kind_of(engine::PropertyKind k) {
  switch (k) {
    case engine::PropertyKind::invariant:
      return trace::PropertyKind::invariant;
    case engine::PropertyKind::reachable:
      return trace::PropertyKind::reachable;
    case engine::PropertyKind::deadlock:
      return trace::PropertyKind::deadlock;
    case engine::PropertyKind::assertion:
      return trace::PropertyKind::assertion;
    case engine::PropertyKind::model_error:
      return trace::PropertyKind::model_error;
    case engine::PropertyKind::eventually:
      return trace::PropertyKind::eventually;
    case engine::PropertyKind::leads:
      return trace::PropertyKind::leads;
  }
  return trace::PropertyKind::invariant;
}

bool has_counterexample(const engine::SearchResult& sr) {
  for (const auto& v : sr.violations)
    if (v) return true;
  return false;
}

// The spec's errors, rendered for the terminal and as data for the JSON report.
void set_errors(trace::SpecResult& r, const Diagnostics& diags, const std::string& path,
                const std::string& source) {
  r.error_text = render_all(diags, path, source);
  for (const Diagnostic& d : diags.sorted()) {
    if (d.severity == Severity::error)
      r.errors.push_back({path, d.loc.line, d.loc.column, d.message});
  }
}

// The model with each `reachable` property turned into an invariant violated where it holds, so
// that the search's shortest counterexample to it is a shortest witness (same tie-breaks, same
// trace for any number of threads).
class WitnessModel final : public engine::Model {
 public:
  explicit WitnessModel(const engine::Model& inner) : inner_(inner) {
    for (const auto& p : inner.properties())
      properties_.push_back({p.name, p.kind == engine::PropertyKind::reachable
                                         ? engine::PropertyKind::invariant
                                         : engine::PropertyKind::reachable});
  }
  std::string initial() const override { return inner_.initial(); }
  void successors(std::string_view s, engine::SuccessorSink& sink) const override {
    inner_.successors(s, sink);
  }
  const std::vector<engine::PropertyInfo>& properties() const override { return properties_; }
  void evaluate(std::string_view s, engine::StateReport& out) const override {
    engine::StateReport inner;
    inner_.evaluate(s, inner);
    out.violated = std::move(inner.satisfied);  // only the reachable ones are kept
  }

 private:
  const engine::Model& inner_;
  std::vector<engine::PropertyInfo> properties_;
};

// Searches a model; `spent` is the time already used by an earlier search of the same spec.
using Searcher = std::function<engine::SearchResult(const engine::Model&, double spent)>;
// Runs the liveness pass on a plain model (null: liveness properties stay unknown).
using LivenessChecker = std::function<engine::LivenessResult(const engine::Model&, double spent)>;

// Reads, compiles and explores a spec with `search`, then renders the verdicts and traces.
trace::SpecResult run_spec(const std::string& path, const std::string& source,
                           const CheckOptions& options, const Searcher& search,
                           const LivenessChecker& liveness = nullptr) {
  trace::SpecResult r;
  r.file = path;
  r.spec = std::filesystem::path(path).stem().string();
  Diagnostics diags;
  std::unique_ptr<ast::Spec> spec = front::read_spec(source, path, diags);
  if (!spec || diags.has_errors()) {
    set_errors(r, diags, path, source);
    if (r.error_text.empty()) {
      r.error_text = fmt::format("{}: error: the spec could not be read\n", path);
      r.errors.push_back({path, 0, 0, "the spec could not be read"});
    }
    return r;
  }
  r.spec = spec->name;
  std::vector<std::pair<std::string, int64_t>> consts;
  for (const auto& c : options.consts) {
    bool declared = std::any_of(spec->consts.begin(), spec->consts.end(),
                                [&](const ast::ConstDecl& d) { return d.name == c.first; });
    if (declared) r.consts_applied.push_back(c.first);
    if (declared || !options.skip_undeclared_consts) consts.push_back(c);
  }
  std::unique_ptr<CompiledSpec> compiled = CompiledSpec::build(*spec, consts, diags);
  if (compiled && spec->processes.empty()) {
    // Without a process no step can run: the search would end at once and "hold".
    diags.error(spec->name_loc.valid() ? spec->name_loc : SourceLoc{1, 1},
                "nothing to check: the spec declares no process (add `process NAME { ... }` with "
                "the steps of a client)");
    compiled.reset();
  }
  if (!compiled) {
    set_errors(r, diags, path, source);
    return r;
  }
  Interpreter interp(*compiled);
  State init;
  ModelError init_error;
  bool init_ok = interp.initial(init, init_error);

  for (size_t p = 0; p < compiled->procs.size(); ++p)
    r.lanes.push_back({compiled->procs[p].name, "process"});
  if (compiled->has_db) r.lanes.push_back({compiled->db_name, "database"});
  for (const auto& n : compiled->node_names) r.lanes.push_back({n, "redis"});
  if (compiled->has_clock) r.lanes.push_back({"clock", "clock"});

  if (!init_ok) {
    // Nothing can run: the spec's initial state itself is broken.
    trace::PropertyResult pr;
    pr.name = init_error.assertion ? "assert" : "model_error";
    pr.kind =
        init_error.assertion ? trace::PropertyKind::assertion : trace::PropertyKind::model_error;
    pr.status = trace::Status::violated;
    pr.expected = trace::Status::holds;
    pr.as_expected = false;
    pr.explanation = "in the initial state: " + init_error.message;
    pr.has_trace = true;
    r.properties.push_back(std::move(pr));
    r.complete = true;
    r.as_expected = false;
    return r;
  }

  bool symmetry = options.symmetry;
  auto model_ptr = std::make_unique<SpecModel>(*compiled, init, symmetry, r.notes, options.por);
  engine::SearchResult sr = search(*model_ptr, 0);
  if (model_ptr->symmetry().active() && model_ptr->interpreter().pid_text_used()) {
    // A process id became text somewhere (`lock:$self`): representatives could have merged
    // states that differ in that text. Check again without the reduction.
    std::vector<std::string> ignored;
    symmetry = false;
    model_ptr = std::make_unique<SpecModel>(*compiled, init, false, ignored, options.por);
    r.notes.push_back("symmetry off: a process id is turned into text (as in 'lock:$self')");
    sr = search(*model_ptr, 0);
  }
  if (sr.reduced_states > 0 && has_counterexample(sr)) {
    // The reduced graph keeps every violation but not every path: its shortest trace may be
    // longer than the real shortest one. So the spec is searched again without the reduction,
    // within what is left of the time limit, and that search's traces and counts are reported.
    std::vector<std::string> ignored;
    double spent = sr.seconds;
    model_ptr = std::make_unique<SpecModel>(*compiled, init, symmetry, ignored, false);
    sr = search(*model_ptr, spent);
  }
  const SpecModel& model = *model_ptr;
  // Witnesses of the reachable properties that hold: a search of their own, on a model without
  // partial-order reduction (its traces need not be shortest).
  std::unique_ptr<SpecModel> witness_model;
  engine::SearchResult witnesses;
  if (options.witness && sr.complete) {
    std::vector<std::string> ignored;
    witness_model = std::make_unique<SpecModel>(*compiled, init, symmetry, ignored, false);
    witnesses = search(WitnessModel(*witness_model), sr.seconds);
  }
  // Liveness: the whole graph again, without reductions and on one thread (liveness.h).
  std::unique_ptr<SpecModel> plain;
  std::optional<engine::LivenessResult> lr;
  if (liveness && sr.complete && engine::has_liveness(model)) {
    std::vector<std::string> ignored;
    plain = std::make_unique<SpecModel>(*compiled, init, false, ignored, false);
    if (options.symmetry || options.por)
      r.notes.push_back(
          "symmetry and partial-order reduction off for the liveness properties: a cycle of the "
          "reduced graph need not be a fair cycle of the real one");
    lr = liveness(*plain, sr.seconds);
    r.notes.push_back(fmt::format(
        "liveness: {} states, {} transitions, {:.2f} s, {} MiB (the safety search: {:.2f} s, "
        "{} MiB)",
        lr->states, lr->transitions, lr->seconds, lr->memory_bytes >> 20, sr.seconds,
        sr.peak_memory_bytes >> 20));
  }
  r.initial = snapshot(model, init);
  r.complete = sr.complete && (!lr || lr->complete);
  r.incomplete_reason = sr.incomplete_reason;
  if (sr.complete && lr && !lr->complete)
    r.incomplete_reason = "liveness: " + lr->incomplete_reason;
  r.stats.states = sr.states;
  r.stats.transitions = sr.transitions;
  r.stats.depth = sr.depth;
  r.stats.seconds = sr.seconds;
  r.stats.peak_memory_bytes = sr.peak_memory_bytes;
  r.stats.bytes_per_state = sr.bytes_per_state;

  auto expected_violated = [&](const std::string& name, engine::PropertyKind kind) {
    for (const auto& e : spec->expects) {
      if (e.kind == ast::ExpectKind::deadlock && kind == engine::PropertyKind::deadlock)
        return true;
      if (e.kind == ast::ExpectKind::violated && e.name == name) return true;
    }
    return false;
  };

  bool all_as_expected = true;
  const auto& props = model.properties();
  for (engine::PropertyId p = 0; p < props.size(); ++p) {
    const auto& info = props[p];
    bool violated = p < sr.violations.size() && sr.violations[p].has_value();
    if (info.kind == engine::PropertyKind::assertion && !compiled->has_asserts && !violated)
      continue;
    trace::PropertyResult pr;
    pr.name = info.name;
    pr.kind = kind_of(info.kind);
    if (const ast::PropertyDecl* d = model.decl(p)) pr.text = d->text;
    pr.expected =
        expected_violated(info.name, info.kind) ? trace::Status::violated : trace::Status::holds;
    if (info.kind == engine::PropertyKind::eventually || info.kind == engine::PropertyKind::leads) {
      if (lr && sr.complete) {
        liveness_result(*plain, init, *lr, p, pr);
        const auto& v = lr->verdicts[p];
        if (v && v->goal_at_start && info.kind == engine::PropertyKind::eventually)
          r.notes.push_back(
              fmt::format("'{}' holds in the initial state: it says nothing", info.name));
        if (v && !v->p_reached && info.kind == engine::PropertyKind::leads)
          r.notes.push_back(fmt::format(
              "'{}': no reachable state satisfies P, so it holds vacuously", info.name));
      } else {
        pr.status = trace::Status::unknown;
      }
    } else if (info.kind == engine::PropertyKind::reachable) {
      bool reached = p < sr.reached.size() && sr.reached[p];
      pr.status = reached       ? trace::Status::holds
                  : sr.complete ? trace::Status::violated
                                : trace::Status::unknown;
      if (pr.status == trace::Status::violated) pr.explanation = "no reachable state satisfies it";
      if (reached && witness_model && p < witnesses.violations.size() && witnesses.violations[p]) {
        trace::PropertyResult w;
        ModelError ignored;
        render_trace(*witness_model, init, *witnesses.violations[p], w, ignored);
        pr.witness = std::move(w.trace);
      }
    } else if (violated) {
      pr.status = trace::Status::violated;
      const engine::Counterexample& cx = *sr.violations[p];
      pr.faults = cx.faults;
      ModelError final_error;
      State last = render_trace(model, init, cx, pr, final_error);
      switch (info.kind) {
        case engine::PropertyKind::invariant:
          pr.explanation = "is false: " + model.interpreter().explain(*model.decl(p)->expr, last);
          break;
        case engine::PropertyKind::deadlock:
          pr.explanation = model.deadlock_explanation(last);
          pr.wait_for = model.wait_edges(last);
          break;
        case engine::PropertyKind::assertion:
        case engine::PropertyKind::model_error:
          pr.explanation =
              !final_error.message.empty() ? final_error.message : model.property_error(last);
          break;
        case engine::PropertyKind::reachable:
        case engine::PropertyKind::eventually:
        case engine::PropertyKind::leads:
          break;
      }
    } else {
      pr.status = sr.complete ? trace::Status::holds : trace::Status::unknown;
    }
    const bool undecided =
        pr.status == trace::Status::unknown || pr.status == trace::Status::inconclusive;
    pr.as_expected = pr.status == pr.expected || undecided;
    if (pr.status != pr.expected && !undecided) all_as_expected = false;
    r.properties.push_back(std::move(pr));
  }
  r.as_expected = sr.complete && all_as_expected;
  return r;
}

}  // namespace

trace::SpecResult check_spec(const std::string& path, const std::string& source,
                             const CheckOptions& options) {
  return run_spec(
      path, source, options,
      [&](const engine::Model& m, double spent) {
        engine::SearchOptions search = options.search;
        if (search.max_seconds > 0) search.max_seconds = std::max(search.max_seconds - spent, 1e-3);
        return engine::search(m, search);
      },
      [&](const engine::Model& m, double spent) {
        engine::LivenessOptions live;
        live.max_states = options.search.max_states;
        live.max_memory_bytes = options.search.max_memory_bytes;
        live.stop = options.search.stop;
        if (options.search.max_seconds > 0)
          live.max_seconds = std::max(options.search.max_seconds - spent, 1e-3);
        return engine::check_liveness(m, live);
      });
}

trace::SpecResult simulate_spec(const std::string& path, const std::string& source,
                                const CheckOptions& options, const engine::WalkOptions& walks) {
  CheckOptions plain = options;
  plain.symmetry = false;  // walks gain nothing from merged states, and keep real names
  engine::WalkOptions w = walks;
  if (w.stop == nullptr) w.stop = options.search.stop;
  return run_spec(path, source, plain,
                  [&](const engine::Model& m, double) { return engine::random_walks(m, w); });
}

}  // namespace lockcheck::compile
