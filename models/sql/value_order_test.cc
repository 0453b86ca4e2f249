#include "models/sql/value_order.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lockcheck::sql {
namespace {

Value I(int64_t v) { return Value::integer(v); }

class ValueOrderTest : public ::testing::Test {
 protected:
  Value T(std::string_view s) { return Value::text(pool_.intern(s)); }
  StringPool pool_;
};

TEST_F(ValueOrderTest, IntRangeIsPostgresInt) {
  EXPECT_EQ(kIntMin, -2147483648LL);
  EXPECT_EQ(kIntMax, 2147483647LL);
  EXPECT_TRUE(in_int_range(kIntMin));
  EXPECT_TRUE(in_int_range(kIntMax));
  EXPECT_TRUE(in_int_range(0));
  EXPECT_FALSE(in_int_range(kIntMax + 1));
  EXPECT_FALSE(in_int_range(kIntMin - 1));
}

TEST_F(ValueOrderTest, ValuesOrderByTypeThenContent) {
  // null < int < text < bool < pid: the order of the Type enum.
  std::vector<Value> ordered = {
      Value::null(),        I(-5),         I(3),         T("a"), T("b"), Value::boolean(false),
      Value::boolean(true), Value::pid(0), Value::pid(2)};
  for (size_t i = 0; i < ordered.size(); ++i)
    for (size_t j = 0; j < ordered.size(); ++j) {
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(compare_values(ordered[i], ordered[j], &pool_), expected) << i << " vs " << j;
    }
}

TEST_F(ValueOrderTest, TextComparesByCharactersNotByPoolId) {
  Value zebra = T("zebra");  // the smaller id
  Value apple = T("apple");
  EXPECT_EQ(compare_values(apple, zebra, &pool_), -1);
  EXPECT_EQ(compare_values(zebra, apple, &pool_), 1);
  EXPECT_EQ(compare_values(T("ab"), T("b"), &pool_), -1);
  EXPECT_EQ(compare_values(T("a"), T("ab"), &pool_), -1);
  EXPECT_EQ(compare_values(apple, T("apple"), &pool_), 0);
  // Without a pool only the ids are known.
  EXPECT_EQ(compare_values(zebra, apple, nullptr), -1);
}

TEST_F(ValueOrderTest, RowsCompareLexicographicallyThenByLength) {
  EXPECT_EQ(compare_rows({I(1), I(2)}, {I(1), I(3)}, &pool_), -1);
  EXPECT_EQ(compare_rows({I(2)}, {I(1), I(9)}, &pool_), 1);
  EXPECT_EQ(compare_rows({I(1)}, {I(1), I(0)}, &pool_), -1);
  EXPECT_EQ(compare_rows({I(1), I(0)}, {I(1)}, &pool_), 1);
  EXPECT_EQ(compare_rows({}, {}, &pool_), 0);
  EXPECT_EQ(compare_rows({Value::null(), I(1)}, {I(0)}, &pool_), -1);
}

TEST_F(ValueOrderTest, AbsentRowsComeFirst) {
  std::optional<Row> none;
  std::optional<Row> one = Row{I(1)};
  EXPECT_EQ(compare_optional_rows(none, none, &pool_), 0);
  EXPECT_EQ(compare_optional_rows(none, one, &pool_), -1);
  EXPECT_EQ(compare_optional_rows(one, none, &pool_), 1);
  EXPECT_EQ(compare_optional_rows(one, Row{I(2)}, &pool_), -1);
  EXPECT_EQ(compare_ints(-1, 4), -1);
  EXPECT_EQ(compare_ints(4, 4), 0);
  EXPECT_EQ(compare_ints(5, 4), 1);
}

TEST_F(ValueOrderTest, FormatValue) {
  EXPECT_EQ(format_value(Value::null(), &pool_), "NULL");
  EXPECT_EQ(format_value(I(-3), &pool_), "-3");
  EXPECT_EQ(format_value(Value::boolean(true), &pool_), "true");
  EXPECT_EQ(format_value(Value::boolean(false), &pool_), "false");
  Value held = T("held");
  EXPECT_EQ(format_value(held, &pool_), "'held'");
  EXPECT_EQ(format_value(held, nullptr), "text#" + std::to_string(held.i));
  EXPECT_EQ(format_value(Value::pid(2), &pool_), "pid 2");
}

TEST_F(ValueOrderTest, ColumnTypes) {
  EXPECT_STREQ(column_type_name(ColumnType::int_), "int");
  EXPECT_STREQ(column_type_name(ColumnType::text), "text");
  EXPECT_STREQ(column_type_name(ColumnType::bool_), "bool");
  EXPECT_STREQ(column_type_name(ColumnType::pid), "pid");
  EXPECT_EQ(column_value_type(ColumnType::int_), Type::int_);
  EXPECT_EQ(column_value_type(ColumnType::text), Type::text);
  EXPECT_EQ(column_value_type(ColumnType::bool_), Type::bool_);
  EXPECT_EQ(column_value_type(ColumnType::pid), Type::pid);
  const std::vector<ColumnType> columns = {ColumnType::int_, ColumnType::text, ColumnType::bool_,
                                           ColumnType::pid};
  const std::vector<Type> types = {Type::int_, Type::text, Type::bool_, Type::pid};
  for (size_t c = 0; c < columns.size(); ++c) {
    for (size_t t = 0; t < types.size(); ++t)
      EXPECT_EQ(fits_column(types[t], columns[c]), c == t) << c << " " << t;
    EXPECT_FALSE(fits_column(Type::null, columns[c])) << "NULL is checked apart";
  }
}

}  // namespace
}  // namespace lockcheck::sql
