// SQL statements and subqueries: the database and table, columns, INTO and RETURNING arity,
// INSERT values, and the types that a column makes certain.
#include <fmt/format.h>

#include <algorithm>

#include "checker/front/resolver_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front::detail {

namespace {

const char* plural(size_t n) { return n == 1 ? "" : "s"; }

const char* aggregate_name(ast::Aggregate a) {
  switch (a) {
    case ast::Aggregate::sum:
      return "SUM";
    case ast::Aggregate::min:
      return "MIN";
    case ast::Aggregate::max:
      return "MAX";
    default:
      return "COUNT";
  }
}

}  // namespace

int Resolver::column_index(std::string_view name) const {
  if (table_ == nullptr) return -1;
  for (size_t i = 0; i < table_->columns.size(); ++i) {
    if (table_->columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void Resolver::unknown_column(const std::string& name, SourceLoc loc) {
  std::vector<std::string> names;
  for (const ast::Column& c : table_->columns) names.push_back(c.name);
  std::string hint = did_you_mean(name, names);
  if (hint.empty()) {
    const Global* g = global(name);
    bool variable =
        (process_index_ >= 0 && locals_.count(name) > 0) ||
        (g != nullptr && (g->kind == GlobalKind::shared || g->kind == GlobalKind::ghost ||
                          g->kind == GlobalKind::constant)) ||
        (where_ == Where::process &&
         (name == "found" || name == "row_count" || name == "sql_error"));
    if (variable) hint = fmt::format("; to use the variable '{0}', write ${0}", name);
  }
  error(loc, fmt::format("unknown column '{}' in table '{}'{}", name, table_->name, hint));
}

StaticType Resolver::column(ast::Expr& e) {
  if (table_ == nullptr) return std::nullopt;  // no database or an unknown table: reported
  int c = column_index(e.text);
  if (c < 0) {
    unknown_column(e.text, e.loc);
    return std::nullopt;
  }
  if (!no_columns_.empty()) {
    error(e.loc, fmt::format("{} cannot refer to column '{}'", no_columns_, e.text));
    return std::nullopt;
  }
  return column_type(table_->columns[c].type);
}

const ast::Table* Resolver::find_table(const std::string& name) const {
  if (!spec_.database) return nullptr;
  for (const ast::Table& t : spec_.database->tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int Resolver::select_items(std::vector<ast::SelectItem>& items, bool returning) {
  int count = 0;
  bool known = true;
  bool any_aggregate = false;
  bool any_plain = false;
  for (ast::SelectItem& item : items) {
    if (item.star && item.agg == ast::Aggregate::none) {
      if (table_ == nullptr) {
        known = false;
      } else {
        count += static_cast<int>(table_->columns.size());
      }
      any_plain = true;
      continue;
    }
    ++count;
    if (item.agg == ast::Aggregate::none) {
      any_plain = true;
    } else {
      any_aggregate = true;
      if (returning) error(item.loc, "RETURNING cannot use aggregates");
    }
    if (item.agg == ast::Aggregate::count_star || table_ == nullptr) continue;
    int c = column_index(item.column);
    if (c < 0) {
      unknown_column(item.column, item.loc);
      continue;
    }
    Type t = column_type(table_->columns[c].type);
    if (item.agg == ast::Aggregate::sum && t != Type::int_) {
      error(item.loc,
            fmt::format("SUM needs an int column; '{}' is {}", item.column, type_text(t)));
    } else if ((item.agg == ast::Aggregate::min || item.agg == ast::Aggregate::max) &&
               t != Type::int_ && t != Type::text) {
      error(item.loc, fmt::format("{} needs an int or text column; '{}' is {}",
                                  aggregate_name(item.agg), item.column, type_text(t)));
    }
  }
  if (any_aggregate && any_plain && !returning && !items.empty()) {
    error(items.front().loc, "cannot mix aggregates and plain columns without GROUP BY");
  }
  return known ? count : -1;
}

void Resolver::into(ast::SqlStmt& s, int columns, std::string_view source) {
  if (where_ != Where::process) return;  // a subquery: its INTO is reported on its own
  for (ast::IntoTarget& t : s.into) assign_target(t.name, t.loc, t.ref, true);
  if (columns >= 0 && !s.into.empty() && static_cast<int>(s.into.size()) != columns) {
    error(s.into.front().loc,
          fmt::format("INTO has {} variable{} but {} returns {} column{}", s.into.size(),
                      plural(s.into.size()), source, columns, plural(columns)));
  }
}

StaticType Resolver::sql_value(ast::Expr& e, std::string_view forbid_columns) {
  std::string_view saved = no_columns_;
  no_columns_ = forbid_columns;
  StaticType t = expr(e);
  no_columns_ = saved;
  return t;
}

void Resolver::sql(ast::SqlStmt& s) {
  table_ = nullptr;
  const ast::Database* db = spec_.database ? &*spec_.database : nullptr;
  if (db == nullptr) {
    error(s.loc, "SQL statement but no database is declared");
  } else if (!s.database.empty() && s.database != db->name) {
    error(s.database_loc,
          fmt::format("unknown database '{}'{}", s.database, did_you_mean(s.database, {db->name})));
  }
  if (s.kind == ast::SqlKind::begin || s.kind == ast::SqlKind::commit ||
      s.kind == ast::SqlKind::rollback) {
    return;
  }
  if (db != nullptr && !s.table.empty()) {
    table_ = find_table(s.table);
    if (table_ == nullptr) {
      std::vector<std::string> names;
      for (const ast::Table& t : db->tables) names.push_back(t.name);
      error(s.table_loc,
            fmt::format("unknown table '{}'{}", s.table, did_you_mean(s.table, names)));
    }
  }
  switch (s.kind) {
    case ast::SqlKind::select: {
      int columns = select_items(s.items, false);
      if (s.where) condition(*s.where, "WHERE");
      if (!s.order_by.empty() && table_ != nullptr && column_index(s.order_by) < 0) {
        unknown_column(s.order_by, s.order_by_loc);
      }
      if (s.limit) {
        StaticType t = sql_value(*s.limit, "LIMIT");
        if (t && *t != Type::int_) {
          error(s.limit->loc, fmt::format("LIMIT must be an int, found {}", type_text(*t)));
        }
      }
      bool aggregate = std::any_of(s.items.begin(), s.items.end(), [](const ast::SelectItem& i) {
        return i.agg != ast::Aggregate::none;
      });
      if (aggregate && s.lock != ast::LockMode::none) {
        error(s.loc, fmt::format("{} is not allowed with aggregates",
                                 s.lock == ast::LockMode::for_update ? "FOR UPDATE" : "FOR SHARE"));
      }
      into(s, columns, "the SELECT");
      break;
    }
    case ast::SqlKind::update: {
      std::vector<int> seen;
      for (ast::SetClause& set : s.sets) {
        int c = table_ == nullptr ? -1 : column_index(set.column);
        if (table_ != nullptr && c < 0) {
          unknown_column(set.column, set.loc);
        } else if (c >= 0 && std::find(seen.begin(), seen.end(), c) != seen.end()) {
          error(set.loc, fmt::format("column '{}' is set twice", set.column));
        }
        seen.push_back(c);
        if (!set.value) continue;
        StaticType t = expr(*set.value);
        if (c >= 0 && t && *t != Type::null) {
          Type want = column_type(table_->columns[c].type);
          if (*t != want) {
            error(set.value->loc, fmt::format("column '{}' has type {} but is set to {}",
                                              set.column, type_text(want), type_text(*t)));
          }
        }
      }
      if (s.where) condition(*s.where, "WHERE");
      if (!s.returning.empty()) into(s, select_items(s.returning, true), "RETURNING");
      break;
    }
    case ast::SqlKind::insert: {
      std::vector<int> columns;
      bool columns_ok = table_ != nullptr;
      for (size_t i = 0; i < s.columns.size() && table_ != nullptr; ++i) {
        int c = column_index(s.columns[i]);
        if (c < 0) {
          unknown_column(s.columns[i], s.column_locs[i]);
          columns_ok = false;
        } else if (std::find(columns.begin(), columns.end(), c) != columns.end()) {
          error(s.column_locs[i], fmt::format("column '{}' is given twice", s.columns[i]));
          columns_ok = false;
        }
        columns.push_back(c);
      }
      if (table_ != nullptr && s.columns.empty()) {
        for (size_t c = 0; c < table_->columns.size(); ++c) columns.push_back(static_cast<int>(c));
      } else if (columns_ok) {
        for (int key : table_->primary_key) {
          if (std::find(columns.begin(), columns.end(), key) == columns.end()) {
            error(s.table_loc, fmt::format("INSERT must give the primary key column '{}'",
                                           table_->columns[key].name));
          }
        }
      }
      if (columns_ok && columns.size() != s.values.size()) {
        error(s.loc, fmt::format("INSERT has {} column{} but {} value{}", columns.size(),
                                 plural(columns.size()), s.values.size(), plural(s.values.size())));
        columns_ok = false;
      }
      for (size_t i = 0; i < s.values.size(); ++i) {
        StaticType t = sql_value(*s.values[i], "VALUES");
        if (!columns_ok || !t) continue;
        const ast::Column& col = table_->columns[columns[i]];
        bool key = std::find(table_->primary_key.begin(), table_->primary_key.end(), columns[i]) !=
                   table_->primary_key.end();
        if (*t == Type::null && key) {
          error(s.values[i]->loc, fmt::format("primary key column '{}' cannot be null", col.name));
        } else if (*t != Type::null && *t != column_type(col.type)) {
          error(s.values[i]->loc,
                fmt::format("column '{}' has type {} but the value is {}", col.name,
                            type_text(column_type(col.type)), type_text(*t)));
        }
      }
      break;
    }
    case ast::SqlKind::delete_:
      if (s.where) condition(*s.where, "WHERE");
      if (!s.returning.empty()) into(s, select_items(s.returning, true), "RETURNING");
      break;
    default:
      break;
  }
  table_ = nullptr;
}

StaticType Resolver::subquery(ast::Expr& e) {
  if (!e.select) return std::nullopt;
  ast::SqlStmt& s = *e.select;
  if (where_ != Where::property) {
    error(e.loc, "a subquery can only be used in properties; use SELECT ... INTO in a process");
  }
  if (!s.into.empty()) error(s.into.front().loc, "a subquery cannot use INTO");
  if (s.lock != ast::LockMode::none) error(s.loc, "a subquery cannot lock rows");
  const ast::Table* table = find_table(s.table);
  bool star = s.items.size() == 1 && s.items[0].star && s.items[0].agg == ast::Aggregate::none;
  bool one_column =
      s.items.size() == 1 && (!star || (table != nullptr && table->columns.size() == 1));
  if (!s.items.empty() && !one_column && (!star || table != nullptr)) {
    error(s.loc, "a subquery must return one column");
  }
  sql(s);
  if (!one_column) return std::nullopt;
  const ast::SelectItem& item = s.items[0];
  if (item.agg == ast::Aggregate::count || item.agg == ast::Aggregate::count_star) {
    return Type::int_;
  }
  if (table == nullptr) return std::nullopt;
  if (star) return column_type(table->columns[0].type);
  for (const ast::Column& c : table->columns) {
    if (c.name == item.column) {
      return item.agg == ast::Aggregate::sum ? Type::int_ : column_type(c.type);
    }
  }
  return std::nullopt;
}

}  // namespace lockcheck::front::detail
