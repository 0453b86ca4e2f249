#include "models/sql/ssi.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace lockcheck::sql {
namespace {

Expr Col(int c) {
  Expr e;
  e.kind = ExprKind::column;
  e.index = c;
  return e;
}
Expr Int(int64_t v) {
  Expr e;
  e.literal = Value::integer(v);
  return e;
}
Expr Eq(int column, int64_t v) {
  Expr e;
  e.kind = ExprKind::binary;
  e.op = Op::eq;
  e.args = {Col(column), Int(v)};
  return e;
}
Value I(int64_t v) { return Value::integer(v); }

// test (id int primary key, value int) = (1, 10), (2, 20); statements registered in the schema
// as the compile step does, so that reads can name them.
class SsiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.tables.push_back(
        {"test", {"id", "value"}, {ColumnType::int_, ColumnType::int_}, {0}, 4});
    schema_.snapshots = true;
    schema_.serializable = true;
    read_all_ = Add(StatementKind::select, std::nullopt);
    read_all_->items = {{Aggregate::count_star, -1}};
    for (int id = 1; id <= 2; ++id) {
      Statement* u = Add(StatementKind::update, Eq(0, id));
      u->sets = {{1, Int(id * 10 + 1)}};
      update_[id] = u;
    }
    commit_ = Add(StatementKind::commit, std::nullopt);
    ASSERT_EQ(initial_state(schema_, {{{I(1), I(10)}, {I(2), I(20)}}}, 3, pool_, db_), "");
  }

  Statement* Add(StatementKind kind, std::optional<Expr> where) {
    auto st = std::make_unique<Statement>();
    st->kind = kind;
    st->table = kind == StatementKind::commit ? -1 : 0;
    st->where = std::move(where);
    st->id = static_cast<int>(schema_.statements.size());
    schema_.statements.push_back(st.get());
    owned_.push_back(std::move(st));
    return owned_.back().get();
  }

  // t0 and t1 at SERIALIZABLE both read the table, then t0 updates row 1.
  void BothReadThenT0Writes() {
    begin(db_, 0, Isolation::serializable);
    begin(db_, 1, Isolation::serializable);
    ASSERT_EQ(Run(0, *read_all_).outcome, Outcome::ok);
    ASSERT_EQ(Run(1, *read_all_).outcome, Outcome::ok);
    ASSERT_EQ(Run(0, *update_[1]).outcome, Outcome::ok);
  }

  Result Run(int txn, const Statement& st) {
    Context ctx;
    ctx.txn = txn;
    ctx.pool = &pool_;
    return execute(db_, schema_, st, ctx);
  }

  StringPool pool_;
  Schema schema_;
  DbState db_;
  std::vector<std::unique_ptr<Statement>> owned_;
  Statement* read_all_ = nullptr;
  Statement* update_[3] = {};
  Statement* commit_ = nullptr;
};

TEST_F(SsiTest, WriteSkewDoomsThePivotAtTheOthersCommit) {
  begin(db_, 0, Isolation::serializable);
  begin(db_, 1, Isolation::serializable);
  ASSERT_EQ(Run(0, *read_all_).outcome, Outcome::ok);
  ASSERT_EQ(Run(1, *read_all_).outcome, Outcome::ok);
  ASSERT_EQ(db_.ssi.size(), 2u) << "a record per snapshot";
  ASSERT_EQ(Run(0, *update_[1]).outcome, Outcome::ok);
  EXPECT_EQ(db_.ssi[1].out, std::vector<int>{0}) << "t1 read row 1, which t0 wrote";
  ASSERT_EQ(Run(1, *update_[2]).outcome, Outcome::ok) << "no structure has committed yet";
  EXPECT_EQ(db_.ssi[0].out, std::vector<int>{1});
  Result c0 = Run(0, *commit_);
  EXPECT_TRUE(c0.committed);
  ASSERT_EQ(db_.ssi.size(), 2u) << "t0's record stays while t1 overlaps it";
  EXPECT_TRUE(db_.ssi[0].doomed) << "t1, the pivot of t0 -> t1 -> t0 (open one first)";
  EXPECT_EQ(db_.ssi[1].commit, 0);
  Result c1 = Run(1, *commit_);
  EXPECT_EQ(c1.outcome, Outcome::error);
  EXPECT_EQ(c1.sql_error, "serialization_failure");
  EXPECT_EQ(c1.detail,
            "40001: could not serialize access due to read/write dependencies among transactions "
            "(pivot, during commit attempt)");
  EXPECT_FALSE(c1.committed);
  EXPECT_TRUE(db_.ssi.empty()) << "nobody overlaps t0 any more";
  EXPECT_EQ(db_.txns[1], TxnStatus::none);
}

TEST_F(SsiTest, AWriteAfterTheOtherCommittedFailsAtOnce) {
  BothReadThenT0Writes();
  ASSERT_TRUE(Run(0, *commit_).committed);
  Result w = Run(1, *update_[2]);
  EXPECT_EQ(w.sql_error, "serialization_failure");
  EXPECT_EQ(w.detail,
            "40001: could not serialize access due to read/write dependencies among transactions "
            "(pivot, during write)");
  EXPECT_EQ(db_.txns[1], TxnStatus::failed);
  EXPECT_TRUE(db_.ssi.empty()) << "the failed one's record went with its abort, then t0's";
}

TEST_F(SsiTest, OtherLevelsTakeNoPart) {
  begin(db_, 0, Isolation::serializable);
  begin(db_, 1, Isolation::repeatable_read);
  Run(0, *read_all_);
  Run(1, *read_all_);
  Run(0, *update_[1]);
  Run(1, *update_[2]);
  EXPECT_EQ(db_.ssi.size(), 1u);
  EXPECT_TRUE(Run(0, *commit_).committed);
  EXPECT_TRUE(Run(1, *commit_).committed);
}

TEST_F(SsiTest, RecordsAreStateThatEncodesAndDecodes) {
  BothReadThenT0Writes();
  ASSERT_TRUE(Run(0, *commit_).committed);
  ASSERT_FALSE(db_.ssi.empty());
  DbState copy = db_;
  copy.canonicalize(pool_);
  BitWriter w;
  copy.encode(w, schema_, 3, 3);
  const std::string bytes = w.take();
  BitReader r(bytes);
  DbState back = DbState::decode(r, schema_, 3, 3);
  back.queues = copy.queues;
  EXPECT_EQ(back.ssi, copy.ssi);
  EXPECT_EQ(back, copy);
}

}  // namespace
}  // namespace lockcheck::sql
