// The resolver's class, shared by resolver.cc (declarations and statements), expr_resolver.cc
// and sql_resolver.cc. Internal to checker/front.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/base/diagnostics.h"
#include "checker/base/value.h"
#include "checker/front/ast.h"

namespace lockcheck::front::detail {

// What an expression is known to be before run time; nullopt when only a run can tell (variables
// hold any type).
using StaticType = std::optional<Type>;

enum class GlobalKind { constant, shared, ghost, process, redis, database, property };

struct Global {
  GlobalKind kind;
  int index;
  SourceLoc loc;
};

// Where an expression stands decides which names it may read.
enum class Where {
  constant,    // const values, sizes and budgets: constants only
  init,        // initial values of shared variables, ghosts and rows: constants and process ids
  local_init,  // a local's initial value: also self, now() and the locals declared before it
  process,     // a process body
  property,    // invariants and the like: shared state, ghosts, process state, Redis, subqueries
};

class Resolver {
 public:
  Resolver(ast::Spec& spec, Diagnostics& diags) : spec_(spec), diags_(diags) {}
  void run();

 private:
  // --- declarations and statements (resolver.cc)
  void declare_globals();
  void check_database();
  void check_faults();
  void check_process(int index);
  void check_properties();
  void check_expects();
  void constant_int(ast::Expr* e, std::string_view what);
  void statements(std::vector<ast::StmtPtr>& list);
  void statement(ast::Stmt& s);
  // Resolves the target of an assignment; returns false when it cannot be written.
  bool assign_target(const std::string& name, SourceLoc loc, ast::Ref& ref, bool into);
  void redis(ast::Stmt& s);

  // --- expressions (expr_resolver.cc)
  StaticType expr(ast::Expr& e);
  StaticType name(ast::Expr& e);
  StaticType binary(ast::Expr& e);
  StaticType index(ast::Expr& e);
  StaticType field(ast::Expr& e);
  StaticType quantifier(ast::Expr& e);
  // Resolves `e` and reports it unless it can be a bool: "<what> must be a bool, found int".
  void condition(ast::Expr& e, std::string_view what);
  void error(SourceLoc loc, std::string message) { diags_.error(loc, std::move(message)); }
  const Global* global(const std::string& name) const;
  int local_index(const std::string& name) const;  // in the current process, or -1
  std::vector<std::string> visible_names() const;

  // --- SQL (sql_resolver.cc)
  void sql(ast::SqlStmt& s);
  StaticType subquery(ast::Expr& e);
  StaticType column(ast::Expr& e);
  // The columns of a SELECT list or RETURNING list, with their checks; -1 when unknown.
  int select_items(std::vector<ast::SelectItem>& items, bool returning);
  void into(ast::SqlStmt& s, int columns, std::string_view source);
  StaticType sql_value(ast::Expr& e, std::string_view forbid_columns);
  int column_index(std::string_view name) const;                // in table_, or -1
  void unknown_column(const std::string& name, SourceLoc loc);  // in table_, with a hint
  const ast::Table* find_table(const std::string& name) const;

  ast::Spec& spec_;
  Diagnostics& diags_;
  std::map<std::string, Global> globals_;

  Where where_ = Where::constant;
  int process_index_ = -1;
  std::map<std::string, int> locals_;  // the current process's locals
  int consts_ready_ = 0;               // how many constants a constant's value may read
  bool ghost_ok_ = false;              // the right-hand side of an assignment to a ghost
  std::vector<std::pair<std::string, int>> quantified_;  // bound variable, process group
  const ast::Table* table_ = nullptr;  // the table of the SQL statement being resolved
  std::string_view no_columns_;        // "VALUES" / "LIMIT": columns may not be read here
  int loops_ = 0;
  bool in_atomic_ = false;
  std::string atomic_node_;
};

const char* op_name(ast::Op op, bool sql);
std::string type_text(Type t);
Type column_type(ast::ColumnType t);

}  // namespace lockcheck::front::detail
