#include "checker/oracle/server_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "checker/compile/compiled_spec.h"
#include "checker/front/front_end.h"
#include "checker/oracle/outcome_text.h"
#include "checker/oracle/pg_world.h"
#include "checker/oracle/redis_world.h"
#include "models/sql/sql_text.h"

namespace lockcheck::oracle {

namespace {

using compile::Interaction;
using Clock = std::chrono::steady_clock;

// A step that could not be kept inside its tick: the replay starts again with longer ticks.
struct Overrun {};

struct Diverged {
  Diverged(std::string m, std::string s, std::string n = "")
      : model(std::move(m)), server(std::move(s)), note(std::move(n)) {}
  std::string model;
  std::string server;
  std::string note;
};

class Replayer {
 public:
  Replayer(const compile::SpecModel& model, const ServerOptions& options, int tick_ms)
      : model_(model), spec_(model.spec()), options_(options), tick_ms_(tick_ms) {}

  ServerReplay run(const compile::State& initial, const std::vector<compile::RecordedStep>& steps,
                   const trace::PropertyResult& property);

 private:
  // ---- set-up
  bool open(ServerReplay& out);
  // ---- time
  bool timed() const { return redis_ != nullptr && spec_.has_clock; }
  Clock::time_point tick_start(int64_t tick) const {
    return t0_ + std::chrono::milliseconds(tick * tick_ms_);
  }
  void enter_tick(int64_t tick) const {
    if (!timed()) return;
    std::this_thread::sleep_until(tick_start(tick) + std::chrono::milliseconds(tick_ms_ / 4));
  }
  void check_in_tick(int64_t tick) const {
    if (!timed()) return;
    if (Clock::now() > tick_start(tick + 1) - std::chrono::milliseconds(tick_ms_ / 4))
      throw Overrun{};
  }
  // ---- steps
  std::optional<Diverged> perform(const compile::Event& ev, const compile::State& before,
                                  bool failed_model_error, std::string& log);
  std::optional<Diverged> sql_start(const Interaction& in, bool in_txn, std::string& log);
  std::map<int, std::string> begin_text_;  // per connection: its last BEGIN (level, READ ONLY)
  std::optional<Diverged> sql_resume(const Interaction& in, std::string& log);
  std::optional<Diverged> sql_victim(const Interaction& in, const compile::State& before,
                                     std::string& log);
  std::optional<Diverged> compare(const Interaction& in, bool was_in_txn, std::string& log);
  std::optional<Diverged> redis(const Interaction& in, int64_t clock, std::string& log);
  std::optional<Diverged> at_end(const compile::State& last, const trace::PropertyResult& property,
                                 std::string& log);
  // Sends the statements that the model keeps blocked without a step (a model in which a
  // statement that has to wait is not a step yet): the processes in `procs`, `last` last.
  bool send_blocked(const compile::State& s, const std::vector<int>& procs, std::string& log);
  void fail(const std::string& why) { error_ = why; }
  // Waiter order (docs/conformance.md): per connection whose waiting statement may go on in `s`
  // (its lock was freed, its resume step is enabled), what it does when it goes on.
  std::map<int, std::string> resumable(const compile::State& s) const;
  // After step `k` (`ev` from `before`): a statement that could go on before the step does
  // something else after it (waits again, for the step's actor, or finds other rows): the step
  // overtook a waiter whose lock was free. On the server that waiter went on at the release (it
  // was queued on the row, or simply woke first), so the path is the model's only (PostgreSQL
  // lets a newcomer overtake a woken waiter only in a narrow race). Noted once, in barging_, for
  // a later divergence.
  void note_barging(size_t k, const compile::Event& ev, const compile::State& before);
  // At a divergence of step `k`: a statement that could go on in the model before the step (its
  // lock was free) had gone on on the server, which runs a waiter on at the release; the model's
  // path keeps it waiting past the step. "" when there is none.
  std::string ran_ahead(size_t k, const compile::Event& ev, const compile::State& before) const;
  // Whether `c`'s wait on the server differs from the model's `want` (the rows' holders) only by
  // PostgreSQL's queue of waiters: every blocker the model does not name waits itself, and each
  // of `want` is reached through them.
  bool queued(int c, const std::vector<int>& want) const;

  std::string conn_name(int c) const {
    int n = static_cast<int>(spec_.procs.size());
    if (c >= 0 && c < n) return spec_.procs[static_cast<size_t>(c)].name;
    if (c >= n && c < 2 * n)
      return "the orphaned statement of " + spec_.procs[static_cast<size_t>(c - n)].name;
    return "a session outside the replay";
  }
  std::string conn_names(const std::vector<int>& cs) const {
    std::string out;
    for (size_t i = 0; i < cs.size(); ++i)
      out += (i ? (i + 1 == cs.size() ? " and " : ", ") : "") + conn_name(cs[i]);
    return out;
  }
  std::string render(const Interaction& in, bool steer) const {
    sql::RenderOptions o;
    o.params = {in.params.data(), in.params.size()};
    o.now = in.now;
    o.pool = &spec_.pool;
    o.steer_plans = steer;
    return sql::render_statement(spec_.schema, *in.stmt, o);
  }

  const compile::SpecModel& model_;
  const compile::CompiledSpec& spec_;
  const ServerOptions& options_;
  int tick_ms_;
  Clock::time_point t0_;
  std::unique_ptr<PgWorld> pg_;
  std::unique_ptr<RedisWorld> redis_;
  std::string error_;
  bool unreachable_ = false;
  std::string barging_;               // the first waiter-order step of the path (note_barging)
  std::vector<bool> early_deadlock_;  // a statement the server aborted with 40P01 before the
                                      // model's victim step (the model still has it waiting)
};

bool Replayer::open(ServerReplay& out) {
  bool uses_redis = !spec_.node_names.empty();
  if (spec_.has_db && options_.postgres.empty()) {
    fail("the spec has a database: give --postgres CONNINFO");
    return false;
  }
  if (uses_redis && options_.redis.empty()) {
    fail("the spec uses Redis: give --redis URL");
    return false;
  }
  std::vector<std::string> servers;
  std::string error;
  if (spec_.has_db) {
    PgWorldOptions o;
    o.conninfo = options_.postgres;
    o.deadlock_guard = options_.deadlock_guard;
    pg_ = PgWorld::open(o, spec_.schema, spec_.initial_rows, spec_.pool, error);
    if (!pg_) {
      fail(error);
      unreachable_ = true;
      return false;
    }
    servers.push_back("PostgreSQL " + pg_->server_version());
  }
  if (uses_redis) {
    redis_ = RedisWorld::open(options_.redis, spec_.node_names, error);
    if (!redis_) {
      fail(error);
      unreachable_ = true;
      return false;
    }
    servers.push_back("Redis " + redis_->server_version());
  }
  for (size_t i = 0; i < servers.size(); ++i) out.servers += (i ? " and " : "") + servers[i];
  early_deadlock_.assign(2 * spec_.procs.size(), false);
  return true;
}

std::optional<Diverged> Replayer::compare(const Interaction& in, bool was_in_txn,
                                          std::string& log) {
  const int c = in.connection;
  SlotView v = pg_->view(c);
  std::string model_text = model_outcome(in, spec_);
  if (in.waiting) {
    if (v.state == SlotState::waiting) {
      std::vector<int> want = in.waits_for;
      std::sort(want.begin(), want.end());
      if (want == v.blockers) {
        log += "  → waits for " + conn_names(v.blockers);
        return std::nullopt;
      }
      // PostgreSQL queues this statement behind an earlier waiter on the same row (the waiter
      // holds the row's tuple lock); the model names the row's holders, where that queue leads.
      if (queued(c, want)) {
        log += "  → waits for " + conn_names(v.blockers) + " (queued behind it for " +
               conn_names(want) + ")";
        return std::nullopt;
      }
      return Diverged{model_text, "waits for " + conn_names(v.blockers) + " (pg_blocking_pids)"};
    }
    if (v.state == SlotState::replied) {
      std::optional<PgResult> r = pg_->take_reply(c);
      if (r && r->sqlstate == "40P01") {
        // The server's deadlock check ran before the model's victim step came: the model has the
        // statement waiting on a cycle, which the detector breaks; the victim step checks it.
        early_deadlock_[static_cast<size_t>(c)] = true;
        log += "  → waited, then deadlock_detected (early)";
        return std::nullopt;
      }
      return Diverged{model_text, server_outcome(*r, was_in_txn)};
    }
    if (v.state == SlotState::finished && c >= static_cast<int>(spec_.procs.size())) {
      // An orphaned statement's error finds no client: its backend ends. Waiting on a cycle in
      // the model, it was the server's deadlock victim early; the model's victim step checks it.
      early_deadlock_[static_cast<size_t>(c)] = true;
      log += "  → the orphaned statement ended (deadlock_detected, early?)";
      return std::nullopt;
    }
    return Diverged{model_text, "the statement's backend is gone"};
  }
  if (v.state == SlotState::waiting) {
    return Diverged{model_text, "waits for " + conn_names(v.blockers) + " (pg_blocking_pids)"};
  }
  if (v.state == SlotState::finished) {
    log += "  → the orphaned statement ended";
    return std::nullopt;  // an orphan's reply is lost with its client
  }
  std::optional<PgResult> r = pg_->take_reply(c);
  if (!r) return Diverged{model_text, "no statement in flight on this connection"};
  std::string server_text = server_outcome(*r, was_in_txn);
  std::string mismatch = outcome_mismatch(in, *r, was_in_txn, spec_);
  if (!mismatch.empty()) return Diverged{model_text, server_text, mismatch};
  log += "  → " + server_text;
  return std::nullopt;
}

std::optional<Diverged> Replayer::sql_start(const Interaction& in, bool in_txn, std::string& log) {
  const int c = in.connection;
  std::string sql = render(in, true);
  std::string error;
  if (!pg_->in_flight_sql(c).empty()) {
    // Sent earlier, when the model kept it blocked without a step: its reply is awaited now.
    if (pg_->in_flight_sql(c) != sql)
      return Diverged{
          model_outcome(in, spec_),
          "another statement is in flight on this connection: " + pg_->in_flight_sql(c)};
    log += render(in, false) + "  (sent earlier)";
    if (!pg_->settle(error)) throw std::runtime_error(error);
    return compare(in, in_txn, log);
  }
  bool was_in_txn = pg_->in_transaction(c);
  if (in_txn && !was_in_txn && c < static_cast<int>(spec_.procs.size())) {
    PgResult begin;
    auto known = begin_text_.find(c);
    const std::string text = known != begin_text_.end() ? known->second : "BEGIN";
    if (!pg_->exec(c, text, begin, error) || !begin.ok)
      throw std::runtime_error(error.empty() ? "BEGIN failed: " + begin.message : error);
    log += text + "; ";
    was_in_txn = true;
  }
  log += render(in, false);
  if (!pg_->send(c, sql, error)) throw std::runtime_error(error);
  if (!pg_->settle(error)) throw std::runtime_error(error);
  return compare(in, was_in_txn, log);
}

std::optional<Diverged> Replayer::sql_resume(const Interaction& in, std::string& log) {
  const int c = in.connection;
  std::string error;
  log += "(goes on) " + (in.stmt ? render(in, false) : std::string());
  if (early_deadlock_[static_cast<size_t>(c)]) {
    early_deadlock_[static_cast<size_t>(c)] = false;
    return Diverged{model_outcome(in, spec_),
                    c >= static_cast<int>(spec_.procs.size())
                        ? "the orphaned statement ended while the model has it waiting"
                        : "error: deadlock_detected (while the model has it waiting)"};
  }
  if (pg_->in_flight_sql(c).empty() && pg_->view(c).state != SlotState::finished)
    return Diverged{model_outcome(in, spec_), "no statement in flight on this connection"};
  if (!pg_->settle(error)) throw std::runtime_error(error);
  bool in_txn = true;  // a resumed statement's transaction state is judged by its reply
  return compare(in, in_txn, log);
}

std::optional<Diverged> Replayer::sql_victim(const Interaction& in, const compile::State& before,
                                             std::string& log) {
  const int c = in.connection;
  std::string error;
  log += "(deadlock detector) ";
  if (early_deadlock_[static_cast<size_t>(c)]) {
    early_deadlock_[static_cast<size_t>(c)] = false;
    log += "→ deadlock_detected";
    return std::nullopt;
  }
  const bool orphan = c >= static_cast<int>(spec_.procs.size());
  if (pg_->in_flight_sql(c).empty() && !orphan) {
    // The model never made the waiting statements steps: send them now, the victim last (the
    // statement whose wait closes the cycle is the one PostgreSQL aborts).
    std::vector<int> procs;
    for (size_t p = 0; p < spec_.procs.size(); ++p) {
      if (static_cast<int>(p) == c) continue;
      compile::StepOutcome o = model_.interpreter().probe(before, static_cast<int>(p));
      if (o.blocked_on == compile::BlockReason::sql &&
          pg_->in_flight_sql(static_cast<int>(p)).empty())
        procs.push_back(static_cast<int>(p));
    }
    procs.push_back(c);
    if (!send_blocked(before, procs, log)) throw std::runtime_error(error_);
  }
  // PostgreSQL's detector breaks the cycle after deadlock_timeout.
  if (!pg_->settle(error, /*through_cycles=*/true)) throw std::runtime_error(error);
  auto cycle_left = [&] {
    for (size_t k = 0; k < 2 * spec_.procs.size(); ++k)
      if (pg_->view(static_cast<int>(k)).state == SlotState::waiting) return true;
    return false;
  };
  const auto start = Clock::now();
  while (pg_->view(c).state == SlotState::waiting && cycle_left() &&
         Clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!pg_->settle(error)) throw std::runtime_error(error);
    // settle() returns as soon as nothing moves; the detector needs deadlock_timeout.
    bool any_reply = false;
    for (size_t k = 0; k < 2 * spec_.procs.size(); ++k)
      any_reply = any_reply || pg_->view(static_cast<int>(k)).state == SlotState::replied;
    if (any_reply) break;
  }
  SlotView v = pg_->view(c);
  // Another statement of the cycle that the server aborted (40P01), if any.
  std::string other;
  for (size_t k = 0; k < 2 * spec_.procs.size(); ++k) {
    const PgResult* r = pg_->peek_reply(static_cast<int>(k));
    if (static_cast<int>(k) != c && r != nullptr && r->sqlstate == "40P01")
      other = conn_name(static_cast<int>(k));
  }
  if (orphan && v.state == SlotState::finished) {
    // The orphan's error finds no client: its backend ends. Nobody else aborted: it was the victim.
    if (other.empty()) {
      log += "→ the orphaned statement ended (deadlock_detected)";
      return std::nullopt;
    }
    return Diverged{"error: deadlock_detected (the deadlock detector's victim)",
                    "PostgreSQL aborted " + other + " instead",
                    "PostgreSQL aborts the statement whose wait closed the cycle; the model may "
                    "abort any statement of the cycle"};
  }
  if (v.state == SlotState::replied) {
    std::optional<PgResult> r = pg_->take_reply(c);
    if (r->sqlstate == "40P01") {
      log += "→ deadlock_detected";
      return std::nullopt;
    }
    return Diverged{"error: deadlock_detected (the deadlock detector's victim)",
                    server_outcome(*r, true) +
                        (other.empty() ? "" : "; PostgreSQL aborted " + other + " instead"),
                    other.empty() ? ""
                                  : "PostgreSQL aborts the statement whose wait closed the cycle "
                                    "(each waiter checks deadlock_timeout after it started "
                                    "waiting); the model may abort any statement of the cycle"};
  }
  return Diverged{"error: deadlock_detected (the deadlock detector's victim)",
                  v.state == SlotState::waiting
                      ? "still waits for " + conn_names(v.blockers) +
                            (other.empty() ? "" : "; PostgreSQL aborted " + other + " instead")
                      : "no statement in flight",
                  "PostgreSQL aborts the statement whose wait closed the cycle; the model may "
                  "abort any statement of the cycle"};
}

bool Replayer::send_blocked(const compile::State& s, const std::vector<int>& procs,
                            std::string& log) {
  for (int p : procs) {
    // The statement and its host values: run the step where nobody else holds anything (the
    // host values do not depend on the database).
    compile::State copy = s;
    for (size_t q = 0; q < copy.db.txns.size(); ++q)
      if (static_cast<int>(q) != p && copy.db.txns[q] != sql::TxnStatus::none)
        sql::abort(copy.db, static_cast<int>(q), sql::TxnStatus::none);
    compile::StepOutcome o = model_.interpreter().step(copy, p, false, /*describe=*/true);
    const Interaction* in = nullptr;
    for (const Interaction& i : o.interactions)
      if (i.kind == Interaction::Kind::sql_start && i.stmt != nullptr) {
        in = &i;
        break;
      }
    if (in == nullptr) continue;
    std::string error;
    bool in_txn = s.db.txns[static_cast<size_t>(p)] != sql::TxnStatus::none;
    if (in_txn && !pg_->in_transaction(p)) {
      PgResult begin;
      if (!pg_->exec(p, "BEGIN", begin, error)) {
        fail(error);
        return false;
      }
    }
    if (!pg_->send(p, render(*in, true), error) || !pg_->settle(error)) {
      fail(error);
      return false;
    }
    log +=
        fmt::format("[{}: {} (blocked in the model, sent now)] ", conn_name(p), render(*in, false));
  }
  return true;
}

std::optional<Diverged> Replayer::redis(const Interaction& in, int64_t clock, std::string& log) {
  RedisOutcome r = redis_->perform(in, spec_, clock, t0_, tick_ms_);
  check_in_tick(clock);
  log += r.sent + "  → " + r.reply_text;
  if (!r.error.empty()) throw std::runtime_error(r.error);
  if (!r.matches) return Diverged{r.model_text, r.reply_text};
  return std::nullopt;
}

std::map<int, std::string> Replayer::resumable(const compile::State& s) const {
  std::map<int, std::string> out;
  for (const compile::EnabledTransition& t : compile::enabled_transitions(model_, s))
    for (const Interaction& in : t.event.interactions)
      if (in.kind == Interaction::Kind::sql_resume)
        out[in.connection] += (out[in.connection].empty() ? "" : " | ") + model_outcome(in, spec_) +
                              (t.event.failed ? " (failed)" : "");
  return out;
}

bool Replayer::queued(int c, const std::vector<int>& want) const {
  SlotView v = pg_->view(c);
  std::vector<int> reach, frontier;
  // Blockers the model does not name must be waiting (queued ahead); with `detect deadlocks` the
  // model names the queued waiter holding the tuple lock and the row's holder behind it.
  for (int b : v.blockers) {
    const bool waiting = b >= 0 && pg_->view(b).state == SlotState::waiting;
    if (std::find(want.begin(), want.end(), b) == want.end() && !waiting) return false;
    if (waiting) frontier.push_back(b);
  }
  if (frontier.empty()) return false;
  reach = v.blockers;
  while (!frontier.empty()) {
    int b = frontier.back();
    frontier.pop_back();
    for (int d : pg_->view(b).blockers) {
      if (d < 0 || d == c || std::find(reach.begin(), reach.end(), d) != reach.end()) continue;
      reach.push_back(d);
      if (pg_->view(d).state == SlotState::waiting) frontier.push_back(d);
    }
  }
  for (int w : want)
    if (std::find(reach.begin(), reach.end(), w) == reach.end()) return false;
  return true;
}

std::string Replayer::ran_ahead(size_t k, const compile::Event& ev,
                                const compile::State& before) const {
  if (!pg_ || (ev.kind != trace::StepKind::statement && ev.kind != trace::StepKind::orphan))
    return "";
  std::vector<int> actors;
  for (const Interaction& in : ev.interactions) actors.push_back(in.connection);
  for (const auto& [w, outcome] : resumable(before)) {
    if (std::find(actors.begin(), actors.end(), w) != actors.end()) continue;
    SlotState st = pg_->view(w).state;
    if (st == SlotState::waiting || st == SlotState::idle) continue;
    return fmt::format(
        "waiter order: before step {}, {}'s waiting statement could go on (its lock was free) and "
        "the server ran it on at the release ({}); the model's path keeps it waiting past {}'s "
        "step, as PostgreSQL does only in a race",
        k, conn_name(w), outcome, ev.actor);
  }
  return "";
}

void Replayer::note_barging(size_t k, const compile::Event& ev, const compile::State& before) {
  if (!pg_ || (ev.kind != trace::StepKind::statement && ev.kind != trace::StepKind::orphan)) return;
  std::vector<int> actors;
  for (const Interaction& in : ev.interactions) actors.push_back(in.connection);
  const std::map<int, std::string> after = resumable(ev.after);
  for (const auto& [w, outcome] : resumable(before)) {
    if (std::find(actors.begin(), actors.end(), w) != actors.end()) continue;
    auto a = after.find(w);
    if (a != after.end() && a->second == outcome) continue;  // the step did not touch its rows
    // Still waiting in the model (for the step's actor); on the server it went on, or waits for
    // someone else.
    SlotView v = pg_->view(w);
    bool server_follows = v.state == SlotState::waiting;
    for (int a : actors)
      server_follows =
          server_follows && std::find(v.blockers.begin(), v.blockers.end(), a) != v.blockers.end();
    if (server_follows) continue;
    barging_ = fmt::format(
        "waiter order: at step {}, {} went before {}, whose waiting statement could go on (its "
        "lock was free) and would then have done another thing ({} instead of {}); on the server "
        "that statement went on at the release, so the rest of this path is the model's only",
        k, ev.actor, conn_name(w), outcome, a == after.end() ? "waiting again" : a->second);
    return;
  }
}

std::optional<Diverged> Replayer::perform(const compile::Event& ev, const compile::State& before,
                                          bool failed_model_error, std::string& log) {
  const int nprocs = static_cast<int>(spec_.procs.size());
  // Whether each process's transaction block is open in the model, interaction by interaction.
  std::vector<bool> in_txn(static_cast<size_t>(nprocs), false);
  if (before.has_db)
    for (int p = 0; p < nprocs; ++p) {
      in_txn[static_cast<size_t>(p)] =
          before.db.txns[static_cast<size_t>(p)] != sql::TxnStatus::none;
      // A BEGIN run before this step (at the start, or after an earlier step's statement).
      if (in_txn[static_cast<size_t>(p)] && static_cast<size_t>(p) < before.db.modes.size()) {
        const sql::TxnMode& m = before.db.modes[static_cast<size_t>(p)];
        begin_text_[p] = sql::render_begin(m.level, m.read_only);
      }
    }
  size_t n = ev.interactions.size();
  // A model error (a full table, an overflow) is the spec's, not a server's behaviour: its
  // interaction is not compared.
  if (failed_model_error && n > 0) --n;
  for (size_t i = 0; i < n; ++i) {
    const Interaction& in = ev.interactions[i];
    if (!log.empty() && !log.ends_with(' ')) log += "; ";
    std::optional<Diverged> d;
    const int c = in.connection;
    switch (in.kind) {
      case Interaction::Kind::sql_begin:
        if (c >= 0 && c < nprocs) in_txn[static_cast<size_t>(c)] = true;
        begin_text_[c] = sql::render_begin(in.isolation, in.read_only);
        continue;
      case Interaction::Kind::sql_start: {
        bool open = c >= 0 && c < nprocs && in_txn[static_cast<size_t>(c)];
        d = sql_start(in, open, log);
        if (in.stmt &&
            (in.stmt->kind == sql::StatementKind::commit ||
             in.stmt->kind == sql::StatementKind::rollback) &&
            c >= 0 && c < nprocs)
          in_txn[static_cast<size_t>(c)] = false;
        break;
      }
      case Interaction::Kind::sql_resume:
        d = sql_resume(in, log);
        break;
      case Interaction::Kind::sql_victim:
        d = sql_victim(in, before, log);
        break;
      case Interaction::Kind::redis:
        d = redis(in, before.clock, log);
        break;
    }
    if (d) return d;
  }
  return std::nullopt;
}

// The wait-for cycle among the processes that the model has blocked on SQL in `s`.
std::vector<int> blocked_cycle(const compile::SpecModel& model, const compile::State& s) {
  const int n = static_cast<int>(s.procs.size());
  std::vector<std::vector<int>> waits(static_cast<size_t>(n));
  std::vector<bool> blocked(static_cast<size_t>(n), false);
  for (int p = 0; p < n; ++p) {
    if (s.procs[static_cast<size_t>(p)].status != compile::ProcStatus::running) continue;
    compile::StepOutcome o = model.interpreter().probe(s, p);
    if (o.blocked_on != compile::BlockReason::sql) continue;
    blocked[static_cast<size_t>(p)] = true;
    waits[static_cast<size_t>(p)] = o.waits_for;
  }
  std::vector<int> out;
  for (int p = 0; p < n; ++p)
    if (blocked[static_cast<size_t>(p)]) out.push_back(p);
  return out;
}

std::optional<Diverged> Replayer::at_end(const compile::State& last,
                                         const trace::PropertyResult& property, std::string& log) {
  std::string error;
  if (pg_) {
    if (property.kind == trace::PropertyKind::deadlock &&
        property.status == trace::Status::violated) {
      // The model ends on a wait-for cycle: PostgreSQL must find it and abort one statement.
      std::vector<int> blocked = blocked_cycle(model_, last);
      std::vector<int> unsent;
      for (int p : blocked)
        if (pg_->in_flight_sql(p).empty()) unsent.push_back(p);
      if (!unsent.empty() && !send_blocked(last, unsent, log)) throw std::runtime_error(error_);
      bool sql_cycle = false;
      for (size_t k = 0; k < 2 * spec_.procs.size(); ++k)
        sql_cycle = sql_cycle || pg_->view(static_cast<int>(k)).state == SlotState::waiting;
      if (!blocked.empty() && !sql_cycle) {
        std::string replies;
        for (int p : blocked)
          if (std::optional<PgResult> r = pg_->take_reply(p))
            replies +=
                (replies.empty() ? "" : "; ") + conn_name(p) + ": " + server_outcome(*r, true);
        return Diverged{"deadlock: " + conn_names(blocked) + " wait for each other",
                        replies.empty() ? "no statement waits" : replies};
      }
      if (sql_cycle) {
        const auto start = Clock::now();
        std::string victim, others;
        while (victim.empty() && Clock::now() - start < std::chrono::seconds(10)) {
          if (!pg_->settle(error, /*through_cycles=*/true)) throw std::runtime_error(error);
          for (size_t k = 0; k < 2 * spec_.procs.size(); ++k) {
            if (pg_->view(static_cast<int>(k)).state != SlotState::replied) continue;
            std::optional<PgResult> r = pg_->take_reply(static_cast<int>(k));
            // The victim fails with 40P01; the others then get their locks and go on.
            if (r->sqlstate == "40P01" && victim.empty())
              victim = conn_name(static_cast<int>(k));
            else
              others += (others.empty() ? "" : "; ") + conn_name(static_cast<int>(k)) + ": " +
                        server_outcome(*r, true);
          }
          if (victim.empty() && !others.empty())
            return Diverged{"deadlock: the statements wait for each other", others};
          if (victim.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (victim.empty())
          return Diverged{"deadlock: the statements wait for each other",
                          "the statements still wait, and PostgreSQL found no deadlock"};
        log += fmt::format("deadlock: PostgreSQL aborted {} (40P01)", victim);
        return std::nullopt;  // the aborted transaction changes the committed rows no more
      }
    }
    // The committed rows of every table.
    for (size_t t = 0; t < spec_.schema.tables.size(); ++t) {
      const sql::TableSchema& ts = spec_.schema.tables[t];
      std::vector<std::vector<std::optional<std::string>>> rows;
      if (!pg_->contents(ts, rows, error)) throw std::runtime_error(error);
      std::string model_rows = committed_rows_text(last, t, spec_);
      std::string server_rows = server_rows_text(rows);
      if (model_rows != server_rows)
        return Diverged{fmt::format("{}: {}", ts.name, model_rows),
                        fmt::format("{}: {}", ts.name, server_rows)};
    }
  }
  if (redis_) {
    enter_tick(last.clock);
    for (size_t node = 0; node < spec_.node_names.size(); ++node) {
      std::string model_keys, server_keys;
      if (!redis_->compare_keys(static_cast<int>(node), last, spec_, t0_, tick_ms_, model_keys,
                                server_keys, error))
        throw std::runtime_error(error);
      check_in_tick(last.clock);
      if (model_keys != server_keys)
        return Diverged{fmt::format("{}: {}", spec_.node_names[node], model_keys),
                        fmt::format("{}: {}", spec_.node_names[node], server_keys)};
    }
  }
  return std::nullopt;
}

ServerReplay Replayer::run(const compile::State& initial,
                           const std::vector<compile::RecordedStep>& steps,
                           const trace::PropertyResult& property) {
  ServerReplay out;
  out.tick_ms = tick_ms_;
  if (!open(out)) {
    out.error = error_;
    out.unreachable = unreachable_;
    return out;
  }
  t0_ = Clock::now() + std::chrono::milliseconds(tick_ms_);
  compile::State cur = initial;
  auto diverged = [&](int step, const std::string& actor, const std::string& what, Diverged d) {
    out.status = ServerStatus::diverged;
    out.step = step;
    out.actor = actor;
    out.what = what;
    out.model = d.model;
    out.server = d.server;
    out.note = d.note;
    return out;
  };
  try {
    for (size_t i = 0; i < steps.size(); ++i) {
      std::string error;
      std::optional<compile::EnabledTransition> t =
          compile::match_step(model_, cur, steps[i], error);
      if (!t) {
        out.error = fmt::format("step {}: {}", i + 1, error);
        return out;
      }
      const compile::Event& ev = t->event;
      std::string log;
      enter_tick(cur.clock);
      std::optional<Diverged> d;
      switch (ev.kind) {
        case trace::StepKind::tick:
          log = fmt::format("tick: now = {}", ev.after.clock);
          break;
        case trace::StepKind::fault: {
          int p = -1;
          for (size_t k = 0; k < spec_.procs.size(); ++k)
            if (spec_.procs[k].name == ev.actor) p = static_cast<int>(k);
          if (p >= 0) {
            if (pg_) {
              bool orphan = !pg_->in_flight_sql(p).empty();
              if (!pg_->crash(p, static_cast<int>(spec_.procs.size()) + p, error))
                throw std::runtime_error(error);
              log = orphan ? "connection closed; its statement is orphaned" : "connection closed";
            } else {
              log = "crashed";
            }
          } else if (redis_) {
            for (size_t k = 0; k < spec_.node_names.size(); ++k)
              if (spec_.node_names[k] == ev.actor && !redis_->restart(static_cast<int>(k), error))
                throw std::runtime_error(error);
            log = "node emptied";
          }
          break;
        }
        case trace::StepKind::statement:
        case trace::StepKind::abort:
        case trace::StepKind::orphan:
          d = perform(ev, cur, ev.failed && !ev.error.assertion, log);
          break;
      }
      out.log.push_back(fmt::format("step {}  {}  {}", i + 1, ev.actor, log));
      if (barging_.empty()) note_barging(i + 1, ev, cur);
      if (d) {
        if (barging_.empty()) barging_ = ran_ahead(i + 1, ev, cur);
        if (!barging_.empty()) d->note = barging_ + (d->note.empty() ? "" : "; " + d->note);
        return diverged(static_cast<int>(i + 1), ev.actor, log, *d);
      }
      if (ev.failed) break;
      cur = ev.after;
    }
    std::string log;
    std::optional<Diverged> d = at_end(cur, property, log);
    if (!log.empty()) out.log.push_back("end  " + log);
    if (d && !barging_.empty()) d->note = barging_ + (d->note.empty() ? "" : "; " + d->note);
    if (d) return diverged(static_cast<int>(steps.size() + 1), "", "after the last step", *d);
  } catch (const std::runtime_error& e) {
    out.status = ServerStatus::error;
    out.error = e.what();
    return out;
  }
  out.status = ServerStatus::reproduced;
  return out;
}

}  // namespace

ServerReplay replay_on_servers(const compile::SpecModel& model, const compile::State& initial,
                               const std::vector<compile::RecordedStep>& steps,
                               const trace::PropertyResult& property,
                               const ServerOptions& options) {
  int tick = std::max(1, options.tick_ms);
  for (;;) {
    Replayer r(model, options, tick);
    try {
      return r.run(initial, steps, property);
    } catch (const Overrun&) {
      if (tick * 2 > kMaxTickMs) {
        ServerReplay out;
        out.error = fmt::format(
            "the machine is too slow to keep ticks of {} ms: a step did not finish inside its tick",
            tick);
        return out;
      }
      tick *= 2;  // the machine is loaded: longer ticks, and the whole replay again
    }
  }
}

ServerReplay replay_steps_on_servers(const std::string& path, const std::string& source,
                                     const std::vector<std::pair<std::string, int64_t>>& consts,
                                     const std::vector<compile::RecordedStep>& steps,
                                     const trace::PropertyResult& property,
                                     const ServerOptions& options) {
  ServerReplay out;
  Diagnostics diags;
  std::unique_ptr<ast::Spec> spec = front::read_spec(source, path, diags);
  std::unique_ptr<compile::CompiledSpec> compiled;
  if (spec && !diags.has_errors()) compiled = compile::CompiledSpec::build(*spec, consts, diags);
  if (!compiled) {
    out.error = "the spec could not be built";
    return out;
  }
  compile::Interpreter interp(*compiled);
  compile::State initial;
  compile::ModelError init_error;
  if (!interp.initial(initial, init_error)) {
    out.error = "the spec's initial state is broken: " + init_error.message;
    return out;
  }
  std::vector<std::string> notes;
  compile::SpecModel model(*compiled, initial, /*symmetry=*/false, notes);
  return replay_on_servers(model, initial, steps, property, options);
}

ServerReplay replay_result_on_servers(const std::string& path, const std::string& source,
                                      const std::vector<std::pair<std::string, int64_t>>& consts,
                                      const trace::PropertyResult& property,
                                      const ServerOptions& options) {
  std::vector<compile::RecordedStep> steps;
  for (const trace::TraceStep& s : property.trace) {
    compile::RecordedStep r;
    r.step = s.step;
    r.actor = s.actor;
    r.kind = s.kind;
    r.line = s.line;
    r.text = s.text;
    r.result = s.result;
    steps.push_back(std::move(r));
  }
  return replay_steps_on_servers(path, source, consts, steps, property, options);
}

std::string server_mark(const ServerReplay& r) {
  switch (r.status) {
    case ServerStatus::reproduced:
      return "reproduced on " + r.servers;
    case ServerStatus::diverged:
      return fmt::format("diverged at step {} on {}", r.step, r.servers);
    case ServerStatus::error:
      return "not replayed: " + r.error;
  }
  return "";
}

trace::ServerCheck server_check(const ServerReplay& r) {
  trace::ServerCheck c;
  switch (r.status) {
    case ServerStatus::reproduced:
      c.status = "reproduced";
      break;
    case ServerStatus::diverged:
      c.status = "diverged";
      break;
    case ServerStatus::error:
      c.status = "error";
      break;
  }
  c.servers = r.servers;
  c.step = r.step;
  c.actor = r.actor;
  c.what = r.what;
  c.model = r.model;
  c.server = r.server;
  c.note = r.note;
  c.error = r.error;
  return c;
}

}  // namespace lockcheck::oracle
