#include "models/sql/sql_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "models/sql/evaluator.h"  // op_text

namespace lockcheck::sql {

namespace {

// PostgreSQL 15's reserved key words (and a few that cannot name a column unquoted).
constexpr std::array<std::string_view, 84> kReserved = {"all",
                                                        "analyse",
                                                        "analyze",
                                                        "and",
                                                        "any",
                                                        "array",
                                                        "as",
                                                        "asc",
                                                        "asymmetric",
                                                        "authorization",
                                                        "binary",
                                                        "both",
                                                        "case",
                                                        "cast",
                                                        "check",
                                                        "collate",
                                                        "collation",
                                                        "column",
                                                        "concurrently",
                                                        "constraint",
                                                        "create",
                                                        "cross",
                                                        "current_catalog",
                                                        "current_date",
                                                        "current_role",
                                                        "current_schema",
                                                        "current_time",
                                                        "current_timestamp",
                                                        "current_user",
                                                        "default",
                                                        "deferrable",
                                                        "desc",
                                                        "distinct",
                                                        "do",
                                                        "else",
                                                        "end",
                                                        "except",
                                                        "false",
                                                        "fetch",
                                                        "for",
                                                        "foreign",
                                                        "freeze",
                                                        "from",
                                                        "full",
                                                        "grant",
                                                        "group",
                                                        "having",
                                                        "ilike",
                                                        "in",
                                                        "initially",
                                                        "inner",
                                                        "intersect",
                                                        "into",
                                                        "is",
                                                        "isnull",
                                                        "join",
                                                        "lateral",
                                                        "leading",
                                                        "left",
                                                        "like",
                                                        "limit",
                                                        "localtime",
                                                        "localtimestamp",
                                                        "natural",
                                                        "not",
                                                        "notnull",
                                                        "null",
                                                        "offset",
                                                        "on",
                                                        "only",
                                                        "or",
                                                        "order",
                                                        "outer",
                                                        "overlaps",
                                                        "placing",
                                                        "primary",
                                                        "references",
                                                        "returning",
                                                        "right",
                                                        "select",
                                                        "session_user",
                                                        "similar",
                                                        "some",
                                                        "symmetric"};
constexpr std::array<std::string_view, 10> kReservedMore = {
    "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using"};
constexpr std::array<std::string_view, 6> kReservedLast = {"variadic", "verbose", "when",
                                                           "where",    "window",  "with"};

bool reserved(std::string_view w) {
  auto has = [&](const auto& list) { return std::find(list.begin(), list.end(), w) != list.end(); };
  return has(kReserved) || has(kReservedMore) || has(kReservedLast);
}

// Binding strength of PostgreSQL's operators, weakest first.
enum Prec { kOr = 1, kAnd, kNot, kIs, kCompare, kAdd, kMul, kUnary, kAtom };

Prec precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::binary:
      switch (e.op) {
        case Op::or_:
          return kOr;
        case Op::and_:
          return kAnd;
        case Op::eq:
        case Op::ne:
        case Op::lt:
        case Op::le:
        case Op::gt:
        case Op::ge:
          return kCompare;
        case Op::add:
        case Op::sub:
          return kAdd;
        default:
          return kMul;
      }
    case ExprKind::unary:
      return e.op == Op::not_ ? kNot : kUnary;
    case ExprKind::is_null:
    case ExprKind::is_not_null:
      return kIs;
    default:
      return kAtom;
  }
}

class ExprWriter {
 public:
  ExprWriter(const TableSchema* table, const RenderOptions& options)
      : table_(table), options_(options) {}

  std::string write(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::literal:
        return literal(e.literal, *options_.pool);
      case ExprKind::column:
        return column(e.index);
      case ExprKind::param:
        if (e.index < 0 || static_cast<size_t>(e.index) >= options_.params.size())
          return "NULL /* missing parameter */";
        return literal(options_.params[static_cast<size_t>(e.index)], *options_.pool);
      case ExprKind::now:
        return literal(options_.now, *options_.pool);
      case ExprKind::unary:
        if (e.args.empty()) return "NULL";
        if (e.op == Op::not_) return "NOT " + child(e.args[0], kNot, false);
        return "-(" + write(e.args[0]) + ")";
      case ExprKind::binary: {
        if (e.args.size() < 2) return "NULL";
        Prec p = precedence(e);
        return fmt::format("{} {} {}", child(e.args[0], p, false), op_text(e.op),
                           child(e.args[1], p, true));
      }
      case ExprKind::is_null:
        return e.args.empty() ? "NULL" : child(e.args[0], kIs, false) + " IS NULL";
      case ExprKind::is_not_null:
        return e.args.empty() ? "NULL" : child(e.args[0], kIs, false) + " IS NOT NULL";
    }
    return "NULL";
  }

  std::string column(int index) const {
    if (table_ == nullptr || index < 0 || static_cast<size_t>(index) >= table_->columns.size())
      return fmt::format("column{}", index);
    return identifier(table_->columns[static_cast<size_t>(index)]);
  }

 private:
  // A sub-expression, in parentheses when it binds less tightly than its parent (or as tightly,
  // on the right of a left-associative operator, and for comparisons, which do not associate).
  std::string child(const Expr& e, Prec parent, bool right) const {
    Prec p = precedence(e);
    bool parens = p < parent || (p == parent && (right || parent == kCompare || parent == kIs));
    if (p == parent && (parent == kAnd || parent == kOr)) parens = false;  // associative
    std::string text = write(e);
    return parens ? "(" + text + ")" : text;
  }

  const TableSchema* table_;
  const RenderOptions& options_;
};

std::string column_type(ColumnType t) {
  switch (t) {
    case ColumnType::int_:
    case ColumnType::pid:
      return "integer";
    case ColumnType::text:
      return "text COLLATE \"C\"";
    case ColumnType::bool_:
      return "boolean";
  }
  return "text";
}

std::string select_item(const TableSchema& table, const SelectItem& item) {
  std::string col = item.column >= 0 && static_cast<size_t>(item.column) < table.columns.size()
                        ? identifier(table.columns[static_cast<size_t>(item.column)])
                        : std::string("*");
  switch (item.agg) {
    case Aggregate::none:
      return col;
    case Aggregate::count_star:
      return "COUNT(*)";
    case Aggregate::count:
      return "COUNT(" + col + ")";
    case Aggregate::sum:
      return "SUM(" + col + ")";
    case Aggregate::min:
      return "MIN(" + col + ")";
    case Aggregate::max:
      return "MAX(" + col + ")";
  }
  return col;
}

std::string item_list(const TableSchema& table, const std::vector<SelectItem>& items) {
  std::string out;
  for (const SelectItem& it : items) out += (out.empty() ? "" : ", ") + select_item(table, it);
  return out.empty() ? "*" : out;
}

// " WHERE cond", with the plan-steering conjunct when asked for.
std::string where_clause(const TableSchema& table, const std::optional<Expr>& where, bool steer,
                         const ExprWriter& w) {
  std::string cond;
  if (where) cond = w.write(*where);
  if (steer && !table.primary_key.empty()) {
    std::string key = w.column(table.primary_key.front()) + " IS NOT NULL";
    if (cond.empty()) {
      cond = key;
    } else {
      // OR binds less tightly than AND: keep the spec's condition whole.
      bool has_or = where->kind == ExprKind::binary && where->op == Op::or_;
      cond = (has_or ? "(" + cond + ")" : cond) + " AND " + key;
    }
  }
  return cond.empty() ? std::string() : " WHERE " + cond;
}

}  // namespace

std::string literal(const Value& v, const StringPool& pool) {
  switch (v.type) {
    case Type::null:
      return "NULL";
    case Type::int_:
    case Type::pid:
      return fmt::format("{}", v.i);
    case Type::bool_:
      return v.i != 0 ? "true" : "false";
    case Type::text: {
      std::string out = "'";
      for (char c : pool.text(v.i)) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
  }
  return "NULL";
}

std::optional<std::string> text_output(const Value& v, const StringPool& pool) {
  switch (v.type) {
    case Type::null:
      return std::nullopt;
    case Type::int_:
    case Type::pid:
      return fmt::format("{}", v.i);
    case Type::bool_:
      return std::string(v.i != 0 ? "t" : "f");
    case Type::text:
      return pool.text(v.i);
  }
  return std::nullopt;
}

std::string identifier(const std::string& name) {
  bool plain =
      !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    plain = plain && (std::islower(u) || std::isdigit(u) || c == '_');
  }
  if (plain && !reserved(name)) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string canonical_order_by(const TableSchema& table) {
  std::string out;
  if (!table.primary_key.empty()) {
    for (int c : table.primary_key)
      out += (out.empty() ? "" : ", ") + identifier(table.columns[static_cast<size_t>(c)]);
    return out;
  }
  for (const std::string& c : table.columns)
    out += (out.empty() ? "" : ", ") + identifier(c) + " NULLS FIRST";
  return out;
}

std::string render_statement(const Schema& schema, const Statement& st,
                             const RenderOptions& options) {
  switch (st.kind) {
    case StatementKind::commit:
      return "COMMIT";
    case StatementKind::rollback:
      return "ROLLBACK";
    default:
      break;
  }
  if (st.table < 0 || static_cast<size_t>(st.table) >= schema.tables.size())
    return "SELECT 'no such table'";
  const TableSchema& table = schema.tables[static_cast<size_t>(st.table)];
  ExprWriter w(&table, options);
  const std::string name = identifier(table.name);
  switch (st.kind) {
    case StatementKind::select: {
      bool aggregate = std::any_of(st.items.begin(), st.items.end(),
                                   [](const SelectItem& i) { return i.agg != Aggregate::none; });
      std::string out = fmt::format("SELECT {} FROM {}", item_list(table, st.items), name);
      out += where_clause(table, st.where, false, w);
      if (!aggregate) {
        // Rows come back in the model's order: ORDER BY's column, ties (and no ORDER BY) by key.
        std::string order;
        if (st.order_by >= 0) order = w.column(st.order_by) + (st.order_desc ? " DESC" : "");
        std::string ties = canonical_order_by(table);
        if (!ties.empty()) order += (order.empty() ? "" : ", ") + ties;
        out += " ORDER BY " + order;
      }
      if (st.limit) out += " LIMIT " + w.write(*st.limit);
      if (st.lock == LockMode::for_update) out += " FOR UPDATE";
      if (st.lock == LockMode::for_share) out += " FOR SHARE";
      if (st.lock != LockMode::none && st.wait == WaitMode::nowait) out += " NOWAIT";
      if (st.lock != LockMode::none && st.wait == WaitMode::skip_locked) out += " SKIP LOCKED";
      return out;
    }
    case StatementKind::update: {
      std::string sets;
      for (const auto& [col, e] : st.sets)
        sets += fmt::format("{}{} = {}", sets.empty() ? "" : ", ", w.column(col), w.write(e));
      std::string out = fmt::format("UPDATE {} SET {}", name, sets);
      out += where_clause(table, st.where, options.steer_plans, w);
      if (!st.items.empty()) out += " RETURNING " + item_list(table, st.items);
      return out;
    }
    case StatementKind::delete_: {
      std::string out = "DELETE FROM " + name;
      out += where_clause(table, st.where, options.steer_plans, w);
      if (!st.items.empty()) out += " RETURNING " + item_list(table, st.items);
      return out;
    }
    case StatementKind::insert: {
      std::string cols, vals;
      for (size_t c = 0; c < table.columns.size(); ++c) {
        cols += (c ? ", " : "") + identifier(table.columns[c]);
        vals += (c ? ", " : "") + (c < st.values.size() ? w.write(st.values[c]) : "NULL");
      }
      std::string out = fmt::format("INSERT INTO {} ({}) VALUES ({})", name, cols, vals);
      if (st.on_conflict_do_nothing) out += " ON CONFLICT DO NOTHING";
      return out;
    }
    default:
      break;
  }
  return "SELECT 'unknown statement'";
}

std::string render_create_table(const TableSchema& table) {
  std::string cols;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    cols += fmt::format("{}{} {}", c ? ", " : "", identifier(table.columns[c]),
                        column_type(c < table.types.size() ? table.types[c] : ColumnType::text));
  }
  if (!table.primary_key.empty()) cols += ", PRIMARY KEY (" + canonical_order_by(table) + ")";
  return fmt::format("CREATE TABLE {} ({})", identifier(table.name), cols);
}

std::string render_insert_row(const TableSchema& table, const std::vector<Value>& row,
                              const StringPool& pool) {
  std::string cols, vals;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    cols += (c ? ", " : "") + identifier(table.columns[c]);
    vals += (c ? ", " : "") + (c < row.size() ? literal(row[c], pool) : std::string("NULL"));
  }
  return fmt::format("INSERT INTO {} ({}) VALUES ({})", identifier(table.name), cols, vals);
}

std::string render_contents_query(const TableSchema& table) {
  std::string cols;
  for (size_t c = 0; c < table.columns.size(); ++c)
    cols += (c ? ", " : "") + identifier(table.columns[c]);
  return fmt::format("SELECT {} FROM {} ORDER BY {}", cols, identifier(table.name),
                     canonical_order_by(table));
}

std::string isolation_name(Isolation level) {
  switch (level) {
    case Isolation::read_committed:
      return "read committed";
    case Isolation::repeatable_read:
      return "repeatable read";
    case Isolation::serializable:
      return "serializable";
  }
  return "read committed";
}

std::string render_begin(Isolation level, bool read_only) {
  std::string out = "BEGIN";
  if (level == Isolation::repeatable_read) out += " ISOLATION LEVEL REPEATABLE READ";
  if (level == Isolation::serializable) out += " ISOLATION LEVEL SERIALIZABLE";
  if (read_only) out += " READ ONLY";
  return out;
}

}  // namespace lockcheck::sql
