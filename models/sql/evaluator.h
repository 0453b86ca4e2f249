// Evaluates the lowered SQL expressions (statement.h) with SQL's rules: three-valued logic,
// 32-bit integers with overflow checks, NULL propagation. Errors are model errors (the spec is
// wrong), returned as values, never thrown.
#pragma once

#include <fmt/format.h>

#include <string>

#include "models/sql/context.h"
#include "models/sql/statement.h"
#include "models/sql/value_order.h"

namespace lockcheck::sql {

const char* op_text(Op op);  // "+", "<>", "AND", ...

class Evaluator {
 public:
  explicit Evaluator(const Context& ctx) : ctx_(ctx) {}

  // `row` is the row the expression reads columns from; nullptr where there is none (INSERT
  // values, LIMIT). Returns false with error() set on a model error.
  bool eval(const Expr& e, const Row* row, Value& out) {
    switch (e.kind) {
      case ExprKind::literal:
        out = e.literal;
        return true;
      case ExprKind::column:
        if (row == nullptr) return fail("a column cannot be read here");
        if (e.index < 0 || static_cast<size_t>(e.index) >= row->size()) {
          return fail(fmt::format("column index {} out of range", e.index));
        }
        out = (*row)[static_cast<size_t>(e.index)];
        return true;
      case ExprKind::param:
        if (e.index < 0 || static_cast<size_t>(e.index) >= ctx_.params.size()) {
          return fail(fmt::format("parameter index {} out of range", e.index));
        }
        out = ctx_.params[static_cast<size_t>(e.index)];
        return true;
      case ExprKind::now:
        out = ctx_.now;
        return true;
      case ExprKind::is_null:
      case ExprKind::is_not_null: {
        if (e.args.size() != 1) return fail("malformed IS NULL expression");
        Value v;
        if (!eval(e.args[0], row, v)) return false;
        out = Value::boolean(v.is_null() == (e.kind == ExprKind::is_null));
        return true;
      }
      case ExprKind::unary: {
        if (e.args.size() != 1) return fail("malformed unary expression");
        Value v;
        if (!eval(e.args[0], row, v)) return false;
        return unary(e.op, v, out);
      }
      case ExprKind::binary: {
        if (e.args.size() != 2) return fail("malformed binary expression");
        if (e.op == Op::and_ || e.op == Op::or_) return logic(e, row, out);
        Value a, b;
        if (!eval(e.args[0], row, a) || !eval(e.args[1], row, b)) return false;
        switch (e.op) {
          case Op::add:
          case Op::sub:
          case Op::mul:
          case Op::div:
          case Op::mod:
            return arith(e.op, a, b, out);
          case Op::eq:
          case Op::ne:
          case Op::lt:
          case Op::le:
          case Op::gt:
          case Op::ge:
            return compare(e.op, a, b, out);
          default:
            return fail(fmt::format("'{}' is not a binary operator", op_text(e.op)));
        }
      }
    }
    return fail("malformed expression");
  }

  // WHERE keeps a row only when the condition is TRUE (not FALSE, not NULL).
  bool condition(const Expr& e, const Row* row, bool& keep) {
    Value v;
    if (!eval(e, row, v)) return false;
    if (!v.is_null() && v.type != Type::bool_) {
      return fail(fmt::format("WHERE needs a bool condition, got {}", type_name(v.type)));
    }
    keep = v.truthy();
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool unary(Op op, const Value& v, Value& out) {
    if (op == Op::not_) {
      if (v.is_null()) {
        out = Value::null();
        return true;
      }
      if (v.type != Type::bool_) {
        return fail(fmt::format("NOT needs a bool operand, got {}", type_name(v.type)));
      }
      out = Value::boolean(v.i == 0);
      return true;
    }
    if (op != Op::neg) return fail(fmt::format("'{}' is not a unary operator", op_text(op)));
    if (v.is_null()) {
      out = Value::null();
      return true;
    }
    if (v.type != Type::int_) {
      return fail(fmt::format("cannot apply unary - to {}", type_name(v.type)));
    }
    if (v.i == INT64_MIN || !in_int_range(-v.i)) {
      return fail(fmt::format("integer overflow in -({})", v.i));
    }
    out = Value::integer(-v.i);
    return true;
  }

  bool logic(const Expr& e, const Row* row, Value& out) {
    bool is_and = e.op == Op::and_;
    Value a;
    if (!eval(e.args[0], row, a) || !check_logic_operand(e.op, a)) return false;
    // Left to right with short-circuit, as PostgreSQL does in practice: `x <> 0 AND 10 / x > 1`
    // must not divide by zero.
    if (!a.is_null() && a.truthy() != is_and) {
      out = a;
      return true;
    }
    Value b;
    if (!eval(e.args[1], row, b) || !check_logic_operand(e.op, b)) return false;
    if (!b.is_null() && b.truthy() != is_and) {
      out = b;
    } else if (a.is_null() || b.is_null()) {
      out = Value::null();
    } else {
      out = Value::boolean(is_and);
    }
    return true;
  }

  bool check_logic_operand(Op op, const Value& v) {
    if (v.is_null() || v.type == Type::bool_) return true;
    return fail(fmt::format("{} needs bool operands, got {}", op_text(op), type_name(v.type)));
  }

  bool arith(Op op, const Value& a, const Value& b, Value& out) {
    if (a.is_null() || b.is_null()) {
      out = Value::null();
      return true;
    }
    if (a.type != Type::int_ || b.type != Type::int_) {
      return fail(fmt::format("cannot apply {} to {} and {}", op_text(op), type_name(a.type),
                              type_name(b.type)));
    }
    int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case Op::add:
        overflow = __builtin_add_overflow(a.i, b.i, &r);
        break;
      case Op::sub:
        overflow = __builtin_sub_overflow(a.i, b.i, &r);
        break;
      case Op::mul:
        overflow = __builtin_mul_overflow(a.i, b.i, &r);
        break;
      case Op::div:
      case Op::mod:
        if (b.i == 0) return fail("division by zero");
        if (b.i == -1) {  // INT64_MIN / -1 is undefined in C++
          overflow = op == Op::div && __builtin_sub_overflow(int64_t{0}, a.i, &r);
          if (op == Op::mod) r = 0;
        } else {
          // C++ truncates toward zero and gives % the dividend's sign, as PostgreSQL does.
          r = op == Op::div ? a.i / b.i : a.i % b.i;
        }
        break;
      default:
        return fail("malformed arithmetic");
    }
    if (overflow || !in_int_range(r)) {
      return fail(fmt::format("integer overflow in {} {} {}", a.i, op_text(op), b.i));
    }
    out = Value::integer(r);
    return true;
  }

  bool compare(Op op, const Value& a, const Value& b, Value& out) {
    if (a.is_null() || b.is_null()) {
      out = Value::null();
      return true;
    }
    if (a.type != b.type) {
      return fail(fmt::format("cannot compare {} with {}", type_name(a.type), type_name(b.type)));
    }
    // Process ids compare only for equality, as in host expressions: an order between them
    // would make a spec's behaviour depend on the ids, which symmetry reduction assumes it never
    // does.
    if (a.type == Type::pid && op != Op::eq && op != Op::ne) {
      return fail("cannot order process ids (only = and <> compare them)");
    }
    // Interned texts are equal exactly when their ids are: (in)equality needs no text compare.
    int c = op == Op::eq || op == Op::ne ? (a.i == b.i ? 0 : 1) : compare_values(a, b, ctx_.pool);
    bool r = false;
    switch (op) {
      case Op::eq:
        r = c == 0;
        break;
      case Op::ne:
        r = c != 0;
        break;
      case Op::lt:
        r = c < 0;
        break;
      case Op::le:
        r = c <= 0;
        break;
      case Op::gt:
        r = c > 0;
        break;
      case Op::ge:
        r = c >= 0;
        break;
      default:
        return fail("malformed comparison");
    }
    out = Value::boolean(r);
    return true;
  }

  const Context& ctx_;
  std::string error_;
};

}  // namespace lockcheck::sql
