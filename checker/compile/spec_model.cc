#include "checker/compile/spec_model.h"

#include <fmt/format.h>

#include <boost/container/small_vector.hpp>
#include <cassert>
#include <memory>

#include "models/sql/wait_for_graph.h"

namespace lockcheck::compile {

namespace {

// Choices are numbered so that process steps come first, then orphaned statements of crashed
// clients (§4.3), the tick, the deadlock detector's aborts and the faults: the lexicographic
// tie-break among shortest traces prefers process steps, and then lower-numbered processes.
enum ChoiceKind : uint32_t { kStep = 0, kOrphan = 1, kTick = 2, kAbort = 3, kFault = 4 };

engine::Choice make_choice(ChoiceKind kind, uint32_t a, uint32_t b) {
  return (static_cast<uint32_t>(kind) << 24) | (a << 12) | b;
}
ChoiceKind choice_kind(engine::Choice c) { return static_cast<ChoiceKind>(c >> 24); }
uint32_t choice_a(engine::Choice c) { return (c >> 12) & 0xfff; }
uint32_t choice_b(engine::Choice c) { return c & 0xfff; }

// A State buffer of this thread, reused across calls: a successor is built by copy-assigning
// the parent into it, which reuses the storage of its nested vectors instead of allocating
// them again for every successor. Leases nest (each holder gets its own buffer).
class ScratchState {
 public:
  ScratchState() {
    if (free_.empty()) {
      state_ = std::make_unique<State>();
    } else {
      state_ = std::move(free_.back());
      free_.pop_back();
    }
  }
  ~ScratchState() { free_.push_back(std::move(state_)); }
  ScratchState(const ScratchState&) = delete;
  ScratchState& operator=(const ScratchState&) = delete;
  // The buffer, now equal to `s`.
  State& copy_of(const State& s) {
    *state_ = s;
    source_ = nullptr;
    return *state_;
  }
  // The same, for a step of process p. A process step writes only its own ProcState and the
  // shared parts (variables, database, Redis nodes), so when the buffer last held such a step
  // from the same `s`, only those are copied back instead of every process. `own_only` is false
  // when storing the successor rewrites more (symmetry reduction renames all processes).
  State& copy_for_step(const State& s, int p, bool own_only) {
    if (source_ != &s) {
      *state_ = s;
    } else {
      State& t = *state_;
      t.clock = s.clock;
      t.shared = s.shared;
      t.ghosts = s.ghosts;
      t.has_db = s.has_db;
      t.db = s.db;
      t.nodes = s.nodes;
      t.procs[static_cast<size_t>(stepped_)] = s.procs[static_cast<size_t>(stepped_)];
      t.faults_used = s.faults_used;
      t.faults_total = s.faults_total;
      assert(t == s);  // a State field added later must be copied back here too
    }
    source_ = own_only ? &s : nullptr;
    stepped_ = p;
    return *state_;
  }

 private:
  static thread_local std::vector<std::unique_ptr<State>> free_;
  std::unique_ptr<State> state_;
  const State* source_ = nullptr;  // set while the buffer is `*source_` but for the shared parts
                                   // and process `stepped_`
  int stepped_ = -1;
};

thread_local std::vector<std::unique_ptr<State>> ScratchState::free_;

}  // namespace

SpecModel::SpecModel(const CompiledSpec& spec, State initial, bool symmetry,
                     std::vector<std::string>& notes, bool partial_order)
    : spec_(spec),
      layout_(spec),
      interp_(spec),
      symmetry_(spec, symmetry, notes),
      partial_order_(spec, partial_order && !spec.schema.snapshots) {
  if (partial_order && spec.schema.snapshots)
    notes.push_back(
        "partial-order reduction off: transaction modes are state (a REPEATABLE READ or "
        "SERIALIZABLE transaction's first statement takes a snapshot of every table; READ ONLY), "
        "which the reduction's footprints do not describe");
  initial_bytes_ = store(initial);
  for (const auto& p : spec_.ast.properties) {
    engine::PropertyInfo info;
    info.name = p.name;
    switch (p.kind) {
      case ast::PropertyKind::invariant:
        info.kind = engine::PropertyKind::invariant;
        break;
      case ast::PropertyKind::reachable:
        info.kind = engine::PropertyKind::reachable;
        break;
      case ast::PropertyKind::eventually:
        info.kind = engine::PropertyKind::eventually;
        break;
      case ast::PropertyKind::leads:
        info.kind = engine::PropertyKind::leads;
        if (p.expr && p.expr->kind == ast::ExprKind::quantifier && p.expr->ref.index >= 0)
          info.members = static_cast<uint32_t>(spec_.groups[p.expr->ref.index].count);
        break;
    }
    properties_.push_back(info);
    decls_.push_back(&p);
  }
  deadlock_id_ = static_cast<engine::PropertyId>(properties_.size());
  properties_.push_back({"deadlock", engine::PropertyKind::deadlock});
  assert_id_ = static_cast<engine::PropertyId>(properties_.size());
  properties_.push_back({"assert", engine::PropertyKind::assertion});
  model_error_id_ = static_cast<engine::PropertyId>(properties_.size());
  properties_.push_back({"model_error", engine::PropertyKind::model_error});
}

std::string SpecModel::store(State& s) const {
  if (symmetry_.active()) symmetry_.canonicalize(s);
  return s.encode(spec_.pool, layout_);
}

engine::Choice SpecModel::rename(engine::Choice c, const std::vector<int>& tau) const {
  uint32_t b = choice_b(c);
  bool process = choice_kind(c) == kStep || choice_kind(c) == kAbort || choice_kind(c) == kOrphan ||
                 (choice_kind(c) == kFault && choice_a(c) < spec_.faults.size() &&
                  spec_.faults[choice_a(c)].target == FaultTarget::process_crash);
  if (!process) return c;
  // An abort names a transaction slot: an orphan's is processes + its process.
  const size_t n = tau.size();
  if (choice_kind(c) == kAbort && b >= n && b < 2 * n)
    return make_choice(kAbort, choice_a(c), static_cast<uint32_t>(n + tau[b - n]));
  if (b >= n) return c;
  return make_choice(choice_kind(c), choice_a(c), static_cast<uint32_t>(tau[b]));
}

State SpecModel::decode(std::string_view bytes) const { return State::decode(bytes, layout_); }

bool SpecModel::fault_budget_left(const State& s, size_t fault) const {
  if (s.faults_used[fault] >= spec_.faults[fault].budget) return false;
  return spec_.total_fault_budget < 0 || s.faults_total < spec_.total_fault_budget;
}

std::vector<SpecModel::Probe> SpecModel::probe(const State& s) const {
  const size_t n = s.procs.size();
  std::vector<Probe> out(s.has_db ? std::max(s.db.txns.size(), n) : n);
  for (size_t p = 0; p < n; ++p) {
    if (s.procs[p].status != ProcStatus::running) continue;
    StepOutcome o = interp_.probe(s, static_cast<int>(p));
    out[p].enabled = o.status != StepStatus::blocked;
    out[p].blocked_on = o.blocked_on;
    out[p].waits_for = std::move(o.waits_for);
  }
  for (size_t slot = n; slot < out.size(); ++slot) {
    if (!s.db.cursors[slot].active) continue;
    out[slot].waits_for = interp_.orphan_waits_for(s, static_cast<int>(slot - n));
    out[slot].enabled = out[slot].waits_for.empty();
    if (!out[slot].enabled) out[slot].blocked_on = BlockReason::sql;
  }
  return out;
}

bool SpecModel::any_waiting(const State& s) const {
  if (!s.has_db) return false;
  for (const sql::Cursor& c : s.db.cursors)
    if (c.active) return true;
  return false;
}

std::vector<int> SpecModel::cycle(const std::vector<Probe>& probes) const {
  std::vector<std::pair<int, int>> edges;
  for (size_t p = 0; p < probes.size(); ++p)
    if (probes[p].blocked_on == BlockReason::sql)
      for (int q : probes[p].waits_for) edges.emplace_back(static_cast<int>(p), q);
  if (edges.empty()) return {};
  return sql::find_cycle(static_cast<int>(probes.size()), edges);
}

std::vector<int> SpecModel::cycle_members(const std::vector<Probe>& probes) const {
  std::vector<std::pair<int, int>> edges;
  for (size_t p = 0; p < probes.size(); ++p)
    if (probes[p].blocked_on == BlockReason::sql)
      for (int q : probes[p].waits_for) edges.emplace_back(static_cast<int>(p), q);
  if (edges.empty()) return {};
  return sql::nodes_on_cycles(static_cast<int>(probes.size()), edges);
}

void SpecModel::successors(std::string_view bytes, engine::SuccessorSink& sink) const {
  State s = decode(bytes);
  ScratchState scratch;
  // Process steps.
  for (size_t p = 0; p < s.procs.size(); ++p) {
    if (s.procs[p].status != ProcStatus::running) continue;
    if (interp_.still_waits(s, static_cast<int>(p))) continue;  // blocked: no step, no copy
    State& next = scratch.copy_for_step(s, static_cast<int>(p), !symmetry_.active());
    StepOutcome o = interp_.step(next, static_cast<int>(p));
    engine::Choice c = make_choice(kStep, 0, static_cast<uint32_t>(p));
    if (o.status == StepStatus::blocked) continue;
    if (o.status == StepStatus::failed) {
      sink.failure(c, false, o.error.assertion ? assert_id_ : model_error_id_);
      continue;
    }
    sink.state(c, false, store(next));
  }
  // Orphaned statements of crashed clients go on as the environment's steps.
  if (s.has_db && s.db.cursors.size() > s.procs.size()) {
    for (size_t p = 0; p < s.procs.size(); ++p) {
      if (!s.db.cursors[s.procs.size() + p].active) continue;
      if (interp_.still_waits(s, static_cast<int>(s.procs.size() + p))) continue;
      State& next = scratch.copy_of(s);
      StepOutcome o = interp_.orphan_step(next, static_cast<int>(p));
      engine::Choice c = make_choice(kOrphan, 0, static_cast<uint32_t>(p));
      if (o.status == StepStatus::blocked) continue;
      if (o.status == StepStatus::failed) {
        sink.failure(c, false, o.error.assertion ? assert_id_ : model_error_id_);
        continue;
      }
      sink.state(c, false, store(next));
    }
  }
  // The clock.
  if (interp_.tick_enabled(s)) {
    State& next = scratch.copy_of(s);
    interp_.tick(next);
    sink.state(make_choice(kTick, 0, 0), false, store(next));
  }
  // The deadlock detector.
  bool surely_enabled = false;
  if (spec_.detect_deadlocks && may_wait_on_rows(s, surely_enabled) >= 2) {
    std::vector<Probe> probes = probe(s);
    const int n = static_cast<int>(s.procs.size());
    for (int p : cycle_members(probes)) {
      State& next = scratch.copy_of(s);
      StepOutcome o = p < n ? interp_.step(next, p, /*deadlock_victim=*/true)
                            : interp_.orphan_step(next, p - n, /*deadlock_victim=*/true);
      engine::Choice c = make_choice(kAbort, 0, static_cast<uint32_t>(p));
      if (o.status == StepStatus::blocked) continue;
      if (o.status == StepStatus::failed) {
        sink.failure(c, false, o.error.assertion ? assert_id_ : model_error_id_);
        continue;
      }
      sink.state(c, false, store(next));
    }
  }
  // Faults.
  for (size_t fi = 0; fi < spec_.faults.size(); ++fi) {
    if (!fault_budget_left(s, fi)) continue;
    const Fault& fault = spec_.faults[fi];
    if (fault.target == FaultTarget::process_crash) {
      const Group& g = spec_.groups[fault.group];
      for (int m = 0; m < g.count; ++m) {
        int p = g.first + m;
        if (s.procs[p].status != ProcStatus::running) continue;
        State& next = scratch.copy_of(s);
        ModelError error;
        bool failed = false;
        interp_.crash(next, p, fault.decl->restart, error, failed);
        engine::Choice c = make_choice(kFault, static_cast<uint32_t>(fi), static_cast<uint32_t>(p));
        if (failed) {
          sink.failure(c, true, error.assertion ? assert_id_ : model_error_id_);
          continue;
        }
        ++next.faults_used[fi];
        ++next.faults_total;
        sink.state(c, true, store(next));
      }
    } else {
      const NodeGroup& g = spec_.node_groups[fault.group];
      for (int m = 0; m < g.count; ++m) {
        int node = g.first + m;
        // Restarting an empty node changes nothing but the budget: it is not offered.
        if (s.nodes[node].entries.empty()) continue;
        State& next = scratch.copy_of(s);
        interp_.restart_node(next, node);
        ++next.faults_used[fi];
        ++next.faults_total;
        sink.state(make_choice(kFault, static_cast<uint32_t>(fi), static_cast<uint32_t>(node)),
                   true, store(next));
      }
    }
  }
}

bool SpecModel::ample(std::string_view bytes, engine::SuccessorSink& sink) const {
  if (!partial_order_.active()) return false;
  State s = decode(bytes);
  // A waiting statement's footprint is the rest of its targets: keep such states unreduced.
  if (any_waiting(s)) return false;
  ScratchState scratch;
  for (size_t p = 0; p < s.procs.size(); ++p) {
    if (!partial_order_.candidate(s, static_cast<int>(p))) continue;
    State& next = scratch.copy_of(s);
    StepOutcome o = interp_.step(next, static_cast<int>(p));
    // A step that blocks, waits or fails is left to the full expansion (which reports the
    // failure).
    if (o.status != StepStatus::ran || o.waiting) continue;
    sink.state(make_choice(kStep, 0, static_cast<uint32_t>(p)), false, store(next));
    return true;
  }
  return false;
}

bool SpecModel::apply(const State& s, engine::Choice c, Event& out) const {
  out = Event{};
  out.after = s;
  uint32_t a = choice_a(c), b = choice_b(c);
  switch (choice_kind(c)) {
    case kOrphan:
    case kStep:
    case kAbort: {
      const size_t n = s.procs.size();
      bool victim = choice_kind(c) == kAbort;
      bool orphan = choice_kind(c) == kOrphan || (victim && b >= n);
      size_t p = orphan && b >= n ? b - n : b;
      if (p >= n) return false;
      if (!orphan && s.procs[p].status != ProcStatus::running) return false;
      StepOutcome o =
          orphan ? interp_.orphan_step(out.after, static_cast<int>(p), victim, /*describe=*/true)
                 : interp_.step(out.after, static_cast<int>(p), victim, /*describe=*/true);
      if (o.status == StepStatus::blocked) return false;
      out.actor = spec_.procs[p].name;
      out.kind = victim   ? trace::StepKind::abort
                 : orphan ? trace::StepKind::orphan
                          : trace::StepKind::statement;
      out.line = o.line;
      out.text = o.text;
      out.result = victim ? "aborted by the deadlock detector: " + o.result : o.result;
      if (orphan && !victim) out.result = "the crashed client's statement goes on: " + out.result;
      out.interactions = std::move(o.interactions);
      if (o.status == StepStatus::failed) {
        out.failed = true;
        out.error = o.error;
        out.after = s;
        out.result = o.error.message;
      }
      return true;
    }
    case kTick:
      if (!interp_.tick_enabled(s)) return false;
      interp_.tick(out.after);
      out.actor = "clock";
      out.kind = trace::StepKind::tick;
      out.text = "tick";
      out.result = fmt::format("now = {}", out.after.clock);
      return true;
    case kFault: {
      if (a >= spec_.faults.size() || !fault_budget_left(s, a)) return false;
      const Fault& fault = spec_.faults[a];
      out.kind = trace::StepKind::fault;
      out.fault = true;
      out.line = static_cast<int>(fault.decl->loc.line);
      if (fault.target == FaultTarget::process_crash) {
        if (b >= s.procs.size() || s.procs[b].status != ProcStatus::running) return false;
        bool failed = false;
        interp_.crash(out.after, static_cast<int>(b), fault.decl->restart, out.error, failed);
        out.actor = spec_.procs[b].name;
        out.text = fmt::format("crash {}{}", spec_.procs[b].name,
                               fault.decl->restart ? " (restarts)" : "");
        out.result = fault.decl->restart ? "restarted from the top" : "crashed";
        if (failed) {
          out.failed = true;
          out.after = s;
          out.result = out.error.message;
          return true;
        }
      } else {
        if (b >= s.nodes.size() || s.nodes[b].entries.empty()) return false;
        interp_.restart_node(out.after, static_cast<int>(b));
        out.actor = spec_.node_names[b];
        out.text = fmt::format("restart {}", spec_.node_names[b]);
        out.result = "came back empty";
      }
      ++out.after.faults_used[a];
      ++out.after.faults_total;
      return true;
    }
  }
  return false;
}

void SpecModel::evaluate(std::string_view bytes, engine::StateReport& out) const {
  State s = decode(bytes);
  for (engine::PropertyId p = 0; p < decls_.size(); ++p) {
    if (properties_[p].kind == engine::PropertyKind::eventually ||
        properties_[p].kind == engine::PropertyKind::leads) {
      // Checked by the liveness pass; a model error in them is one in any state.
      if (!evaluation_error(p, s).empty()) out.violated.push_back(model_error_id_);
      continue;
    }
    ModelError error;
    bool ok = interp_.holds(*decls_[p]->expr, s, error);
    if (!error.message.empty()) {
      out.violated.push_back(model_error_id_);
      continue;
    }
    if (properties_[p].kind == engine::PropertyKind::reachable) {
      if (ok) out.satisfied.push_back(p);
    } else if (!ok) {
      out.violated.push_back(p);
    }
  }
  if (!deadlock_explanation(s).empty()) out.violated.push_back(deadlock_id_);
}

std::string SpecModel::property_error(const State& s) const {
  for (engine::PropertyId p = 0; p < decls_.size(); ++p) {
    std::string error = evaluation_error(p, s);
    if (!error.empty()) return fmt::format("property '{}': {}", decls_[p]->name, error);
  }
  return "";
}

std::string SpecModel::evaluation_error(engine::PropertyId p, const State& s) const {
  for (uint32_t m = 0; m < properties_[p].members; ++m) {
    Obligation o = obligation(p, m);
    ModelError error;
    const Value* bound = o.bound ? &*o.bound : nullptr;
    if (o.p) interp_.holds(*o.p, s, error, bound);
    if (error.message.empty()) interp_.holds(*o.q, s, error, bound);
    if (!error.message.empty()) return error.message;
  }
  return "";
}

SpecModel::Obligation SpecModel::obligation(engine::PropertyId p, uint32_t member) const {
  Obligation o;
  const ast::Expr* e = decls_[p]->expr.get();
  if (properties_[p].kind != engine::PropertyKind::leads) {
    o.q = e;
    return o;
  }
  if (e->kind == ast::ExprKind::quantifier) {
    const Group& g = spec_.groups[static_cast<size_t>(e->ref.index)];
    o.bound = Value::pid(g.first + static_cast<int>(member));
    e = e->args[0].get();
  }
  o.p = e->args[0].get();
  o.q = e->args[1].get();
  return o;
}

std::vector<std::string> SpecModel::member_names(engine::PropertyId p) const {
  std::vector<std::string> out;
  const ast::PropertyDecl* d = decl(p);
  if (d == nullptr || d->kind != ast::PropertyKind::leads ||
      d->expr->kind != ast::ExprKind::quantifier)
    return out;
  const Group& g = spec_.groups[static_cast<size_t>(d->expr->ref.index)];
  for (int m = 0; m < g.count; ++m) out.push_back(spec_.procs[g.first + m].name);
  return out;
}

void SpecModel::fairness(std::string_view bytes, const std::vector<engine::Choice>& choices,
                         std::vector<engine::Fairness>& out) const {
  out.clear();
  State s = decode(bytes);
  const auto n = static_cast<uint32_t>(s.procs.size());
  const bool strong = !spec_.ast.fairness_weak;
  for (engine::Choice c : choices) {
    engine::Fairness f;
    uint32_t b = choice_b(c);
    switch (choice_kind(c)) {
      case kStep: {
        // A statement that waits is a step when it starts and one when it goes on (§4.3): the
        // second, enabled again and again, is what PostgreSQL's lock queue guarantees.
        if (spec_.groups[spec_.procs[b].group].decl->unfair) break;
        f.weak = b;
        if (strong && s.has_db && b < s.db.cursors.size() && s.db.cursors[b].active) f.strong = b;
        break;
      }
      case kOrphan:
        f.weak = n + b;
        if (strong) f.strong = n + b;
        break;
      case kTick:
        f.weak = 2 * n;
        break;
      case kAbort:
        f.weak = 2 * n + 1;  // the detector is weakly fair; its choice of victim is free
        break;
      case kFault:
        break;
    }
    out.push_back(f);
  }
}

void SpecModel::liveness(std::string_view bytes, engine::PropertyId p, uint32_t member,
                         bool& p_holds, bool& q_holds) const {
  State s = decode(bytes);
  Obligation o = obligation(p, member);
  const Value* bound = o.bound ? &*o.bound : nullptr;
  ModelError error;
  p_holds = o.p != nullptr && interp_.holds(*o.p, s, error, bound);
  q_holds = interp_.holds(*o.q, s, error, bound);
}

bool SpecModel::horizon_pending(std::string_view bytes) const {
  if (!spec_.has_clock || spec_.clock_relative) return false;  // no horizon
  State s = decode(bytes);
  return !horizon_pending_text(s).empty();
}

std::string SpecModel::horizon_pending_text(const State& s) const {
  if (!spec_.has_clock || spec_.clock_relative || s.clock < spec_.clock_max) return "";
  for (size_t n = 0; n < s.nodes.size(); ++n)
    for (const auto& e : s.nodes[n].entries)
      if (e.deadline >= 0)
        return fmt::format("a key of {} expires at {} > clock max {}", spec_.node_names[n],
                           e.deadline, spec_.clock_max);
  for (size_t p = 0; p < s.procs.size(); ++p) {
    if (s.procs[p].status != ProcStatus::running) continue;
    if (s.procs[p].wake > spec_.clock_max)
      return fmt::format("{} sleeps until {} > clock max {}", spec_.procs[p].name, s.procs[p].wake,
                         spec_.clock_max);
    // A step that reads now() could go another way later (the text is the interaction's).
    const ast::Stmt* st = interp_.next_statement(s, static_cast<int>(p));
    if (st != nullptr && st->text.find("now()") != std::string::npos)
      return fmt::format("{}'s next step (line {}) reads now() at clock max {}",
                         spec_.procs[p].name, st->loc.line, spec_.clock_max);
  }
  return "";
}

int SpecModel::process_of(engine::Choice c) const {
  const size_t n = spec_.procs.size();
  uint32_t b = choice_b(c);
  switch (choice_kind(c)) {
    case kStep:
    case kOrphan:
      return static_cast<int>(b);
    case kAbort:
      return static_cast<int>(b >= n ? b - n : b);
    case kTick:
    case kFault:
      break;
  }
  return -1;
}

bool SpecModel::is_tick(engine::Choice c) const { return choice_kind(c) == kTick; }

int SpecModel::may_wait_on_rows(const State& s, bool& surely_enabled) const {
  // A member of a wait-for cycle both waits and is waited on, so its statement waits and it
  // holds a row lock (or writes a row): other slots cannot be on a cycle.
  int candidates = 0;
  if (s.has_db)
    for (size_t t = 0; t < s.db.cursors.size(); ++t)
      if (s.db.cursors[t].active && sql::holds_rows(s.db, static_cast<int>(t))) ++candidates;
  surely_enabled = false;
  for (size_t p = 0; p < s.procs.size() && !surely_enabled; ++p) {
    if (s.has_db && s.db.cursors[p].active) continue;
    const ast::Stmt* st = interp_.next_statement(s, static_cast<int>(p));
    if (st == nullptr) continue;
    switch (st->kind) {
      case ast::StmtKind::atomic:
      case ast::StmtKind::await_:
      case ast::StmtKind::sleep:
        break;
      default:
        surely_enabled = true;  // a statement that starts is a step, even one that then waits
        break;
    }
  }
  return candidates;
}

std::vector<trace::WaitEdge> SpecModel::wait_edges(const State& s) const {
  std::vector<trace::WaitEdge> out;
  std::vector<int> cyc = cycle(probe(s));
  const size_t n = s.procs.size();
  auto lane = [&](int t) {
    return spec_.procs[static_cast<size_t>(t) % std::max<size_t>(n, 1)].name;
  };
  for (size_t i = 0; i < cyc.size(); ++i) {
    int p = cyc[i], q = cyc[(i + 1) % cyc.size()];
    std::string row = waited_row(s, p);
    if (row.size() > 9) row.resize(row.size() - 9);  // drop " held by "
    out.push_back({lane(p), lane(q), row});
  }
  return out;
}

std::string SpecModel::waited_row(const State& s, int txn) const {
  int table = -1;
  sql::Row row;
  if (!s.has_db || !sql::waiting_row(s.db, txn, table, row)) return "";
  const sql::TableSchema& ts = spec_.schema.tables[static_cast<size_t>(table)];
  std::string key;
  if (ts.primary_key.empty()) {
    for (size_t c = 0; c < row.size(); ++c) key += (c ? ", " : "") + spec_.value_text(row[c]);
  } else {
    for (int c : ts.primary_key) {
      if (!key.empty()) key += ", ";
      key += fmt::format("{}={}", ts.columns[static_cast<size_t>(c)],
                         spec_.value_text(row[static_cast<size_t>(c)]));
    }
  }
  return fmt::format("{}[{}] held by ", ts.name, key);
}

std::string SpecModel::deadlock_explanation(const State& s) const {
  if (s.procs.empty()) return "";
  // Most states need no probe: a wait-for cycle takes two waiting statements that hold rows,
  // and a stuck state takes no step and no tick being possible.
  bool surely_enabled = false;
  int candidates = may_wait_on_rows(s, surely_enabled);
  bool tick = interp_.tick_enabled(s);
  if (candidates < 2 && (surely_enabled || tick)) return "";
  std::vector<Probe> probes = probe(s);
  const int n = static_cast<int>(s.procs.size());
  auto where = [&](int t) {
    const ast::Stmt* st = nullptr;
    if (t < n) {
      st = interp_.next_statement(s, t);
    } else if (s.has_db && s.db.cursors[static_cast<size_t>(t)].active) {
      const Program& prog = spec_.groups[spec_.procs[static_cast<size_t>(t - n)].group].program;
      st = prog.code[static_cast<size_t>(s.db.cursors[static_cast<size_t>(t)].pc)].stmt;
    }
    return st ? fmt::format("line {}: {}", st->loc.line, st->text) : std::string("done");
  };
  std::vector<int> cyc = cycle(probes);
  if (!cyc.empty()) {
    if (spec_.detect_deadlocks) return "";  // the detector will abort one of them
    std::string out = "wait-for cycle: ";
    for (size_t i = 0; i < cyc.size(); ++i) {
      int p = cyc[i];
      int q = cyc[(i + 1) % cyc.size()];
      if (i) out += "; ";
      out += fmt::format("{} ({}) waits for {}{}", interp_.connection_name(p), where(p),
                         waited_row(s, p), interp_.connection_name(q));
    }
    return out;
  }
  bool any_enabled = false, any_stuck = false, any_sleeping = false;
  for (const auto& pr : probes) {
    any_enabled = any_enabled || pr.enabled;
    any_stuck =
        any_stuck || pr.blocked_on == BlockReason::sql || pr.blocked_on == BlockReason::await_;
    any_sleeping = any_sleeping || pr.blocked_on == BlockReason::sleep;
  }
  if (any_enabled || !any_stuck) return "";
  if (interp_.tick_enabled(s)) return "";          // a tick can run
  if (spec_.has_clock && any_sleeping) return "";  // the time horizon
  std::string out = "no step can run: ";
  bool first = true;
  for (size_t p = 0; p < probes.size(); ++p) {
    if (probes[p].blocked_on == BlockReason::none) continue;
    if (!first) out += "; ";
    first = false;
    out += fmt::format("{} is blocked at {}", interp_.connection_name(static_cast<int>(p)),
                       where(static_cast<int>(p)));
    if (!probes[p].waits_for.empty()) {
      out += " waiting for";
      for (int q : probes[p].waits_for) {
        out += " " + interp_.connection_name(q);
        if (q < n && s.procs[static_cast<size_t>(q)].status == ProcStatus::done)
          out += " (done, transaction still open)";
      }
    }
  }
  return out;
}

}  // namespace lockcheck::compile
