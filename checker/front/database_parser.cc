// The `database NAME { ... }` block: tables, initial rows, `detect deadlocks` and `isolation`. Its
// keywords and column types are read in any case, like SQL.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "checker/front/parser_impl.h"
#include "checker/front/suggest.h"

namespace lockcheck::front::detail {

void Parser::parse_database(ast::Spec& spec) {
  Token kw = take();
  bool second = spec.database.has_value();
  if (second) error(kw.loc, "a second database is not supported yet");
  ast::Database db;
  db.name = expect_name("a database name", &db.loc);
  if (db.name.empty() || !expect_punct("{", "to open the database")) return sync_top_level();
  Token open = take();
  while (!at_punct("}") && peek().kind != TokenKind::eof) {
    size_t before = peek().begin;
    if (at_keyword("table")) {
      parse_table(db);
    } else if (at_keyword("insert")) {
      parse_initial_insert(db);
    } else if (at_keyword("detect")) {
      take();
      if (!expect_keyword("deadlocks", "after 'detect'")) {
        sync_statement();
      } else {
        take();
        db.detect_deadlocks = true;
        expect_semicolon("statement");
      }
    } else if (at_keyword("isolation")) {
      parse_default_isolation(db);
    } else if (at_keyword("ssi")) {
      parse_ssi_granularity(db);
    } else {
      report_expected("'table', 'insert', 'detect deadlocks', 'isolation' or 'ssi granularity'",
                      "in a database");
      sync_statement();
    }
    if (peek().begin == before && !at_punct("}") && peek().kind != TokenKind::eof) take();
  }
  if (!accept_punct("}")) {
    report_expected("'}'", fmt::format("to close the database opened at line {}", open.loc.line));
  }
  if (!second) spec.database = std::move(db);
}

// `isolation read committed | repeatable read | serializable;`: PostgreSQL's
// default_transaction_isolation (autocommit statements and BEGIN without a level use it).
void Parser::parse_default_isolation(ast::Database& db) {
  Token kw = take();
  db.isolation_loc = kw.loc;
  if (accept_keyword("read")) {
    if (!accept_keyword("committed")) {
      report_expected("'committed'", "after 'read'");
      return sync_statement();
    }
    db.isolation = ast::Isolation::read_committed;
  } else if (accept_keyword("repeatable")) {
    if (!accept_keyword("read")) {
      report_expected("'read'", "after 'repeatable'");
      return sync_statement();
    }
    db.isolation = ast::Isolation::repeatable_read;
  } else if (accept_keyword("serializable")) {
    db.isolation = ast::Isolation::serializable;
  } else {
    report_expected("'read committed', 'repeatable read' or 'serializable'", "after 'isolation'");
    return sync_statement();
  }
  expect_semicolon("statement");
}

// `ssi granularity table | row;`: how much a SERIALIZABLE read locks (spec-language.md §4.7).
void Parser::parse_ssi_granularity(ast::Database& db) {
  take();
  if (!accept_keyword("granularity")) {
    report_expected("'granularity'", "after 'ssi'");
    return sync_statement();
  }
  if (accept_keyword("table")) {
    db.ssi_table = true;
  } else if (accept_keyword("row")) {
    db.ssi_table = false;
  } else {
    report_expected("'table' or 'row'", "after 'ssi granularity'");
    return sync_statement();
  }
  expect_semicolon("statement");
}

namespace {

bool is_sql_reserved(std::string_view word) {
  // Only the words that would make a statement ambiguous; `key`, `locked` or `begin` stay
  // usable as column names.
  static constexpr std::array<std::string_view, 20> kWords = {
      "select", "from",   "where",  "into",      "order", "by", "limit", "for", "update", "set",
      "values", "insert", "delete", "returning", "and",   "or", "not",   "is",  "null",   "true"};
  std::string lower = to_lower(word);
  return lower == "false" || std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

}  // namespace

bool sql_reserved(std::string_view word) { return is_sql_reserved(word); }

void Parser::parse_table(ast::Database& db) {
  take();
  ast::Table table;
  const Token& n = peek();
  if (n.kind != TokenKind::ident || is_sql_reserved(n.text)) {
    report_expected("a table name", "");
    return sync_statement();
  }
  table.loc = n.loc;
  table.name = std::string(take().text);
  if (!expect_punct("(", "after the table name")) return sync_statement();
  take();
  std::vector<std::pair<std::string, SourceLoc>> key_names;  // table-level `primary key (...)`
  SourceLoc key_loc;
  std::vector<SourceLoc> column_key_locs;
  std::vector<int> column_keys;
  for (;;) {
    if (at_keyword("primary") && at_keyword("key", 1)) {
      SourceLoc loc = take().loc;
      take();
      if (key_loc.valid()) {
        error(loc, fmt::format("table '{}' has more than one primary key", table.name));
      }
      key_loc = loc;
      if (!expect_punct("(", "after 'primary key'")) return sync_statement();
      take();
      key_names.clear();
      for (;;) {
        const Token& c = peek();
        if (c.kind != TokenKind::ident) {
          report_expected("a column name", "");
          return sync_statement();
        }
        key_names.emplace_back(std::string(c.text), c.loc);
        take();
        if (!accept_punct(",")) break;
      }
      if (!expect_punct(")", "after the key columns")) return sync_statement();
      take();
    } else {
      const Token& c = peek();
      if (c.kind != TokenKind::ident) {
        report_expected("a column name", "");
        return sync_statement();
      }
      if (is_sql_reserved(c.text)) {
        error(c.loc, fmt::format("'{}' is a SQL keyword and cannot name a column", c.text));
      }
      ast::Column col;
      col.loc = c.loc;
      col.name = std::string(take().text);
      const Token& ty = peek();
      std::string type = ty.kind == TokenKind::ident ? to_lower(ty.text) : "";
      if (type == "int") {
        col.type = ast::ColumnType::int_;
      } else if (type == "text") {
        col.type = ast::ColumnType::text;
      } else if (type == "bool") {
        col.type = ast::ColumnType::bool_;
      } else if (type == "pid") {
        col.type = ast::ColumnType::pid;
      } else if (ty.kind == TokenKind::ident) {
        error(ty.loc,
              fmt::format("unknown column type '{}'; expected int, text, bool or pid", ty.text));
      } else {
        report_expected("a column type", "");
        return sync_statement();
      }
      take();
      if (at_keyword("primary")) {
        SourceLoc loc = take().loc;
        if (!expect_keyword("key", "after 'primary'")) return sync_statement();
        take();
        column_keys.push_back(static_cast<int>(table.columns.size()));
        column_key_locs.push_back(loc);
      }
      table.columns.push_back(std::move(col));
    }
    if (!accept_punct(",")) break;
  }
  if (!expect_punct(")", "after the columns")) return sync_statement();
  take();
  if (accept_keyword("max")) {
    table.max_rows = parse_expr();
    if (!expect_keyword("rows", "after the row bound")) return sync_statement();
    take();
  }
  // Keys: one primary key per table, given on a column or as a table constraint.
  for (size_t i = 0; i < column_keys.size(); ++i) {
    if (i > 0 || key_loc.valid()) {
      error(column_key_locs[i],
            fmt::format("table '{}' has more than one primary key", table.name));
    } else {
      table.primary_key.push_back(column_keys[i]);
    }
  }
  if (column_keys.empty()) {
    for (const auto& key : key_names) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
      const std::string& name = key.first;
      const SourceLoc& loc = key.second;
      auto it = std::find_if(table.columns.begin(), table.columns.end(),
                             [&](const ast::Column& c) { return c.name == name; });
      if (it == table.columns.end()) {
        std::vector<std::string> names;
        for (const ast::Column& c : table.columns) names.push_back(c.name);
        std::string best = suggest(name, names);
        error(loc, best.empty()
                       ? fmt::format("unknown column '{}' in table '{}'", name, table.name)
                       : fmt::format("unknown column '{}' in table '{}'; did you mean '{}'?", name,
                                     table.name, best));
        continue;
      }
      int index = static_cast<int>(it - table.columns.begin());
      if (std::find(table.primary_key.begin(), table.primary_key.end(), index) !=
          table.primary_key.end()) {
        error(loc, fmt::format("column '{}' appears twice in the primary key", name));
        continue;
      }
      table.primary_key.push_back(index);
    }
  }
  db.tables.push_back(std::move(table));
  expect_semicolon("statement");
}

void Parser::parse_initial_insert(ast::Database& db) {
  take();
  ast::InitialInsert ins;
  if (!expect_keyword("into", "after 'insert'")) return sync_statement();
  take();
  const Token& n = peek();
  if (n.kind != TokenKind::ident || is_sql_reserved(n.text)) {
    report_expected("a table name", "");
    return sync_statement();
  }
  ins.loc = n.loc;
  ins.table = std::string(take().text);
  if (accept_punct("(")) {
    for (;;) {
      const Token& c = peek();
      if (c.kind != TokenKind::ident) {
        report_expected("a column name", "");
        return sync_statement();
      }
      ins.column_locs.push_back(c.loc);
      ins.columns.emplace_back(take().text);
      if (!accept_punct(",")) break;
    }
    if (!expect_punct(")", "after the columns")) return sync_statement();
    take();
  }
  if (!expect_keyword("values", "")) return sync_statement();
  take();
  for (;;) {
    if (!expect_punct("(", "before the row's values")) return sync_statement();
    take();
    std::vector<ast::ExprPtr> row;
    if (!at_punct(")")) {
      // The values are constant expressions; `$C`/`${C}` is accepted as in the SQL of processes.
      dollar_is_constant_ = true;
      for (;;) {
        row.push_back(parse_expr());
        if (!accept_punct(",")) break;
      }
      dollar_is_constant_ = false;
    }
    if (!expect_punct(")", "after the row's values")) return sync_statement();
    take();
    ins.rows.push_back(std::move(row));
    if (!accept_punct(",")) break;
  }
  db.inserts.push_back(std::move(ins));
  expect_semicolon("statement");
}

}  // namespace lockcheck::front::detail
