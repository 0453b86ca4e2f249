#include "models/sql/database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/sql/wait_for_graph.h"

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

  // Goes on with txn's waiting statement, with the host values bound when it started.
  Result Resume(int txn, const Statement& st, bool orphan = false) {
    params_ = db_.cursors[static_cast<size_t>(txn)].params;
    Context ctx;
    ctx.txn = txn;
    ctx.now = I(7);
    ctx.params = params_;
    ctx.pool = &pool_;
    return resume(db_, schema_, st, ctx, orphan);
  }

  std::vector<int> WaitsFor(int txn, const Statement& st) {
    std::vector<Value> params = db_.cursors[static_cast<size_t>(txn)].params;
    Context ctx;
    ctx.txn = txn;
    ctx.params = params;
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

TEST_F(SqlTest, DeletingOwnInsertKeepsItsKeyUntilTheTransactionEnds) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  EXPECT_EQ(Run(0, Delete(kSeats, Eq(0, 3))).row_count, 1);
  ASSERT_EQ(db_.tables[kSeats].rows.size(), 3u) << "the deleted version's key stays taken";
  EXPECT_EQ(Ok(1, Select(kSeats, {0})).size(), 2u);
  // PostgreSQL's unique index still holds key 3 for transaction 0: another INSERT waits for it.
  Result w = Run(1, Insert(kSeats, {Int(3), Int(2), Int(0)}));
  EXPECT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  Ok(0, Insert(kSeats, {Int(3), Int(5), Int(0)}));  // its own key again: no conflict
  Ok(0, Delete(kSeats, Eq(0, 3)));
  Ok(0, Commit());
  EXPECT_EQ(Resume(1, Insert(kSeats, {Int(3), Int(2), Int(0)})).outcome, Outcome::ok);
  DbState copy = db_;
  copy.canonicalize(pool_);
  EXPECT_EQ(copy.tables[kSeats].rows.size(), 3u) << "the dead slots are gone with their writer";
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

TEST_F(SqlTest, UpdateOfAnotherWritersRowStartsAndWaitsThereWhileTheWriterIsOpen) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  Statement st = Update(kSeats, {{1, Param(0)}}, Eq(0, 1));
  Result r = Run(1, st, {I(9)});
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(r.row_count, 0);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_FALSE(r.committed);
  // Starting is a step: the target is marked, the cursor keeps the host values, and the
  // autocommit statement's transaction is implicit. The writer's row is untouched.
  const RowRecord& seat1 = db_.tables[kSeats].rows[0];
  EXPECT_EQ(seat1.marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_EQ(seat1.writer, 0);
  EXPECT_EQ(seat1.exclusive, 0);
  EXPECT_EQ(seat1.pending, R({I(1), I(0), I(0)}));
  EXPECT_TRUE(db_.tables[kSeats].rows[1].marks.empty());
  EXPECT_EQ(db_.txns[1], TxnStatus::implicit);
  const Cursor& cur = db_.cursors[1];
  EXPECT_TRUE(cur.active);
  EXPECT_EQ(cur.pc, -1);
  EXPECT_EQ(cur.params, std::vector<Value>{I(9)});
  EXPECT_EQ(cur.done, 0);
  EXPECT_FALSE(cur.first.has_value());
  EXPECT_FALSE(holds_rows(db_, 1));
  int table = -1;
  Row row;
  ASSERT_TRUE(waiting_row(db_, 1, table, row));
  EXPECT_EQ(table, kSeats);
  EXPECT_EQ(row, R({I(1), I(1), I(0)})) << "the latest committed version";
  // While the writer is open, going on is no step and changes nothing; the probe neither.
  DbState before = db_;
  EXPECT_EQ(WaitsFor(1, st), std::vector<int>{0});
  EXPECT_EQ(db_, before);
  Result again = Resume(1, st);
  EXPECT_EQ(again.outcome, Outcome::blocked);
  EXPECT_EQ(again.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_, before);
  // A row the statement does not match does not make it wait.
  Result other = Run(2, Update(kSeats, {{1, Int(9)}}, Eq(0, 2)));
  EXPECT_EQ(other.outcome, Outcome::ok);
  EXPECT_EQ(other.row_count, 1);
  EXPECT_TRUE(other.committed);
  // Once the writer commits, the statement can go on (the probe says it waits for nobody) and
  // does, on the committed version: an autocommit statement commits in the step it finishes.
  Ok(0, Commit());
  EXPECT_TRUE(WaitsFor(1, st).empty());
  Result done = Resume(1, st);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.row_count, 1);
  EXPECT_TRUE(done.committed);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(db_.cursors[1], Cursor{});
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(9));
}

TEST_F(SqlTest, WaitingUpdateRechecksWhereOnTheVersionTheBlockerCommitted) {
  // Both clients decrement the last seat; the second re-checks `available > 0` after the wait.
  Statement take = Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}},
                          Bin(Op::and_, Eq(0, 1), Bin(Op::gt, Col(1), Int(0))));
  begin(db_, 0);
  begin(db_, 1);
  EXPECT_EQ(Run(0, take).row_count, 1);
  Result waiting = Run(1, take);
  EXPECT_EQ(waiting.outcome, Outcome::waiting);
  EXPECT_EQ(waiting.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_.txns[1], TxnStatus::open);
  EXPECT_EQ(Resume(1, take).outcome, Outcome::blocked);
  Ok(0, Commit());
  Result retry = Resume(1, take);
  EXPECT_EQ(retry.outcome, Outcome::ok);
  EXPECT_EQ(retry.row_count, 0);
  EXPECT_FALSE(retry.committed) << "inside a transaction block";
  EXPECT_EQ(db_.txns[1], TxnStatus::open);
  EXPECT_FALSE(db_.cursors[1].active);
  EXPECT_TRUE(holds_rows(db_, 1))
      << "PostgreSQL locks the latest version before the re-check and keeps the lock";
  Ok(1, Commit());
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(0));
}

TEST_F(SqlTest, WaitingUpdateProceedsAfterTheBlockerRollsBack) {
  Statement take = Update(kSeats, {{1, Bin(Op::sub, Col(1), Int(1))}},
                          Bin(Op::and_, Eq(0, 1), Bin(Op::gt, Col(1), Int(0))));
  begin(db_, 0);
  Ok(0, take);
  EXPECT_EQ(Run(1, take).outcome, Outcome::waiting);
  EXPECT_EQ(Resume(1, take).outcome, Outcome::blocked);
  Ok(0, Rollback());
  Result r = Resume(1, take);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 1);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(0));
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
  // Another FOR UPDATE of both rows waits at seat 1, its first target; it has not reached seat 2.
  begin(db_, 1);
  Statement all = ForUpdate(kSeats, {0});
  Result r = Run(1, all);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_.tables[kSeats].rows[1].exclusive, -1);
  EXPECT_EQ(db_.tables[kSeats].rows[1].marks, (std::vector<Mark>{{1, 1}}));
  // So seat 2 is free for a third.
  Result two = Run(2, ForUpdate(kSeats, {0}, Eq(0, 2)));
  EXPECT_EQ(two.outcome, Outcome::ok);
  EXPECT_EQ(two.rows, (std::vector<Row>{R({I(2)})}));
  Ok(0, Commit());
  Result rest = Resume(1, all);
  EXPECT_EQ(rest.outcome, Outcome::ok);
  EXPECT_EQ(rest.rows, (std::vector<Row>{R({I(1)}), R({I(2)})}));
  EXPECT_EQ(rest.row_count, 2);
  EXPECT_EQ(db_.tables[kSeats].rows[0].exclusive, 1);
  EXPECT_EQ(db_.tables[kSeats].rows[1].exclusive, 1);
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
  const DbState shared = db_;
  Result x = Run(2, ForUpdate(kSeats, {0}, Eq(0, 1)));
  EXPECT_EQ(x.outcome, Outcome::waiting);
  EXPECT_EQ(x.waits_for, (std::vector<int>{0, 1}));
  db_ = shared;
  Result u = Run(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(u.outcome, Outcome::waiting);
  EXPECT_EQ(u.waits_for, (std::vector<int>{0, 1}));
  // One sharer ending is not enough.
  Ok(0, Commit());
  Result still = Resume(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(still.outcome, Outcome::blocked);
  EXPECT_EQ(still.waits_for, std::vector<int>{1});
  Ok(1, Rollback());
  EXPECT_EQ(Resume(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1))).row_count, 1);
  EXPECT_EQ(db_.tables[kSeats].rows[0].exclusive, 2);
  EXPECT_TRUE(db_.tables[kSeats].rows[0].shared.empty());
}

TEST_F(SqlTest, ExclusiveLockMakesForShareWait) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  begin(db_, 1);
  Statement share = ForUpdate(kSeats, {0, 1}, Eq(0, 1), LockMode::for_share);
  Result r = Run(1, share);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_TRUE(db_.tables[kSeats].rows[0].shared.empty());
  Ok(0, Commit());
  Result done = Resume(1, share);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.rows, (std::vector<Row>{R({I(1), I(0)})})) << "the committed version";
  EXPECT_EQ(db_.tables[kSeats].rows[0].shared, std::vector<int>{1});
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
  EXPECT_EQ(a.outcome, Outcome::waiting);
  EXPECT_EQ(a.waits_for, std::vector<int>{1});
  EXPECT_EQ(b.outcome, Outcome::waiting);
  EXPECT_EQ(b.waits_for, std::vector<int>{0});
  EXPECT_EQ(WaitsFor(0, take), std::vector<int>{1});
  EXPECT_EQ(WaitsFor(1, take), std::vector<int>{0});
  // Both keep their shared locks while they wait.
  EXPECT_EQ(db_.tables[kSeats].rows[0].shared, (std::vector<int>{0, 1}));
  EXPECT_EQ(db_.tables[kSeats].rows[0].marks, (std::vector<Mark>{{0, 0}, {1, 0}}));
  // The deadlock detector aborts one: its lock, mark and statement go; the other goes on.
  abort(db_, 1, TxnStatus::failed);
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  EXPECT_EQ(db_.tables[kSeats].rows[0].shared, std::vector<int>{0});
  EXPECT_EQ(db_.tables[kSeats].rows[0].marks, (std::vector<Mark>{{0, 0}}));
  EXPECT_FALSE(db_.cursors[1].active);
  Result go = Resume(0, take);
  EXPECT_EQ(go.outcome, Outcome::ok);
  EXPECT_EQ(go.row_count, 1);
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

TEST_F(SqlTest, RowDeletedByAnOpenTransactionMakesUpdatersWaitThenSkipIt) {
  begin(db_, 0);
  Ok(0, Delete(kSeats, Eq(0, 1)));
  Statement take = Update(kSeats, {{1, Int(0)}}, Eq(0, 1));
  Statement drop = Delete(kSeats, Eq(0, 1));
  Result r = Run(1, take);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  Result d = Run(2, drop);
  EXPECT_EQ(d.outcome, Outcome::waiting);
  EXPECT_EQ(d.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_.tables[kSeats].rows[0].marks, (std::vector<Mark>{{1, 0}, {2, 0}}));
  Ok(0, Commit());
  // The row is gone, but its slot keeps the waiters' marks until each goes on and skips it
  // (that is their step, §4.3); then the slot goes.
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 2u);
  EXPECT_FALSE(still_waits(db_, take, 1));
  Result after = Resume(1, take);
  EXPECT_EQ(after.outcome, Outcome::ok);
  EXPECT_EQ(after.row_count, 0);
  EXPECT_TRUE(after.committed);
  Result gone = Resume(2, drop);
  EXPECT_EQ(gone.outcome, Outcome::ok);
  EXPECT_EQ(gone.row_count, 0);
  EXPECT_EQ(db_.tables[kSeats].rows.size(), 1u);
  EXPECT_EQ(db_.txns, (std::vector<TxnStatus>{TxnStatus::none, TxnStatus::none, TxnStatus::none}));
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
  Statement dup = Insert(kSeats, {Int(3), Param(0), Int(0)});
  const DbState before = db_;
  Result r = Run(1, dup, {I(2)});
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  // An INSERT that waits has inserted nothing: only its cursor is new.
  EXPECT_EQ(db_.tables, before.tables);
  EXPECT_EQ(db_.txns, before.txns);
  EXPECT_TRUE(db_.cursors[1].active);
  EXPECT_EQ(db_.cursors[1].params, std::vector<Value>{I(2)});
  int table = -1;
  Row row;
  EXPECT_FALSE(waiting_row(db_, 1, table, row)) << "it waits on a key, not a row";
  EXPECT_EQ(WaitsFor(1, dup), std::vector<int>{0});
  const DbState waiting = db_;
  EXPECT_EQ(Resume(1, dup).outcome, Outcome::blocked);
  EXPECT_EQ(db_, waiting);
  Ok(0, Commit());
  Result retry = Resume(1, dup);
  EXPECT_EQ(retry.outcome, Outcome::error);
  EXPECT_EQ(retry.sql_error, "unique_violation");
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  EXPECT_FALSE(db_.cursors[1].active);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(1));
}

TEST_F(SqlTest, InsertWaitsOnAnUncommittedInsertThenSucceedsAfterItRollsBack) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement dup = Insert(kSeats, {Int(3), Int(2), Int(0)});
  EXPECT_EQ(Run(1, dup).outcome, Outcome::waiting);
  EXPECT_EQ(db_.txns[1], TxnStatus::implicit);
  Ok(0, Rollback());
  Result retry = Resume(1, dup);
  EXPECT_EQ(retry.outcome, Outcome::ok);
  EXPECT_EQ(retry.row_count, 1);
  EXPECT_TRUE(retry.committed);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(2));
}

TEST_F(SqlTest, InsertWaitsOnARowAnotherTransactionDeleted) {
  begin(db_, 0);
  Ok(0, Delete(kSeats, Eq(0, 1)));
  Statement again = Insert(kSeats, {Int(1), Int(4), Int(0)});
  Result r = Run(1, again);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  EXPECT_EQ(Resume(1, again).outcome, Outcome::blocked);
  Ok(0, Commit());
  Result done = Resume(1, again);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.row_count, 1);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(4));
}

TEST_F(SqlTest, InsertWaitsOnAKeyAnotherTransactionMovedAway) {
  begin(db_, 0);
  Ok(0, Update(kSeats, {{0, Int(9)}}, Eq(0, 1)));
  Statement again = Insert(kSeats, {Int(1), Int(4), Int(0)});
  Result r = Run(1, again);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  // ... and on the key it moved to.
  Statement moved = Insert(kSeats, {Int(9), Int(4), Int(0)});
  Result m = Run(2, moved);
  EXPECT_EQ(m.outcome, Outcome::waiting);
  EXPECT_EQ(m.waits_for, std::vector<int>{0});
  Ok(0, Rollback());
  // Key 1 is back; key 9 was never committed.
  Result dup = Resume(1, again);
  EXPECT_EQ(dup.outcome, Outcome::error);
  EXPECT_EQ(dup.sql_error, "unique_violation");
  EXPECT_EQ(db_.txns[1], TxnStatus::none) << "an autocommit statement leaves no transaction";
  Result free = Resume(2, moved);
  EXPECT_EQ(free.outcome, Outcome::ok);
  EXPECT_EQ(free.row_count, 1);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 9))), I(4));
}

TEST_F(SqlTest, UpdateOfAKeyOntoAnUncommittedInsertWritesItsRowThenWaits) {
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement move = Update(kSeats, {{0, Int(3)}}, Eq(0, 1));
  Result r = Run(1, move);
  EXPECT_EQ(r.outcome, Outcome::waiting);
  EXPECT_EQ(r.waits_for, std::vector<int>{0});
  // As PostgreSQL, it has written the new version (key 3) before its unique check waits: the
  // row is its own now, so an INSERT of the old key 1 waits for it too (§4.4).
  const RowRecord& seat1 = db_.tables[kSeats].rows[0];
  EXPECT_EQ(seat1.exclusive, 1);
  EXPECT_EQ(seat1.writer, 1);
  ASSERT_TRUE(seat1.pending.has_value());
  EXPECT_EQ((*seat1.pending)[0], Int(3).literal);
  EXPECT_EQ(seat1.marks, (std::vector<Mark>{{1, 0, true}}));
  EXPECT_EQ(db_.cursors[1].done, 0);
  {
    DbState copy = db_;
    std::swap(copy, db_);
    Result old_key = Run(2, Insert(kSeats, {Int(1), Int(9), Int(0)}));
    EXPECT_EQ(old_key.outcome, Outcome::waiting);
    EXPECT_EQ(old_key.waits_for, std::vector<int>{1});
    std::swap(copy, db_);
  }
  begin(db_, 2);
  Result other = Run(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(other.outcome, Outcome::waiting);
  EXPECT_EQ(other.waits_for, std::vector<int>{1});
  const DbState waiting = db_;
  EXPECT_EQ(Resume(1, move).outcome, Outcome::blocked);
  EXPECT_EQ(db_, waiting);
  Ok(0, Rollback());
  Result done = Resume(1, move);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.row_count, 1);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(1));
  // The third statement's target moved to key 3 and fails its re-check `id = 1`.
  Result skipped = Resume(2, Update(kSeats, {{1, Int(0)}}, Eq(0, 1)));
  EXPECT_EQ(skipped.outcome, Outcome::ok);
  EXPECT_EQ(skipped.row_count, 0);
}

TEST_F(SqlTest, OnConflictDoNothingWaitsForAnOpenInsertThenInsertsNothing) {
  Result r = Run(0, Insert(kSeats, {Int(1), Int(0), Int(0)}, true));
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 0);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 1))), I(1));
  begin(db_, 0);
  Ok(0, Insert(kSeats, {Int(3), Int(1), Int(0)}));
  Statement st = Insert(kSeats, {Int(3), Int(2), Int(0)}, true);
  Result w = Run(1, st);
  EXPECT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  EXPECT_EQ(Resume(1, st).outcome, Outcome::blocked);
  Ok(0, Commit());
  Result after = Resume(1, st);
  EXPECT_EQ(after.outcome, Outcome::ok);
  EXPECT_EQ(after.row_count, 0);
  EXPECT_EQ(Scalar(Select(kSeats, {1}, Eq(0, 3))), I(1));
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

TEST_F(SqlTest, IntegerOverflowIsAModelError) {
  // A model error may leave a partial change behind (the interpreter discards the whole step):
  // each statement starts from the same state.
  begin(db_, 0);
  const DbState start = db_;
  Result r = Run(0, Update(kSeats, {{1, Bin(Op::add, Col(1), Int(2147483647))}}, Eq(0, 1)));
  EXPECT_EQ(r.outcome, Outcome::model_error);
  EXPECT_EQ(r.message, "integer overflow in 1 + 2147483647");
  db_ = start;
  EXPECT_EQ(
      Run(0, Select(kSeats, {0}, Bin(Op::eq, Bin(Op::mul, Col(1), Int(-2147483648LL)), Int(0))))
          .message,
      "integer overflow in 5 * -2147483648");
  db_ = start;
  EXPECT_EQ(
      Run(0, Select(kSeats, {0}, Bin(Op::eq, Un(Op::neg, Param(0)), Int(0))), {I(-2147483648LL)})
          .message,
      "integer overflow in -(-2147483648)");
  db_ = start;
  EXPECT_EQ(Run(0, Insert(kSeats, {Int(3), Param(0), Int(0)}), {I(3000000000LL)}).message,
            "integer overflow in column 'seats.available' (3000000000 is out of range)");
  // A model error does not fail the transaction (the spec is wrong, not the SQL).
  EXPECT_EQ(db_.txns[0], TxnStatus::open);
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
  Ok(1, Delete(kBookings));  // sees nothing
  Ok(2, Insert(kSlots, {Int(1), Int(1), Null()}));
  ASSERT_EQ(Run(2, Insert(kSeats, {Int(1), Int(0), Int(0)})).outcome, Outcome::waiting);
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
  EXPECT_TRUE(back.cursors[2].active);
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

// --- READ COMMITTED step by step (spec-language.md §4.2-§4.4) ---
//
// test (id int primary key, value int) max 4 rows, rows (1, 10) and (2, 20). Three processes:
// slots 0, 1, 2 are their connections ("T1", "T2", "T3"), slots 3, 4, 5 their orphans' (§4.3).

constexpr int kTest = 0;
constexpr int kProcesses = 3;
constexpr int kTxnSlots = 6;

Expr Value1Plus(int64_t n) { return Bin(Op::add, Col(1), Int(n)); }
Expr ValueLess(int64_t n) { return Bin(Op::lt, Col(1), Int(n)); }

class ReadCommittedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.tables.push_back(
        {"test", {"id", "value"}, {ColumnType::int_, ColumnType::int_}, {0}, 4});
    schema_.uses_now = true;
    ASSERT_EQ(initial_state(schema_, {{R({I(1), I(10)}), R({I(2), I(20)})}}, kTxnSlots, pool_, db_),
              "");
  }

  Context Ctx(int txn, int64_t now, const std::vector<Value>& params, bool keep_start = true) {
    Context ctx;
    ctx.txn = txn;
    ctx.now = I(now);
    ctx.params = params;
    ctx.pool = &pool_;
    ctx.keep_start = keep_start;
    return ctx;
  }

  Result Run(int txn, const Statement& st, std::vector<Value> params = {}, int64_t now = 7,
             int32_t pc = -1, bool keep_start = true) {
    params_ = std::move(params);
    return execute(db_, schema_, st, Ctx(txn, now, params_, keep_start), pc);
  }

  std::vector<Row> Ok(int txn, const Statement& st) {
    Result r = Run(txn, st);
    EXPECT_EQ(r.outcome, Outcome::ok) << r.message << r.sql_error;
    return r.rows;
  }

  Result Resume(int txn, const Statement& st, bool orphan = false, int64_t now = 7) {
    params_ = db_.cursors[static_cast<size_t>(txn)].params;
    return resume(db_, schema_, st, Ctx(txn, now, params_), orphan);
  }

  std::vector<int> WaitsFor(int txn, const Statement& st) {
    std::vector<Value> params = db_.cursors[static_cast<size_t>(txn)].params;
    return waits_for(db_, schema_, st, Ctx(txn, 7, params));
  }

  // The record whose latest version (pending, else committed) has this id; nullptr if none.
  const RowRecord* Rec(int64_t id) {
    for (const RowRecord& r : db_.tables[kTest].rows) {
      const std::optional<Row>& v = r.writer >= 0 ? r.pending : r.committed;
      if (v && (*v)[0] == I(id)) return &r;
    }
    for (const RowRecord& r : db_.tables[kTest].rows)
      if (r.committed && (*r.committed)[0] == I(id)) return &r;
    return nullptr;
  }

  // The committed rows, by id.
  std::vector<Row> Committed() {
    DbState copy = db_;
    copy.canonicalize(pool_);
    std::vector<Row> out;
    for (const RowRecord& r : copy.tables[kTest].rows)
      if (r.committed) out.push_back(*r.committed);
    std::sort(out.begin(), out.end(),
              [&](const Row& a, const Row& b) { return compare_rows(a, b, &pool_) < 0; });
    return out;
  }

  StringPool pool_;
  Schema schema_;
  DbState db_;
  std::vector<Value> params_;
};

// T1: UPDATE value = 21 WHERE id = 2; T2: UPDATE value = value + 1 WHERE id = 1 OR id = 2
// (locks and writes row 1, waits at row 2). Shared by schedules 1 and 4.
Statement BothRows() {
  return Update(kTest, {{1, Value1Plus(1)}}, Bin(Op::or_, Eq(0, 1), Eq(0, 2)));
}

TEST_F(ReadCommittedTest, Schedule1MultiRowUpdateAndSingleRowUpdateDeadlock) {
  begin(db_, 0);
  EXPECT_EQ(Run(0, Update(kTest, {{1, Int(21)}}, Eq(0, 2))).row_count, 1);
  begin(db_, 1);
  Statement both = BothRows();
  Result t2 = Run(1, both);
  ASSERT_EQ(t2.outcome, Outcome::waiting);
  EXPECT_EQ(t2.waits_for, std::vector<int>{0});
  // T2 holds row 1 (written) and waits at row 2.
  EXPECT_EQ(Rec(1)->pending, R({I(1), I(11)}));
  EXPECT_EQ(Rec(1)->writer, 1);
  EXPECT_EQ(Rec(1)->exclusive, 1);
  EXPECT_TRUE(Rec(1)->marks.empty());
  EXPECT_EQ(Rec(2)->writer, 0);
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  EXPECT_EQ(db_.cursors[1].done, 1);
  Statement one = Update(kTest, {{1, Int(11)}}, Eq(0, 1));
  Result t1 = Run(0, one);
  ASSERT_EQ(t1.outcome, Outcome::waiting);
  EXPECT_EQ(t1.waits_for, std::vector<int>{1});
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{0, 0}}));
  // A cycle: each waits for the other.
  EXPECT_EQ(WaitsFor(0, one), std::vector<int>{1});
  EXPECT_EQ(WaitsFor(1, both), std::vector<int>{0});
  std::vector<std::pair<int, int>> edges;
  for (int w : WaitsFor(0, one)) edges.emplace_back(0, w);
  for (int w : WaitsFor(1, both)) edges.emplace_back(1, w);
  EXPECT_EQ(find_cycle(kTxnSlots, edges), (std::vector<int>{0, 1}));
  int table = -1;
  Row row;
  ASSERT_TRUE(waiting_row(db_, 1, table, row));
  EXPECT_EQ(row, R({I(2), I(20)}));
  ASSERT_TRUE(waiting_row(db_, 0, table, row));
  EXPECT_EQ(row, R({I(1), I(10)}));
  EXPECT_EQ(Resume(0, one).outcome, Outcome::blocked);
  EXPECT_EQ(Resume(1, both).outcome, Outcome::blocked);
  // The detector aborts T1: T2 goes on with row 2's committed version.
  abort(db_, 0, TxnStatus::failed);
  Result rest = Resume(1, both);
  EXPECT_EQ(rest.outcome, Outcome::ok);
  EXPECT_EQ(rest.row_count, 2);
  Result c = Run(1, Commit());
  EXPECT_TRUE(c.committed);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(21)})}));
}

TEST_F(ReadCommittedTest, Schedule2DeleteWhereValueRechecksAndNeverSeesTheNewMatch) {
  begin(db_, 0);
  EXPECT_EQ(Run(0, Update(kTest, {{1, Value1Plus(10)}})).row_count, 2);
  begin(db_, 1);
  Statement del = Delete(kTest, Bin(Op::eq, Col(1), Int(20)));
  Result w = Run(1, del);
  ASSERT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_TRUE(Rec(1)->marks.empty()) << "row 1 held 10 in the snapshot: not a target";
  EXPECT_EQ(Resume(1, del).outcome, Outcome::blocked);
  Ok(0, Commit());
  // Row 2 is now 30 and fails the re-check; row 1 is now 20 but was never a target.
  Result r = Resume(1, del);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 0);
  EXPECT_EQ(db_.txns[1], TxnStatus::open);
  EXPECT_EQ(Rec(2)->exclusive, 1) << "locked before the re-check that failed, and kept";
  EXPECT_EQ(Rec(1)->exclusive, -1) << "never a target";
  Ok(1, Commit());
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(20)}), R({I(2), I(30)})}));
}

TEST_F(ReadCommittedTest, Schedule3AutocommitUpdateUsesTheCommittedVersionAndNotTheNewRow) {
  begin(db_, 0);
  Ok(0, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  Ok(0, Insert(kTest, {Int(3), Int(5)}));
  Statement zero = Update(kTest, {{1, Int(0)}}, ValueLess(15));
  Result w = Run(1, zero);
  ASSERT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  EXPECT_EQ(db_.txns[1], TxnStatus::implicit);
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_TRUE(Rec(2)->marks.empty());
  EXPECT_TRUE(Rec(3)->marks.empty()) << "T1's insert is not in T2's snapshot";
  EXPECT_EQ(Resume(1, zero).outcome, Outcome::blocked);
  Ok(0, Commit());
  Result r = Resume(1, zero);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 1);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(db_.cursors[1], Cursor{});
  EXPECT_FALSE(holds_rows(db_, 1));
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(0)}), R({I(2), I(20)}), R({I(3), I(5)})}));
}

TEST_F(ReadCommittedTest, Schedule4OrphanedStatementKeepsItsLockAndThirdWaitsForIt) {
  begin(db_, 0);
  Ok(0, Update(kTest, {{1, Int(21)}}, Eq(0, 2)));
  begin(db_, 1);
  Statement both = BothRows();
  ASSERT_EQ(Run(1, both, {}, /*now=*/3, /*pc=*/5).outcome, Outcome::waiting);
  db_.cursors[1].locals = {I(4)};
  const Cursor moving = db_.cursors[1];
  // T2 crashes while its statement waits: it goes on in T2's orphan slot.
  const int orphan = kProcesses + 1;
  move_slot(db_, 1, orphan);
  EXPECT_EQ(Rec(1)->writer, orphan);
  EXPECT_EQ(Rec(1)->exclusive, orphan);
  EXPECT_EQ(Rec(1)->pending, R({I(1), I(11)}));
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{orphan, 1}}));
  EXPECT_EQ(db_.cursors[orphan], moving);
  EXPECT_EQ(db_.cursors[1], Cursor{});
  EXPECT_EQ(db_.txns[orphan], TxnStatus::open);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(db_.starts[orphan], 3);
  EXPECT_EQ(db_.starts[1], -1);
  EXPECT_TRUE(holds_rows(db_, orphan));
  EXPECT_FALSE(holds_rows(db_, 1));
  EXPECT_EQ(WaitsFor(orphan, both), std::vector<int>{0});
  // A third transaction's UPDATE of row 1 waits for the orphan.
  Statement third = Update(kTest, {{1, Int(0)}}, Eq(0, 1));
  Result t3 = Run(2, third);
  ASSERT_EQ(t3.outcome, Outcome::waiting);
  EXPECT_EQ(t3.waits_for, std::vector<int>{orphan});
  Ok(0, Commit());
  EXPECT_EQ(Resume(2, third).waits_for, std::vector<int>{orphan});
  // The orphan finishes; inside a transaction block, its transaction then rolls back.
  Result o = Resume(orphan, both, /*orphan=*/true);
  EXPECT_EQ(o.outcome, Outcome::ok);
  EXPECT_EQ(o.row_count, 2);
  EXPECT_FALSE(o.committed);
  EXPECT_EQ(db_.txns[orphan], TxnStatus::none);
  EXPECT_FALSE(holds_rows(db_, orphan));
  EXPECT_EQ(db_.starts[orphan], -1);
  Result done = Resume(2, third);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.row_count, 1);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(0)}), R({I(2), I(21)})}));
}

TEST_F(ReadCommittedTest, OrphanedAutocommitStatementCommitsWhenItFinishes) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  Statement all = Update(kTest, {{1, Value1Plus(1)}});
  ASSERT_EQ(Run(1, all).outcome, Outcome::waiting);
  move_slot(db_, 1, kProcesses + 1);
  EXPECT_EQ(db_.txns[kProcesses + 1], TxnStatus::implicit);
  Ok(0, Commit());
  Result o = Resume(kProcesses + 1, all, /*orphan=*/true);
  EXPECT_EQ(o.outcome, Outcome::ok);
  EXPECT_TRUE(o.committed);
  EXPECT_EQ(db_.txns[kProcesses + 1], TxnStatus::none);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(21)})}));
}

TEST_F(ReadCommittedTest, MultiRowUpdateHoldsRowOneWhileItWaitsAtRowTwo) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));  // a lock, no write
  Statement inc = Update(kTest, {{1, Value1Plus(1)}});
  inc.items = Items({0, 1});
  Result w = Run(1, inc);
  ASSERT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  EXPECT_TRUE(w.rows.empty());
  EXPECT_EQ(w.row_count, 0);
  EXPECT_EQ(db_.cursors[1].done, 1);
  EXPECT_EQ(db_.cursors[1].first, R({I(1), I(11)})) << "RETURNING's first row";
  EXPECT_EQ(Rec(1)->writer, 1);
  EXPECT_EQ(Rec(1)->exclusive, 1);
  EXPECT_EQ(Rec(2)->exclusive, 0);
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  // Others see row 1's committed version and wait for T2 to update it.
  EXPECT_EQ(Ok(2, Select(kTest, {1}, Eq(0, 1))), (std::vector<Row>{R({I(10)})}));
  Statement other = Update(kTest, {{1, Int(0)}}, Eq(0, 1));
  Result o = Run(2, other);
  ASSERT_EQ(o.outcome, Outcome::waiting);
  EXPECT_EQ(o.waits_for, std::vector<int>{1});
  Ok(0, Commit());
  Result done = Resume(1, inc);
  EXPECT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.rows, (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(21)})}));
  EXPECT_EQ(done.row_count, 2);
  EXPECT_TRUE(done.committed);
  // Row 1 is 11 now, and still matches `id = 1`.
  EXPECT_EQ(Resume(2, other).row_count, 1);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(0)}), R({I(2), I(21)})}));
}

TEST_F(ReadCommittedTest, ReturnedRowsAfterSeveralWaitsAreTheFirstAndTheLastStepsRows) {
  Ok(2, Insert(kTest, {Int(3), Int(30)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  begin(db_, 2);
  Ok(2, ForUpdate(kTest, {0}, Eq(0, 3)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}});
  inc.items = Items({0});
  ASSERT_EQ(Run(1, inc).outcome, Outcome::waiting);
  Ok(0, Commit());
  Result second = Resume(1, inc);
  ASSERT_EQ(second.outcome, Outcome::waiting);
  EXPECT_EQ(second.waits_for, std::vector<int>{2});
  EXPECT_EQ(db_.cursors[1].done, 2);
  EXPECT_EQ(db_.cursors[1].first, R({I(1)}));
  Ok(2, Rollback());
  Result done = Resume(1, inc);
  ASSERT_EQ(done.outcome, Outcome::ok);
  EXPECT_EQ(done.row_count, 3);
  EXPECT_EQ(done.rows, (std::vector<Row>{R({I(1)}), R({I(3)})}))
      << "rows returned in earlier steps: only the first is kept";
}

TEST_F(ReadCommittedTest, TargetDeletedByACommittedTransactionIsSkipped) {
  begin(db_, 0);
  Ok(0, Delete(kTest, Eq(0, 2)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}});
  inc.items = Items({0});
  ASSERT_EQ(Run(1, inc).outcome, Outcome::waiting);
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  Ok(0, Commit());
  EXPECT_EQ(Rec(2), nullptr) << "the row went, and its mark with it";
  Result r = Resume(1, inc);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 1);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1)})}));
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)})}));
}

TEST_F(ReadCommittedTest, TargetChangedNotToMatchIsSkippedAndRowChangedToMatchIsNoTarget) {
  begin(db_, 0);
  Ok(0, Update(kTest, {{1, Int(50)}}, Eq(0, 1)));
  Ok(0, Update(kTest, {{1, Int(5)}}, Eq(0, 2)));
  Statement low = Update(kTest, {{1, Int(-1)}}, ValueLess(15));
  low.items = Items({0});
  begin(db_, 1);
  ASSERT_EQ(Run(1, low).outcome, Outcome::waiting);
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_TRUE(Rec(2)->marks.empty());
  Ok(0, Commit());
  Result r = Resume(1, low);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 0);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(Rec(1)->exclusive, 1) << "locked before the re-check that failed, and kept";
  EXPECT_EQ(Rec(2)->exclusive, -1) << "never a target";
  // A later statement takes a new snapshot and sees row 2 match.
  EXPECT_EQ(Ok(1, low), (std::vector<Row>{R({I(2)})}));
  Ok(1, Commit());
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(50)}), R({I(2), I(-1)})}));
}

TEST_F(ReadCommittedTest, TargetUpdatedAfterTheSnapshotIsProcessedInItsLatestVersion) {
  // The target is not locked when reached, but was updated after the snapshot: the committed
  // update is what the statement reads.
  Ok(2, Insert(kTest, {Int(3), Int(30)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}}, ValueLess(100));
  inc.items = Items({0, 1});
  ASSERT_EQ(Run(1, inc).outcome, Outcome::waiting);
  Ok(2, Update(kTest, {{1, Int(99)}}, Eq(0, 2)));   // still matches
  Ok(2, Update(kTest, {{1, Int(100)}}, Eq(0, 3)));  // no longer matches
  Ok(0, Commit());
  Result r = Resume(1, inc);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(100)})}));
  EXPECT_EQ(Committed(),
            (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(100)}), R({I(3), I(100)})}));
}

TEST_F(ReadCommittedTest, LimitOneForUpdateMovesToTheNextTargetWhenTheRecheckFails) {
  Statement next = ForUpdate(kTest, {0, 1}, ValueLess(100));
  next.order_by = 0;
  next.limit = Int(1);
  begin(db_, 0);
  Ok(0, Update(kTest, {{1, Int(100)}}, Eq(0, 1)));  // T1 claims row 1
  begin(db_, 1);
  Result w = Run(1, next);
  ASSERT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{0});
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  EXPECT_EQ(Rec(2)->exclusive, -1);
  const DbState waiting = db_;
  // T1 commits: row 1 fails `value < 100`, row 2 replaces it.
  Ok(0, Commit());
  Result r = Resume(1, next);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(2), I(20)})}));
  EXPECT_EQ(r.row_count, 1);
  EXPECT_EQ(Rec(1)->exclusive, 1) << "locked before the re-check that failed, and kept";
  EXPECT_EQ(Rec(2)->exclusive, 1);
  EXPECT_TRUE(Rec(1)->marks.empty());
  EXPECT_TRUE(Rec(2)->marks.empty());
  // T1 rolls back instead: row 1 passes, and row 2 is neither locked nor still marked.
  db_ = waiting;
  Ok(0, Rollback());
  Result first = Resume(1, next);
  EXPECT_EQ(first.outcome, Outcome::ok);
  EXPECT_EQ(first.rows, (std::vector<Row>{R({I(1), I(10)})}));
  EXPECT_EQ(Rec(1)->exclusive, 1);
  EXPECT_EQ(Rec(2)->exclusive, -1);
  EXPECT_TRUE(Rec(2)->marks.empty());
}

TEST_F(ReadCommittedTest, NowaitIsJudgedAtEachTargetWhenReached) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));  // T1 holds row 2
  Statement nowait = ForUpdate(kTest, {0}, std::nullopt, LockMode::for_update, WaitMode::nowait);
  nowait.order_by = 0;
  // LIMIT 1 stops before the locked row: no failure.
  nowait.limit = Int(1);
  begin(db_, 1);
  Result a = Run(1, nowait);
  EXPECT_EQ(a.outcome, Outcome::ok);
  EXPECT_EQ(a.rows, (std::vector<Row>{R({I(1)})}));
  EXPECT_EQ(Rec(1)->exclusive, 1);
  // A locked row that is no target does not fail it either.
  Statement low = ForUpdate(kTest, {0}, ValueLess(15), LockMode::for_update, WaitMode::nowait);
  EXPECT_EQ(Run(1, low).outcome, Outcome::ok);
  // Reaching row 2 fails, after row 1 was locked: the transaction aborts and lets row 1 go.
  nowait.limit.reset();
  Result b = Run(1, nowait);
  EXPECT_EQ(b.outcome, Outcome::error);
  EXPECT_EQ(b.sql_error, "lock_not_available");
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  EXPECT_EQ(Rec(1)->exclusive, -1);
  EXPECT_FALSE(db_.cursors[1].active);
  // In autocommit the statement's earlier locks are rolled back too.
  Result c = Run(2, nowait);
  EXPECT_EQ(c.sql_error, "lock_not_available");
  EXPECT_EQ(db_.txns[2], TxnStatus::none);
  EXPECT_EQ(Rec(1)->exclusive, -1);
  // Descending, row 2 comes first.
  nowait.order_desc = true;
  nowait.limit = Int(1);
  EXPECT_EQ(Run(2, nowait).sql_error, "lock_not_available");
}

TEST_F(ReadCommittedTest, SkipLockedIsJudgedAtEachTargetWhenReached) {
  Ok(2, Insert(kTest, {Int(3), Int(30)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  Statement skip = ForUpdate(kTest, {0}, std::nullopt, LockMode::for_update, WaitMode::skip_locked);
  skip.order_by = 0;
  begin(db_, 1);
  Result all = Run(1, skip);
  EXPECT_EQ(all.outcome, Outcome::ok);
  EXPECT_EQ(all.rows, (std::vector<Row>{R({I(1)}), R({I(3)})}));
  EXPECT_EQ(all.row_count, 2);
  EXPECT_EQ(Rec(2)->exclusive, 0);
  EXPECT_TRUE(Rec(2)->marks.empty());
  Ok(1, Rollback());
  // A queue: LIMIT 1 counts only rows it locks; the skipped row does not count.
  skip.limit = Int(1);
  skip.order_desc = true;
  begin(db_, 1);
  EXPECT_EQ(Ok(1, skip), (std::vector<Row>{R({I(3)})}));
  begin(db_, 2);
  EXPECT_EQ(Ok(2, skip), (std::vector<Row>{R({I(1)})})) << "skips row 3 (T2) and row 2 (T1)";
  Statement none = skip;
  none.limit.reset();
  EXPECT_EQ(Run(0, none).rows, (std::vector<Row>{R({I(2)})}))
      << "its own lock is no reason to skip";
}

TEST_F(ReadCommittedTest, OrderByIsDecidedOnSnapshotValues) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  begin(db_, 1);
  const DbState start = db_;
  Statement by_value = ForUpdate(kTest, {0, 1});
  by_value.order_by = 1;
  ASSERT_EQ(Run(1, by_value).outcome, Outcome::waiting);
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  // Row 1 moves past row 2 by value, after the snapshot.
  Ok(0, Update(kTest, {{1, Int(30)}}, Eq(0, 1)));
  Ok(0, Commit());
  Result r = Resume(1, by_value);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1), I(30)}), R({I(2), I(20)})}))
      << "snapshot order, latest versions";
  // With LIMIT 1 the statement takes row 1, the first in the snapshot's order, now 30.
  db_ = start;
  by_value.limit = Int(1);
  ASSERT_EQ(Run(1, by_value).outcome, Outcome::waiting);
  Ok(0, Update(kTest, {{1, Int(30)}}, Eq(0, 1)));
  Ok(0, Commit());
  Result one = Resume(1, by_value);
  EXPECT_EQ(one.outcome, Outcome::ok);
  EXPECT_EQ(one.rows, (std::vector<Row>{R({I(1), I(30)})}));
  EXPECT_EQ(Rec(1)->exclusive, 1);
  EXPECT_EQ(Rec(2)->exclusive, -1);
  // Descending, on snapshot values too: row 2 (20) before row 1 (10), whatever row 1 became.
  db_ = start;
  by_value.limit.reset();
  by_value.order_desc = true;
  ASSERT_EQ(Run(1, by_value).outcome, Outcome::waiting) << "row 2 locked, then row 1: T1 holds it";
  EXPECT_EQ(db_.cursors[1].first, R({I(2), I(20)}));
  Ok(0, Update(kTest, {{1, Int(99)}}, Eq(0, 1)));
  Ok(0, Commit());
  EXPECT_EQ(Resume(1, by_value).rows, (std::vector<Row>{R({I(2), I(20)}), R({I(1), I(99)})}));
}

TEST_F(ReadCommittedTest, MarksFollowARowThroughCommittedUpdatesAndStayOnItsDeletion) {
  Ok(2, Insert(kTest, {Int(3), Int(30)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}});
  ASSERT_EQ(Run(1, inc).outcome, Outcome::waiting);
  EXPECT_EQ(Rec(1)->marks, (std::vector<Mark>{{1, 0}}));
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  EXPECT_EQ(Rec(3)->marks, (std::vector<Mark>{{1, 2}}));
  // Rows 2 and 3 are only marked, not locked: another transaction may change them.
  Ok(2, Update(kTest, {{1, Int(200)}}, Eq(0, 2)));
  EXPECT_EQ(Rec(2)->committed, R({I(2), I(200)}));
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}}));
  Ok(2, Update(kTest, {{0, Int(7)}}, Eq(0, 2)));  // a new key: still the same row
  ASSERT_NE(Rec(7), nullptr);
  EXPECT_EQ(Rec(7)->marks, (std::vector<Mark>{{1, 1}}));
  Ok(2, Delete(kTest, Eq(0, 3)));
  EXPECT_EQ(Rec(3), nullptr);
  // The deleted row's slot keeps the mark (no version left): the statement skips it when it
  // gets there.
  size_t marked_empty = 0;
  for (const RowRecord& r : db_.tables[kTest].rows)
    if (!r.committed && !r.pending && r.marks == std::vector<Mark>{{1, 2}}) ++marked_empty;
  EXPECT_EQ(marked_empty, 1u);
  Ok(0, Commit());
  Result r = Resume(1, inc);
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.row_count, 2);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(7), I(201)})}));
}

TEST_F(ReadCommittedTest, AutocommitStatementThatWaitsRollsBackItsWritesWhenItFails) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  Statement shift = Update(kTest, {{0, Bin(Op::add, Col(0), Int(10))}});
  ASSERT_EQ(Run(1, shift).outcome, Outcome::waiting);
  EXPECT_EQ(db_.txns[1], TxnStatus::implicit);
  EXPECT_EQ(Rec(11)->writer, 1);
  EXPECT_EQ(Rec(11)->committed, R({I(1), I(10)}));
  // T1 takes key 12 first: row 2 cannot move there.
  Ok(0, Insert(kTest, {Int(12), Int(0)}));
  Ok(0, Commit());
  Result r = Resume(1, shift);
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "unique_violation");
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
  EXPECT_EQ(db_.cursors[1], Cursor{});
  EXPECT_FALSE(holds_rows(db_, 1));
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(10)}), R({I(2), I(20)}), R({I(12), I(0)})}));
}

TEST_F(ReadCommittedTest, AbortOfAWaitingTransactionDropsItsStatementAndFreesItsRows) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  begin(db_, 1);
  Statement inc = Update(kTest, {{1, Value1Plus(1)}});
  ASSERT_EQ(Run(1, inc).outcome, Outcome::waiting);
  ASSERT_TRUE(holds_rows(db_, 1));
  abort(db_, 1, TxnStatus::none);  // a crash that is not an orphan's, or a victim
  EXPECT_FALSE(holds_rows(db_, 1));
  EXPECT_EQ(db_.cursors[1], Cursor{});
  EXPECT_TRUE(Rec(2)->marks.empty());
  EXPECT_EQ(Rec(1)->committed, R({I(1), I(10)}));
  EXPECT_FALSE(Rec(1)->pending.has_value());
  EXPECT_EQ(Resume(1, inc).outcome, Outcome::model_error) << "no statement waits any more";
}

TEST_F(ReadCommittedTest, NowInSqlIsTheTransactionsStart) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));  // clock 7: T1's start
  EXPECT_EQ(db_.starts[0], 7);
  begin(db_, 1);
  Statement stamp2 = Update(kTest, {{1, Now()}}, Eq(0, 2));
  EXPECT_EQ(Run(1, stamp2, {}, /*now=*/3).row_count, 1);
  EXPECT_EQ(db_.starts[1], 3);
  Statement stamp1 = Update(kTest, {{1, Now()}}, Eq(0, 1));
  ASSERT_EQ(Run(1, stamp1, {}, /*now=*/9).outcome, Outcome::waiting);
  Ok(0, Commit());
  EXPECT_EQ(db_.starts[0], -1);
  EXPECT_EQ(Resume(1, stamp1, false, /*now=*/12).row_count, 1);
  EXPECT_EQ(Ok(1, Select(kTest, {1})), (std::vector<Row>{R({I(3)}), R({I(3)})}));
  Ok(1, Commit());
  EXPECT_EQ(db_.starts[1], -1);
  // An autocommit statement that waits reads when it started.
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  ASSERT_EQ(Run(2, stamp1, {}, /*now=*/20).outcome, Outcome::waiting);
  EXPECT_EQ(db_.starts[2], 20);
  Ok(0, Rollback());
  EXPECT_EQ(Resume(2, stamp1, false, /*now=*/25).row_count, 1);
  EXPECT_EQ(db_.starts[2], -1);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(20)}), R({I(2), I(3)})}));
  // Without keep_start each statement reads the step's clock.
  begin(db_, 1);
  EXPECT_EQ(Run(1, stamp1, {}, /*now=*/30, -1, /*keep_start=*/false).row_count, 1);
  EXPECT_EQ(db_.starts[1], -1);
  EXPECT_EQ(Run(1, stamp2, {}, /*now=*/31, -1, /*keep_start=*/false).row_count, 1);
  Ok(1, Commit());
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(30)}), R({I(2), I(31)})}));
}

TEST_F(ReadCommittedTest, CanonicalizeRenumbersMarkRanksPerTransaction) {
  Ok(2, Insert(kTest, {Int(3), Int(30)}));
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 2)));
  Statement all = Update(kTest, {{1, Value1Plus(1)}});
  ASSERT_EQ(Run(1, all).outcome, Outcome::waiting);  // did row 1 (rank 0)
  Statement upper = Update(kTest, {{1, Int(0)}}, Bin(Op::ge, Col(0), Int(2)));
  ASSERT_EQ(Run(2, upper).outcome, Outcome::waiting);
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 1}, {2, 0}}));
  EXPECT_EQ(Rec(3)->marks, (std::vector<Mark>{{1, 2}, {2, 1}}));
  db_.canonicalize(pool_);
  EXPECT_EQ(Rec(2)->marks, (std::vector<Mark>{{1, 0}, {2, 0}}));
  EXPECT_EQ(Rec(3)->marks, (std::vector<Mark>{{1, 1}, {2, 1}}));
  // Gaps of any size give the same state.
  DbState gappy = db_;
  for (RowRecord& r : gappy.tables[kTest].rows)
    for (Mark& m : r.marks) m.rank = m.rank * 5 + 3;
  gappy.canonicalize(pool_);
  EXPECT_EQ(gappy, db_);
  // The renumbered statements go on as before.
  Ok(0, Commit());
  EXPECT_EQ(Resume(1, all).row_count, 3);
  EXPECT_EQ(Resume(2, upper).row_count, 2);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(0)}), R({I(3), I(0)})}));
}

TEST_F(ReadCommittedTest, EncodeDecodeRoundTripsMarksCursorsAndStarts) {
  begin(db_, 0);
  Ok(0, Update(kTest, {{1, Int(21)}}, Eq(0, 2)));  // start 7
  begin(db_, 1);
  Statement both =
      Update(kTest, {{1, Bin(Op::add, Col(1), Param(1))}}, Bin(Op::or_, Eq(0, 1), Eq(0, 2)));
  both.items = Items({0, 1});
  ASSERT_EQ(Run(1, both, {Value::pid(2), I(1), Value::null()}, /*now=*/3, /*pc=*/12).outcome,
            Outcome::waiting);
  db_.cursors[1].locals = {I(-4), Value::pid(1), Value::boolean(true), Value::null()};
  move_slot(db_, 1, kProcesses + 1);
  ASSERT_EQ(Run(2, Update(kTest, {{1, Int(0)}}, Eq(0, 1)), {}, /*now=*/5).outcome,
            Outcome::waiting);
  db_.canonicalize(pool_);
  BitWriter w;
  db_.encode(w, schema_, kTxnSlots, kProcesses);
  std::string bytes = w.take();
  BitReader r(bytes);
  DbState back = DbState::decode(r, schema_, kTxnSlots, kProcesses);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(back, db_);
  EXPECT_EQ(back.txns,
            (std::vector<TxnStatus>{TxnStatus::open, TxnStatus::none, TxnStatus::implicit,
                                    TxnStatus::none, TxnStatus::open, TxnStatus::none}));
  EXPECT_EQ(back.starts, (std::vector<int64_t>{7, -1, 5, -1, 3, -1}));
  const Cursor& orphan = back.cursors[kProcesses + 1];
  EXPECT_TRUE(orphan.active);
  EXPECT_EQ(orphan.pc, 12);
  EXPECT_EQ(orphan.params, (std::vector<Value>{Value::pid(2), I(1), Value::null()}));
  EXPECT_EQ(orphan.done, 1);
  EXPECT_EQ(orphan.first, R({I(1), I(11)}));
  EXPECT_EQ(orphan.locals.size(), 4u);
  EXPECT_EQ(back.cursors[2].pc, -1);
  EXPECT_EQ(back.cursors[2].done, 0);
  EXPECT_FALSE(back.cursors[2].first.has_value());
  // The decoded state goes on like the original.
  db_ = back;
  Ok(0, Commit());
  EXPECT_EQ(Resume(kProcesses + 1, both, /*orphan=*/true).row_count, 2);
  EXPECT_EQ(Resume(2, Update(kTest, {{1, Int(0)}}, Eq(0, 1))).row_count, 1);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(0)}), R({I(2), I(21)})}));
}

// --- REPEATABLE READ (spec-language.md §4.7) ---
//
// The same table; T1 (slot 0) runs at REPEATABLE READ unless a test says otherwise, T2 and T3
// at READ COMMITTED, or autocommit.

class RepeatableReadTest : public ReadCommittedTest {
 protected:
  void SetUp() override {
    schema_.tables.push_back(
        {"test", {"id", "value"}, {ColumnType::int_, ColumnType::int_}, {0}, 4});
    schema_.snapshots = true;
    ASSERT_EQ(initial_state(schema_, {{R({I(1), I(10)}), R({I(2), I(20)})}}, kTxnSlots, pool_, db_),
              "");
  }
  void BeginRR(int txn, bool read_only = false) {
    begin(db_, txn, Isolation::repeatable_read, read_only);
  }
  std::vector<Row> All(int txn) { return Ok(txn, Select(kTest, {0, 1})); }
  bool AnyOld() {
    for (const RowRecord& r : db_.tables[kTest].rows)
      if (!r.old.empty()) return true;
    return false;
  }
};

TEST_F(RepeatableReadTest, TheSnapshotIsTakenByTheFirstStatementNotByBegin) {
  BeginRR(0);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));  // autocommit, after BEGIN
  EXPECT_EQ(All(0), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(20)})}));
  EXPECT_TRUE(db_.modes[0].snapshot);
  Ok(1, Update(kTest, {{1, Int(12)}}, Eq(0, 1)));
  Ok(1, Delete(kTest, Eq(0, 2)));
  Ok(1, Insert(kTest, {Int(3), Int(30)}));
  EXPECT_EQ(All(0), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(20)})}))
      << "neither the later update, the delete nor the insert";
  EXPECT_EQ(All(1), (std::vector<Row>{R({I(1), I(12)}), R({I(3), I(30)})}));
  EXPECT_TRUE(AnyOld());
  Ok(0, Commit());
  EXPECT_FALSE(AnyOld()) << "nobody sees the old versions any more";
  EXPECT_EQ(db_.modes[0], TxnMode{});
  DbState copy = db_;
  copy.canonicalize(pool_);
  EXPECT_EQ(copy.tables[kTest].rows.size(), 2u) << "the deleted row's slot is gone";
}

TEST_F(RepeatableReadTest, ReadCommittedStatementsSeeEachCommit) {
  begin(db_, 0);
  EXPECT_EQ(All(0).size(), 2u);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  EXPECT_EQ(All(0)[0], R({I(1), I(11)}));
  EXPECT_FALSE(AnyOld()) << "no snapshot to keep a version for";
}

TEST_F(RepeatableReadTest, ATargetChangedSinceTheSnapshotFailsAtOnce) {
  BeginRR(0);
  All(0);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  Result r = Run(0, Update(kTest, {{1, Value1Plus(1)}}, Eq(0, 1)));
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "serialization_failure");
  EXPECT_EQ(db_.txns[0], TxnStatus::failed);
  EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(20)})}));
  // A row nobody changed is still fine for another transaction.
  BeginRR(2);
  EXPECT_EQ(Run(2, Update(kTest, {{1, Int(21)}}, Eq(0, 2))).row_count, 1);
}

TEST_F(RepeatableReadTest, AfterAWaitAHolderThatCommittedAChangeMakesItFail) {
  BeginRR(0);
  All(0);
  begin(db_, 1);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}}, Eq(0, 1));
  Result w = Run(0, inc);
  ASSERT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, std::vector<int>{1});
  Ok(1, Commit());
  Result r = Resume(0, inc);
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_EQ(r.sql_error, "serialization_failure");
  EXPECT_EQ(db_.txns[0], TxnStatus::failed);
}

TEST_F(RepeatableReadTest, AWaiterWhoseRowChangedFailsEvenWhenAnotherLocksItFirst) {
  BeginRR(0);
  All(0);
  begin(db_, 1);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}}, Eq(0, 1));
  ASSERT_EQ(Run(0, inc).outcome, Outcome::waiting);
  Ok(1, Commit());
  begin(db_, 2);
  Ok(2, ForUpdate(kTest, {0}, Eq(0, 1)));  // a READ COMMITTED newcomer takes the new version
  EXPECT_FALSE(still_waits(db_, inc, 0)) << "it goes on, to fail";
  EXPECT_TRUE(WaitsFor(0, inc).empty());
  EXPECT_EQ(Resume(0, inc).sql_error, "serialization_failure");
}

TEST_F(RepeatableReadTest, AfterAWaitAHolderThatRolledBackOrOnlyLockedLetsItGoOn) {
  for (bool lock_only : {false, true}) {
    SetUp();
    BeginRR(0);
    All(0);
    begin(db_, 1);
    if (lock_only)
      Ok(1, ForUpdate(kTest, {0}, Eq(0, 1)));
    else
      Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
    Statement inc = Update(kTest, {{1, Value1Plus(1)}}, Eq(0, 1));
    ASSERT_EQ(Run(0, inc).outcome, Outcome::waiting);
    Ok(1, lock_only ? Commit() : Rollback());
    Result r = Resume(0, inc);
    EXPECT_EQ(r.outcome, Outcome::ok) << r.sql_error;
    EXPECT_EQ(r.row_count, 1);
    Ok(0, Commit());
    EXPECT_EQ(Committed(), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(20)})}));
  }
}

TEST_F(RepeatableReadTest, NowaitAndSkipLockedFailOnAChangedTargetLockedOrNot) {
  BeginRR(0);
  All(0);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));  // committed change
  begin(db_, 2);
  Ok(2, ForUpdate(kTest, {0}, Eq(0, 1)));  // and locked now
  const DbState start = db_;
  for (WaitMode mode : {WaitMode::nowait, WaitMode::skip_locked}) {
    db_ = start;
    Result r = Run(0, ForUpdate(kTest, {0}, Eq(0, 1), LockMode::for_update, mode));
    EXPECT_EQ(r.sql_error, "serialization_failure");
  }
  // Only locked, not changed: NOWAIT fails as at READ COMMITTED, SKIP LOCKED skips it.
  db_ = start;
  Ok(2, Rollback());
  begin(db_, 2);
  Ok(2, ForUpdate(kTest, {0}, Eq(0, 2)));
  EXPECT_EQ(
      Run(0, ForUpdate(kTest, {0}, Eq(0, 2), LockMode::for_update, WaitMode::nowait)).sql_error,
      "lock_not_available");
}

TEST_F(RepeatableReadTest, SkipLockedSkipsARowThatIsOnlyLocked) {
  BeginRR(0);
  All(0);
  begin(db_, 2);
  Ok(2, ForUpdate(kTest, {0}, Eq(0, 2)));
  Result r =
      Run(0, ForUpdate(kTest, {0}, std::nullopt, LockMode::for_update, WaitMode::skip_locked));
  EXPECT_EQ(r.outcome, Outcome::ok);
  EXPECT_EQ(r.rows, (std::vector<Row>{R({I(1)})}));
}

TEST_F(RepeatableReadTest, InsertChecksTheLatestKeysAndOnConflictNeedsAVisibleRow) {
  BeginRR(0);
  All(0);
  Ok(1, Insert(kTest, {Int(3), Int(30)}));  // committed after the snapshot, invisible to it
  const DbState start = db_;
  EXPECT_EQ(Run(0, Insert(kTest, {Int(3), Int(31)})).sql_error, "unique_violation");
  db_ = start;
  EXPECT_EQ(Run(0, Insert(kTest, {Int(3), Int(31)}, true)).sql_error, "serialization_failure");
  db_ = start;
  Result visible_conflict = Run(0, Insert(kTest, {Int(1), Int(11)}, true));
  EXPECT_EQ(visible_conflict.outcome, Outcome::ok);
  EXPECT_EQ(visible_conflict.row_count, 0) << "a row the snapshot sees: insert nothing";
  // The snapshot sees an older version of the conflicting row, not the one holding the key now.
  db_ = start;
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  EXPECT_EQ(Run(0, Insert(kTest, {Int(1), Int(12)}, true)).sql_error, "serialization_failure");
}

TEST_F(RepeatableReadTest, ReadOnlyRefusesWritesAndRowLocks) {
  BeginRR(0, true);
  EXPECT_EQ(All(0).size(), 2u);
  EXPECT_EQ(Run(0, ForUpdate(kTest, {0}, Eq(0, 1))).sql_error, "read_only_sql_transaction");
  EXPECT_EQ(db_.txns[0], TxnStatus::failed);
  begin(db_, 1, Isolation::read_committed, true);
  EXPECT_EQ(Run(1, Insert(kTest, {Int(3), Int(30)})).sql_error, "read_only_sql_transaction");
}

TEST_F(RepeatableReadTest, TheDefaultLevelAppliesToAutocommitStatements) {
  schema_.default_isolation = Isolation::repeatable_read;
  begin(db_, 1);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  Statement inc = Update(kTest, {{1, Value1Plus(1)}}, Eq(0, 1));
  ASSERT_EQ(Run(0, inc).outcome, Outcome::waiting);  // autocommit, waits
  EXPECT_EQ(db_.modes[0].level, Isolation::repeatable_read);
  Ok(1, Commit());
  EXPECT_EQ(Resume(0, inc).sql_error, "serialization_failure");
  EXPECT_EQ(db_.txns[0], TxnStatus::none) << "the autocommit statement's transaction ended";
  EXPECT_FALSE(AnyOld());
}

TEST_F(RepeatableReadTest, OldVersionsSurviveTheEncodingAndRenamingOfSlots) {
  BeginRR(0);
  BeginRR(2);
  All(0);
  Ok(1, Update(kTest, {{1, Int(11)}}, Eq(0, 1)));
  All(2);
  Ok(1, Update(kTest, {{1, Int(12)}}, Eq(0, 1)));
  Ok(1, Delete(kTest, Eq(0, 2)));
  DbState a = db_;
  a.canonicalize(pool_);
  BitWriter w;
  a.encode(w, schema_, kTxnSlots, kProcesses);
  std::string bytes = w.take();
  BitReader rd(bytes);
  DbState b = DbState::decode(rd, schema_, kTxnSlots, kProcesses);
  EXPECT_EQ(a, b);
  EXPECT_EQ(All(0), (std::vector<Row>{R({I(1), I(10)}), R({I(2), I(20)})}));
  EXPECT_EQ(All(2), (std::vector<Row>{R({I(1), I(11)}), R({I(2), I(20)})}));
  move_slot(db_, 0, 3);  // an orphan keeps its connection's snapshot
  EXPECT_EQ(All(3), (std::vector<Row>{R({I(1), I(10)}), R({I(2), I(20)})}));
}

// --- Queued waiters (detect deadlocks): PostgreSQL's tuple lock ---

class WaiterQueueTest : public ReadCommittedTest {
 protected:
  void SetUp() override {
    schema_.tables.push_back(
        {"test", {"id", "value"}, {ColumnType::int_, ColumnType::int_}, {0}, 4});
    schema_.queue_waiters = true;
    ASSERT_EQ(initial_state(schema_, {{R({I(1), I(10)}), R({I(2), I(20)})}}, kTxnSlots, pool_, db_),
              "");
  }
};

TEST_F(WaiterQueueTest, ALaterWaiterWaitsForTheFirstToo) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  Statement set = Update(kTest, {{1, Int(11)}}, Eq(0, 1));
  begin(db_, 1);
  EXPECT_EQ(Run(1, set).waits_for, std::vector<int>{0});
  begin(db_, 2);
  EXPECT_EQ(Run(2, set).waits_for, (std::vector<int>{0, 1}))
      << "T2 holds the row's tuple lock while it waits";
  EXPECT_EQ(Rec(1)->queue, (std::vector<Waiter>{{1, true}, {2, true}}));
  EXPECT_EQ(WaitsFor(2, set), (std::vector<int>{0, 1}));
  EXPECT_EQ(Resume(2, set).outcome, Outcome::blocked) << "no change: still queued second";
  Ok(0, Commit());
  // Any waiter may take the freed row first (§4.3): T3 does; T2, first in the queue, waits for it.
  EXPECT_EQ(Resume(2, set).outcome, Outcome::ok);
  EXPECT_EQ(Rec(1)->queue, (std::vector<Waiter>{{1, true}}));
  EXPECT_EQ(WaitsFor(1, set), std::vector<int>{2});
  Ok(2, Commit());
  EXPECT_EQ(Resume(1, set).outcome, Outcome::ok);
  EXPECT_TRUE(Rec(1)->queue.empty());
}

TEST_F(WaiterQueueTest, SharersAtTheHeadShareTheTupleLock) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  Statement share = ForUpdate(kTest, {0}, Eq(0, 1), LockMode::for_share);
  begin(db_, 1);
  begin(db_, 2);
  EXPECT_EQ(Run(1, share).waits_for, std::vector<int>{0});
  EXPECT_EQ(Run(2, share).waits_for, std::vector<int>{0});
}

TEST_F(WaiterQueueTest, AnAbortLeavesTheQueue) {
  begin(db_, 0);
  Ok(0, ForUpdate(kTest, {0}, Eq(0, 1)));
  Statement set = Update(kTest, {{1, Int(11)}}, Eq(0, 1));
  begin(db_, 1);
  begin(db_, 2);
  Run(1, set);
  Run(2, set);
  abort(db_, 1, TxnStatus::failed);  // the deadlock detector's victim
  EXPECT_EQ(Rec(1)->queue, (std::vector<Waiter>{{2, true}}));
  EXPECT_EQ(WaitsFor(2, set), std::vector<int>{0});
}

}  // namespace
}  // namespace lockcheck::sql
