#include "models/sql/evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockcheck::sql {
namespace {

Expr Lit(Value v) {
  Expr e;
  e.kind = ExprKind::literal;
  e.literal = v;
  return e;
}
Expr Int(int64_t v) { return Lit(Value::integer(v)); }
Expr Bool(bool b) { return Lit(Value::boolean(b)); }
Expr Null() { return Lit(Value::null()); }
Expr Col(int c) {
  Expr e;
  e.kind = ExprKind::column;
  e.index = c;
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
Value I(int64_t v) { return Value::integer(v); }
Value B(bool b) { return Value::boolean(b); }

class EvaluatorTest : public ::testing::Test {
 protected:
  Context Ctx() {
    Context ctx;
    ctx.now = I(42);
    ctx.params = params_;
    ctx.pool = &pool_;
    return ctx;
  }

  // Evaluates `e` over `row`, expecting success.
  Value Eval(const Expr& e, const Row* row = nullptr) {
    Context ctx = Ctx();
    Evaluator ev(ctx);
    Value out;
    EXPECT_TRUE(ev.eval(e, row, out)) << ev.error();
    return out;
  }

  // Evaluates `e`, expecting a model error; returns its message.
  std::string Error(const Expr& e, const Row* row = nullptr) {
    Context ctx = Ctx();
    Evaluator ev(ctx);
    Value out;
    EXPECT_FALSE(ev.eval(e, row, out));
    return ev.error();
  }

  Value T(std::string_view s) { return Value::text(pool_.intern(s)); }

  StringPool pool_;
  std::vector<Value> params_ = {I(5), Value::pid(1)};
};

TEST_F(EvaluatorTest, LeavesReadLiteralsColumnsParamsAndNow) {
  Row row = {I(3), Value::null()};
  EXPECT_EQ(Eval(Int(9)), I(9));
  EXPECT_EQ(Eval(Col(0), &row), I(3));
  EXPECT_EQ(Eval(Col(1), &row), Value::null());
  EXPECT_EQ(Eval(Param(0)), I(5));
  EXPECT_EQ(Eval(Param(1)), Value::pid(1));
  Expr now;
  now.kind = ExprKind::now;
  EXPECT_EQ(Eval(now), I(42));
}

TEST_F(EvaluatorTest, BadLeavesAreModelErrors) {
  Row row = {I(3)};
  EXPECT_EQ(Error(Col(0)), "a column cannot be read here");
  EXPECT_EQ(Error(Col(1), &row), "column index 1 out of range");
  EXPECT_EQ(Error(Col(-1), &row), "column index -1 out of range");
  EXPECT_EQ(Error(Param(2)), "parameter index 2 out of range");
}

TEST_F(EvaluatorTest, MalformedExpressionsAreModelErrors) {
  Expr un = Un(Op::neg, Int(1));
  un.args.clear();
  EXPECT_EQ(Error(un), "malformed unary expression");
  Expr bin = Bin(Op::add, Int(1), Int(2));
  bin.args.pop_back();
  EXPECT_EQ(Error(bin), "malformed binary expression");
  Expr isnull;
  isnull.kind = ExprKind::is_null;
  EXPECT_EQ(Error(isnull), "malformed IS NULL expression");
  EXPECT_EQ(Error(Bin(Op::neg, Int(1), Int(2))), "'-' is not a binary operator");
  EXPECT_EQ(Error(Bin(Op::not_, Bool(true), Bool(true))), "'NOT' is not a binary operator");
  EXPECT_EQ(Error(Un(Op::add, Int(1))), "'+' is not a unary operator");
}

TEST_F(EvaluatorTest, ArithmeticIs32BitWithOverflowChecks) {
  EXPECT_EQ(Eval(Bin(Op::add, Int(2), Int(3))), I(5));
  EXPECT_EQ(Eval(Bin(Op::sub, Int(2), Int(3))), I(-1));
  EXPECT_EQ(Eval(Bin(Op::mul, Int(-4), Int(3))), I(-12));
  EXPECT_EQ(Eval(Bin(Op::add, Int(kIntMax - 1), Int(1))), I(kIntMax));
  EXPECT_EQ(Error(Bin(Op::add, Int(kIntMax), Int(1))), "integer overflow in 2147483647 + 1");
  EXPECT_EQ(Error(Bin(Op::sub, Int(kIntMin), Int(1))), "integer overflow in -2147483648 - 1");
  EXPECT_EQ(Error(Bin(Op::mul, Int(65536), Int(32768))), "integer overflow in 65536 * 32768");
  EXPECT_EQ(Eval(Un(Op::neg, Int(kIntMax))), I(-kIntMax));
  EXPECT_EQ(Error(Un(Op::neg, Int(kIntMin))), "integer overflow in -(-2147483648)");
  // Operands wider than 32 bits (host values) still fail cleanly.
  EXPECT_EQ(Error(Bin(Op::mul, Int(INT64_MAX), Int(2))),
            "integer overflow in 9223372036854775807 * 2");
}

TEST_F(EvaluatorTest, DivisionTruncatesTowardZeroAndModuloTakesTheDividendsSign) {
  EXPECT_EQ(Eval(Bin(Op::div, Int(-7), Int(2))), I(-3));
  EXPECT_EQ(Eval(Bin(Op::div, Int(7), Int(-2))), I(-3));
  EXPECT_EQ(Eval(Bin(Op::mod, Int(-7), Int(2))), I(-1));
  EXPECT_EQ(Eval(Bin(Op::mod, Int(7), Int(-2))), I(1));
  EXPECT_EQ(Eval(Bin(Op::div, Int(7), Int(-1))), I(-7));
  EXPECT_EQ(Eval(Bin(Op::mod, Int(kIntMin), Int(-1))), I(0));
  EXPECT_EQ(Error(Bin(Op::div, Int(kIntMin), Int(-1))), "integer overflow in -2147483648 / -1");
  EXPECT_EQ(Error(Bin(Op::div, Int(INT64_MIN), Int(-1))),
            "integer overflow in -9223372036854775808 / -1");
  EXPECT_EQ(Error(Bin(Op::div, Int(1), Int(0))), "division by zero");
  EXPECT_EQ(Error(Bin(Op::mod, Int(1), Int(0))), "division by zero");
}

TEST_F(EvaluatorTest, NullPropagatesThroughArithmeticAndComparisons) {
  EXPECT_EQ(Eval(Bin(Op::add, Null(), Int(1))), Value::null());
  EXPECT_EQ(Eval(Bin(Op::div, Int(1), Null())), Value::null()) << "no division by zero check";
  EXPECT_EQ(Eval(Un(Op::neg, Null())), Value::null());
  EXPECT_EQ(Eval(Un(Op::not_, Null())), Value::null());
  EXPECT_EQ(Eval(Bin(Op::eq, Null(), Null())), Value::null());
  EXPECT_EQ(Eval(Bin(Op::lt, Int(1), Null())), Value::null());
  // NULL meets no type check: NULL + a text is NULL.
  EXPECT_EQ(Eval(Bin(Op::add, Null(), Lit(T("x")))), Value::null());
  Expr is_null;
  is_null.kind = ExprKind::is_null;
  is_null.args = {Null()};
  EXPECT_EQ(Eval(is_null), B(true));
  is_null.args = {Int(0)};
  EXPECT_EQ(Eval(is_null), B(false));
  Expr not_null = is_null;
  not_null.kind = ExprKind::is_not_null;
  EXPECT_EQ(Eval(not_null), B(true));
}

TEST_F(EvaluatorTest, ThreeValuedAndOr) {
  auto And = [&](Expr a, Expr b) { return Eval(Bin(Op::and_, std::move(a), std::move(b))); };
  auto Or = [&](Expr a, Expr b) { return Eval(Bin(Op::or_, std::move(a), std::move(b))); };
  EXPECT_EQ(And(Bool(true), Bool(true)), B(true));
  EXPECT_EQ(And(Bool(true), Bool(false)), B(false));
  EXPECT_EQ(And(Null(), Bool(false)), B(false));
  EXPECT_EQ(And(Bool(false), Null()), B(false));
  EXPECT_EQ(And(Null(), Bool(true)), Value::null());
  EXPECT_EQ(And(Bool(true), Null()), Value::null());
  EXPECT_EQ(Or(Null(), Bool(true)), B(true));
  EXPECT_EQ(Or(Bool(true), Null()), B(true));
  EXPECT_EQ(Or(Null(), Bool(false)), Value::null());
  EXPECT_EQ(Or(Bool(false), Bool(false)), B(false));
  EXPECT_EQ(Eval(Un(Op::not_, Bool(true))), B(false));
}

TEST_F(EvaluatorTest, AndOrShortCircuitLeftToRight) {
  Expr boom = Bin(Op::eq, Bin(Op::div, Int(1), Int(0)), Int(1));
  EXPECT_EQ(Eval(Bin(Op::and_, Bool(false), boom)), B(false));
  EXPECT_EQ(Eval(Bin(Op::or_, Bool(true), boom)), B(true));
  // NULL does not decide: the right side runs.
  EXPECT_EQ(Error(Bin(Op::and_, Null(), boom)), "division by zero");
  EXPECT_EQ(Error(Bin(Op::or_, Bool(false), boom)), "division by zero");
  // Nor does the right side short-circuit the left.
  EXPECT_EQ(Error(Bin(Op::and_, boom, Bool(false))), "division by zero");
}

TEST_F(EvaluatorTest, TypeErrorsNameTheTypes) {
  EXPECT_EQ(Error(Bin(Op::and_, Int(1), Bool(true))), "AND needs bool operands, got int");
  EXPECT_EQ(Error(Bin(Op::or_, Bool(false), Lit(T("x")))), "OR needs bool operands, got text");
  EXPECT_EQ(Error(Un(Op::not_, Int(1))), "NOT needs a bool operand, got int");
  EXPECT_EQ(Error(Un(Op::neg, Bool(true))), "cannot apply unary - to bool");
  EXPECT_EQ(Error(Bin(Op::add, Int(1), Bool(true))), "cannot apply + to int and bool");
  EXPECT_EQ(Error(Bin(Op::mod, Lit(T("a")), Int(2))), "cannot apply % to text and int");
  EXPECT_EQ(Error(Bin(Op::eq, Int(1), Lit(T("1")))), "cannot compare int with text");
  EXPECT_EQ(Error(Bin(Op::lt, Lit(Value::pid(0)), Int(1))), "cannot compare pid with int");
}

TEST_F(EvaluatorTest, Comparisons) {
  struct Case {
    Op op;
    bool lt, eq, gt;
  };
  for (Case c : {Case{Op::eq, false, true, false}, Case{Op::ne, true, false, true},
                 Case{Op::lt, true, false, false}, Case{Op::le, true, true, false},
                 Case{Op::gt, false, false, true}, Case{Op::ge, false, true, true}}) {
    EXPECT_EQ(Eval(Bin(c.op, Int(1), Int(2))), B(c.lt)) << op_text(c.op);
    EXPECT_EQ(Eval(Bin(c.op, Int(2), Int(2))), B(c.eq)) << op_text(c.op);
    EXPECT_EQ(Eval(Bin(c.op, Int(3), Int(2))), B(c.gt)) << op_text(c.op);
  }
  EXPECT_EQ(Eval(Bin(Op::lt, Bool(false), Bool(true))), B(true));
}

TEST_F(EvaluatorTest, TextComparesByContentNotByInterningOrder) {
  Value zebra = T("zebra");  // interned first: the smaller id
  Value apple = T("apple");
  EXPECT_EQ(Eval(Bin(Op::lt, Lit(apple), Lit(zebra))), B(true));
  EXPECT_EQ(Eval(Bin(Op::gt, Lit(apple), Lit(zebra))), B(false));
  EXPECT_EQ(Eval(Bin(Op::eq, Lit(apple), Lit(T("apple")))), B(true));
  EXPECT_EQ(Eval(Bin(Op::ne, Lit(apple), Lit(zebra))), B(true));
  EXPECT_EQ(Eval(Bin(Op::ge, Lit(T("b")), Lit(T("ab")))), B(true));
}

TEST_F(EvaluatorTest, ProcessIdsCompareOnlyForEquality) {
  EXPECT_EQ(Eval(Bin(Op::eq, Lit(Value::pid(1)), Param(1))), B(true));
  EXPECT_EQ(Eval(Bin(Op::ne, Lit(Value::pid(0)), Param(1))), B(true));
  for (Op op : {Op::lt, Op::le, Op::gt, Op::ge})
    EXPECT_EQ(Error(Bin(op, Lit(Value::pid(0)), Param(1))),
              "cannot order process ids (only = and <> compare them)");
}

TEST_F(EvaluatorTest, ConditionKeepsOnlyTrue) {
  Context ctx = Ctx();
  Evaluator ev(ctx);
  bool keep = true;
  ASSERT_TRUE(ev.condition(Bool(false), nullptr, keep));
  EXPECT_FALSE(keep);
  keep = true;
  ASSERT_TRUE(ev.condition(Null(), nullptr, keep));
  EXPECT_FALSE(keep) << "NULL is not TRUE";
  ASSERT_TRUE(ev.condition(Bool(true), nullptr, keep));
  EXPECT_TRUE(keep);
  EXPECT_FALSE(ev.condition(Int(1), nullptr, keep));
  EXPECT_EQ(ev.error(), "WHERE needs a bool condition, got int");
  EXPECT_FALSE(ev.condition(Bin(Op::div, Int(1), Int(0)), nullptr, keep));
  EXPECT_EQ(ev.error(), "division by zero");
}

TEST_F(EvaluatorTest, OpText) {
  EXPECT_STREQ(op_text(Op::add), "+");
  EXPECT_STREQ(op_text(Op::sub), "-");
  EXPECT_STREQ(op_text(Op::mul), "*");
  EXPECT_STREQ(op_text(Op::div), "/");
  EXPECT_STREQ(op_text(Op::mod), "%");
  EXPECT_STREQ(op_text(Op::eq), "=");
  EXPECT_STREQ(op_text(Op::ne), "<>");
  EXPECT_STREQ(op_text(Op::lt), "<");
  EXPECT_STREQ(op_text(Op::le), "<=");
  EXPECT_STREQ(op_text(Op::gt), ">");
  EXPECT_STREQ(op_text(Op::ge), ">=");
  EXPECT_STREQ(op_text(Op::and_), "AND");
  EXPECT_STREQ(op_text(Op::or_), "OR");
  EXPECT_STREQ(op_text(Op::neg), "-");
  EXPECT_STREQ(op_text(Op::not_), "NOT");
}

}  // namespace
}  // namespace lockcheck::sql
