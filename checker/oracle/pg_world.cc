#include "checker/oracle/pg_world.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <functional>
#include <random>
#include <thread>

#include "models/sql/sql_text.h"

namespace lockcheck::oracle {

namespace {

using Clock = std::chrono::steady_clock;

// The settings of every replay connection (docs/conformance.md, "The server's settings").
constexpr const char* kSessionSettings =
    "SET enable_seqscan = off; SET enable_bitmapscan = off; SET jit = off; "
    "SET client_min_messages = error; SET lock_timeout = 0; SET statement_timeout = 0; "
    "SET idle_in_transaction_session_timeout = 0; ";
constexpr const char* kDeadlockTimeout = "20ms";

std::vector<int> parse_int_array(const std::string& text) {
  std::vector<int> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '-' || std::isdigit(static_cast<unsigned char>(text[i]))) {
      int v = 0;
      auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
      if (ec != std::errc()) break;
      out.push_back(v);
      i = static_cast<size_t>(p - text.data());
    } else {
      ++i;
    }
  }
  return out;
}

double parse_ms(const std::string& text) {  // "20ms", "1s", "1min"
  double v = 0;
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  try {
    v = std::stod(text.substr(0, i));
  } catch (...) {
    return 1000;
  }
  std::string unit = text.substr(i);
  if (unit == "s") return v * 1000;
  if (unit == "min") return v * 60000;
  if (unit == "us") return v / 1000;
  return v;
}

std::string unique_schema_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return fmt::format("lockcheck_replay_{}_{}_{:04x}", ::getpid(), counter++, rd() & 0xffff);
}

}  // namespace

std::unique_ptr<PgWorld> PgWorld::open(const PgWorldOptions& options, const sql::Schema& schema,
                                       const std::vector<std::vector<std::vector<Value>>>& rows,
                                       const StringPool& pool, std::string& error) {
  std::unique_ptr<PgWorld> w(new PgWorld());
  w->options_ = options;
  std::string why;
  w->admin_ = PgSession::connect(options.conninfo, why);
  if (!w->admin_) {
    error = fmt::format("cannot connect to PostgreSQL ({}): {}", options.conninfo, why);
    return nullptr;
  }
  w->version_ = w->admin_->server_version();
  w->monitor_ = PgSession::connect(options.conninfo, why);
  if (!w->monitor_) {
    error = fmt::format("cannot open a second connection to PostgreSQL: {}", why);
    return nullptr;
  }
  w->admin_->exec("SET client_min_messages = error");
  w->monitor_->exec("SET client_min_messages = error; SET jit = off");
  w->can_set_deadlock_timeout_ =
      w->admin_->exec(fmt::format("SET deadlock_timeout = '{}'", kDeadlockTimeout)).ok;
  PgResult dt = w->admin_->exec("SHOW deadlock_timeout");
  if (dt.ok && !dt.rows.empty() && dt.rows[0][0])
    w->deadlock_timeout_ms_ = parse_ms(*dt.rows[0][0]);

  w->default_isolation_ = schema.default_isolation;
  w->schema_ = unique_schema_name();
  std::vector<std::string> setup = {fmt::format("CREATE SCHEMA {}", w->schema_),
                                    fmt::format("SET search_path TO {}", w->schema_)};
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    setup.push_back(sql::render_create_table(schema.tables[t]));
    if (t < rows.size())
      for (const auto& row : rows[t])
        setup.push_back(sql::render_insert_row(schema.tables[t], row, pool));
  }
  for (size_t i = 0; i < setup.size(); ++i) {
    PgResult r = w->admin_->exec(setup[i]);
    if (!r.ok) {
      error = fmt::format("cannot set up the scratch schema: {}: {} ({})", setup[i], r.message,
                          r.sqlstate);
      if (i == 0) w->schema_.clear();  // nothing to drop
      return nullptr;
    }
  }
  return w;
}

PgWorld::~PgWorld() {
  std::vector<int> orphans;
  for (Slot& s : slots_) {
    if (s.orphan && s.state != SlotState::finished && s.pid != 0) orphans.push_back(s.pid);
    if (s.session) s.session->close();
  }
  if (!admin_) return;
  // Only the replay's own orphaned backends, by their process ids.
  for (int pid : orphans) admin_->exec(fmt::format("SELECT pg_terminate_backend({})", pid));
  if (!schema_.empty()) {
    admin_->exec("SET lock_timeout = '30s'");
    admin_->exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_));
  }
}

PgWorld::Slot& PgWorld::slot(int c) {
  if (c >= static_cast<int>(slots_.size())) slots_.resize(static_cast<size_t>(c) + 1);
  return slots_[static_cast<size_t>(c)];
}

bool PgWorld::open_session(Slot& s, std::string& error) {
  if (s.session && !s.session->closed()) return true;
  std::string why;
  s.session = PgSession::connect(options_.conninfo, why);
  if (!s.session) {
    error = fmt::format("cannot open a connection to PostgreSQL: {}", why);
    return false;
  }
  s.pid = s.session->backend_pid();
  s.orphan = false;
  PgResult r = s.session->exec(
      fmt::format("SET search_path TO {}; {}SET default_transaction_isolation = '{}'", schema_,
                  kSessionSettings, sql::isolation_name(default_isolation_)));
  if (!r.ok) {
    error = fmt::format("cannot configure a connection: {}", r.message);
    return false;
  }
  if (can_set_deadlock_timeout_)
    s.session->exec(fmt::format("SET deadlock_timeout = '{}'", kDeadlockTimeout));
  return true;
}

bool PgWorld::exec(int c, const std::string& sql, PgResult& out, std::string& error) {
  Slot& s = slot(c);
  if (s.orphan || s.in_flight) {
    error = fmt::format("connection {} is busy", c);
    return false;
  }
  if (!open_session(s, error)) return false;
  out = s.session->exec(sql);
  return true;
}

void PgWorld::guard() {
  if (!options_.deadlock_guard) return;
  const auto need = std::chrono::duration<double, std::milli>(2 * deadlock_timeout_ms_ +
                                                              std::max(50.0, deadlock_timeout_ms_));
  for (const Slot& s : slots_) {
    if (s.state != SlotState::waiting) continue;
    auto until = s.waiting_since + std::chrono::duration_cast<Clock::duration>(need);
    if (Clock::now() < until) std::this_thread::sleep_until(until);
  }
}

bool PgWorld::send(int c, const std::string& sql, std::string& error) {
  Slot& s = slot(c);
  if (s.orphan) {
    error = fmt::format("connection {} belongs to an orphaned statement", c);
    return false;
  }
  if (s.in_flight || s.reply) {
    error = fmt::format("connection {} still has a statement in flight ({})", c, s.sql);
    return false;
  }
  if (!open_session(s, error)) return false;
  guard();
  if (!s.session->send(sql, error)) return false;
  s.in_flight = true;
  s.sql = sql;
  s.state = SlotState::running;
  s.blockers.clear();
  return true;
}

bool PgWorld::observe(std::string& error) {
  std::vector<int> pids;
  for (Slot& s : slots_) {
    if (!s.in_flight) continue;
    if (!s.orphan) {
      if (std::optional<PgResult> r = s.session->poll()) {
        s.reply = std::move(r);
        s.in_flight = false;
        s.state = SlotState::replied;
        s.blockers.clear();
        continue;
      }
    }
    pids.push_back(s.pid);
  }
  if (pids.empty()) return true;
  std::string list;
  for (int p : pids) list += fmt::format("{}{}", list.empty() ? "" : ",", p);
  PgResult r = monitor_->exec(fmt::format(
      "SELECT p, pg_blocking_pids(p)::text, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid "
      "= p) FROM unnest('{{{}}}'::int[]) AS p",
      list));
  if (!r.ok) {
    error = fmt::format("cannot ask the server which statements wait: {}", r.message);
    return false;
  }
  for (const auto& row : r.rows) {
    if (row.size() < 3 || !row[0] || !row[1] || !row[2]) continue;
    int pid = std::atoi(row[0]->c_str());
    std::vector<int> blocking = parse_int_array(*row[1]);
    bool alive = *row[2] == "t";
    for (Slot& s : slots_) {
      if (!s.in_flight || s.pid != pid) continue;
      if (s.orphan && !alive) {
        s.in_flight = false;
        s.state = SlotState::finished;
        s.blockers.clear();
        continue;
      }
      if (blocking.empty()) {
        s.state = SlotState::running;
        s.blockers.clear();
        continue;
      }
      std::vector<int> conns;
      for (int b : blocking) {
        int found = -1;
        for (size_t k = 0; k < slots_.size(); ++k)
          if (slots_[k].pid == b && (slots_[k].session || slots_[k].orphan))
            found = static_cast<int>(k);
        conns.push_back(found);
      }
      std::sort(conns.begin(), conns.end());
      conns.erase(std::unique(conns.begin(), conns.end()), conns.end());
      // A new wait (or the same statement waiting for others after going on): PostgreSQL's
      // deadlock check for it runs deadlock_timeout from now (guard()).
      if (s.state != SlotState::waiting || s.blockers != conns) s.waiting_since = Clock::now();
      s.state = SlotState::waiting;
      s.blockers = std::move(conns);
    }
  }
  return true;
}

bool PgWorld::cycle() const {
  // A cycle among waiting slots: follow blockers from each waiting slot.
  const int n = static_cast<int>(slots_.size());
  std::vector<int> color(slots_.size(), 0);
  std::function<bool(int)> dfs = [&](int v) {
    color[static_cast<size_t>(v)] = 1;
    for (int b : slots_[static_cast<size_t>(v)].blockers) {
      if (b < 0 || b >= n) continue;
      const Slot& t = slots_[static_cast<size_t>(b)];
      if (t.state != SlotState::waiting) continue;
      if (color[static_cast<size_t>(b)] == 1) return true;
      if (color[static_cast<size_t>(b)] == 0 && dfs(b)) return true;
    }
    color[static_cast<size_t>(v)] = 2;
    return false;
  };
  for (int v = 0; v < n; ++v)
    if (slots_[static_cast<size_t>(v)].state == SlotState::waiting &&
        color[static_cast<size_t>(v)] == 0 && dfs(v))
      return true;
  return false;
}

bool PgWorld::settle(std::string& error, bool through_cycles) {
  const auto start = Clock::now();
  auto pause = std::chrono::microseconds(100);
  for (;;) {
    if (!observe(error)) return false;
    bool stable = true;
    for (const Slot& s : slots_)
      if (s.in_flight && s.state != SlotState::waiting) stable = false;
    if (stable && (!through_cycles || !cycle())) return true;
    double waited = std::chrono::duration<double>(Clock::now() - start).count();
    if (waited > options_.hang_seconds) {
      std::string busy;
      for (size_t k = 0; k < slots_.size(); ++k)
        if (slots_[k].in_flight) busy += fmt::format(" [{}: {}]", k, slots_[k].sql);
      error =
          fmt::format("the server neither answered nor made the statements wait within {:.0f} s:{}",
                      options_.hang_seconds, busy);
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

SlotView PgWorld::view(int c) const {
  SlotView v;
  if (c < 0 || c >= static_cast<int>(slots_.size())) return v;
  const Slot& s = slots_[static_cast<size_t>(c)];
  v.state = s.state;
  v.blockers = s.blockers;
  v.orphan = s.orphan;
  return v;
}

std::optional<PgResult> PgWorld::take_reply(int c) {
  if (c < 0 || c >= static_cast<int>(slots_.size())) return std::nullopt;
  Slot& s = slots_[static_cast<size_t>(c)];
  if (!s.reply) return std::nullopt;
  std::optional<PgResult> out = std::move(s.reply);
  s.reply.reset();
  s.state = SlotState::idle;
  s.sql.clear();
  return out;
}

const PgResult* PgWorld::peek_reply(int c) const {
  if (c < 0 || c >= static_cast<int>(slots_.size())) return nullptr;
  const Slot& s = slots_[static_cast<size_t>(c)];
  return s.reply ? &*s.reply : nullptr;
}

std::vector<int> PgWorld::queue_heads(int c) const {
  std::vector<int> out, todo;
  if (c < 0 || c >= static_cast<int>(slots_.size())) return out;
  todo = slots_[static_cast<size_t>(c)].blockers;
  std::vector<bool> seen(slots_.size(), false);
  while (!todo.empty()) {
    int b = todo.back();
    todo.pop_back();
    if (b < 0 || b >= static_cast<int>(slots_.size())) {
      out.push_back(b);
      continue;
    }
    if (seen[static_cast<size_t>(b)] || b == c) continue;
    seen[static_cast<size_t>(b)] = true;
    const Slot& t = slots_[static_cast<size_t>(b)];
    if (t.state == SlotState::waiting)
      todo.insert(todo.end(), t.blockers.begin(), t.blockers.end());
    else
      out.push_back(b);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool PgWorld::in_transaction(int c) const {
  if (c < 0 || c >= static_cast<int>(slots_.size())) return false;
  const Slot& s = slots_[static_cast<size_t>(c)];
  return s.session && !s.in_flight && s.session->in_transaction();
}

const std::string& PgWorld::in_flight_sql(int c) const {
  static const std::string none;
  if (c < 0 || c >= static_cast<int>(slots_.size())) return none;
  const Slot& s = slots_[static_cast<size_t>(c)];
  return s.in_flight || s.reply ? s.sql : none;
}

bool PgWorld::crash(int c, int orphan, std::string& error) {
  Slot& s = slot(c);
  if (s.in_flight) {
    Slot& o = slot(orphan);
    Slot& src = slot(c);  // slot() may have moved the vector
    if (o.in_flight) {
      error = fmt::format("connection {} already holds an orphaned statement", orphan);
      return false;
    }
    o = Slot{};
    o.pid = src.pid;
    o.in_flight = true;
    o.orphan = true;
    o.sql = src.sql;
    o.state = src.state;
    o.blockers = src.blockers;
    o.waiting_since = src.waiting_since;
    src.session->close();  // the statement runs on; its reply will find nobody
    src = Slot{};
    return true;
  }
  const int pid = s.pid;
  if (s.session) s.session->close();
  s = Slot{};
  if (pid == 0) return true;
  // The backend notices the closed connection, rolls back and exits on its own time: wait for it,
  // so that the next statement does not find its locks (pg_blocking_pids would name a backend
  // that is no replay's any more). A committed SERIALIZABLE transaction's SIREAD locks outlive
  // it, under its pid, while overlapping transactions run: they never block anyone.
  const auto start = Clock::now();
  auto pause = std::chrono::microseconds(100);
  for (;;) {
    PgResult r = monitor_->exec(fmt::format(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = {0}) OR EXISTS (SELECT 1 FROM "
        "pg_locks WHERE pid = {0} AND mode <> 'SIReadLock')",
        pid));
    if (!r.ok) {
      error = fmt::format("cannot ask the server whether a closed connection ended: {}", r.message);
      return false;
    }
    if (!r.rows.empty() && r.rows[0].size() == 1 && r.rows[0][0] && *r.rows[0][0] == "f")
      return true;
    if (std::chrono::duration<double>(Clock::now() - start).count() > options_.hang_seconds) {
      error = fmt::format("the backend of a closed connection (pid {}) did not end within {:.0f} s",
                          pid, options_.hang_seconds);
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

bool PgWorld::contents(const sql::TableSchema& table,
                       std::vector<std::vector<std::optional<std::string>>>& rows,
                       std::string& error) {
  PgResult r = admin_->exec(sql::render_contents_query(table));
  if (!r.ok) {
    error = fmt::format("cannot read table {}: {}", table.name, r.message);
    return false;
  }
  rows = std::move(r.rows);
  return true;
}

}  // namespace lockcheck::oracle
