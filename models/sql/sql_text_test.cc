#include "models/sql/sql_text.h"

#include <gtest/gtest.h>

namespace lockcheck::sql {
namespace {

Expr col(int i) { return Expr{ExprKind::column, {}, i, Op::eq, {}}; }
Expr lit(int64_t v) { return Expr{ExprKind::literal, Value::integer(v), -1, Op::eq, {}}; }
Expr param(int i) { return Expr{ExprKind::param, {}, i, Op::eq, {}}; }
Expr bin(Op op, Expr a, Expr b) { return Expr{ExprKind::binary, {}, -1, op, {a, b}}; }

Schema schema() {
  Schema s;
  s.tables.push_back({"test", {"id", "value"}, {ColumnType::int_, ColumnType::int_}, {0}, 4});
  s.tables.push_back({"user", {"name", "ok"}, {ColumnType::text, ColumnType::bool_}, {}, 4});
  return s;
}

TEST(SqlText, UpdateGetsTheKeyOrderConjunctAndKeepsOrTogether) {
  StringPool pool;
  Statement st;
  st.kind = StatementKind::update;
  st.table = 0;
  st.sets = {{1, bin(Op::add, col(1), lit(1))}};
  st.where = bin(Op::or_, bin(Op::eq, col(0), lit(1)), bin(Op::eq, col(0), lit(2)));
  RenderOptions o{.pool = &pool};
  EXPECT_EQ(render_statement(schema(), st, o),
            "UPDATE test SET value = value + 1 WHERE (id = 1 OR id = 2) AND id IS NOT NULL");
  o.steer_plans = false;
  EXPECT_EQ(render_statement(schema(), st, o),
            "UPDATE test SET value = value + 1 WHERE id = 1 OR id = 2");
}

TEST(SqlText, SelectOrdersByItsColumnThenTheKeyAndLocks) {
  StringPool pool;
  std::vector<Value> params = {Value::integer(-3)};
  Statement st;
  st.kind = StatementKind::select;
  st.table = 0;
  st.items = {{Aggregate::none, 0}};
  st.where = bin(Op::ge, col(1), bin(Op::sub, lit(10), param(0)));
  st.order_by = 1;
  st.order_desc = true;
  st.limit = lit(1);
  st.lock = LockMode::for_update;
  st.wait = WaitMode::skip_locked;
  RenderOptions o{.params = params, .pool = &pool};
  EXPECT_EQ(render_statement(schema(), st, o),
            "SELECT id FROM test WHERE value >= 10 - -3 ORDER BY value DESC, id LIMIT 1 FOR "
            "UPDATE SKIP LOCKED");
}

TEST(SqlText, LiteralsQuoteTextAndReservedNames) {
  StringPool pool;
  EXPECT_EQ(literal(Value::text(pool.intern("it's")), pool), "'it''s'");
  EXPECT_EQ(literal(Value::boolean(true), pool), "true");
  EXPECT_EQ(literal(Value::pid(2), pool), "2");
  EXPECT_EQ(literal(Value::null(), pool), "NULL");
  EXPECT_EQ(text_output(Value::boolean(false), pool), "f");
  EXPECT_EQ(text_output(Value::null(), pool), std::nullopt);
  EXPECT_EQ(identifier("user"), "\"user\"");
  EXPECT_EQ(identifier("Seats"), "\"Seats\"");
  EXPECT_EQ(render_create_table(schema().tables[1]),
            "CREATE TABLE \"user\" (name text COLLATE \"C\", ok boolean)");
  EXPECT_EQ(render_contents_query(schema().tables[1]),
            "SELECT name, ok FROM \"user\" ORDER BY name NULLS FIRST, ok NULLS FIRST");
}

}  // namespace
}  // namespace lockcheck::sql
