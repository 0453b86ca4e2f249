#include "models/sql/sql_errors.h"

#include <gtest/gtest.h>

namespace lockcheck::sql {
namespace {

Statement Of(StatementKind kind, LockMode lock = LockMode::none) {
  Statement st;
  st.kind = kind;
  st.lock = lock;
  return st;
}

TEST(SqlErrors, PostgresMessagesWithTheirSqlstate) {
  EXPECT_EQ(error_detail("serialization_failure", Of(StatementKind::update), "test"),
            "40001: could not serialize access due to concurrent update");
  EXPECT_EQ(error_detail("unique_violation", Of(StatementKind::insert), "seats"),
            "23505: duplicate key value violates unique constraint \"seats_pkey\"");
  EXPECT_EQ(
      error_detail("lock_not_available", Of(StatementKind::select, LockMode::for_update), "jobs"),
      "55P03: could not obtain lock on row in relation \"jobs\"");
  EXPECT_EQ(error_detail("read_only_sql_transaction",
                         Of(StatementKind::select, LockMode::for_update), "t"),
            "25006: cannot execute SELECT FOR UPDATE in a read-only transaction");
  EXPECT_EQ(error_detail("read_only_sql_transaction", Of(StatementKind::delete_), "t"),
            "25006: cannot execute DELETE in a read-only transaction");
  EXPECT_EQ(error_detail("in_failed_transaction", Of(StatementKind::update), "t"),
            "25P02: current transaction is aborted, commands ignored until end of transaction "
            "block");
  EXPECT_EQ(error_detail("deadlock_detected", Of(StatementKind::update), "t"),
            "40P01: deadlock detected");
  EXPECT_EQ(error_detail("no_such_error", Of(StatementKind::update), "t"), "");
}

}  // namespace
}  // namespace lockcheck::sql
