#include "models/sql/database.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::sql {
namespace {

// Table indexes of the test schema.
constexpr int kSeats = 0;     // seats (id int primary key, available int, version int)
constexpr int kBookings = 1;  // bookings (seat int, who pid, status text) max 3 rows
constexpr int kSlots = 2;     // slots (room int, slot int, who pid, primary key (room, slot))

Expr Lit(Value v) {
  Expr e;
  e.kind = ExprKind::literal;
  e.literal = v;
  return e;
}
Expr Int(int64_t v) { return Lit(Value::integer(v)); }
Expr Null() { return Lit(Value::null()); }
Expr Col(int c) {
  Expr e;
  e.kind = ExprKind::column;
  e.index = c;
  return e;
}
Expr Now() {
  Expr e;
  e.kind = ExprKind::now;
  return e;
}
Expr Param(int p) {
  Expr e;
  e.kind = ExprKind::param;
  e.index = p;
  return e;
}
Expr Bin(Op op, Expr a, Expr b) {
  Expr e;
  e.kind = ExprKind::binary;
  e.op = op;
  e.args = {std::move(a), std::move(b)};
  return e;
}
Expr Un(Op op, Expr a) {
  Expr e;
  e.kind = ExprKind::unary;
  e.op = op;
  e.args = {std::move(a)};
  return e;
}
Expr IsNull(Expr a, bool negated = false) {
  Expr e;
  e.kind = negated ? ExprKind::is_not_null : ExprKind::is_null;
  e.args = {std::move(a)};
  return e;
}
Expr Eq(int column, int64_t v) { return Bin(Op::eq, Col(column), Int(v)); }

std::vector<SelectItem> Items(std::vector<int> columns) {
  std::vector<SelectItem> items;
  for (int c : columns) items.push_back({Aggregate::none, c});
  return items;
}

Statement Select(int table, std::vector<int> columns, std::optional<Expr> where = std::nullopt) {
  Statement s;
  s.kind = StatementKind::select;
  s.table = table;
  s.items = Items(std::move(columns));
  s.where = std::move(where);
  return s;
}

Statement ForUpdate(int table, std::vector<int> columns, std::optional<Expr> where = std::nullopt,
                    LockMode mode = LockMode::for_update, WaitMode wait = WaitMode::wait) {
  Statement s = Select(table, std::move(columns), std::move(where));
  s.lock = mode;
  s.wait = wait;
  return s;
}

Statement Update(int table, std::vector<std::pair<int, Expr>> sets,
                 std::optional<Expr> where = std::nullopt) {
  Statement s;
  s.kind = StatementKind::update;
  s.table = table;
  s.sets = std::move(sets);
  s.where = std::move(where);
  return s;
}

Statement Insert(int table, std::vector<Expr> values, bool do_nothing = false) {
  Statement s;
  s.kind = StatementKind::insert;
  s.table = table;
  s.values = std::move(values);
  s.on_conflict_do_nothing = do_nothing;
  return s;
}

Statement Delete(int table, std::optional<Expr> where = std::nullopt) {
  Statement s;
  s.kind = StatementKind::delete_;
  s.table = table;
  s.where = std::move(where);
  return s;
}

Statement Commit() {
  Statement s;
  s.kind = StatementKind::commit;
  return s;
}

Statement Rollback() {
  Statement s;
  s.kind = StatementKind::rollback;
  return s;
}

Row R(std::vector<Value> v) { return v; }
Value I(int64_t v) { return Value::integer(v); }

class SqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.tables.push_back({"seats",
                              {"id", "available", "version"},
                              {ColumnType::int_, ColumnType::int_, ColumnType::int_},
                              {0},
                              3});
    schema_.tables.push_back({"bookings",
                              {"seat", "who", "status"},
                              {ColumnType::int_, ColumnType::pid, ColumnType::text},
                              {},
                              3});
    schema_.tables.push_back({"slots",
                              {"room", "slot", "who"},
                              {ColumnType::int_, ColumnType::int_, ColumnType::pid},
                              {0, 1},
                              4});
    std::vector<std::vector<Row>> rows = {{R({I(1), I(1), I(0)}), R({I(2), I(5), I(0)})}, {}, {}};
    ASSERT_EQ(initial_state(schema_, rows, 3, pool_, db_), "");
  }

  Value T(std::string_view s) { return Value::text(pool_.intern(s)); }

  Result Run(int txn, const Statement& st, std::vector<Value> params = {}) {
    params_ = std::move(params);
    Context ctx;
    ctx.txn = txn;
    ctx.now = I(7);
    ctx.params = params_;
    ctx.pool = &pool_;
    return execute(db_, schema_, st, ctx);
  }

  // Runs `st` expecting ok and returns its rows.
  std::vector<Row> Ok(int txn, const Statement& st) {
    Result r = Run(txn, st);
    EXPECT_EQ(r.outcome, Outcome::ok) << r.message << r.sql_error;
    return r.rows;
  }

  std::vector<int> WaitsFor(int txn, const Statement& st) {
    Context ctx;
    ctx.txn = txn;
    ctx.pool = &pool_;
    return waits_for(db_, schema_, st, ctx);
  }

  Value Scalar(const Statement& st) {
    Context ctx;
    ctx.pool = &pool_;
    std::string error;
    Value v = scalar_query(db_, schema_, st, ctx, error);
    EXPECT_EQ(error, "");
    return v;
  }

  std::string Encoded() {
    DbState copy = db_;
    copy.canonicalize(pool_);
    BitWriter w;
    copy.encode(w, schema_, static_cast<int>(copy.txns.size()), static_cast<int>(copy.txns.size()));
    return w.take();
  }

  StringPool pool_;
  Schema schema_;
  DbState db_;
  std::vector<Value> params_;
};

// --- autocommit, visibility ---

TEST_F(SqlTest, SelectReturnsRowsInCanonicalOrder) {
  Result r = Run(0, Select(kSeats, {0, 1}));
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1), I(1)}), R({I(2), I(5)})}));
  EXPECT_EQ(r.row_count, 2);
}

TEST_F(SqlTest, AutocommitUpdateCommitsAtOnceAndReleasesLocks) {
  Result r = Run(0, Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}}, Eq(0, 1)));
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 1);
  const RowRecord& rec = db_.tables[kSeats].rows[0];
  EXPECT_EQ(rec.committed, R({I(1), I(0), I(0)}));
  EXPECT_EQ(rec.writer, -1);
  EXPECT_EQ(rec.exclusive, -1);
  EXPECT_EQ(Ok(1, Select(kSeats, {1}, Eq(0, 1))), (std::vector<Row>{R({I(0)})}));
}

TEST_F(SqlTest, AutocommitInsertAndDelete) {
  EXPECT_EQ(Run(0, Insert(kSeats, {Int(3), Int(9), Int(0)})).row_count, 1);
  EXPECT_EQ(Ok(1, Select(kSeats, {0}, Eq(0, 3))), (std::vector<Row>{R({I(3)})}));
  Result d = Run(1, Delete(kSeats, Bin(Op::ge, Col(0), Int(2))));
  ASSERT_EQ(d.outcome, Outcome::ok);
  EXPECT_EQ(d.row_count, 2);
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 1u);
}

TEST_F(SqlTest, UncommittedUpdateIsVisibleOnlyToItsWriter) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(Ok(0, Select(kSeats, {1}, Eq(0, 1))), (std::vector<Row>{R({I(0)})}));
  EXPECT_EQ(Ok(1, Select(kSeats, {1}, Eq(0, 1))), (std::vector<Row>{R({I(1)})}));
  const RowRecord& rec = db_.tables[kSeats].rows[0];
  EXPECT_EQ(rec.committed, R({I(1), I(1), I(0)}));
  EXPECT_EQ(rec.pending, R({I(1), I(0), I(0)}));
  EXPECT_EQ(rec.writer, 0);
  EXPECT_EQ(rec.exclusive, 0);
  Result c = Run(0, Commit());
  EXPECT_EQ(c.outcome, Outcome::ok);
  EXPECT_TRUE(c.committed);
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
  EXPECT_EQ(Ok(1, Select(kSeats, {1}, Eq(0, 1))), (std::vector<Row>{R({I(0)})}));
}

TEST_F(SqlTest, UncommittedInsertIsInvisibleAndNeverBlocksOthers) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  EXPECT_EQ(Ok(0, Select(kSeats, {0})).size(), 3u);
  EXPECT_EQ(Ok(1, Select(kSeats, {0})), (std::vector<Row>{R({I(1)}), R({I(2)})}));
  Result u = Run(1, Update(kSeats, {{2, Int(1)}}));
  EXPECT_EQ(u.outcome, Outcome::ok);
  EXPECT_EQ(u.row_count, 2);
  Result f = Run(1, ForUpdate(kSeats, {0}, Eq(0, 3)));
  EXPECT_EQ(f.outcome, Outcome::ok);
  EXPECT_EQ(f.row_count, 0);
  Result d = Run(1, Delete(kSeats, Eq(0, 3)));
  EXPECT_EQ(d.outcome, Outcome::ok);
  EXPECT_EQ(d.row_count, 0);
}

TEST_F(SqlTest, UncommittedDeleteIsVisibleOnlyToItsWriter) {
  begin(db_, 0);
  EXPECT_EQ(Run(0, Delete(kSeats, Eq(0, 1))).row_count, 1);
  EXPECT_EQ(Ok(0, Select(kSeats, {0})), (std::vector<Row>{R({I(2)})}));
  EXPECT_EQ(Ok(1, Select(kSeats, {0})), (std::vector<Row>{R({I(1)}), R({I(2)})}));
  Ok(0, Rollback());
  EXPECT_EQ(Ok(0, Select(kSeats, {0})), (std::vector<Row>{R({I(1)}), R({I(2)})}));
  EXPECT_EQ(db_.tables[kSeats].rows[0].exclusive, -1);
}

TEST_F(SqlTest, RollbackDiscardsWritesAndDropsUncommittedInserts) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Ok(0, Update(kSeats, {{1, Int(7)}}, Eq(0, 2)));
  Result r = Run(0, Rollback());
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
  ASSERT_EQ(db_.tables[kSeats].rows.size(), 2u);
  for (const RowRecord& rec : db_.tables[kSeats].rows) {
    EXPECT_EQ(rec.writer, -1);
    EXPECT_EQ(rec.exclusive, -1);
    EXPECT_FALSE(rec.pending.has_value());
  }
  EXPECT_EQ(Ok(1, Select(kSeats, {1}, Eq(0, 2))), (std::vector<Row>{R({I(5)})}));
}

TEST_F(SqlTest, DeletingOwnInsertRemovesTheSlot) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  EXPECT_EQ(Run(0, Delete(kSeats, Eq(0, 3))).row_count, 1);
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 2u);
  Ok(0, Commit());
  EXPECT_EQ(Ok(1, Select(kSeats, {0})).size(), 2u);
}

TEST_F(SqlTest, CommitAndRollbackOutsideATransactionDoNothing) {
  std::string before = Encoded();
  Result c = Run(0, Commit());
  EXPECT_EQ(c.outcome, Outcome::ok);
  EXPECT_FALSE(c.committed);
  Result r = Run(0, Rollback());
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(Encoded(), before);
}

// --- row locks ---

TEST_F(SqlTest, UpdateBlocksOnAnotherWritersRowWithoutEffect) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  DbState before = db_;
  Statement st = Update(kSeats, {{1, Int(9)}}, Eq(0, 1));
  Result r = Run(1, st);
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_, before);
  EXPECT_EQ(WaitsFor(1, st), std::vector<int>{0});
  // A row the statement does not match does not block it.
  EXPECT_EQ(Run(1, Update(kSeats, {{1, Int(9)}}, Eq(0, 2))).outcome, Outcome::ok);
  EXPECT_TRUE(WaitsFor(1, Update(kSeats, {{1, Int(9)}}, Eq(0, 2))).empty());
}

TEST_F(SqlTest, BlockedUpdateReevaluatesWhereAfterTheBlockerCommits) {
  // Both clients decrement the last seat; the second re-checks `available > 0` after the wait.
  Statement take = Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}},
                          Bin(Op::and_, Eq(0, 1), Bin(Op::gt, Col(1), Int(0))));
  begin(db_, 0);
  begin(db_, 1);
  EXPECT_EQ(Run(0, take).row_count, 1);
  Result waiting = Run(1, take);
  EXPECT_EQ(waiting.outcome, Outcome::blocked);
  EXPECT_EQ(waiting.waits_for, std::vector<int>{0});
  Ok(0, Commit());
  Result retry = Run(1, take);
  EXPECT_EQ(retry.outcome, Outcome::ok);
  EXPECT_EQ(retry.row_count, 0);
  Ok(1, Commit());
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(0));
}

TEST_F(SqlTest, BlockedUpdateProceedsAfterTheBlockerRollsBack) {
  Statement take = Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}},
                          Bin(Op::and_, Eq(0, 1), Bin(Op::gt, Col(1), Int(0))));
  begin(db_, 0);
  Ok(0, take);
  EXPECT_EQ(Run(1, take).outcome, Outcome::blocked);
  Ok(0, Rollback());
  EXPECT_EQ(Run(1, take).row_count, 1);
}

TEST_F(SqlTest, PlainSelectNeverBlocks) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}));
  Ok(0, Delete(kSeats, Eq(0, 2)));
  Result r = Run(1, Select(kSeats, {0}));
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 2);
}

TEST_F(SqlTest, SelectForUpdateTakesExclusiveLocksOnMatchedRowsOnly) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1)));
  EXPECT_EQ(db_.tables[kSeats].rows[0].exclusive, 0);
  EXPECT_EQ(db_.tables[kSeats].rows[1].exclusive, -1);
  Result r = Run(1, ForUpdate(kSeats, {0}));
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(Run(1, ForUpdate(kSeats, {0}, Eq(0, 2))).outcome, Outcome::ok);
}

TEST_F(SqlTest, RetakingAHeldLockIsANoOp) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1)));
  DbState before = db_;
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1)));
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share));
  EXPECT_EQ(db_, before);
}

TEST_F(SqlTest, AutocommitSelectForUpdateReleasesAtOnce) {
  Ok(0, ForUpdate(kSeats, {0}));
  for (const RowRecord& rec : db_.tables[kSeats].rows) EXPECT_EQ(rec.exclusive, -1);
}

TEST_F(SqlTest, NowaitFailsWithLockNotAvailableAndAbortsTheTransaction) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1)));
  begin(db_, 1);
  Ok(1, Update(kSeats, {{1, Int(9)}}, Eq(0, 2)));
  Result r = Run(1, ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_update, WaitMode::nowait));
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "lock_not_available");
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  // Its earlier update is discarded and its lock released.
  const RowRecord& seat2 = db_.tables[kSeats].rows[1];
  EXPECT_EQ(seat2.writer, -1);
  EXPECT_EQ(seat2.exclusive, -1);
  EXPECT_FALSE(seat2.pending.has_value());
  // Without a conflict NOWAIT just runs.
  Result free = Run(2, ForUpdate(kSeats, {0}, Eq(0, 2), LockMode::for_update, WaitMode::nowait));
  EXPECT_EQ(free.outcome, Outcome::ok);
  EXPECT_EQ(free.row_count, 1);
}

TEST_F(SqlTest, SkipLockedSkipsBeforeLimit) {
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1)));
  begin(db_, 1);
  Statement st = ForUpdate(kSeats, {0}, std::nullopt, LockMode::for_update, WaitMode::skip_locked);
  st.order_by = 0;
  st.limit = Int(1);
  Result r = Run(1, st);
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(2)})}));
  EXPECT_EQ(r.row_count, 1);
  EXPECT_EQ(db_.tables[kSeats].rows[0].exclusive, 0);
  EXPECT_EQ(db_.tables[kSeats].rows[1].exclusive, 1);
  EXPECT_EQ(db_.tables[kSeats].rows[2].exclusive, -1);
  // The next one skips both locked rows.
  Result r2 = Run(2, st);
  EXPECT_EQ(r2.rows, (std::vector<Row>{R({I(3)})}));
}

TEST_F(SqlTest, LimitLocksOnlyTheReturnedRows) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 2)));
  Statement st = ForUpdate(kSeats, {0});
  st.order_by = 0;
  st.limit = Int(1);
  Result r = Run(1, st);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1)})}));
}

TEST_F(SqlTest, SharedLocksCoexistAndConflictWithExclusive) {
  Statement share = ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share);
  begin(db_, 0);
  begin(db_, 1);
  begin(db_, 2);
  Ok(0, share);
  Ok(1, share);
  EXPECT_EQ(db_.tables[kSeats].rows[0].shared, (std::vector<int>{0, 1}));
  Result x = Run(2, ForUpdate(kSeats, {0}, Eq(0, 1)));
  EXPECT_EQ(x.outcome, Outcome::blocked);
  EXPECT_EQ(x.waits_for, (std::vector<int>{0, 1}));
  Result u = Run(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(u.waits_for, (std::vector<int>{0, 1}));
}

TEST_F(SqlTest, ExclusiveLockBlocksForShare) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  Result r = Run(1, ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share));
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
}

TEST_F(SqlTest, SoleSharerUpgradesToExclusive) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share));
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  const RowRecord& rec = db_.tables[kSeats].rows[0];
  EXPECT_EQ(rec.exclusive, 0);
  EXPECT_TRUE(rec.shared.empty());
}

TEST_F(SqlTest, TwoSharersThatBothUpdateWaitOnEachOther) {
  Statement share = ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share);
  Statement take = Update(kSeats, {{1, Int(0)}}, Eq(0, 1));
  begin(db_, 0);
  begin(db_, 1);
  Ok(0, share);
  Ok(1, share);
  Result a = Run(0, take);
  Result b = Run(1, take);
  EXPECT_EQ(a.outcome, Outcome::blocked);
  EXPECT_EQ(a.waits_for, std::vector<int>{1});
  EXPECT_EQ(b.outcome, Outcome::blocked);
  EXPECT_EQ(b.waits_for, std::vector<int>{0});
  // The deadlock detector aborts one: the other proceeds.
  abort(db_, 1, TxnStatus::failed);
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  EXPECT_EQ(db_.tables[kSeats].rows[0].shared, std::vector<int>{0});
  EXPECT_EQ(Run(0, take).outcome, Outcome::ok);
  EXPECT_EQ(Run(1, Select(kSeats, {0})).sql_error, "in_failed_transaction");
}

TEST_F(SqlTest, AbortAfterCrashRollsBackAndLeavesNoTransaction) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  abort(db_, 0, TxnStatus::none);
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 2u);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(1));
  EXPECT_EQ(Run(1, Update(kSeats, {{1, Int(0)}}, Eq(0, 1))).outcome, Outcome::ok);
}

TEST_F(SqlTest, RowDeletedByAnOpenTransactionBlocksUntilItCommits) {
  begin(db_, 0);
  Ok(0, Delete(kSeats, Eq(0, 1)));
  Statement take = Update(kSeats, {{1, Int(0)}}, Eq(0, 1));
  Result r = Run(1, take);
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(Run(2, Delete(kSeats, Eq(0, 1))).waits_for, std::vector<int>{0});
  Ok(0, Commit());
  Result after = Run(1, take);
  EXPECT_EQ(after.outcome, Outcome::ok);
  EXPECT_EQ(after.row_count, 0);
}

TEST_F(SqlTest, SkipLockedForShareDoesNotSkipSharedRows) {
  begin(db_, 0);
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 1), LockMode::for_share));
  Ok(0, ForUpdate(kSeats, {0}, Eq(0, 2)));
  Statement st = ForUpdate(kSeats, {0}, std::nullopt, LockMode::for_share, WaitMode::skip_locked);
  EXPECT_EQ(Ok(1, st), (std::vector<Row>{R({I(1)})}));
}

TEST_F(SqlTest, ModelErrorInATransactionLeavesItOpenAndUnchanged) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  DbState before = db_;
  EXPECT_EQ(Run(0, Select(kSeats, {0}, Bin(Op::eq, Bin(Op::div, Col(0), Int(0)), Int(1)))).outcome,
            Outcome::model_error);
  EXPECT_EQ(db_, before);
  EXPECT_EQ(db_.txns[0], TxnStatus::open);
}

// --- primary keys ---

TEST_F(SqlTest, InsertOfAnExistingKeyIsAUniqueViolation) {
  Result r = Run(0, Insert(kSeats, {Int(1), Int(0), Int(0)}));
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "unique_violation");
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 2u);
}

TEST_F(SqlTest, CompositeKeysCompareEveryColumn) {
  Ok(0, Insert(kSlots, {Int(1), Int(1), Lit(Value::pid(0))}));
  Ok(0, Insert(kSlots, {Int(1), Int(2), Lit(Value::pid(0))}));
  Ok(0, Insert(kSlots, {Int(2), Int(1), Lit(Value::pid(0))}));
  EXPECT_EQ(Run(1, Insert(kSlots, {Int(1), Int(2), Lit(Value::pid(1))})).sql_error,
            "unique_violation");
}

TEST_F(SqlTest, UniqueViolationInATransactionFailsIt) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 2)));
  EXPECT_EQ(Run(0, Insert(kSeats, {Int(1), Int(0), Int(0)})).sql_error, "unique_violation");
  EXPECT_EQ(db_.txns[0], TxnStatus::failed);
  const RowRecord& seat2 = db_.tables[kSeats].rows[1];
  EXPECT_EQ(seat2.writer, -1);
  EXPECT_EQ(seat2.exclusive, -1);
  for (const Statement& st : {Select(kSeats, {0}), Update(kSeats, {{1, Int(0)}}),
                              Insert(kSeats, {Int(4), Int(0), Int(0)}), Delete(kSeats)}) {
    Result r = Run(0, st);
    EXPECT_EQ(r.outcome, Outcome::error);
    EXPECT_EQ(r.sql_error, "in_failed_transaction");
  }
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 2))), I(5));
  Result c = Run(0, Commit());
  EXPECT_EQ(c.outcome, Outcome::ok);
  EXPECT_EQ(c.sql_error, "");
  EXPECT_FALSE(c.committed);
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
  EXPECT_EQ(Run(0, Select(kSeats, {0})).outcome, Outcome::ok);
}

TEST_F(SqlTest, RollbackEndsAFailedTransaction) {
  begin(db_, 0);
  Run(0, Insert(kSeats, {Int(1), Int(0), Int(0)}));
  ASSERT_EQ(db_.txns[0], TxnStatus::failed);
  Ok(0, Rollback());
  EXPECT_EQ(db_.txns[0], TxnStatus::none);
}

TEST_F(SqlTest, InsertWaitsOnAnUncommittedInsertThenFailsAfterItCommits) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  begin(db_, 1);
  Statement dup = Insert(kSeats, {Int(3), Int(2), Int(0)});
  DbState before = db_;
  Result r = Run(1, dup);
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_, before);
  EXPECT_EQ(WaitsFor(1, dup), std::vector<int>{0});
  Ok(0, Commit());
  Result retry = Run(1, dup);
  EXPECT_EQ(retry.outcome, Outcome::error);
  EXPECT_EQ(retry.sql_error, "unique_violation");
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
}

TEST_F(SqlTest, InsertWaitsOnAnUncommittedInsertThenSucceedsAfterItRollsBack) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement dup = Insert(kSeats, {Int(3), Int(2), Int(0)});
  EXPECT_EQ(Run(1, dup).outcome, Outcome::blocked);
  Ok(0, Rollback());
  Result retry = Run(1, dup);
  EXPECT_EQ(retry.outcome, Outcome::ok);
  EXPECT_EQ(retry.row_count, 1);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(2));
}

TEST_F(SqlTest, InsertWaitsOnARowAnotherTransactionDeleted) {
  begin(db_, 0);
  Ok(0, Delete(kSeats, Eq(0, 1)));
  Statement again = Insert(kSeats, {Int(1), Int(4), Int(0)});
  Result r = Run(1, again);
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  Ok(0, Commit());
  EXPECT_EQ(Run(1, again).outcome, Outcome::ok);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(4));
}

TEST_F(SqlTest, InsertWaitsOnAKeyAnotherTransactionMovedAway) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{0, Int(9)}}, Eq(0, 1)));
  Statement again = Insert(kSeats, {Int(1), Int(4), Int(0)});
  EXPECT_EQ(Run(1, again).waits_for, std::vector<int>{0});
  // ... and on the key it moved to.
  EXPECT_EQ(Run(1, Insert(kSeats, {Int(9), Int(4), Int(0)})).waits_for, std::vector<int>{0});
  Ok(0, Rollback());
  EXPECT_EQ(Run(1, again).sql_error, "unique_violation");
}

TEST_F(SqlTest, UpdateOfAKeyOntoAnUncommittedInsertWaits) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement move = Update(kSeats, {{0, Int(3)}}, Eq(0, 1));
  Result r = Run(1, move);
  EXPECT_EQ(r.outcome, Outcome::blocked);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  Ok(0, Rollback());
  EXPECT_EQ(Run(1, move).row_count, 1);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(1));
}

TEST_F(SqlTest, OnConflictDoNothing) {
  Result r = Run(0, Insert(kSeats, {Int(1), Int(0), Int(0)}, true));
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 0);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(1));
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement st = Insert(kSeats, {Int(3), Int(2), Int(0)}, true);
  Result w = Run(1, st);
  EXPECT_EQ(w.outcome, Outcome::blocked);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  Ok(0, Commit());
  Result after = Run(1, st);
  EXPECT_EQ(after.outcome, Outcome::ok);
  EXPECT_EQ(after.row_count, 0);
  // A new key still needs room: seats is full at 3 rows.
  EXPECT_EQ(Run(1, Insert(kSeats, {Int(4), Int(2), Int(0)}, true)).message,
            "table 'seats' is full (max 3 rows)");
}

TEST_F(SqlTest, UpdateOfAKeyOntoAnExistingKeyIsAUniqueViolation) {
  Result r = Run(0, Update(kSeats, {{0, Int(2)}}, Eq(0, 1)));
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "unique_violation");
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(1));
  // Moving every key at once is fine when the new keys are distinct.
  Result shift = Run(0, Update(kSeats, {{0, Bin(Op::add, Col(0), Int(10))}}));
  EXPECT_EQ(shift.outcome, Outcome::ok);
  EXPECT_EQ(shift.row_count, 2);
  // Two rows onto one key collide.
  EXPECT_EQ(Run(0, Update(kSeats, {{0, Int(5)}})).sql_error, "unique_violation");
}

TEST_F(SqlTest, NullInAPrimaryKeyIsAModelError) {
  Result r = Run(0, Insert(kSeats, {Null(), Int(0), Int(0)}));
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "null value in primary key column 'seats.id'");
  Result u = Run(0, Update(kSeats, {{0, Null()}}, Eq(0, 1)));
  EXPECT_EQ(u.outcome, Outcome::model_error);
  EXPECT_EQ(u.message, "null value in primary key column 'seats.id'");
}

TEST_F(SqlTest, TablesWithoutAKeyAllowDuplicates) {
  Statement book = Insert(kBookings, {Int(1), Lit(Value::pid(0)), Lit(T("held"))});
  EXPECT_EQ(Run(0, book).outcome, Outcome::ok);
  EXPECT_EQ(Run(0, book).outcome, Outcome::ok);
  EXPECT_EQ(db_.tables[kBookings].rows.size(), 2u);
}

// --- model errors ---

TEST_F(SqlTest, FullTableIsAModelError) {
  Statement book = Insert(kBookings, {Int(1), Lit(Value::pid(0)), Lit(T("held"))});
  Ok(0, book);
  begin(db_, 1);
  Ok(1, book);  // an uncommitted insert takes a slot too
  Ok(2, book);
  Result r = Run(0, book);
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "table 'bookings' is full (max 3 rows)");
  EXPECT_EQ(db_.tables[kBookings].rows.size(), 3u);
}

TEST_F(SqlTest, IntegerOverflowIsAModelErrorWithoutEffect) {
  begin(db_, 0);
  DbState before = db_;
  Result r = Run(0, Update(kSeats, {{1, Bin(Op::add, Col(1), Int(2147483647))}}, Eq(0, 1)));
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "integer overflow in 1 + 2147483647");
  EXPECT_EQ(db_, before);
  EXPECT_EQ(
      Run(0, Select(kSeats, {0}, Bin(Op::eq, Bin(Op::mul, Col(1), Int(-2147483648LL)), Int(0))))
          .message,
      "integer overflow in 5 * -2147483648");
  EXPECT_EQ(
      Run(0, Select(kSeats, {0}, Bin(Op::eq, Un(Op::neg, Param(0)), Int(0))), {I(-2147483648LL)})
          .message,
      "integer overflow in -(-2147483648)");
  EXPECT_EQ(Run(0, Insert(kSeats, {Int(3), Param(0), Int(0)}), {I(3000000000LL)}).message,
            "integer overflow in column 'seats.available' (3000000000 is out of range)");
}

TEST_F(SqlTest, DivisionByZeroIsAModelError) {
  Result r = Run(0, Select(kSeats, {0}, Bin(Op::eq, Bin(Op::div, Col(1), Int(0)), Int(1))));
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "division by zero");
  EXPECT_EQ(Run(0, Select(kSeats, {0}, Bin(Op::eq, Bin(Op::mod, Col(1), Int(0)), Int(1)))).message,
            "division by zero");
}

TEST_F(SqlTest, IntegerDivisionTruncatesTowardZero) {
  Ok(0, Update(kSeats, {{1, Bin(Op::div, Int(-7), Int(2))}, {2, Bin(Op::mod, Int(-7), Int(2))}},
               Eq(0, 1)));
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(-3));
  EXPECT_EQ(Scalar(Select(kSeats, {2}, Eq(0, 1))), I(-1));
}

TEST_F(SqlTest, TypeMismatchesAreModelErrorsNamingTheTypes) {
  Result cmp = Run(0, Select(kSeats, {0}, Bin(Op::eq, Col(0), Lit(T("1")))));
  EXPECT_EQ(cmp.outcome, Outcome::model_error);
  EXPECT_EQ(cmp.message, "cannot compare int with text");
  Result store = Run(0, Insert(kSeats, {Int(3), Lit(T("x")), Int(0)}));
  EXPECT_EQ(store.outcome, Outcome::model_error);
  EXPECT_EQ(store.message, "cannot store a value of type text in int column 'seats.available'");
  EXPECT_EQ(Run(0, Update(kSeats, {{1, Bin(Op::add, Col(1), Lit(Value::boolean(true)))}})).message,
            "cannot apply + to int and bool");
  EXPECT_EQ(Run(0, Select(kSeats, {0}, Col(1))).message, "WHERE needs a bool condition, got int");
  EXPECT_EQ(Run(0, Insert(kBookings, {Int(1), Int(0), Lit(T("held"))})).message,
            "cannot store a value of type int in pid column 'bookings.who'");
}

// --- expressions ---

TEST_F(SqlTest, ThreeValuedLogic) {
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(T("held"))}));
  Ok(0, Insert(kBookings, {Int(2), Lit(Value::pid(1)), Null()}));
  auto seats = [&](Expr where) {
    std::vector<Row> rows = Ok(0, Select(kBookings, {0}, std::move(where)));
    std::vector<int64_t> out;
    for (const Row& r : rows) out.push_back(r[0].i);
    return out;
  };
  // who = NULL is never true, not even for the NULL row.
  EXPECT_EQ(seats(Bin(Op::eq, Col(1), Null())), std::vector<int64_t>{});
  EXPECT_EQ(seats(Bin(Op::ne, Col(1), Lit(Value::pid(1)))), std::vector<int64_t>{});
  EXPECT_EQ(seats(IsNull(Col(1))), std::vector<int64_t>{1});
  EXPECT_EQ(seats(IsNull(Col(1), true)), std::vector<int64_t>{2});
  // NULL OR TRUE is TRUE; NULL AND FALSE is FALSE; NOT NULL is NULL.
  EXPECT_EQ(seats(Bin(Op::or_, Bin(Op::eq, Col(2), Lit(T("held"))), Eq(0, 2))),
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(seats(Un(Op::not_, Bin(Op::and_, Bin(Op::eq, Col(2), Lit(T("held"))), Eq(0, 1)))),
            std::vector<int64_t>{2});
  EXPECT_EQ(seats(Un(Op::not_, Bin(Op::eq, Col(1), Lit(Value::pid(1))))), std::vector<int64_t>{});
  // Arithmetic on NULL is NULL.
  EXPECT_EQ(seats(IsNull(Bin(Op::add, Null(), Col(0)))), (std::vector<int64_t>{1, 2}));
}

TEST_F(SqlTest, AndShortCircuitsLeftToRight) {
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  Statement st = Select(kSeats, {0},
                        Bin(Op::and_, Bin(Op::ne, Col(1), Int(0)),
                            Bin(Op::gt, Bin(Op::div, Int(10), Col(1)), Int(1))));
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({I(2)})}));
}

TEST_F(SqlTest, ParamsAndNow) {
  Result r = Run(0,
                 Update(kSeats, {{2, Bin(Op::add, Col(2), Param(1))}, {1, Now()}},
                        Bin(Op::eq, Col(0), Param(0))),
                 {I(2), I(5)});
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 2))), I(7));
  EXPECT_EQ(Scalar(Select(kSeats, {2}, Eq(0, 2))), I(5));
}

TEST_F(SqlTest, PidsCompareOnlyForEquality) {
  // As in host expressions: an order between process ids would make a spec depend on the ids,
  // which symmetry reduction relies on never happening.
  Ok(0, Insert(kBookings, {Int(1), Lit(Value::pid(2)), Null()}));
  Ok(0, Insert(kBookings, {Int(2), Lit(Value::pid(0)), Null()}));
  EXPECT_EQ(Ok(0, Select(kBookings, {0}, Bin(Op::eq, Col(1), Lit(Value::pid(0))))),
            (std::vector<Row>{R({I(2)})}));
  EXPECT_EQ(Ok(0, Select(kBookings, {0}, Bin(Op::ne, Col(1), Lit(Value::pid(0))))),
            (std::vector<Row>{R({I(1)})}));
  Result r = Run(0, Select(kBookings, {0}, Bin(Op::lt, Col(1), Lit(Value::pid(1)))));
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "cannot order process ids (only = and <> compare them)");
}

// --- results ---

TEST_F(SqlTest, Aggregates) {
  Ok(0, Insert(kBookings, {Int(4), Null(), Lit(T("held"))}));
  Ok(0, Insert(kBookings, {Int(2), Lit(Value::pid(0)), Lit(T("booked"))}));
  Ok(0, Insert(kBookings, {Null(), Lit(Value::pid(1)), Lit(T("held"))}));
  Statement st;
  st.kind = StatementKind::select;
  st.table = kBookings;
  st.items = {{Aggregate::count_star, -1}, {Aggregate::count, 1}, {Aggregate::sum, 0},
              {Aggregate::min, 0},         {Aggregate::max, 0},   {Aggregate::min, 2},
              {Aggregate::max, 2}};
  Result r = Run(0, st);
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 1);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(3), I(2), I(6), I(2), I(4), T("booked"), T("held")})}));
  st.where = Eq(0, 99);
  Result none = Run(0, st);
  EXPECT_EQ(none.row_count, 1);
  EXPECT_EQ(none.rows, (std::vector<Row>{R({I(0), I(0), Value::null(), Value::null(), Value::null(),
                                            Value::null(), Value::null()})}));
  st.where = IsNull(Col(0));
  EXPECT_EQ(Run(0, st).rows[0][2], Value::null()) << "SUM over only NULLs is NULL";
}

TEST_F(SqlTest, OrderByWithNullsAndLimit) {
  Ok(0, Insert(kBookings, {Int(2), Null(), Lit(T("a"))}));
  Ok(0, Insert(kBookings, {Null(), Null(), Lit(T("b"))}));
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(T("c"))}));
  Statement st = Select(kBookings, {2});
  st.order_by = 0;
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({T("c")}), R({T("a")}), R({T("b")})}));
  st.order_desc = true;
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({T("b")}), R({T("a")}), R({T("c")})}));
  st.limit = Int(2);
  Result r = Run(0, st);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({T("b")}), R({T("a")})}));
  EXPECT_EQ(r.row_count, 2);
  st.limit = Int(0);
  EXPECT_EQ(Run(0, st).row_count, 0);
  st.limit = Int(-1);
  EXPECT_EQ(Run(0, st).message, "LIMIT must not be negative");
}

TEST_F(SqlTest, TextOrdersByContentNotInterningOrder) {
  Value z = T("zebra");  // interned first: the smaller id
  Value a = T("apple");
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(z)}));
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(a)}));
  Statement st = Select(kBookings, {2});
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({a}), R({z})})) << "canonical order";
  st.order_by = 2;
  st.order_desc = true;
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({z}), R({a})}));
  EXPECT_EQ(Ok(0, Select(kBookings, {2}, Bin(Op::lt, Col(2), Lit(T("m"))))),
            (std::vector<Row>{R({a})}));
}

TEST_F(SqlTest, OrderByIsStableOnTheCanonicalOrder) {
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(T("b"))}));
  Ok(0, Insert(kBookings, {Int(1), Null(), Lit(T("a"))}));
  Ok(0, Insert(kBookings, {Int(0), Null(), Lit(T("c"))}));
  Statement st = Select(kBookings, {2});
  st.order_by = 0;
  st.order_desc = true;
  EXPECT_EQ(Ok(0, st), (std::vector<Row>{R({T("a")}), R({T("b")}), R({T("c")})}));
}

TEST_F(SqlTest, ReturningGivesNewVersionsForUpdateAndOldForDelete) {
  Statement up = Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}, {2, Int(3)}});
  up.items = Items({0, 1, 2});
  Result u = Run(0, up);
  ASSERT_EQ(u.outcome, Outcome::ok);
  EXPECT_EQ(u.rows, (std::vector<Row>{R({I(1), I(0), I(3)}), R({I(2), I(4), I(3)})}));
  EXPECT_EQ(u.row_count, 2);
  Statement del = Delete(kSeats, Eq(0, 2));
  del.items = Items({1});
  Result d = Run(0, del);
  EXPECT_EQ(d.rows, (std::vector<Row>{R({I(4)})}));
  EXPECT_EQ(d.row_count, 1);
  // Without RETURNING there are no rows, only the count.
  Result plain = Run(0, Update(kSeats, {{2, Int(0)}}));
  EXPECT_TRUE(plain.rows.empty());
  EXPECT_EQ(plain.row_count, 1);
}

TEST_F(SqlTest, SetExpressionsReadTheOldVersion) {
  Ok(0, Update(kSeats, {{1, Col(2)}, {2, Col(1)}}, Eq(0, 2)));
  EXPECT_EQ(Ok(0, Select(kSeats, {1, 2}, Eq(0, 2))), (std::vector<Row>{R({I(0), I(5)})}));
}

// --- scalar queries ---

TEST_F(SqlTest, ScalarQuerySeesCommittedDataOnly) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement count;
  count.kind = StatementKind::select;
  count.table = kSeats;
  count.items = {{Aggregate::count_star, -1}};
  EXPECT_EQ(Scalar(count), I(2));
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(1));
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 99))), Value::null());
  Context ctx;
  ctx.pool = &pool_;
  std::string error;
  scalar_query(db_, schema_, Select(kSeats, {0}, Bin(Op::div, Col(0), Int(0))), ctx, error);
  EXPECT_EQ(error, "division by zero");
}

TEST_F(SqlTest, ScalarQueryOrdersAndLimits) {
  Statement st = Select(kSeats, {0});
  st.order_by = 1;
  st.order_desc = true;
  st.limit = Int(1);
  EXPECT_EQ(Scalar(st), I(2));
  st.order_desc = false;
  EXPECT_EQ(Scalar(st), I(1));
}

// --- canonical form and encoding ---

TEST_F(SqlTest, InsertionOrderDoesNotChangeTheEncoding) {
  DbState start = db_;
  Statement x = Insert(kBookings, {Int(1), Lit(Value::pid(0)), Lit(T("x"))});
  Statement y = Insert(kBookings, {Int(1), Lit(Value::pid(0)), Lit(T("a"))});
  Ok(0, x);
  Ok(1, y);
  std::string first = Encoded();
  db_ = start;
  Ok(1, y);
  Ok(0, x);
  EXPECT_EQ(Encoded(), first);
  // Canonical order puts 'a' before 'x' although 'x' was interned first.
  DbState copy = db_;
  copy.canonicalize(pool_);
  EXPECT_EQ((*copy.tables[kBookings].rows[0].committed)[2], T("a"));
}

TEST_F(SqlTest, EncodeDecodeRoundTrips) {
  begin(db_, 0);
  begin(db_, 1);
  begin(db_, 2);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  Ok(0, Insert(kBookings, {Int(1), Lit(Value::pid(0)), Lit(T("held"))}));
  Ok(1, ForUpdate(kSeats, {0}, Eq(0, 2), LockMode::for_share));
  Ok(2, ForUpdate(kSeats, {0}, Eq(0, 2), LockMode::for_share));
  Ok(1, Delete(kBookings));                          // sees nothing
  Run(2, Insert(kSeats, {Int(1), Int(0), Int(0)}));  // waits: still open
  Ok(2, Insert(kSlots, {Int(1), Int(1), Null()}));
  abort(db_, 1, TxnStatus::failed);
  db_.canonicalize(pool_);
  BitWriter w;
  db_.encode(w, schema_, 3, 3);
  std::string bytes = w.take();
  BitReader r(bytes);
  DbState back = DbState::decode(r, schema_, 3, 3);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(back, db_);
  EXPECT_EQ(back.txns,
            (std::vector<TxnStatus>{TxnStatus::open, TxnStatus::failed, TxnStatus::open}));
}

TEST_F(SqlTest, CanonicalizeDropsEmptySlots) {
  db_.tables[kBookings].rows.push_back(RowRecord{});
  db_.canonicalize(pool_);
  EXPECT_TRUE(db_.tables[kBookings].rows.empty());
}

// --- initial state ---

TEST_F(SqlTest, InitialStateRejectsBadRows) {
  DbState out;
  EXPECT_EQ(initial_state(schema_, {{R({I(1), I(0), I(0)}), R({I(1), I(2), I(0)})}}, 1, pool_, out),
            "duplicate primary key (1) in table 'seats'");
  EXPECT_EQ(initial_state(
                schema_, {{}, {}, {R({I(1), I(2), Value::null()}), R({I(1), I(2), Value::pid(0)})}},
                1, pool_, out),
            "duplicate primary key (1, 2) in table 'slots'");
  EXPECT_EQ(initial_state(schema_, {{R({I(1), T("x"), I(0)})}}, 1, pool_, out),
            "cannot store a value of type text in int column 'seats.available'");
  EXPECT_EQ(initial_state(schema_, {{R({I(1), I(0)})}}, 1, pool_, out),
            "a row of table 'seats' has 2 values for 3 columns");
  EXPECT_EQ(initial_state(schema_,
                          {{R({I(1), I(0), I(0)}), R({I(2), I(0), I(0)}), R({I(3), I(0), I(0)}),
                            R({I(4), I(0), I(0)})}},
                          1, pool_, out),
            "table 'seats' has 4 initial rows, more than its max of 3 rows");
  EXPECT_EQ(initial_state(schema_, {{R({I(2), I(0), I(0)}), R({I(1), I(0), I(0)})}}, 2, pool_, out),
            "");
  EXPECT_EQ(out.txns.size(), 2u);
  EXPECT_EQ(out.tables[kSeats].rows[0].committed, R({I(1), I(0), I(0)}));
}

TEST_F(SqlTest, BadIndexesAreModelErrorsNotCrashes) {
  EXPECT_EQ(Run(5, Select(kSeats, {0})).message, "transaction id 5 out of range");
  EXPECT_EQ(Run(0, Select(9, {0})).message, "table index 9 out of range");
  EXPECT_EQ(Run(0, Select(kSeats, {7})).message, "column index 7 out of range");
  EXPECT_EQ(Run(0, Select(kSeats, {0}, Bin(Op::eq, Param(3), Int(1)))).message,
            "parameter index 3 out of range");
}

}  // namespace
}  // namespace lockcheck::sql
