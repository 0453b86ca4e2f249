// A replay's view of one PostgreSQL server: a scratch schema holding the spec's tables, one client
// connection per replayed connection (a process, or a process's orphaned statement), and a
// monitor connection that asks the server which statements wait for a lock and for whom.
//
// Waiting is recognised from the server, never by a timeout: after a statement is sent, settle()
// polls until every statement in flight has either replied or is waiting for a heavyweight lock
// (pg_blocking_pids non-empty), and no wait-for cycle is left (PostgreSQL's own deadlock detector
// breaks a cycle after deadlock_timeout: one statement fails with 40P01).
//
// The server is left as found: the scratch schema is dropped, and only the replay's own backends
// are ever terminated.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "checker/oracle/pg_session.h"
#include "models/sql/statement.h"

namespace lockcheck::oracle {

struct PgWorldOptions {
  std::string conninfo;
  // Before a statement is sent, every statement already waiting has waited this long past the
  // server's deadlock_timeout, so that its own deadlock check has run: the statement whose wait
  // closes a cycle is then the one PostgreSQL aborts, whatever the machine's load. Off where any
  // victim will do (the server -> model direction matches whichever the server chose).
  bool deadlock_guard = true;
  double hang_seconds = 60;  // settle() gives up (an error, not a verdict) after this long
};

enum class SlotState {
  idle,      // no statement in flight
  running,   // in flight, neither replied nor waiting (only seen inside settle())
  waiting,   // in flight, waiting for a lock held by `blockers`
  replied,   // the reply arrived and was not taken yet
  finished,  // an orphan's statement ended (its backend is gone)
};

struct SlotView {
  SlotState state = SlotState::idle;
  std::vector<int> blockers;  // connection numbers; -1 for a backend that is no replay's
  bool orphan = false;        // the client is gone; the statement runs on in the server
};

class PgWorld {
 public:
  // Connects, creates a scratch schema with the tables and their initial rows. On failure returns
  // null with `error` ("cannot connect to PostgreSQL: ...", "cannot create table ...").
  static std::unique_ptr<PgWorld> open(const PgWorldOptions& options, const sql::Schema& schema,
                                       const std::vector<std::vector<std::vector<Value>>>& rows,
                                       const StringPool& pool, std::string& error);
  ~PgWorld();  // terminates the replay's own backends, drops the scratch schema

  std::string server_version() const { return version_; }  // "15.18"
  const std::string& schema_name() const { return schema_; }
  double deadlock_timeout_ms() const { return deadlock_timeout_ms_; }

  // Runs a statement that cannot wait (BEGIN) on connection `c` and returns its reply.
  bool exec(int c, const std::string& sql, PgResult& out, std::string& error);
  // Sends a statement on connection `c` (opened on first use) without waiting for its reply.
  bool send(int c, const std::string& sql, std::string& error);
  // Polls until every statement in flight has replied or waits. With `through_cycles`, also
  // until no wait-for cycle is left (PostgreSQL's detector breaks one after deadlock_timeout);
  // without, a cycle is left standing (the model may abort its victim steps later).
  bool settle(std::string& error, bool through_cycles = false);
  SlotView view(int c) const;
  // The reply of `c`'s statement, once it has arrived (state replied); the slot becomes idle.
  std::optional<PgResult> take_reply(int c);
  // The same without taking it (null when none).
  const PgResult* peek_reply(int c) const;
  // The sessions that `c`'s wait leads to: PostgreSQL queues the waiters of one row, and a later
  // waiter waits for the first one (pg_blocking_pids names it: it holds the row's tuple lock while
  // it waits for the row's holder). Following waiting blockers to sessions that do not wait gives
  // the row's holders, which is what the model names (docs/conformance.md, "Waiter order").
  std::vector<int> queue_heads(int c) const;
  // Whether connection `c` is inside a transaction block on the server (open or failed).
  bool in_transaction(int c) const;
  // The statement in flight on `c` ("" when none).
  const std::string& in_flight_sql(int c) const;

  // The client of connection `c` dies: its connection closes. A statement in flight is orphaned:
  // it moves to connection `orphan` and goes on running in the server. Without one, returns once
  // the backend is gone (its transaction rolled back, its locks released), as the model's crash
  // step releases them at once.
  bool crash(int c, int orphan, std::string& error);

  // The committed rows of a table, in the model's row order, as text (nullopt for NULL).
  bool contents(const sql::TableSchema& table,
                std::vector<std::vector<std::optional<std::string>>>& rows, std::string& error);

 private:
  struct Slot {
    std::unique_ptr<PgSession> session;
    int pid = 0;
    bool in_flight = false;
    bool orphan = false;
    std::string sql;
    std::optional<PgResult> reply;
    SlotState state = SlotState::idle;
    std::vector<int> blockers;
    std::chrono::steady_clock::time_point waiting_since;
  };
  PgWorld() = default;
  Slot& slot(int c);
  bool open_session(Slot& s, std::string& error);
  bool observe(std::string& error);  // one round: replies, then the monitor's view
  bool cycle() const;
  void guard();

  PgWorldOptions options_;
  std::unique_ptr<PgSession> admin_;
  std::unique_ptr<PgSession> monitor_;
  std::string schema_;
  sql::Isolation default_isolation_ = sql::Isolation::read_committed;
  std::string version_;
  double deadlock_timeout_ms_ = 1000;
  bool can_set_deadlock_timeout_ = false;
  std::vector<Slot> slots_;
};

}  // namespace lockcheck::oracle
