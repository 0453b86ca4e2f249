// DbState's canonical form and bit encoding (db_codec.cc), on hand-built states.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/sql/database.h"

namespace lockcheck::sql {
namespace {

Value I(int64_t v) { return Value::integer(v); }

constexpr int kSlotCount = 4;  // two processes and their orphan slots
constexpr int kProcs = 2;

class DbCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.tables.push_back(
        {"t",
         {"id", "value", "name", "ok", "who"},
         {ColumnType::int_, ColumnType::int_, ColumnType::text, ColumnType::bool_, ColumnType::pid},
         {0},
         8});
    schema_.tables.push_back({"log", {"n"}, {ColumnType::int_}, {}, 4});
    schema_.uses_now = true;
    ASSERT_EQ(initial_state(schema_,
                            {{Row{I(1), I(10), T("a"), Value::boolean(true), Value::pid(1)}}, {}},
                            kSlotCount, pool_, db_),
              "");
  }
  Value T(std::string_view s) { return Value::text(pool_.intern(s)); }
  Row TRow(int64_t id, int64_t value) {
    return {I(id), I(value), Value::null(), Value::boolean(false), Value::null()};
  }

  // A state using every field: versions, locks, marks, statuses, cursors, starts.
  DbState Rich() {
    DbState db = db_;
    RowRecord& one = db.tables[0].rows[0];
    one.writer = 2;
    one.exclusive = 2;
    one.pending = Row{I(1), I(11), T("b"), Value::null(), Value::pid(0)};
    one.marks = {{1, 1}};
    RowRecord deleted;
    deleted.committed = TRow(2, -20);
    deleted.writer = 0;
    deleted.exclusive = 0;
    deleted.marks = {{1, 0}, {3, 4}};
    RowRecord inserted;
    inserted.writer = 3;
    inserted.exclusive = 3;
    inserted.pending = TRow(3, kIntMin);
    RowRecord shared;
    shared.committed = TRow(4, kIntMax);
    shared.shared = {0, 1, 3};
    db.tables[0].rows.push_back(deleted);
    db.tables[0].rows.push_back(inserted);
    db.tables[0].rows.push_back(shared);
    RowRecord log;
    log.committed = Row{Value::null()};
    db.tables[1].rows.push_back(log);
    db.txns = {TxnStatus::open, TxnStatus::implicit, TxnStatus::failed, TxnStatus::open};
    Cursor& c = db.cursors[1];
    c.active = true;
    c.pc = 17;
    c.params = {I(-3), T("p"), Value::boolean(true), Value::pid(1), Value::null()};
    c.done = 9;
    c.first = Row{I(1), T("x")};
    c.locals = {I(5)};
    Cursor& o = db.cursors[3];
    o.active = true;  // pc -1, nothing else
    db.starts = {4, 0, -1, 123456};
    return db;
  }

  std::string Encode(DbState db, int slots = kSlotCount, int processes = kProcs) {
    BitWriter w;
    db.encode(w, schema_, slots, processes);
    return w.take();
  }

  StringPool pool_;
  Schema schema_;
  DbState db_;
};

TEST_F(DbCodecTest, RoundTripsEveryField) {
  DbState db = Rich();
  db.canonicalize(pool_);
  std::string bytes = Encode(db);
  BitReader r(bytes);
  DbState back = DbState::decode(r, schema_, kSlotCount, kProcs);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(back, db);
  EXPECT_EQ(back.cursors[1].pc, 17);
  EXPECT_EQ(back.cursors[3].pc, -1);
  EXPECT_EQ(back.starts, (std::vector<int64_t>{4, 0, -1, 123456}));
  EXPECT_EQ(back.txns[1], TxnStatus::implicit);
}

TEST_F(DbCodecTest, InactiveCursorsAndStartsOfSchemasWithoutNowTakeNoRoom) {
  std::string with_now = Encode(db_);
  Schema plain = schema_;
  plain.uses_now = false;
  DbState db = db_;
  db.starts.clear();
  BitWriter w;
  db.encode(w, plain, kSlotCount, kProcs);
  std::string bytes = w.take();
  EXPECT_LT(bytes.size(), with_now.size() + 1);
  BitReader r(bytes);
  DbState back = DbState::decode(r, plain, kSlotCount, kProcs);
  EXPECT_TRUE(r.at_end());
  EXPECT_TRUE(back.starts.empty());
  EXPECT_EQ(back, db);
}

TEST_F(DbCodecTest, CanonicalizeSortsRowsSharedHoldersAndRenumbersRanks) {
  DbState a = Rich();
  DbState b = Rich();
  std::reverse(b.tables[0].rows.begin(), b.tables[0].rows.end());
  b.tables[0].rows.front().shared = {3, 0, 1};  // the shared row, holders unsorted
  // Ranks of one transaction keep their order, whatever the gaps.
  for (RowRecord& r : b.tables[0].rows)
    for (Mark& m : r.marks) m.rank = m.rank * 10 + 7;
  b.tables[0].rows.push_back(RowRecord{});  // an empty slot
  a.canonicalize(pool_);
  b.canonicalize(pool_);
  EXPECT_EQ(a, b);
  EXPECT_EQ(Encode(a), Encode(b));
  ASSERT_EQ(a.tables[0].rows.size(), 4u);
  // Rows without a committed version come first, then by committed version.
  EXPECT_FALSE(a.tables[0].rows[0].committed.has_value());
  EXPECT_EQ((*a.tables[0].rows[1].committed)[0], I(1));
  EXPECT_EQ((*a.tables[0].rows[2].committed)[0], I(2));
  EXPECT_EQ(a.tables[0].rows[3].shared, (std::vector<int>{0, 1, 3}));
  // Dense ranks per transaction: 1 had ranks 0 and 1, 3 had only 4.
  EXPECT_EQ(a.tables[0].rows[1].marks, (std::vector<Mark>{{1, 1}}));
  EXPECT_EQ(a.tables[0].rows[2].marks, (std::vector<Mark>{{1, 0}, {3, 0}}));
}

TEST_F(DbCodecTest, CanonicalizeOrdersTextByContent) {
  DbState db = db_;
  Value zebra = T("zebra");  // the smaller id
  Value apple = T("apple");
  RowRecord z, a;
  z.committed = Row{I(5), I(0), zebra, Value::null(), Value::null()};
  a.committed = Row{I(5), I(0), apple, Value::null(), Value::null()};
  db.tables[0].rows = {z, a};
  db.canonicalize(pool_);
  EXPECT_EQ((*db.tables[0].rows[0].committed)[2], apple);
}

TEST_F(DbCodecTest, EncodeRefusesStatesItCannotHold) {
  {
    DbState db = Rich();
    db.tables[0].rows[0].exclusive = kSlotCount;  // no such slot
    EXPECT_THROW(Encode(db), SlotOverflow);
  }
  {
    DbState db = Rich();
    db.tables[0].rows[0].marks = {{kSlotCount, 0}};
    EXPECT_THROW(Encode(db), SlotOverflow);
  }
  {
    DbState db = Rich();
    db.tables[0].rows[0].committed->pop_back();
    EXPECT_THROW(Encode(db), SlotOverflow) << "a row differs from its table's columns";
  }
  {
    DbState db = Rich();
    (*db.tables[0].rows[0].committed)[1] = T("ten");
    EXPECT_THROW(Encode(db), SlotOverflow) << "a column holds a value of another type";
  }
  {
    DbState db = Rich();
    (*db.tables[0].rows[0].committed)[4] = Value::pid(kProcs);
    EXPECT_THROW(Encode(db), SlotOverflow) << "a pid past the processes";
  }
  {
    DbState db = Rich();
    db.cursors[1].params.push_back(Value::pid(kProcs));
    EXPECT_THROW(Encode(db), SlotOverflow) << "a cursor's pid past the processes";
  }
  {
    DbState db = Rich();
    db.txns.pop_back();
    EXPECT_THROW(Encode(db), SlotOverflow);
  }
  {
    DbState db = Rich();
    db.starts.clear();
    EXPECT_THROW(Encode(db), SlotOverflow) << "a database lacks transaction starts";
  }
  {
    DbState db = Rich();
    db.tables.pop_back();
    EXPECT_THROW(Encode(db), SlotOverflow);
  }
  EXPECT_THROW(Encode(Rich(), kSlotCount - 1), SlotOverflow) << "fewer slots than the state has";
}

TEST_F(DbCodecTest, InitialStateIsCanonicalAndUnlocked) {
  DbState out;
  ASSERT_EQ(
      initial_state(schema_, {{TRow(9, 0), TRow(3, 0)}, {Row{I(1)}, Row{I(1)}}}, 2, pool_, out),
      "");
  EXPECT_EQ(out.txns, (std::vector<TxnStatus>{TxnStatus::none, TxnStatus::none}));
  EXPECT_EQ(out.cursors, std::vector<Cursor>(2));
  EXPECT_EQ(out.starts, (std::vector<int64_t>{-1, -1}));
  EXPECT_EQ((*out.tables[0].rows[0].committed)[0], I(3));
  EXPECT_EQ(out.tables[1].rows.size(), 2u) << "a table without a key keeps duplicates";
  for (const RowRecord& r : out.tables[0].rows) {
    EXPECT_EQ(r.writer, -1);
    EXPECT_EQ(r.exclusive, -1);
    EXPECT_TRUE(r.shared.empty());
    EXPECT_TRUE(r.marks.empty());
  }
  EXPECT_EQ(initial_state(schema_,
                          {{Row{Value::null(), I(0), Value::null(), Value::null(), Value::null()}}},
                          2, pool_, out),
            "null value in primary key column 't.id'");
}

}  // namespace
}  // namespace lockcheck::sql
