// One client connection to a PostgreSQL server through libpq, with the asynchronous calls a replay
// needs: a statement is sent, and its reply is polled for while the statement may be waiting for
// a lock on the server (whether it waits is asked of the server itself, see pg_sessions.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace lockcheck::oracle {

// The reply to one statement.
struct PgResult {
  bool ok = false;          // the statement succeeded
  std::string sqlstate;     // when it failed: the SQLSTATE, e.g. "40P01"
  std::string message;      // when it failed: the server's message
  std::string command_tag;  // "UPDATE 1", "SELECT 2", "COMMIT", "ROLLBACK", ...
  std::vector<std::vector<std::optional<std::string>>> rows;  // text format; nullopt for NULL
  int64_t affected = 0;  // the tag's row count (rows returned or affected)
};

class PgSession {
 public:
  // Opens a connection; on failure returns null and sets `error` (libpq's message, one line).
  static std::unique_ptr<PgSession> connect(const std::string& conninfo, std::string& error);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // The server process serving this connection (pg_backend_pid()).
  int backend_pid() const { return pid_; }
  // "15.18": the server's version.
  std::string server_version() const;

  // Runs a statement and waits for its reply (for statements that never wait: set-up, BEGIN).
  PgResult exec(const std::string& sql);
  // Sends a statement without waiting for its reply; false (and `error`) when it could not be
  // sent. One statement at a time may be in flight.
  bool send(const std::string& sql, std::string& error);
  bool in_flight() const { return in_flight_; }
  // Reads what has arrived without blocking: the reply once the whole of it is there, else
  // nullopt. A broken connection comes back as a failed PgResult with sqlstate "08006".
  std::optional<PgResult> poll();
  // Closes the connection at once, as a client that dies would: a statement in flight goes on
  // running on the server (it is orphaned).
  void close();
  bool closed() const { return conn_ == nullptr; }
  // Inside a transaction block (open, or failed and waiting for ROLLBACK), when idle.
  bool in_transaction() const;

 private:
  PgSession() = default;
  PgResult take(void* result) const;

  pg_conn* conn_ = nullptr;
  int pid_ = 0;
  bool in_flight_ = false;
  std::optional<PgResult> first_;  // the statement's result, until the end of its reply arrives
};

}  // namespace lockcheck::oracle
