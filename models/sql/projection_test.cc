#include "models/sql/projection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::sql {
namespace {

Value I(int64_t v) { return Value::integer(v); }
Value N() { return Value::null(); }

Expr Int(int64_t v) {
  Expr e;
  e.kind = ExprKind::literal;
  e.literal = I(v);
  return e;
}

class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_ = {"t",
           {"id", "value", "name"},
           {ColumnType::int_, ColumnType::int_, ColumnType::text},
           {0},
           8};
    rows_ = {{I(1), I(10), T("pear")}, {I(2), N(), T("apple")}, {I(3), I(-4), N()}};
    for (const Row& r : rows_) ptrs_.push_back(&r);
    ctx_.pool = &pool_;
  }
  Value T(std::string_view s) { return Value::text(pool_.intern(s)); }

  Row Agg(std::vector<SelectItem> items) {
    Row out;
    std::string error;
    EXPECT_TRUE(aggregate(ts_, items, ptrs_, &pool_, out, error)) << error;
    return out;
  }
  std::string AggError(std::vector<SelectItem> items, std::vector<const Row*> rows) {
    Row out;
    std::string error;
    EXPECT_FALSE(aggregate(ts_, items, rows, &pool_, out, error));
    return error;
  }

  TableSchema ts_;
  StringPool pool_;
  std::vector<Row> rows_;
  std::vector<const Row*> ptrs_;
  Context ctx_;
};

TEST_F(ProjectionTest, IsAggregateQuery) {
  Statement st;
  EXPECT_FALSE(is_aggregate_query(st));
  st.items = {{Aggregate::none, 0}, {Aggregate::none, 1}};
  EXPECT_FALSE(is_aggregate_query(st));
  st.items.push_back({Aggregate::count_star, -1});
  EXPECT_TRUE(is_aggregate_query(st));
}

TEST_F(ProjectionTest, ProjectPicksColumnsInItemOrder) {
  Row out = {I(99)};
  std::string error;
  ASSERT_TRUE(project(ts_, {{Aggregate::none, 2}, {Aggregate::none, 0}, {Aggregate::none, 2}},
                      rows_[0], out, error));
  EXPECT_EQ(out, (Row{T("pear"), I(1), T("pear")}));
  ASSERT_TRUE(project(ts_, {}, rows_[0], out, error));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(project(ts_, {{Aggregate::none, 3}}, rows_[0], out, error));
  EXPECT_EQ(error, "column index 3 out of range");
  EXPECT_FALSE(project(ts_, {{Aggregate::none, 1}}, Row{I(1)}, out, error));
  EXPECT_EQ(error, "column index 1 out of range") << "a row shorter than its table";
}

TEST_F(ProjectionTest, AggregatesSkipNulls) {
  EXPECT_EQ(Agg({{Aggregate::count_star, -1},
                 {Aggregate::count, 1},
                 {Aggregate::count, 2},
                 {Aggregate::sum, 1},
                 {Aggregate::min, 1},
                 {Aggregate::max, 1}}),
            (Row{I(3), I(2), I(2), I(6), I(-4), I(10)}));
  // Text orders by content.
  EXPECT_EQ(Agg({{Aggregate::min, 2}, {Aggregate::max, 2}}), (Row{T("apple"), T("pear")}));
}

TEST_F(ProjectionTest, AggregatesOverNoRows) {
  Row out;
  std::string error;
  ASSERT_TRUE(aggregate(ts_,
                        {{Aggregate::count_star, -1},
                         {Aggregate::count, 0},
                         {Aggregate::sum, 1},
                         {Aggregate::min, 1},
                         {Aggregate::max, 2}},
                        {}, &pool_, out, error));
  EXPECT_EQ(out, (Row{I(0), I(0), N(), N(), N()}));
  // Only NULLs: SUM, MIN and MAX are NULL, COUNT is 0.
  Row nulls = {I(4), N(), N()};
  std::vector<const Row*> only = {&nulls};
  ASSERT_TRUE(aggregate(ts_, {{Aggregate::count, 1}, {Aggregate::sum, 1}, {Aggregate::max, 1}},
                        only, &pool_, out, error));
  EXPECT_EQ(out, (Row{I(0), N(), N()}));
}

TEST_F(ProjectionTest, SumIsABigint) {
  // PostgreSQL's sum(int) is a bigint: past 32 bits is fine, past 64 is an error.
  Row a = {I(1), I(kIntMax), N()};
  Row b = {I(2), I(kIntMax), N()};
  std::vector<const Row*> two = {&a, &b};
  Row out;
  std::string error;
  ASSERT_TRUE(aggregate(ts_, {{Aggregate::sum, 1}}, two, &pool_, out, error));
  EXPECT_EQ(out, Row{I(2 * kIntMax)});
  Row big = {I(3), I(INT64_MAX), N()};
  EXPECT_EQ(AggError({{Aggregate::sum, 1}}, {&a, &big}), "integer overflow in SUM(t.value)");
}

TEST_F(ProjectionTest, AggregateErrors) {
  EXPECT_EQ(AggError({{Aggregate::count_star, -1}, {Aggregate::none, 1}}, ptrs_),
            "column 't.value' must appear in an aggregate function");
  EXPECT_EQ(AggError({{Aggregate::sum, 2}}, ptrs_), "SUM needs an int column, 't.name' is text");
  EXPECT_EQ(AggError({{Aggregate::max, 5}}, ptrs_), "column index 5 out of range");
  EXPECT_EQ(AggError({{Aggregate::count, -1}}, ptrs_), "column index -1 out of range");
}

TEST_F(ProjectionTest, SelectRowsProjectsEachRowInOrder) {
  Statement st;
  st.items = {{Aggregate::none, 0}};
  std::vector<Row> out = {{I(7)}};
  std::string error;
  std::vector<const Row*> reversed = {ptrs_[2], ptrs_[0]};
  ASSERT_TRUE(select_rows(ts_, st, ctx_, reversed, out, error));
  EXPECT_EQ(out, (std::vector<Row>{{I(3)}, {I(1)}}));
  st.limit = Int(0);  // plain rows: the caller applies LIMIT
  ASSERT_TRUE(select_rows(ts_, st, ctx_, reversed, out, error));
  EXPECT_EQ(out.size(), 2u);
  st.items = {{Aggregate::none, 4}};
  EXPECT_FALSE(select_rows(ts_, st, ctx_, reversed, out, error));
  EXPECT_EQ(error, "column index 4 out of range");
}

TEST_F(ProjectionTest, AggregateSelectGivesOneRowThatLimitMayDrop) {
  Statement st;
  st.items = {{Aggregate::count_star, -1}};
  std::vector<Row> out;
  std::string error;
  ASSERT_TRUE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(out, (std::vector<Row>{{I(3)}}));
  ASSERT_TRUE(select_rows(ts_, st, ctx_, {}, out, error));
  EXPECT_EQ(out, (std::vector<Row>{{I(0)}}));
  st.limit = Int(1);
  ASSERT_TRUE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(out.size(), 1u);
  st.limit = Int(0);
  ASSERT_TRUE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_TRUE(out.empty());
  Expr null_limit;
  null_limit.kind = ExprKind::literal;
  st.limit = null_limit;
  ASSERT_TRUE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(out.size(), 1u) << "LIMIT NULL is no limit";
  st.limit = Int(-1);
  EXPECT_FALSE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(error, "LIMIT must not be negative");
  Expr text_limit;
  text_limit.kind = ExprKind::literal;
  text_limit.literal = T("1");
  st.limit = text_limit;
  EXPECT_FALSE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(error, "LIMIT needs an int, got text");
  Expr bad_param;
  bad_param.kind = ExprKind::param;
  bad_param.index = 0;
  st.limit = bad_param;
  EXPECT_FALSE(select_rows(ts_, st, ctx_, ptrs_, out, error));
  EXPECT_EQ(error, "parameter index 0 out of range");
}

}  // namespace
}  // namespace lockcheck::sql
