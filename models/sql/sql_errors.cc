#include "models/sql/sql_errors.h"

#include <fmt/format.h>

namespace lockcheck::sql {

namespace {

std::string command(const Statement& st) {
  switch (st.kind) {
    case StatementKind::insert:
      return "INSERT";
    case StatementKind::update:
      return "UPDATE";
    case StatementKind::delete_:
      return "DELETE";
    case StatementKind::select:
      return st.lock == LockMode::for_share ? "SELECT FOR SHARE" : "SELECT FOR UPDATE";
    default:
      return "COMMIT";
  }
}

}  // namespace

std::string error_detail(const std::string& sql_error, const Statement& st,
                         const std::string& table_name) {
  if (sql_error == "unique_violation")
    return fmt::format("23505: duplicate key value violates unique constraint \"{}_pkey\"",
                       table_name);
  if (sql_error == "deadlock_detected") return "40P01: deadlock detected";
  if (sql_error == "lock_not_available")
    return fmt::format("55P03: could not obtain lock on row in relation \"{}\"", table_name);
  if (sql_error == "in_failed_transaction")
    return "25P02: current transaction is aborted, commands ignored until end of transaction "
           "block";
  if (sql_error == "serialization_failure")
    return "40001: could not serialize access due to concurrent update";
  if (sql_error == "read_only_sql_transaction")
    return fmt::format("25006: cannot execute {} in a read-only transaction", command(st));
  return "";
}

}  // namespace lockcheck::sql
