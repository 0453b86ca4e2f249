#include "models/sql/database.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <numeric>

namespace lockcheck::sql {
namespace {

// PostgreSQL `int` is 32-bit; values are carried in 64 bits so that overflow can be detected.
constexpr int64_t kIntMin = -2147483648LL;
constexpr int64_t kIntMax = 2147483647LL;

bool in_int_range(int64_t v) { return v >= kIntMin && v <= kIntMax; }

// Orders values by type, then content. Text compares by its characters, so that the canonical
// row order and ORDER BY do not depend on the order in which strings were interned.
int compare_values(const Value& a, const Value& b, const StringPool* pool) {
  if (a.type != b.type) return a.type < b.type ? -1 : 1;
  if (a.type == Type::text && pool != nullptr && a.i != b.i) {
    int c = pool->text(a.i).compare(pool->text(b.i));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
}

int compare_rows(const Row& a, const Row& b, const StringPool* pool) {
  size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    if (int c = compare_values(a[k], b[k], pool); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int compare_optional_rows(const std::optional<Row>& a, const std::optional<Row>& b,
                          const StringPool* pool) {
  if (a.has_value() != b.has_value()) return a.has_value() ? 1 : -1;
  return a ? compare_rows(*a, *b, pool) : 0;
}

int compare_ints(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

int compare_records(const RowRecord& a, const RowRecord& b, const StringPool* pool) {
  if (int c = compare_optional_rows(a.committed, b.committed, pool); c != 0) return c;
  if (int c = compare_ints(a.writer, b.writer); c != 0) return c;
  if (int c = compare_optional_rows(a.pending, b.pending, pool); c != 0) return c;
  if (int c = compare_ints(a.exclusive, b.exclusive); c != 0) return c;
  return a.shared < b.shared ? -1 : (b.shared < a.shared ? 1 : 0);
}

std::string format_value(const Value& v, const StringPool* pool) {
  switch (v.type) {
    case Type::null:
      return "NULL";
    case Type::int_:
      return fmt::format("{}", v.i);
    case Type::bool_:
      return v.i != 0 ? "true" : "false";
    case Type::text:
      return pool != nullptr ? fmt::format("'{}'", pool->text(v.i)) : fmt::format("text#{}", v.i);
    case Type::pid:
      return fmt::format("pid {}", v.i);
  }
  return "?";
}

const char* column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::int_:
      return "int";
    case ColumnType::text:
      return "text";
    case ColumnType::bool_:
      return "bool";
    case ColumnType::pid:
      return "pid";
  }
  return "?";
}

// The one non-null type a column stores (see fits_column).
Type column_value_type(ColumnType c) {
  switch (c) {
    case ColumnType::int_:
      return Type::int_;
    case ColumnType::text:
      return Type::text;
    case ColumnType::bool_:
      return Type::bool_;
    case ColumnType::pid:
      return Type::pid;
  }
  return Type::null;
}

bool fits_column(Type v, ColumnType c) {
  switch (c) {
    case ColumnType::int_:
      return v == Type::int_;
    case ColumnType::text:
      return v == Type::text;
    case ColumnType::bool_:
      return v == Type::bool_;
    case ColumnType::pid:
      return v == Type::pid;
  }
  return false;
}

const char* op_text(Op op) {
  switch (op) {
    case Op::add:
      return "+";
    case Op::sub:
      return "-";
    case Op::mul:
      return "*";
    case Op::div:
      return "/";
    case Op::mod:
      return "%";
    case Op::eq:
      return "=";
    case Op::ne:
      return "<>";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
    case Op::and_:
      return "AND";
    case Op::or_:
      return "OR";
    case Op::neg:
      return "-";
    case Op::not_:
      return "NOT";
  }
  return "?";
}

// Evaluates IR expressions with SQL's rules. Errors are model errors (the spec is wrong).
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
    if (!in_int_range(-v.i) || v.i == INT64_MIN) {
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

enum class LockNeed { none, shared, exclusive };

LockNeed lock_need(const Statement& st) {
  switch (st.kind) {
    case StatementKind::update:
    case StatementKind::delete_:
      return LockNeed::exclusive;
    case StatementKind::select:
      if (st.lock == LockMode::for_update) return LockNeed::exclusive;
      if (st.lock == LockMode::for_share) return LockNeed::shared;
      return LockNeed::none;
    default:
      return LockNeed::none;
  }
}

// The version of a slot that `txn` sees: its own uncommitted version if it wrote the row, else
// the committed one. `committed_only` (scalar subqueries in properties) sees committed data only.
const Row* visible(const RowRecord& r, int txn, bool committed_only) {
  if (!committed_only && r.writer >= 0 && r.writer == txn) {
    return r.pending ? &*r.pending : nullptr;
  }
  return r.committed ? &*r.committed : nullptr;
}

// Whether `txn` asking for `need` on the row conflicts with another transaction's lock; the
// holders it would wait on go to `holders`. A writer always holds the exclusive lock.
bool lock_conflicts(const RowRecord& r, int txn, LockNeed need, std::vector<int>* holders) {
  if (need == LockNeed::none) return false;
  bool any = false;
  auto add = [&](int h) {
    if (h < 0 || h == txn) return;
    any = true;
    if (holders != nullptr) holders->push_back(h);
  };
  add(r.exclusive);
  add(r.writer);
  if (need == LockNeed::exclusive) {
    for (int s : r.shared) add(s);
  }
  return any;
}

void sort_unique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool empty_slot(const RowRecord& r) { return !r.committed && !r.pending; }

void drop_empty_slots(TableState& table) { std::erase_if(table.rows, empty_slot); }

void release_shared(RowRecord& r, int txn) { std::erase(r.shared, txn); }

// Ends txn's transaction: commit applies its pending versions, rollback discards them. Either
// way its locks go.
void end_transaction(DbState& db, int txn, bool commit) {
  for (TableState& table : db.tables) {
    for (RowRecord& r : table.rows) {
      if (r.writer == txn) {
        if (commit) r.committed = std::move(r.pending);
        r.pending.reset();
        r.writer = -1;
      }
      if (r.exclusive == txn) r.exclusive = -1;
      release_shared(r, txn);
    }
    drop_empty_slots(table);
  }
}

// The slots of a table in canonical order, without reordering the state itself (execute may run
// several statements on a state between two canonicalizations, e.g. inside `atomic`). Returns
// false, leaving `order` alone, when the slots already are in that order: states come decoded in
// canonical order, and only rows written since need sorting.
bool canonical_order(const TableState& table, const StringPool* pool, std::vector<size_t>& order) {
  auto less = [&](const RowRecord& a, const RowRecord& b) {
    return compare_records(a, b, pool) < 0;
  };
  if (std::is_sorted(table.rows.begin(), table.rows.end(), less)) return false;
  order.resize(table.rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return compare_records(table.rows[a], table.rows[b], pool) < 0;
  });
  return true;
}

Result model_error(std::string message) {
  Result r;
  r.outcome = Outcome::model_error;
  r.message = std::move(message);
  return r;
}

Result sql_error(std::string code) {
  Result r;
  r.outcome = Outcome::error;
  r.sql_error = std::move(code);
  return r;
}

Result blocked(std::vector<int> holders) {
  sort_unique(holders);
  Result r;
  r.outcome = Outcome::blocked;
  r.waits_for = std::move(holders);
  return r;
}

std::string column_name(const TableSchema& ts, int column) {
  if (column >= 0 && static_cast<size_t>(column) < ts.columns.size()) {
    return fmt::format("{}.{}", ts.name, ts.columns[static_cast<size_t>(column)]);
  }
  return fmt::format("{}.#{}", ts.name, column);
}

bool valid_column(const TableSchema& ts, int column) {
  return column >= 0 && static_cast<size_t>(column) < ts.columns.size();
}

// Checks that `v` may be stored in `column`: its type, the 32-bit range, no NULL in a key.
std::string check_store(const TableSchema& ts, int column, const Value& v) {
  auto c = static_cast<size_t>(column);
  if (v.is_null()) {
    if (std::find(ts.primary_key.begin(), ts.primary_key.end(), column) != ts.primary_key.end()) {
      return fmt::format("null value in primary key column '{}'", column_name(ts, column));
    }
    return "";
  }
  if (c >= ts.types.size()) return fmt::format("column '{}' has no type", column_name(ts, column));
  if (!fits_column(v.type, ts.types[c])) {
    return fmt::format("cannot store a value of type {} in {} column '{}'", type_name(v.type),
                       column_type_name(ts.types[c]), column_name(ts, column));
  }
  if (v.type == Type::int_ && !in_int_range(v.i)) {
    return fmt::format("integer overflow in column '{}' ({} is out of range)",
                       column_name(ts, column), v.i);
  }
  return "";
}

bool same_key(const TableSchema& ts, const Row& a, const Row& b, const StringPool* pool) {
  for (int c : ts.primary_key) {
    auto k = static_cast<size_t>(c);
    if (k >= a.size() || k >= b.size() || compare_values(a[k], b[k], pool) != 0) return false;
  }
  return true;
}

enum class KeyState { free, exists, wait };

// Looks for `row`'s primary key among the table's slots other than those in `skip`. A row that
// another open transaction is writing (an uncommitted insert, or a row it deleted or is moving
// away from that key) makes the statement wait for that writer, as PostgreSQL's unique index
// does; a conflicting row nobody else is writing is a definite violation, which wins.
KeyState find_key(const TableState& table, const TableSchema& ts, const Row& row, int txn,
                  const std::vector<char>& skip, const StringPool* pool,
                  std::vector<int>& writers) {
  bool exists = false;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    if (i < skip.size() && skip[i]) continue;
    const RowRecord& r = table.rows[i];
    if (r.writer >= 0 && r.writer != txn) {
      if ((r.committed && same_key(ts, *r.committed, row, pool)) ||
          (r.pending && same_key(ts, *r.pending, row, pool))) {
        writers.push_back(r.writer);
      }
      continue;
    }
    const Row* v = visible(r, txn, false);
    if (v != nullptr && same_key(ts, *v, row, pool)) exists = true;
  }
  if (exists) return KeyState::exists;
  return writers.empty() ? KeyState::free : KeyState::wait;
}

std::string full_table_message(const TableSchema& ts) {
  return fmt::format("table '{}' is full (max {} rows)", ts.name, ts.max_rows);
}

// The rows a SELECT, UPDATE or DELETE matches, as slot indexes in result order.
struct Match {
  Result failure;  // outcome != ok: a model error, blocked, or lock_not_available
  std::vector<size_t> slots;
};

// Finds the matched rows: visible rows satisfying WHERE, SKIP LOCKED applied, then ORDER BY,
// then LIMIT (unless `apply_limit` is false: aggregates limit their output instead), then the
// lock check on exactly the rows that remain.
Match match_rows(const TableState& table, const TableSchema& ts, const Statement& st,
                 const Context& ctx, LockNeed need, bool committed_only, bool apply_limit) {
  Match m;
  Evaluator ev(ctx);
  int txn = committed_only ? -1 : ctx.txn;
  std::vector<size_t> order;
  const bool reordered = canonical_order(table, ctx.pool, order);
  for (size_t k = 0; k < table.rows.size(); ++k) {
    const size_t i = reordered ? order[k] : k;
    const Row* v = visible(table.rows[i], txn, committed_only);
    if (v == nullptr) continue;
    if (st.where) {
      bool keep = false;
      if (!ev.condition(*st.where, v, keep)) {
        m.failure = model_error(ev.error());
        return m;
      }
      if (!keep) continue;
    }
    if (st.wait == WaitMode::skip_locked && lock_conflicts(table.rows[i], txn, need, nullptr)) {
      continue;
    }
    m.slots.push_back(i);
  }
  if (st.order_by >= 0) {
    if (!valid_column(ts, st.order_by)) {
      m.failure = model_error(fmt::format("ORDER BY column index {} out of range", st.order_by));
      return m;
    }
    auto c = static_cast<size_t>(st.order_by);
    // Nulls sort as if larger than any value: last ascending, first descending (PostgreSQL).
    std::stable_sort(m.slots.begin(), m.slots.end(), [&](size_t a, size_t b) {
      const Value& x = (*visible(table.rows[a], txn, committed_only))[c];
      const Value& y = (*visible(table.rows[b], txn, committed_only))[c];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() == y.is_null()) return false;
        return st.order_desc ? x.is_null() : y.is_null();
      }
      int cmp = compare_values(x, y, ctx.pool);
      return st.order_desc ? cmp > 0 : cmp < 0;
    });
  }
  if (st.limit && apply_limit) {
    Value n;
    if (!ev.eval(*st.limit, nullptr, n)) {
      m.failure = model_error(ev.error());
      return m;
    }
    if (!n.is_null()) {
      if (n.type != Type::int_) {
        m.failure = model_error(fmt::format("LIMIT needs an int, got {}", type_name(n.type)));
        return m;
      }
      if (n.i < 0) {
        m.failure = model_error("LIMIT must not be negative");
        return m;
      }
      if (static_cast<uint64_t>(n.i) < m.slots.size()) m.slots.resize(static_cast<size_t>(n.i));
    }
  }
  if (need != LockNeed::none) {
    std::vector<int> holders;
    for (size_t i : m.slots) lock_conflicts(table.rows[i], txn, need, &holders);
    if (!holders.empty()) {
      m.failure = st.wait == WaitMode::nowait ? sql_error("lock_not_available")
                                              : blocked(std::move(holders));
    }
  }
  return m;
}

bool is_aggregate_query(const Statement& st) {
  return std::any_of(st.items.begin(), st.items.end(),
                     [](const SelectItem& it) { return it.agg != Aggregate::none; });
}

// Projects `row` to the plain (non-aggregate) items.
bool project(const TableSchema& ts, const std::vector<SelectItem>& items, const Row& row, Row& out,
             std::string& error) {
  out.clear();
  for (const SelectItem& it : items) {
    if (!valid_column(ts, it.column) || static_cast<size_t>(it.column) >= row.size()) {
      error = fmt::format("column index {} out of range", it.column);
      return false;
    }
    out.push_back(row[static_cast<size_t>(it.column)]);
  }
  return true;
}

// Computes the single row of an aggregate SELECT over `rows`.
bool aggregate(const TableSchema& ts, const std::vector<SelectItem>& items,
               std::span<const Row* const> rows, const StringPool* pool, Row& out,
               std::string& error) {
  out.clear();
  for (const SelectItem& it : items) {
    if (it.agg == Aggregate::none) {
      error = fmt::format("column '{}' must appear in an aggregate function",
                          column_name(ts, it.column));
      return false;
    }
    if (it.agg == Aggregate::count_star) {
      out.push_back(Value::integer(static_cast<int64_t>(rows.size())));
      continue;
    }
    if (!valid_column(ts, it.column)) {
      error = fmt::format("column index {} out of range", it.column);
      return false;
    }
    auto c = static_cast<size_t>(it.column);
    int64_t count = 0;
    int64_t sum = 0;
    Value best;
    for (const Row* r : rows) {
      const Value& v = (*r)[c];
      if (v.is_null()) continue;
      ++count;
      if (it.agg == Aggregate::sum) {
        if (v.type != Type::int_) {
          error = fmt::format("SUM needs an int column, '{}' is {}", column_name(ts, it.column),
                              type_name(v.type));
          return false;
        }
        // PostgreSQL's sum(int) is a bigint: it does not overflow at 32 bits.
        if (__builtin_add_overflow(sum, v.i, &sum)) {
          error = fmt::format("integer overflow in SUM({})", column_name(ts, it.column));
          return false;
        }
      } else if (it.agg == Aggregate::min || it.agg == Aggregate::max) {
        int cmp = best.is_null() ? 0 : compare_values(v, best, pool);
        if (best.is_null() || (it.agg == Aggregate::min ? cmp < 0 : cmp > 0)) best = v;
      }
    }
    switch (it.agg) {
      case Aggregate::count:
        out.push_back(Value::integer(count));
        break;
      case Aggregate::sum:
        out.push_back(count == 0 ? Value::null() : Value::integer(sum));
        break;
      default:
        out.push_back(best);
        break;
    }
  }
  return true;
}

// Builds SELECT's rows from the matched slots.
bool select_rows(const TableState& table, const TableSchema& ts, const Statement& st,
                 const Context& ctx, const std::vector<size_t>& slots, bool committed_only,
                 std::vector<Row>& out, std::string& error) {
  int txn = committed_only ? -1 : ctx.txn;
  out.clear();
  if (is_aggregate_query(st)) {
    // Inline: properties count rows (`SELECT COUNT(*)`) in every state.
    boost::container::small_vector<const Row*, 16> rows;
    for (size_t i : slots) rows.push_back(visible(table.rows[i], txn, committed_only));
    Row row;
    if (!aggregate(ts, st.items, {rows.data(), rows.size()}, ctx.pool, row, error)) return false;
    out.push_back(std::move(row));
    if (st.limit) {  // LIMIT applies to the aggregate's one output row
      Evaluator ev(ctx);
      Value n;
      if (!ev.eval(*st.limit, nullptr, n)) {
        error = ev.error();
        return false;
      }
      if (!n.is_null() && n.type != Type::int_) {
        error = fmt::format("LIMIT needs an int, got {}", type_name(n.type));
        return false;
      }
      if (!n.is_null() && n.i < 0) {
        error = "LIMIT must not be negative";
        return false;
      }
      if (!n.is_null() && n.i == 0) out.clear();
    }
    return true;
  }
  for (size_t i : slots) {
    Row row;
    if (!project(ts, st.items, *visible(table.rows[i], txn, committed_only), row, error)) {
      return false;
    }
    out.push_back(std::move(row));
  }
  return true;
}

Result run_select(DbState& db, const TableSchema& ts, const Statement& st, const Context& ctx) {
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  LockNeed need = lock_need(st);
  bool agg = is_aggregate_query(st);
  if (agg && need != LockNeed::none) {
    return model_error("FOR UPDATE / FOR SHARE is not allowed with aggregate functions");
  }
  Match m = match_rows(table, ts, st, ctx, need, false, !agg);
  if (m.failure.outcome != Outcome::ok) return m.failure;
  Result res;
  std::string error;
  if (!select_rows(table, ts, st, ctx, m.slots, false, res.rows, error)) {
    return model_error(error);
  }
  res.row_count = static_cast<int64_t>(res.rows.size());
  for (size_t i : m.slots) {
    RowRecord& r = table.rows[i];
    if (need == LockNeed::exclusive) {
      r.exclusive = ctx.txn;
      release_shared(r, ctx.txn);  // the exclusive lock subsumes it
    } else if (need == LockNeed::shared && r.exclusive != ctx.txn) {
      auto pos = std::lower_bound(r.shared.begin(), r.shared.end(), ctx.txn);
      if (pos == r.shared.end() || *pos != ctx.txn) r.shared.insert(pos, ctx.txn);
    }
  }
  return res;
}

Result run_update(DbState& db, const TableSchema& ts, const Statement& st, const Context& ctx) {
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  Match m = match_rows(table, ts, st, ctx, LockNeed::exclusive, false, true);
  if (m.failure.outcome != Outcome::ok) return m.failure;

  // Compute every new version before touching the state: a failing SET has no effect.
  Evaluator ev(ctx);
  std::vector<Row> updated;
  std::vector<bool> key_changed;
  for (size_t i : m.slots) {
    const Row& old = *visible(table.rows[i], ctx.txn, false);
    Row row = old;
    for (const auto& [column, expr] : st.sets) {
      if (!valid_column(ts, column) || static_cast<size_t>(column) >= row.size()) {
        return model_error(fmt::format("SET column index {} out of range", column));
      }
      Value v;
      if (!ev.eval(expr, &old, v)) return model_error(ev.error());
      if (std::string e = check_store(ts, column, v); !e.empty()) return model_error(e);
      row[static_cast<size_t>(column)] = v;
    }
    key_changed.push_back(!ts.primary_key.empty() && !same_key(ts, old, row, ctx.pool));
    updated.push_back(std::move(row));
  }

  if (!ts.primary_key.empty()) {
    std::vector<char> skip(table.rows.size(), 0);
    for (size_t i : m.slots) skip[i] = 1;
    std::vector<int> writers;
    bool exists = false;
    for (size_t k = 0; k < updated.size(); ++k) {
      if (!key_changed[k]) continue;
      for (size_t j = 0; j < updated.size(); ++j) {
        if (j != k && same_key(ts, updated[j], updated[k], ctx.pool)) exists = true;
      }
      if (find_key(table, ts, updated[k], ctx.txn, skip, ctx.pool, writers) == KeyState::exists) {
        exists = true;
      }
    }
    if (exists) return sql_error("unique_violation");
    if (!writers.empty()) return blocked(std::move(writers));
  }

  Result res;
  std::string error;
  for (size_t k = 0; k < m.slots.size() && !st.items.empty(); ++k) {
    Row ret;
    if (!project(ts, st.items, updated[k], ret, error)) return model_error(error);
    res.rows.push_back(std::move(ret));
  }
  for (size_t k = 0; k < m.slots.size(); ++k) {
    RowRecord& r = table.rows[m.slots[k]];
    r.pending = std::move(updated[k]);
    r.writer = ctx.txn;
    r.exclusive = ctx.txn;
    release_shared(r, ctx.txn);
  }
  res.row_count = static_cast<int64_t>(m.slots.size());
  return res;
}

Result run_delete(DbState& db, const TableSchema& ts, const Statement& st, const Context& ctx) {
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  Match m = match_rows(table, ts, st, ctx, LockNeed::exclusive, false, true);
  if (m.failure.outcome != Outcome::ok) return m.failure;
  Result res;
  std::string error;
  if (!st.items.empty()) {
    for (size_t i : m.slots) {
      Row ret;
      if (!project(ts, st.items, *visible(table.rows[i], ctx.txn, false), ret, error)) {
        return model_error(error);
      }
      res.rows.push_back(std::move(ret));
    }
  }
  for (size_t i : m.slots) {
    RowRecord& r = table.rows[i];
    r.pending.reset();
    r.writer = ctx.txn;
    r.exclusive = ctx.txn;
    release_shared(r, ctx.txn);
  }
  drop_empty_slots(table);  // a row this transaction inserted and now deleted is gone
  res.row_count = static_cast<int64_t>(m.slots.size());
  return res;
}

Result run_insert(DbState& db, const TableSchema& ts, const Statement& st, const Context& ctx) {
  TableState& table = db.tables[static_cast<size_t>(st.table)];
  if (st.values.size() != ts.columns.size()) {
    return model_error(fmt::format("INSERT into '{}' has {} values for {} columns", ts.name,
                                   st.values.size(), ts.columns.size()));
  }
  Evaluator ev(ctx);
  Row row;
  for (size_t c = 0; c < st.values.size(); ++c) {
    Value v;
    if (!ev.eval(st.values[c], nullptr, v)) return model_error(ev.error());
    if (std::string e = check_store(ts, static_cast<int>(c), v); !e.empty()) {
      return model_error(e);
    }
    row.push_back(v);
  }
  if (!ts.primary_key.empty()) {
    std::vector<int> writers;
    switch (find_key(table, ts, row, ctx.txn, {}, ctx.pool, writers)) {
      case KeyState::exists: {
        if (!st.on_conflict_do_nothing) return sql_error("unique_violation");
        return Result{};  // ok, nothing inserted
      }
      case KeyState::wait:
        return blocked(std::move(writers));
      case KeyState::free:
        break;
    }
  }
  auto used = std::count_if(table.rows.begin(), table.rows.end(),
                            [](const RowRecord& r) { return !empty_slot(r); });
  if (used + 1 > ts.max_rows) return model_error(full_table_message(ts));
  Result res;
  if (!st.items.empty()) {
    Row ret;
    std::string error;
    if (!project(ts, st.items, row, ret, error)) return model_error(error);
    res.rows.push_back(std::move(ret));
  }
  RowRecord r;
  r.writer = ctx.txn;
  r.pending = std::move(row);
  r.exclusive = ctx.txn;
  table.rows.push_back(std::move(r));
  res.row_count = 1;
  return res;
}

}  // namespace

void DbState::canonicalize(const StringPool& pool) {
  for (TableState& table : tables) {
    drop_empty_slots(table);
    for (RowRecord& r : table.rows) {
      std::sort(r.shared.begin(), r.shared.end());
    }
    auto less = [&](const RowRecord& a, const RowRecord& b) {
      return compare_records(a, b, &pool) < 0;
    };
    // Most steps leave the order alone, and stable_sort allocates a buffer even then.
    if (!std::is_sorted(table.rows.begin(), table.rows.end(), less)) {
      std::stable_sort(table.rows.begin(), table.rows.end(), less);
    }
  }
}

namespace {

// A column holds null or its declared type (check_store refuses anything else): a presence bit,
// then the payload without a type tag.
void encode_row(BitWriter& w, const Row& row, const TableSchema& ts, int pid_bits) {
  if (row.size() != ts.types.size()) throw SlotOverflow("a row differs from its table's columns");
  for (size_t c = 0; c < row.size(); ++c) {
    const Value& v = row[c];
    w.bit(!v.is_null());
    if (v.is_null()) continue;
    if (v.type != column_value_type(ts.types[c]))
      throw SlotOverflow("a column holds a value of another type");
    w.payload(v, pid_bits);
  }
}

Row decode_row(BitReader& r, const TableSchema& ts, int pid_bits) {
  Row row(ts.types.size());
  for (size_t c = 0; c < row.size(); ++c)
    if (r.bit()) row[c] = r.payload(column_value_type(ts.types[c]), pid_bits);
  return row;
}

// A transaction (process index) or -1: stored plus one, in bits for 0..processes.
void encode_txn(BitWriter& w, int txn, int txn_bits) {
  w.bounded(static_cast<uint64_t>(static_cast<int64_t>(txn) + 1), txn_bits);
}

}  // namespace

void DbState::encode(BitWriter& w, const Schema& schema, int processes) const {
  const int pid_bits = bits_for(static_cast<uint64_t>(std::max(processes - 1, 0)));
  const int txn_bits = bits_for(static_cast<uint64_t>(std::max(processes, 0)));
  if (tables.size() != schema.tables.size())
    throw SlotOverflow("a database differs from its schema's tables");
  for (size_t t = 0; t < tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    w.var(tables[t].rows.size());
    for (const RowRecord& r : tables[t].rows) {
      w.bit(r.committed.has_value());
      w.bit(r.pending.has_value());
      if (r.committed) encode_row(w, *r.committed, ts, pid_bits);
      encode_txn(w, r.writer, txn_bits);
      if (r.pending) encode_row(w, *r.pending, ts, pid_bits);
      encode_txn(w, r.exclusive, txn_bits);
      w.var(r.shared.size());
      for (int s : r.shared) w.bounded(static_cast<uint64_t>(static_cast<int64_t>(s)), pid_bits);
    }
  }
  if (txns.size() != static_cast<size_t>(std::max(processes, 0)))
    throw SlotOverflow("a database has another number of transactions than processes");
  for (TxnStatus s : txns) w.bits(static_cast<uint64_t>(s), 2);
}

DbState DbState::decode(BitReader& r, const Schema& schema, int processes) {
  const int pid_bits = bits_for(static_cast<uint64_t>(std::max(processes - 1, 0)));
  const int txn_bits = bits_for(static_cast<uint64_t>(std::max(processes, 0)));
  DbState db;
  db.tables.resize(schema.tables.size());
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    const uint64_t n = r.var();
    // A real table never holds more row slots than bits are left: bad bytes must not make this
    // reserve gigabytes.
    if (n > (uint64_t{1} << 24)) throw std::runtime_error("bad row count in state");
    db.tables[t].rows.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      RowRecord rec;
      const bool committed = r.bit();
      const bool pending = r.bit();
      if (committed) rec.committed = decode_row(r, ts, pid_bits);
      rec.writer = static_cast<int>(r.bits(txn_bits)) - 1;
      if (pending) rec.pending = decode_row(r, ts, pid_bits);
      rec.exclusive = static_cast<int>(r.bits(txn_bits)) - 1;
      const uint64_t shared = r.var();
      if (shared > static_cast<uint64_t>(std::max(processes, 0)))
        throw std::runtime_error("bad lock holder count in state");
      for (uint64_t s = 0; s < shared; ++s)
        rec.shared.push_back(static_cast<int>(r.bits(pid_bits)));
      db.tables[t].rows.push_back(std::move(rec));
    }
  }
  db.txns.resize(static_cast<size_t>(std::max(processes, 0)));
  for (TxnStatus& s : db.txns) {
    const uint64_t v = r.bits(2);
    if (v > static_cast<uint64_t>(TxnStatus::failed))
      throw std::runtime_error("bad transaction status in state");
    s = static_cast<TxnStatus>(v);
  }
  return db;
}

std::string initial_state(const Schema& schema, const std::vector<std::vector<Row>>& rows,
                          int processes, const StringPool& pool, DbState& out) {
  out = DbState{};
  out.tables.resize(schema.tables.size());
  out.txns.assign(static_cast<size_t>(std::max(processes, 0)), TxnStatus::none);
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    if (t >= rows.size()) continue;
    const std::vector<Row>& initial = rows[t];
    if (initial.size() > static_cast<size_t>(std::max(ts.max_rows, 0))) {
      return fmt::format("table '{}' has {} initial rows, more than its max of {} rows", ts.name,
                         initial.size(), ts.max_rows);
    }
    for (const Row& row : initial) {
      if (row.size() != ts.columns.size()) {
        return fmt::format("a row of table '{}' has {} values for {} columns", ts.name, row.size(),
                           ts.columns.size());
      }
      for (size_t c = 0; c < row.size(); ++c) {
        if (std::string e = check_store(ts, static_cast<int>(c), row[c]); !e.empty()) return e;
      }
      if (!ts.primary_key.empty()) {
        for (const RowRecord& other : out.tables[t].rows) {
          if (!same_key(ts, *other.committed, row, &pool)) continue;
          std::string key;
          for (int c : ts.primary_key) {
            if (!key.empty()) key += ", ";
            key += format_value(row[static_cast<size_t>(c)], &pool);
          }
          return fmt::format("duplicate primary key ({}) in table '{}'", key, ts.name);
        }
      }
      RowRecord rec;
      rec.committed = row;
      out.tables[t].rows.push_back(std::move(rec));
    }
  }
  out.canonicalize(pool);
  return "";
}

void begin(DbState& db, int txn) {
  if (txn < 0 || static_cast<size_t>(txn) >= db.txns.size()) return;
  if (db.txns[static_cast<size_t>(txn)] == TxnStatus::none) {
    db.txns[static_cast<size_t>(txn)] = TxnStatus::open;
  }
}

void abort(DbState& db, int txn, TxnStatus after) {
  end_transaction(db, txn, false);
  if (txn >= 0 && static_cast<size_t>(txn) < db.txns.size()) {
    db.txns[static_cast<size_t>(txn)] = after;
  }
}

Result execute(DbState& db, const Schema& schema, const Statement& st, const Context& ctx) {
  if (ctx.txn < 0 || static_cast<size_t>(ctx.txn) >= db.txns.size()) {
    return model_error(fmt::format("transaction id {} out of range", ctx.txn));
  }
  if (db.tables.size() != schema.tables.size()) {
    return model_error("the database state does not match the schema");
  }
  TxnStatus& status = db.txns[static_cast<size_t>(ctx.txn)];
  if (st.kind == StatementKind::commit || st.kind == StatementKind::rollback) {
    Result res;
    // COMMIT of a failed transaction rolls back (its writes are already gone), not an error.
    res.committed = st.kind == StatementKind::commit && status == TxnStatus::open;
    if (status != TxnStatus::none) end_transaction(db, ctx.txn, res.committed);
    status = TxnStatus::none;
    return res;
  }
  if (st.table < 0 || static_cast<size_t>(st.table) >= schema.tables.size()) {
    return model_error(fmt::format("table index {} out of range", st.table));
  }
  if (status == TxnStatus::failed) return sql_error("in_failed_transaction");
  const TableSchema& ts = schema.tables[static_cast<size_t>(st.table)];
  Result res;
  switch (st.kind) {
    case StatementKind::select:
      res = run_select(db, ts, st, ctx);
      break;
    case StatementKind::update:
      res = run_update(db, ts, st, ctx);
      break;
    case StatementKind::delete_:
      res = run_delete(db, ts, st, ctx);
      break;
    case StatementKind::insert:
      res = run_insert(db, ts, st, ctx);
      break;
    default:
      return model_error("unknown statement kind");
  }
  if (status == TxnStatus::none) {
    // Autocommit: the statement was its own transaction. Failures left no effect behind.
    if (res.outcome == Outcome::ok) end_transaction(db, ctx.txn, true);
  } else if (res.outcome == Outcome::error) {
    abort(db, ctx.txn, TxnStatus::failed);
  }
  return res;
}

std::vector<int> waits_for(const DbState& db, const Schema& schema, const Statement& st,
                           const Context& ctx) {
  // The probe runs on a scratch copy; assigning into this thread's previous copy reuses its
  // storage (the deadlock check probes several processes per state).
  thread_local DbState copy;
  copy = db;
  Result res = execute(copy, schema, st, ctx);
  if (res.outcome != Outcome::blocked) return {};
  return res.waits_for;
}

Value scalar_query(const DbState& db, const Schema& schema, const Statement& select,
                   const Context& ctx, std::string& error) {
  error.clear();
  if (select.kind != StatementKind::select) {
    error = "a scalar subquery must be a SELECT";
    return Value::null();
  }
  if (select.table < 0 || static_cast<size_t>(select.table) >= schema.tables.size() ||
      static_cast<size_t>(select.table) >= db.tables.size()) {
    error = fmt::format("table index {} out of range", select.table);
    return Value::null();
  }
  const TableSchema& ts = schema.tables[static_cast<size_t>(select.table)];
  const TableState& table = db.tables[static_cast<size_t>(select.table)];
  bool agg = is_aggregate_query(select);
  Match m = match_rows(table, ts, select, ctx, LockNeed::none, true, !agg);
  if (m.failure.outcome != Outcome::ok) {
    error = m.failure.message;
    return Value::null();
  }
  if (!agg) {
    // Only the first row's first item is used: project just that (every row has the same
    // columns, so the others could not fail where it does not).
    if (m.slots.empty() || select.items.empty()) return Value::null();
    const SelectItem& it = select.items[0];
    const Row& row = *visible(table.rows[m.slots[0]], -1, true);
    for (const SelectItem& item : select.items) {
      if (!valid_column(ts, item.column) || static_cast<size_t>(item.column) >= row.size()) {
        error = fmt::format("column index {} out of range", item.column);
        return Value::null();
      }
    }
    return row[static_cast<size_t>(it.column)];
  }
  std::vector<Row> rows;
  if (!select_rows(table, ts, select, ctx, m.slots, true, rows, error)) return Value::null();
  if (rows.empty() || rows[0].empty()) return Value::null();
  return rows[0][0];
}

}  // namespace lockcheck::sql
