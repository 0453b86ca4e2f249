#include "models/sql/row_access.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::sql {
namespace {

Value I(int64_t v) { return Value::integer(v); }

RowRecord Committed(Row row) {
  RowRecord r;
  r.committed = std::move(row);
  return r;
}

class RowAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_ = {
        "t", {"id", "value", "who"}, {ColumnType::int_, ColumnType::int_, ColumnType::pid}, {0}, 4};
  }
  TableSchema ts_;
  StringPool pool_;
};

TEST_F(RowAccessTest, LockNeedByStatement) {
  Statement st;
  st.kind = StatementKind::update;
  EXPECT_EQ(lock_need(st), LockNeed::exclusive);
  st.kind = StatementKind::delete_;
  EXPECT_EQ(lock_need(st), LockNeed::exclusive);
  st.kind = StatementKind::select;
  EXPECT_EQ(lock_need(st), LockNeed::none);
  st.lock = LockMode::for_update;
  EXPECT_EQ(lock_need(st), LockNeed::exclusive);
  st.lock = LockMode::for_share;
  EXPECT_EQ(lock_need(st), LockNeed::shared);
  st.kind = StatementKind::insert;
  EXPECT_EQ(lock_need(st), LockNeed::none) << "INSERT waits on keys, not row locks";
  st.kind = StatementKind::commit;
  EXPECT_EQ(lock_need(st), LockNeed::none);
}

TEST_F(RowAccessTest, VisibleVersion) {
  RowRecord r = Committed({I(1), I(10), Value::null()});
  EXPECT_EQ(*visible(r, 0, false), (Row{I(1), I(10), Value::null()}));
  r.writer = 1;
  r.pending = Row{I(1), I(11), Value::null()};
  EXPECT_EQ((*visible(r, 1, false))[1], I(11)) << "the writer sees its own version";
  EXPECT_EQ((*visible(r, 0, false))[1], I(10)) << "others see the committed one";
  EXPECT_EQ((*visible(r, 1, true))[1], I(10)) << "committed_only";
  EXPECT_EQ((*visible(r, -1, false))[1], I(10));
  r.pending.reset();  // deleted by 1
  EXPECT_EQ(visible(r, 1, false), nullptr);
  EXPECT_NE(visible(r, 0, false), nullptr);
  RowRecord inserted;
  inserted.writer = 2;
  inserted.pending = Row{I(3), I(0), Value::null()};
  EXPECT_EQ(visible(inserted, 0, false), nullptr);
  EXPECT_NE(visible(inserted, 2, false), nullptr);
  EXPECT_EQ(visible(inserted, 2, true), nullptr);
}

TEST_F(RowAccessTest, LockConflicts) {
  RowRecord r = Committed({I(1), I(10), Value::null()});
  std::vector<int> holders;
  EXPECT_FALSE(lock_conflicts(r, 0, LockNeed::exclusive, &holders));
  r.shared = {1, 2};
  EXPECT_FALSE(lock_conflicts(r, 0, LockNeed::shared, &holders)) << "shared locks coexist";
  EXPECT_TRUE(lock_conflicts(r, 0, LockNeed::exclusive, &holders));
  EXPECT_EQ(holders, (std::vector<int>{1, 2}));
  holders.clear();
  EXPECT_TRUE(lock_conflicts(r, 1, LockNeed::exclusive, &holders)) << "the other sharer";
  EXPECT_EQ(holders, std::vector<int>{2});
  holders.clear();
  EXPECT_FALSE(lock_conflicts(r, 1, LockNeed::none, &holders));
  EXPECT_TRUE(lock_conflicts(r, 0, LockNeed::exclusive, nullptr)) << "holders are optional";
  RowRecord x = Committed({I(1), I(10), Value::null()});
  x.exclusive = 3;
  EXPECT_TRUE(lock_conflicts(x, 0, LockNeed::shared, &holders));
  EXPECT_EQ(holders, std::vector<int>{3});
  EXPECT_FALSE(lock_conflicts(x, 3, LockNeed::exclusive, nullptr)) << "its own lock";
  // A writer always conflicts, whatever the lock fields say.
  RowRecord w = Committed({I(1), I(10), Value::null()});
  w.writer = 4;
  holders.clear();
  EXPECT_TRUE(lock_conflicts(w, 0, LockNeed::shared, &holders));
  EXPECT_EQ(holders, std::vector<int>{4});
}

TEST_F(RowAccessTest, SmallHelpers) {
  std::vector<int> v = {3, 1, 3, 2, 1};
  sort_unique(v);
  EXPECT_EQ(v, (std::vector<int>{1, 2, 3}));
  RowRecord empty;
  EXPECT_TRUE(empty_slot(empty));
  empty.writer = 1;
  empty.exclusive = 1;
  EXPECT_TRUE(empty_slot(empty)) << "an own insert deleted again";
  TableState table;
  table.rows = {Committed({I(1), I(0), Value::null()}), empty,
                Committed({I(2), I(0), Value::null()})};
  drop_empty_slots(table);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ((*table.rows[1].committed)[0], I(2));
  RowRecord r = Committed({I(1), I(0), Value::null()});
  r.shared = {0, 2, 4};
  release_shared(r, 2);
  EXPECT_EQ(r.shared, (std::vector<int>{0, 4}));
  r.marks = {{0, 1}, {2, 0}, {2, 3}, {4, 0}};
  drop_marks(r, 2);
  EXPECT_EQ(r.marks, (std::vector<Mark>{{0, 1}, {4, 0}}));
}

TEST_F(RowAccessTest, EndTransactionAppliesOrDiscardsAndReleases) {
  DbState db;
  db.tables.resize(1);
  db.txns.assign(3, TxnStatus::open);
  db.cursors.assign(3, Cursor{});
  db.starts.assign(3, 5);
  db.cursors[1].active = true;
  db.cursors[1].done = 2;
  RowRecord updated = Committed({I(1), I(10), Value::null()});
  updated.writer = 1;
  updated.exclusive = 1;
  updated.pending = Row{I(1), I(11), Value::null()};
  updated.marks = {{0, 0}, {1, 2}};
  RowRecord deleted = Committed({I(2), I(20), Value::null()});
  deleted.writer = 1;
  deleted.exclusive = 1;
  deleted.marks = {{0, 1}};
  RowRecord inserted;
  inserted.writer = 1;
  inserted.exclusive = 1;
  inserted.pending = Row{I(3), I(30), Value::null()};
  RowRecord shared = Committed({I(4), I(40), Value::null()});
  shared.shared = {0, 1};
  db.tables[0].rows = {updated, deleted, inserted, shared};
  const DbState start = db;

  end_transaction(db, 1, true);
  ASSERT_EQ(db.tables[0].rows.size(), 4u)
      << "the deleted row's slot stays while a waiter's mark is on it";
  const RowRecord& u = db.tables[0].rows[0];
  EXPECT_EQ(u.committed, (Row{I(1), I(11), Value::null()}));
  EXPECT_EQ(u.writer, -1);
  EXPECT_EQ(u.exclusive, -1);
  EXPECT_FALSE(u.pending.has_value());
  EXPECT_EQ(u.marks, (std::vector<Mark>{{0, 0}})) << "another transaction's mark stays";
  EXPECT_FALSE(db.tables[0].rows[1].committed.has_value());
  EXPECT_EQ(db.tables[0].rows[1].marks, (std::vector<Mark>{{0, 1}}));
  EXPECT_EQ(db.tables[0].rows[2].committed, (Row{I(3), I(30), Value::null()}));
  EXPECT_EQ(db.tables[0].rows[3].shared, std::vector<int>{0});
  EXPECT_EQ(db.cursors[1], Cursor{});
  EXPECT_EQ(db.starts, (std::vector<int64_t>{5, -1, 5}));
  EXPECT_EQ(db.txns[1], TxnStatus::open) << "the status is the caller's";

  db = start;
  end_transaction(db, 1, false);
  ASSERT_EQ(db.tables[0].rows.size(), 3u) << "the uncommitted insert went";
  EXPECT_EQ(db.tables[0].rows[0].committed, (Row{I(1), I(10), Value::null()}));
  EXPECT_EQ(db.tables[0].rows[1].committed, (Row{I(2), I(20), Value::null()}));
  EXPECT_EQ(db.tables[0].rows[1].marks, (std::vector<Mark>{{0, 1}}));
  EXPECT_EQ(db.tables[0].rows[1].writer, -1);
  EXPECT_EQ(db.tables[0].rows[2].shared, std::vector<int>{0});
}

TEST_F(RowAccessTest, ColumnsAndStores) {
  EXPECT_EQ(column_name(ts_, 1), "t.value");
  EXPECT_EQ(column_name(ts_, 7), "t.#7");
  EXPECT_EQ(column_name(ts_, -1), "t.#-1");
  EXPECT_TRUE(valid_column(ts_, 0));
  EXPECT_TRUE(valid_column(ts_, 2));
  EXPECT_FALSE(valid_column(ts_, 3));
  EXPECT_FALSE(valid_column(ts_, -1));
  EXPECT_EQ(check_store(ts_, 1, I(5)), "");
  EXPECT_EQ(check_store(ts_, 1, Value::null()), "");
  EXPECT_EQ(check_store(ts_, 2, Value::pid(1)), "");
  EXPECT_EQ(check_store(ts_, 0, Value::null()), "null value in primary key column 't.id'");
  EXPECT_EQ(check_store(ts_, 2, I(1)), "cannot store a value of type int in pid column 't.who'");
  EXPECT_EQ(check_store(ts_, 1, Value::boolean(true)),
            "cannot store a value of type bool in int column 't.value'");
  EXPECT_EQ(check_store(ts_, 1, I(kIntMax)), "");
  EXPECT_EQ(check_store(ts_, 1, I(kIntMin - 1)),
            "integer overflow in column 't.value' (-2147483649 is out of range)");
  EXPECT_EQ(check_store(ts_, 5, I(1)), "column 't.#5' has no type");
  EXPECT_EQ(full_table_message(ts_), "table 't' is full (max 4 rows)");
}

TEST_F(RowAccessTest, SameKeyComparesKeyColumnsOnly) {
  EXPECT_TRUE(same_key(ts_, {I(1), I(2), Value::null()}, {I(1), I(9), Value::pid(0)}, &pool_));
  EXPECT_FALSE(same_key(ts_, {I(1), I(2), Value::null()}, {I(2), I(2), Value::null()}, &pool_));
  EXPECT_FALSE(same_key(ts_, {}, {I(1)}, &pool_)) << "a short row has no key";
  TableSchema composite = ts_;
  composite.primary_key = {0, 1};
  EXPECT_FALSE(
      same_key(composite, {I(1), I(2), Value::null()}, {I(1), I(3), Value::null()}, &pool_));
  EXPECT_TRUE(
      same_key(composite, {I(1), I(2), Value::null()}, {I(1), I(2), Value::pid(1)}, &pool_));
  TableSchema keyless = ts_;
  keyless.primary_key.clear();
  EXPECT_TRUE(same_key(keyless, {I(1)}, {I(2)}, &pool_)) << "no key columns to differ";
}

TEST_F(RowAccessTest, FindKey) {
  TableState table;
  RowRecord one = Committed({I(1), I(10), Value::null()});
  RowRecord two = Committed({I(2), I(20), Value::null()});
  RowRecord three;  // inserted by 1
  three.writer = 1;
  three.exclusive = 1;
  three.pending = Row{I(3), I(30), Value::null()};
  RowRecord four = Committed({I(4), I(40), Value::null()});  // moved to 9 by 2
  four.writer = 2;
  four.exclusive = 2;
  four.pending = Row{I(9), I(40), Value::null()};
  RowRecord five = Committed({I(5), I(50), Value::null()});  // deleted by 0
  five.writer = 0;
  five.exclusive = 0;
  RowRecord six = Committed({I(6), I(60), Value::null()});  // only locked by 2
  six.exclusive = 2;
  six.shared = {};
  table.rows = {one, two, three, four, five, six};
  auto find = [&](int64_t key, int txn, std::vector<char> skip = {}) {
    std::vector<int> writers;
    KeyState k = find_key(table, ts_, {I(key), I(0), Value::null()}, txn, skip, &pool_, writers);
    return std::make_pair(k, writers);
  };
  using W = std::vector<int>;
  EXPECT_EQ(find(1, 0), std::make_pair(KeyState::exists, W{}));
  EXPECT_EQ(find(7, 0), std::make_pair(KeyState::free, W{}));
  EXPECT_EQ(find(1, 0, {1, 0}), std::make_pair(KeyState::free, W{})) << "skipped slot";
  // Another open transaction's insert, update (old and new key) or delete: wait for it.
  EXPECT_EQ(find(3, 0), std::make_pair(KeyState::wait, W{1}));
  EXPECT_EQ(find(4, 0), std::make_pair(KeyState::wait, W{2}));
  EXPECT_EQ(find(9, 0), std::make_pair(KeyState::wait, W{2}));
  EXPECT_EQ(find(5, 1), std::make_pair(KeyState::wait, W{0}));
  // Its own writes decide at once.
  EXPECT_EQ(find(3, 1), std::make_pair(KeyState::exists, W{}));
  EXPECT_EQ(find(9, 2), std::make_pair(KeyState::exists, W{}));
  EXPECT_EQ(find(4, 2), std::make_pair(KeyState::free, W{})) << "it moved the key away";
  EXPECT_EQ(find(5, 0), std::make_pair(KeyState::free, W{})) << "it deleted the key";
  // A row that is only locked is there.
  EXPECT_EQ(find(6, 0), std::make_pair(KeyState::exists, W{}));
  // A definite conflict wins over a writer of the same key.
  RowRecord again;  // 0 inserts key 5 again, after deleting it
  again.writer = 0;
  again.exclusive = 0;
  again.pending = Row{I(5), I(0), Value::null()};
  table.rows.push_back(again);
  auto [k, writers] = find(5, 1);
  EXPECT_EQ(k, KeyState::wait);
  sort_unique(writers);
  EXPECT_EQ(writers, W{0});
  EXPECT_EQ(find(5, 0), std::make_pair(KeyState::exists, W{}));
  table.rows.push_back(Committed({I(3), I(0), Value::null()}));
  EXPECT_EQ(find(3, 0).first, KeyState::exists);
}

TEST_F(RowAccessTest, ResultConstructors) {
  Result m = model_error("bad");
  EXPECT_EQ(m.outcome, Outcome::model_error);
  EXPECT_EQ(m.message, "bad");
  Result e = sql_error("unique_violation");
  EXPECT_EQ(e.outcome, Outcome::error);
  EXPECT_EQ(e.sql_error, "unique_violation");
  EXPECT_EQ(e.row_count, 0);
  Result w = waiting({3, 1, 3});
  EXPECT_EQ(w.outcome, Outcome::waiting);
  EXPECT_EQ(w.waits_for, (std::vector<int>{1, 3}));
  EXPECT_EQ(waiting({2}, Outcome::blocked).outcome, Outcome::blocked);
}

}  // namespace
}  // namespace lockcheck::sql
