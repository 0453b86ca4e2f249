#include "checker/oracle/schedule_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "checker/compile/replay_trace.h"
#include "checker/oracle/outcome_text.h"
#include "models/sql/sql_text.h"

namespace lockcheck::oracle {

namespace {

using compile::Interaction;

// What the server shows for one connection after it settled.
struct Obs {
  enum class Kind { none, replied, waiting, finished };
  Kind kind = Kind::none;
  PgResult reply;
  bool was_in_txn = false;
  std::vector<int> blockers;
  bool consumed = false;
};

class Runner {
 public:
  Runner(const compile::CompiledSpec& spec, const ScheduleOptions& options)
      : spec_(spec), options_(options), n_(static_cast<int>(spec.procs.size())) {}

  ScheduleOutcome run(const std::vector<ScheduleAction>& actions);

 private:
  // The interaction that process p's next step starts with, and that step (when the model has
  // one; a statement the model keeps blocked has none).
  std::optional<Interaction> next_statement(const compile::State& s, int p,
                                            std::optional<compile::EnabledTransition>& t) const;
  std::vector<Obs> observe();
  bool explain(const compile::State& s, std::vector<Obs>& obs, std::vector<bool>& pending,
               int depth, compile::State& result) const;
  bool terminal(const compile::State& s, const std::vector<Obs>& obs) const;
  // Where the statement that step `t` resumes stands in its row's queue of waiters (far back
  // when it is not queued).
  int queue_place(const compile::State& s, const compile::EnabledTransition& t) const;
  std::vector<int> queue_heads(const std::vector<Obs>& obs, int c) const;
  std::string obs_text(const std::vector<Obs>& obs) const;
  std::string name(int c) const {
    if (c >= 0 && c < n_) return spec_.procs[static_cast<size_t>(c)].name;
    if (c >= n_ && c < 2 * n_) return "orphan of " + spec_.procs[static_cast<size_t>(c - n_)].name;
    return "another session";
  }
  std::string render(const Interaction& in, bool steer) const {
    sql::RenderOptions o;
    o.params = {in.params.data(), in.params.size()};
    o.now = in.now;
    o.pool = &spec_.pool;
    o.steer_plans = steer;
    return sql::render_statement(spec_.schema, *in.stmt, o);
  }
  bool ready(int p) const;
  bool quiet_contents(std::string& error);
  std::string victim_kind(const compile::State& s, const std::vector<Obs>& obs) const;
  bool diverge(ScheduleOutcome& out, std::string model, std::string server,
               std::string kind = "") const {
    out.diverged = true;
    out.kind = std::move(kind);
    out.at = out.performed.empty() ? 0 : out.performed.size() - 1;
    out.model = std::move(model);
    out.server = std::move(server);
    return false;
  }
  // Closes the connections of processes the model has finished; false on a divergence.
  bool close_finished(ScheduleOutcome& out);
  bool act(const ScheduleAction& a, ScheduleOutcome& out);

  const compile::CompiledSpec& spec_;
  const ScheduleOptions& options_;
  const int n_;
  std::unique_ptr<compile::SpecModel> model_;
  compile::State cur_;
  std::unique_ptr<PgWorld> pg_;
  std::vector<bool> pending_;     // sent; blocked in the model without a step
  std::vector<bool> was_in_txn_;  // per connection, when its statement was sent
  std::vector<bool> closed_;      // per process: its connection was closed (done or crashed)
  std::vector<bool> finished_seen_;
  // The server's committed rows per table after an action that left nothing in flight (else
  // empty): explanations must reach them.
  std::vector<std::string> quiet_rows_;
};

std::optional<Interaction> Runner::next_statement(
    const compile::State& s, int p, std::optional<compile::EnabledTransition>& t) const {
  t.reset();
  if (s.procs[static_cast<size_t>(p)].status != compile::ProcStatus::running) return std::nullopt;
  for (compile::EnabledTransition& e : compile::enabled_transitions(*model_, s)) {
    if (e.event.kind != trace::StepKind::statement || e.event.actor != name(p)) continue;
    for (const Interaction& in : e.event.interactions) {
      if (in.kind == Interaction::Kind::sql_start && in.connection == p && in.stmt != nullptr) {
        Interaction copy = in;
        t = std::move(e);
        return copy;
      }
    }
    return std::nullopt;  // a step without SQL: not something to send
  }
  compile::StepOutcome probe = model_->interpreter().probe(s, p);
  if (probe.blocked_on != compile::BlockReason::sql) return std::nullopt;
  // Blocked in the model: the statement and its host values, from a run where nobody else holds
  // anything (host values do not depend on the database).
  compile::State copy = s;
  for (size_t q = 0; q < copy.db.txns.size(); ++q)
    if (static_cast<int>(q) != p && copy.db.txns[q] != sql::TxnStatus::none)
      sql::abort(copy.db, static_cast<int>(q), sql::TxnStatus::none);
  compile::StepOutcome o = model_->interpreter().step(copy, p, false, /*describe=*/true);
  for (const Interaction& in : o.interactions)
    if (in.kind == Interaction::Kind::sql_start && in.stmt != nullptr) return in;
  return std::nullopt;
}

std::vector<Obs> Runner::observe() {
  std::vector<Obs> obs(static_cast<size_t>(2 * n_));
  for (int c = 0; c < 2 * n_; ++c) {
    Obs& o = obs[static_cast<size_t>(c)];
    SlotView v = pg_->view(c);
    switch (v.state) {
      case SlotState::replied:
        o.kind = Obs::Kind::replied;
        o.reply = *pg_->take_reply(c);
        o.was_in_txn = was_in_txn_[static_cast<size_t>(c)];
        break;
      case SlotState::waiting:
        o.kind = Obs::Kind::waiting;
        o.blockers = v.blockers;
        break;
      case SlotState::finished:
        if (!finished_seen_[static_cast<size_t>(c)]) {
          finished_seen_[static_cast<size_t>(c)] = true;
          o.kind = Obs::Kind::finished;
        }
        break;
      default:
        break;
    }
  }
  return obs;
}

std::string Runner::obs_text(const std::vector<Obs>& obs) const {
  std::string out;
  for (size_t c = 0; c < obs.size(); ++c) {
    const Obs& o = obs[c];
    std::string item;
    switch (o.kind) {
      case Obs::Kind::replied:
        item = server_outcome(o.reply, o.was_in_txn);
        break;
      case Obs::Kind::waiting: {
        std::string who;
        for (size_t i = 0; i < o.blockers.size(); ++i)
          who += (i ? " and " : "") + name(o.blockers[i]);
        item = "waits for " + who;
        break;
      }
      case Obs::Kind::finished:
        item = "finished";
        break;
      case Obs::Kind::none:
        continue;
    }
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", name(static_cast<int>(c)), item);
  }
  return out.empty() ? "nothing" : out;
}

// PostgreSQL queues the waiters of one row: a later waiter waits for the first (pg_blocking_pids
// names it, as the holder of the tuple lock), where the model names the row's holder. Following
// the waiting blockers to the sessions they wait for gives the model's view.
std::vector<int> Runner::queue_heads(const std::vector<Obs>& obs, int c) const {
  std::vector<int> out, todo = obs[static_cast<size_t>(c)].blockers;
  std::vector<bool> seen(obs.size(), false);
  while (!todo.empty()) {
    int b = todo.back();
    todo.pop_back();
    if (b < 0 || b >= static_cast<int>(obs.size()) || seen[static_cast<size_t>(b)] || b == c)
      continue;
    seen[static_cast<size_t>(b)] = true;
    const Obs& ob = obs[static_cast<size_t>(b)];
    if (ob.kind == Obs::Kind::waiting)
      todo.insert(todo.end(), ob.blockers.begin(), ob.blockers.end());
    else
      out.push_back(b);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Runner::terminal(const compile::State& s, const std::vector<Obs>& obs) const {
  // Nothing in flight on the server: the committed rows must be the server's too, so that two
  // wake-ups explained in an order the server did not take are told apart here, not at the end.
  if (!quiet_rows_.empty())
    for (size_t t = 0; t < quiet_rows_.size(); ++t)
      if (committed_rows_text(s, t, spec_) != quiet_rows_[t]) return false;
  for (int c = 0; c < 2 * n_; ++c) {
    const Obs& o = obs[static_cast<size_t>(c)];
    if ((o.kind == Obs::Kind::replied || o.kind == Obs::Kind::finished) && !o.consumed)
      return false;
    if (o.kind == Obs::Kind::waiting && c < n_) {
      compile::StepOutcome probe = model_->interpreter().probe(s, c);
      if (probe.blocked_on != compile::BlockReason::sql) {
        // The model's finished processes close their connections only after this round: a
        // statement the server keeps waiting for one of them goes on then.
        bool for_finished = !o.blockers.empty();
        for (int b : o.blockers)
          for_finished = for_finished && b >= 0 && b < n_ &&
                         s.procs[static_cast<size_t>(b)].status == compile::ProcStatus::done &&
                         !closed_[static_cast<size_t>(b)];
        if (for_finished) continue;
        return false;
      }
      std::vector<int> want = probe.waits_for;
      std::sort(want.begin(), want.end());
      // With `detect deadlocks` the model's waiter also waits for the queued waiter that holds
      // the tuple lock (docs/language.md, "Queued waiters"): the server's blocker and the row's
      // holder behind it.
      std::vector<int> heads = queue_heads(obs, c), both;
      std::set_union(heads.begin(), heads.end(), o.blockers.begin(), o.blockers.end(),
                     std::back_inserter(both));
      // PostgreSQL waits for the holders of a shared lock one at a time (MultiXactIdWait), so
      // it names one of those the model waits for.
      const bool one_of =
          !o.blockers.empty() &&
          std::includes(want.begin(), want.end(), o.blockers.begin(), o.blockers.end());
      if (want != o.blockers && want != heads && want != both && !one_of) return false;
    }
    if (o.kind == Obs::Kind::waiting && c >= n_) {
      // A crashed client's statement that the server still runs: the model's must be waiting
      // too, not free to go on.
      for (const compile::EnabledTransition& t : compile::enabled_transitions(*model_, s))
        if (t.event.kind == trace::StepKind::orphan)
          for (const Interaction& in : t.event.interactions)
            if (in.connection == c) return false;
    }
  }
  return true;
}

bool Runner::explain(const compile::State& s, std::vector<Obs>& obs, std::vector<bool>& pending,
                     int depth, compile::State& result) const {
  if (terminal(s, obs)) {
    result = s;
    return true;
  }
  if (depth == 0) return false;
  // Waiters that queued first for a row go on first, as PostgreSQL wakes them: try those orders
  // first, since the first explanation found is kept (the model allows the others too).
  std::vector<compile::EnabledTransition> steps = compile::enabled_transitions(*model_, s);
  std::stable_sort(steps.begin(), steps.end(), [&](const auto& x, const auto& y) {
    return queue_place(s, x) < queue_place(s, y);
  });
  for (const compile::EnabledTransition& t : steps) {
    if (t.event.failed) continue;
    if (t.event.kind != trace::StepKind::statement && t.event.kind != trace::StepKind::abort &&
        t.event.kind != trace::StepKind::orphan)
      continue;
    std::vector<Obs> o = obs;
    std::vector<bool> pend = pending;
    bool ok = true, any = false;
    for (const Interaction& in : t.event.interactions) {
      const int c = in.connection;
      if (c < 0 || c >= 2 * n_) {
        ok = false;
        break;
      }
      Obs& ob = o[static_cast<size_t>(c)];
      auto consume = [&](bool victim) {
        if (ob.consumed) return false;
        if (ob.kind == Obs::Kind::finished && c >= n_) return ob.consumed = true;
        if (ob.kind != Obs::Kind::replied) return false;
        if (victim) {
          if (ob.reply.sqlstate != "40P01") return false;
        } else if (!outcome_mismatch(in, ob.reply, ob.was_in_txn, spec_).empty()) {
          return false;
        }
        return ob.consumed = true;
      };
      switch (in.kind) {
        case Interaction::Kind::sql_begin:
          continue;
        case Interaction::Kind::sql_start:
          // Only a statement that was sent and that the model kept blocked without a step.
          if (c >= n_ || !pend[static_cast<size_t>(c)]) {
            ok = false;
          } else if (!in.waiting) {
            ok = consume(false);
            pend[static_cast<size_t>(c)] = false;
          }
          any = true;
          break;
        case Interaction::Kind::sql_resume:
          if (!in.waiting) ok = consume(false);
          any = true;
          break;
        case Interaction::Kind::sql_victim:
          ok = consume(true);
          pend[static_cast<size_t>(c)] = false;
          any = true;
          break;
        case Interaction::Kind::redis:
          ok = false;
          break;
      }
      if (!ok) break;
    }
    if (!ok || !any) continue;
    if (explain(t.event.after, o, pend, depth - 1, result)) {
      obs = std::move(o);
      pending = std::move(pend);
      return true;
    }
  }
  return false;
}

int Runner::queue_place(const compile::State& s, const compile::EnabledTransition& t) const {
  for (const Interaction& in : t.event.interactions) {
    if (in.kind != Interaction::Kind::sql_resume) continue;
    for (const sql::TableState& table : s.db.tables)
      for (const sql::RowRecord& r : table.rows)
        for (size_t k = 0; k < r.queue.size(); ++k)
          if (r.queue[k].txn == in.connection) return static_cast<int>(k);
  }
  return 1 << 20;
}

std::string Runner::victim_kind(const compile::State& s, const std::vector<Obs>& obs) const {
  std::vector<int> abortable;
  for (const compile::EnabledTransition& t : compile::enabled_transitions(*model_, s))
    if (t.event.kind == trace::StepKind::abort)
      for (const Interaction& in : t.event.interactions)
        if (in.kind == Interaction::Kind::sql_victim) abortable.push_back(in.connection);
  if (abortable.empty()) return "";  // no cycle in the model: not a matter of the victim
  for (size_t c = 0; c < obs.size(); ++c) {
    const Obs& o = obs[c];
    if (o.kind == Obs::Kind::replied && !o.consumed && o.reply.sqlstate == "40P01" &&
        std::find(abortable.begin(), abortable.end(), static_cast<int>(c)) == abortable.end())
      return "victim";
  }
  return "";
}

bool Runner::quiet_contents(std::string& error) {
  quiet_rows_.clear();
  for (int c = 0; c < 2 * n_; ++c)
    if (!pg_->in_flight_sql(c).empty()) return true;
  for (const sql::TableSchema& ts : spec_.schema.tables) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    if (!pg_->contents(ts, rows, error)) return false;
    quiet_rows_.push_back(server_rows_text(rows));
  }
  return true;
}

bool Runner::ready(int p) const {
  return cur_.procs[static_cast<size_t>(p)].status == compile::ProcStatus::running &&
         !closed_[static_cast<size_t>(p)] && pg_->in_flight_sql(p).empty() &&
         !pending_[static_cast<size_t>(p)];
}

bool Runner::close_finished(ScheduleOutcome& out) {
  for (;;) {
    bool closed_any = false;
    for (int p = 0; p < n_; ++p) {
      if (closed_[static_cast<size_t>(p)] ||
          cur_.procs[static_cast<size_t>(p)].status != compile::ProcStatus::done ||
          !pg_->in_flight_sql(p).empty())
        continue;
      std::string error;
      if (!pg_->crash(p, n_ + p, error)) {
        out.error = error;
        return false;
      }
      closed_[static_cast<size_t>(p)] = true;
      closed_any = true;
      out.transcript.push_back(fmt::format("{}  (done: its connection closes)", name(p)));
    }
    if (!closed_any) return true;
    std::string error;
    if (!pg_->settle(error, /*through_cycles=*/true)) {
      out.error = error;
      return false;
    }
    std::vector<Obs> obs = observe();
    if (!quiet_contents(error)) {
      out.error = error;
      return false;
    }
    compile::State next;
    if (!explain(cur_, obs, pending_, 2 * n_ + 2, next))
      return diverge(out, "nothing happens", obs_text(obs), victim_kind(cur_, obs));
    cur_ = std::move(next);
  }
}

bool Runner::act(const ScheduleAction& a, ScheduleOutcome& out) {
  const int p = a.proc;
  std::string error;
  std::optional<compile::EnabledTransition> first;
  std::string line;
  if (a.kind == ScheduleAction::Kind::crash) {
    for (compile::EnabledTransition& e : compile::enabled_transitions(*model_, cur_))
      if (e.event.kind == trace::StepKind::fault && e.event.actor == name(p)) {
        first = std::move(e);
        break;
      }
    if (!first) return true;  // no crash left in the budget: skipped
    out.performed.push_back(a);
    bool orphan = !pg_->in_flight_sql(p).empty();
    if (!pg_->crash(p, n_ + p, error)) {
      out.error = error;
      return false;
    }
    closed_[static_cast<size_t>(p)] = true;
    pending_[static_cast<size_t>(p)] = false;
    line = fmt::format("{}  (the client dies{})", name(p),
                       orphan ? "; its statement runs on in the server" : "");
  } else {
    if (!ready(p)) return true;
    std::optional<Interaction> in = next_statement(cur_, p, first);
    if (!in) return true;
    out.performed.push_back(a);
    line = name(p) + "  ";
    bool want_txn = cur_.db.txns[static_cast<size_t>(p)] != sql::TxnStatus::none;
    if (want_txn && !pg_->in_transaction(p)) {
      PgResult begin;
      std::string text = "BEGIN";
      if (static_cast<size_t>(p) < cur_.db.modes.size()) {
        const sql::TxnMode& m = cur_.db.modes[static_cast<size_t>(p)];
        text = sql::render_begin(m.level, m.read_only);
      }
      if (!pg_->exec(p, text, begin, error) || !begin.ok) {
        out.error = error.empty() ? begin.message : error;
        return false;
      }
      line += text + "; ";
    }
    was_in_txn_[static_cast<size_t>(p)] = pg_->in_transaction(p);
    line += render(*in, false);
    if (!pg_->send(p, render(*in, true), error)) {
      out.error = error;
      return false;
    }
    if (!first) pending_[static_cast<size_t>(p)] = true;
  }
  if (!pg_->settle(error, /*through_cycles=*/true)) {
    out.error = error;
    return false;
  }
  std::vector<Obs> obs = observe();
  if (!quiet_contents(error)) {
    out.error = error;
    return false;
  }
  line += "   → " + obs_text(obs);
  out.transcript.push_back(line);
  compile::State start = cur_;
  std::string model_text = "blocked";
  if (first) {
    // The acting process's own step comes first.
    bool ok = true;
    for (const Interaction& in : first->event.interactions) {
      if (in.kind != Interaction::Kind::sql_start || in.connection != p) continue;
      model_text = model_outcome(in, spec_);
      if (in.waiting) break;
      Obs& ob = obs[static_cast<size_t>(p)];
      ok = ob.kind == Obs::Kind::replied &&
           outcome_mismatch(in, ob.reply, ob.was_in_txn, spec_).empty();
      ob.consumed = ok;
      break;
    }
    if (a.kind == ScheduleAction::Kind::crash) model_text = first->event.result;
    if (!ok)
      return diverge(out, name(p) + ": " + model_text, obs_text(obs), victim_kind(cur_, obs));
    start = first->event.after;
  } else {
    compile::StepOutcome probe = model_->interpreter().probe(cur_, p);
    std::string who;
    for (size_t i = 0; i < probe.waits_for.size(); ++i)
      who += (i ? " and " : "") + name(probe.waits_for[i]);
    model_text = "blocked (waits for " + who + ")";
  }
  compile::State next;
  if (!explain(start, obs, pending_, 2 * n_ + 2, next)) {
    // Say what the model would do next with the statements the server reported on.
    for (const compile::EnabledTransition& t : compile::enabled_transitions(*model_, start)) {
      if (t.event.kind != trace::StepKind::statement && t.event.kind != trace::StepKind::abort &&
          t.event.kind != trace::StepKind::orphan)
        continue;
      for (const Interaction& in : t.event.interactions) {
        if (in.kind == Interaction::Kind::sql_begin || in.connection == p || in.connection < 0 ||
            in.connection >= 2 * n_ ||
            obs[static_cast<size_t>(in.connection)].kind == Obs::Kind::none)
          continue;
        model_text += fmt::format("; then {}: {}", name(in.connection), model_outcome(in, spec_));
        break;
      }
    }
    return diverge(out, name(p) + ": " + model_text, obs_text(obs), victim_kind(start, obs));
  }
  cur_ = std::move(next);
  return close_finished(out);
}

ScheduleOutcome Runner::run(const std::vector<ScheduleAction>& actions) {
  ScheduleOutcome out;
  compile::Interpreter interp(spec_);
  compile::ModelError init_error;
  if (!interp.initial(cur_, init_error)) {
    out.error = "the spec's initial state is broken: " + init_error.message;
    return out;
  }
  std::vector<std::string> notes;
  model_ = std::make_unique<compile::SpecModel>(spec_, cur_, /*symmetry=*/false, notes);
  std::string error;
  pg_ = PgWorld::open(options_.server, spec_.schema, spec_.initial_rows, spec_.pool, error);
  if (!pg_) {
    out.error = error;
    return out;
  }
  pending_.assign(static_cast<size_t>(n_), false);
  was_in_txn_.assign(static_cast<size_t>(2 * n_), false);
  closed_.assign(static_cast<size_t>(n_), false);
  finished_seen_.assign(static_cast<size_t>(2 * n_), false);
  if (options_.random != nullptr) {
    std::mt19937& rng = *options_.random;
    for (size_t k = 0; k < options_.max_actions; ++k) {
      std::vector<int> can;
      std::optional<compile::EnabledTransition> t;
      for (int p = 0; p < n_; ++p)
        if (ready(p) && next_statement(cur_, p, t)) can.push_back(p);
      std::vector<int> crashable;
      for (compile::EnabledTransition& e : compile::enabled_transitions(*model_, cur_))
        if (e.event.kind == trace::StepKind::fault)
          for (int p = 0; p < n_; ++p)
            if (e.event.actor == name(p) && !closed_[static_cast<size_t>(p)])
              crashable.push_back(p);
      if (can.empty() && crashable.empty()) break;
      ScheduleAction a;
      if (!crashable.empty() && (can.empty() || std::uniform_int_distribution<int>(
                                                    0, options_.crash_one_in - 1)(rng) == 0)) {
        a.kind = ScheduleAction::Kind::crash;
        a.proc = crashable[std::uniform_int_distribution<size_t>(0, crashable.size() - 1)(rng)];
      } else {
        if (can.empty()) break;
        a.proc = can[std::uniform_int_distribution<size_t>(0, can.size() - 1)(rng)];
      }
      if (!act(a, out)) return out;
    }
  } else {
    for (const ScheduleAction& a : actions)
      if (!act(a, out)) return out;
  }
  // At the end: the committed rows, when nothing is in flight any more.
  for (int c = 0; c < 2 * n_; ++c)
    if (!pg_->in_flight_sql(c).empty()) return out;
  for (size_t t = 0; t < spec_.schema.tables.size(); ++t) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    if (!pg_->contents(spec_.schema.tables[t], rows, error)) {
      out.error = error;
      return out;
    }
    std::string model_rows = committed_rows_text(cur_, t, spec_);
    std::string server_rows = server_rows_text(rows);
    if (model_rows != server_rows) {
      out.transcript.push_back(
          fmt::format("end  {}: {}", spec_.schema.tables[t].name, server_rows));
      out.diverged = true;
      out.at = out.performed.size();
      out.model = fmt::format("{}: {}", spec_.schema.tables[t].name, model_rows);
      out.server = fmt::format("{}: {}", spec_.schema.tables[t].name, server_rows);
      return out;
    }
  }
  return out;
}

}  // namespace

ScheduleOutcome run_schedule(const compile::CompiledSpec& spec,
                             const std::vector<ScheduleAction>& actions,
                             const ScheduleOptions& options) {
  Runner r(spec, options);
  return r.run(actions);
}

}  // namespace lockcheck::oracle
