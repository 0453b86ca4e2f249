#include "checker/oracle/pg_session.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>

namespace lockcheck::oracle {

namespace {

std::string one_line(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

PgResult failure(std::string sqlstate, std::string message) {
  PgResult r;
  r.sqlstate = std::move(sqlstate);
  r.message = std::move(message);
  return r;
}

}  // namespace

std::unique_ptr<PgSession> PgSession::connect(const std::string& conninfo, std::string& error) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    error = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    return nullptr;
  }
  std::unique_ptr<PgSession> s(new PgSession());
  s->conn_ = conn;
  s->pid_ = PQbackendPID(conn);
  return s;
}

PgSession::~PgSession() { close(); }

std::string PgSession::server_version() const {
  if (conn_ == nullptr) return "";
  int v = PQserverVersion(conn_);  // 150018
  return fmt::format("{}.{}", v / 10000, v % 10000);
}

PgResult PgSession::take(void* raw) const {
  auto* r = static_cast<PGresult*>(raw);
  PgResult out;
  ExecStatusType st = PQresultStatus(r);
  out.command_tag = PQcmdStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
    out.ok = true;
    int n = PQntuples(r), m = PQnfields(r);
    for (int i = 0; i < n; ++i) {
      std::vector<std::optional<std::string>> row;
      for (int j = 0; j < m; ++j) {
        if (PQgetisnull(r, i, j))
          row.emplace_back(std::nullopt);
        else
          row.emplace_back(std::string(PQgetvalue(r, i, j)));
      }
      out.rows.push_back(std::move(row));
    }
    const char* tuples = PQcmdTuples(r);
    out.affected = tuples != nullptr && *tuples ? std::atoll(tuples) : 0;
  } else {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    out.sqlstate = state != nullptr ? state : "08006";
    const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    out.message = one_line(msg != nullptr ? msg : PQresultErrorMessage(r));
  }
  return out;
}

PgResult PgSession::exec(const std::string& sql) {
  if (conn_ == nullptr) return failure("08003", "connection closed");
  PGresult* r = PQexec(conn_, sql.c_str());
  if (r == nullptr) {
    return failure("08006", one_line(PQerrorMessage(conn_)));
  }
  PgResult out = take(r);
  PQclear(r);
  // A string of several statements leaves later results behind; drain them.
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  return out;
}

bool PgSession::send(const std::string& sql, std::string& error) {
  if (conn_ == nullptr) {
    error = "the connection is closed";
    return false;
  }
  if (in_flight_) {
    error = "a statement is already in flight on this connection";
    return false;
  }
  if (PQsendQuery(conn_, sql.c_str()) != 1) {
    error = one_line(PQerrorMessage(conn_));
    return false;
  }
  in_flight_ = true;
  return true;
}

std::optional<PgResult> PgSession::poll() {
  if (!in_flight_ || conn_ == nullptr) return std::nullopt;
  if (PQconsumeInput(conn_) != 1) {
    in_flight_ = false;
    first_.reset();
    return failure("08006", one_line(PQerrorMessage(conn_)));
  }
  // The reply is complete when every result of the statement has come, then the end (null);
  // never block for a part that has not arrived yet.
  while (!PQisBusy(conn_)) {
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      in_flight_ = false;
      std::optional<PgResult> out = std::move(first_);
      first_.reset();
      if (!out) {
        out = PgResult{};
        out->ok = true;
      }
      return out;
    }
    if (!first_) first_ = take(r);
    PQclear(r);
  }
  return std::nullopt;
}

bool PgSession::in_transaction() const {
  if (conn_ == nullptr) return false;
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

void PgSession::close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  in_flight_ = false;
  first_.reset();
}

}  // namespace lockcheck::oracle
