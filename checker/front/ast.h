// The abstract syntax tree of a `.lcs` spec. The parser builds it for the whole language (phase-2
// forms included, flagged so that the checker can refuse them); the resolver fills in the `ref`
// fields of names. Nodes are plain structs owned by unique_ptrs: the tree is built once and read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/base/source_location.h"

namespace lockcheck::ast {

struct Expr;
struct Stmt;
struct SqlStmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

// ---------------------------------------------------------------------------------------------
// Expressions. One node type serves host expressions and SQL expressions; `sql` says which rules
// apply (SQL: three-valued logic, `=`/`<>`, columns; host: `==`/`!=`, names).

enum class ExprKind {
  int_lit,   // int_value
  text_lit,  // text
  bool_lit,  // int_value (0/1)
  null_lit,
  name,    // text = identifier; resolved into ref (local, shared var, const, ...)
  self,    // `self`
  now,     // `now()`
  unary,   // op in {neg, not_}; args[0]
  binary,  // op; args[0], args[1]
  index,   // args[0] = base (a name: process group or redis node or node array), args[1] = index
           //   `client[2]` (a pid), `cache['k']` (a Redis value), `node[2]['k']`
  field,   // args[0] = a process expression (`client[2]`, or a quantifier variable), text = field
           //   (`done`, `crashed`, or a local's name)
  quantifier,  // quant; text = bound variable; group = process group name; args[0] = body
  subquery,    // SQL scalar subquery in a property: select
  // SQL-only forms
  column,       // text = column name (in SQL expressions)
  host,         // `$x` or `${e}` inside SQL: args[0] is the host expression
  is_null,      // args[0] IS NULL
  is_not_null,  // args[0] IS NOT NULL
};

enum class Op {
  none,
  add,
  sub,
  mul,
  div,
  mod,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,  // host `==`/`!=` and SQL `=`/`<>`/`!=` all map to eq/ne
  and_,
  or_,
  implies,
  neg,
  not_,
  leads_to,  // `P ~> Q`, only as the whole of a `leads` property (args[0] = P, args[1] = Q)
};

enum class Quant { all, some, count };

// What a name refers to, filled by the resolver.
enum class RefKind {
  unresolved,
  constant,       // index into Spec::consts
  shared,         // index into Spec::vars
  ghost,          // index into Spec::ghosts
  local,          // index into the enclosing Process::locals
  builtin,        // found / row_count / sql_error: index 0 / 1 / 2
  process_group,  // index into Spec::processes
  redis_node,     // index into Spec::redis
  quantified,     // a quantifier's bound variable; index = nesting depth (0 = outermost)
};

struct Ref {
  RefKind kind = RefKind::unresolved;
  int index = -1;
};

struct Expr {
  ExprKind kind = ExprKind::null_lit;
  SourceLoc loc;
  bool sql = false;  // inside a SQL statement or subquery
  Op op = Op::none;
  Quant quant = Quant::all;
  long long int_value = 0;
  std::string text;   // identifier, text literal, field name, column name, bound variable
  std::string group;  // quantifier: the process group it ranges over
  Ref ref;            // name: what it refers to; quantifier: ref to the group
  std::vector<ExprPtr> args;
  std::unique_ptr<SqlStmt> select;  // subquery
};

// ---------------------------------------------------------------------------------------------
// SQL statements.

enum class SqlKind { begin, commit, rollback, select, update, insert, delete_ };
enum class Aggregate { none, count_star, count, sum, min, max };
enum class LockMode { none, for_update, for_share };
enum class WaitMode { wait, nowait, skip_locked };
enum class Isolation { read_committed, repeatable_read, serializable };

struct SelectItem {
  Aggregate agg = Aggregate::none;
  bool star = false;   // `*` (agg none) or COUNT(*) (agg count_star)
  std::string column;  // for a plain column or an aggregate's argument
  SourceLoc loc;
};

struct SetClause {
  std::string column;
  SourceLoc loc;
  ExprPtr value;
};

struct IntoTarget {
  std::string name;
  SourceLoc loc;
  Ref ref;  // a local (or a shared var: then the statement also writes shared state)
};

struct SqlStmt {
  SqlKind kind = SqlKind::select;
  SourceLoc loc;
  std::string database;  // explicit `db:` prefix, or "" when omitted
  SourceLoc database_loc;
  Isolation isolation = Isolation::read_committed;  // BEGIN ISOLATION LEVEL ...
  bool isolation_given = false;  // ISOLATION LEVEL was written (else the database's default)
  bool read_only = false;        // BEGIN ... READ ONLY
  std::string table;
  SourceLoc table_loc;
  // SELECT
  std::vector<SelectItem> items;
  std::vector<IntoTarget> into;  // SELECT ... INTO, UPDATE/DELETE ... RETURNING ... INTO
  ExprPtr where;
  std::string order_by;  // "" when absent
  SourceLoc order_by_loc;
  bool order_desc = false;
  ExprPtr limit;  // host expression (literal, $x or ${e}), or null
  LockMode lock = LockMode::none;
  WaitMode wait = WaitMode::wait;
  // UPDATE
  std::vector<SetClause> sets;
  std::vector<SelectItem> returning;  // UPDATE/DELETE ... RETURNING c, ...
  // INSERT
  std::vector<std::string> columns;  // empty: all columns in declaration order
  std::vector<SourceLoc> column_locs;
  std::vector<ExprPtr> values;
  bool on_conflict_do_nothing = false;
};

// ---------------------------------------------------------------------------------------------
// Redis commands.

enum class RedisOp { get, set, del, exists, incr, decr, incrby, decrby, expire, ttl };
enum class SetCondition { always, nx, xx };
enum class TtlUnit { none, ex, px };  // both count in ticks

// A word: literal text and interpolations, concatenated. A word that is exactly one integer
// literal (`10`) or exactly one interpolation (`$self`) keeps its value's type; a mixed word
// (`lock:${seat}`) is text.
struct WordPart {
  bool is_expr = false;
  std::string text;  // literal text
  ExprPtr expr;      // `$x` (a name expression) or `${e}`
};

struct Word {
  SourceLoc loc;
  std::vector<WordPart> parts;
};

struct RedisCmd {
  RedisOp op = RedisOp::get;
  SourceLoc loc;
  std::string node;  // the node (or node array) name
  SourceLoc node_loc;
  Ref node_ref;               // resolved: redis_node
  ExprPtr node_index;         // `node[i]:` the index expression, or null
  std::vector<Word> keys;     // GET/EXISTS/INCR/...: one key; DEL: one or more
  std::optional<Word> value;  // SET value, INCRBY/DECRBY amount, EXPIRE seconds
  SetCondition condition = SetCondition::always;
  TtlUnit ttl_unit = TtlUnit::none;
  std::optional<Word> ttl;  // SET ... EX t / PX t
};

// ---------------------------------------------------------------------------------------------
// Statements.

enum class StmtKind {
  var_decl,  // target = name, expr = initial value (locals at the top of a process)
  assign,    // target = expr
  if_,       // expr = condition, body, else_body (an `else if` is a single if_ in else_body)
  while_,    // expr = condition, body
  break_,
  continue_,
  done,
  assert_,  // expr, message
  await_,   // expr
  sleep,    // expr (ticks)
  atomic,   // body
  sql,      // sql; target = "" (results go through INTO and the built-ins)
  redis,    // redis; target = the variable assigned the reply, or ""
};

struct Stmt {
  StmtKind kind = StmtKind::done;
  SourceLoc loc;
  std::string text;  // the statement's source text on one line (whitespace folded), for traces
  std::string target;
  SourceLoc target_loc;
  Ref target_ref;  // resolved: local, shared or ghost
  ExprPtr expr;
  std::string message;
  std::vector<StmtPtr> body;
  std::vector<StmtPtr> else_body;
  std::unique_ptr<SqlStmt> sql;
  std::unique_ptr<RedisCmd> redis;
};

// ---------------------------------------------------------------------------------------------
// Top level.

enum class ColumnType { int_, text, bool_, pid };

struct Column {
  std::string name;
  ColumnType type = ColumnType::int_;
  SourceLoc loc;
};

struct Table {
  std::string name;
  SourceLoc loc;
  std::vector<Column> columns;
  std::vector<int> primary_key;  // column indexes; empty: no primary key
  ExprPtr max_rows;              // `max N rows`, or null (default: the number of initial rows)
};

struct InitialInsert {
  std::string table;
  SourceLoc loc;
  std::vector<std::string> columns;  // empty: all columns
  std::vector<SourceLoc> column_locs;
  std::vector<std::vector<ExprPtr>> rows;  // `values (..), (..)`: constant expressions
};

struct Database {
  std::string name;
  SourceLoc loc;
  std::vector<Table> tables;
  std::vector<InitialInsert> inserts;
  bool detect_deadlocks = false;
  Isolation isolation = Isolation::read_committed;  // `isolation ...;`: the default level
  SourceLoc isolation_loc;
  bool ssi_table = false;  // `ssi granularity table;`
};

struct ConstDecl {
  std::string name;
  SourceLoc loc;
  ExprPtr value;
};

struct VarDecl {  // shared `var` and `ghost`
  std::string name;
  SourceLoc loc;
  ExprPtr init;
};

struct RedisDecl {
  std::string name;
  SourceLoc loc;
  ExprPtr count;  // `redis node[5];` → 5; null for a single node
};

struct ClockDecl {
  SourceLoc loc;
  bool relative = false;  // `clock relative;` (§8.2): no max, time values kept relative to now()
  ExprPtr max;
  ExprPtr drift;  // phase 2; null when absent
};

struct TimingDecl {  // `timing bounded D;` phase 2
  SourceLoc loc;
  ExprPtr bound;
};

struct Process {
  std::string name;
  SourceLoc loc;
  ExprPtr lo;  // `client[1..N]`: lo = 1, hi = N; a single process has both null
  ExprPtr hi;
  std::vector<VarDecl> locals;  // the `var` declarations at the top
  std::vector<StmtPtr> body;    // the statements after them
  bool unfair = false;          // `process NAME unfair { }`: no fairness, may stop for ever
};

enum class FaultKind { crash, restart_node, pause, lose_reply };  // pause, lose_reply: phase 2

struct FaultDecl {
  FaultKind kind = FaultKind::crash;
  SourceLoc loc;
  std::string target;  // process group (crash, pause, lose_reply) or Redis node (restart_node)
  SourceLoc target_loc;
  Ref target_ref;
  ExprPtr at_most;
  bool restart = false;  // `fault crash P at most K restart`
};

enum class PropertyKind { invariant, reachable, eventually, leads };

struct PropertyDecl {
  PropertyKind kind = PropertyKind::invariant;
  std::string name;
  SourceLoc loc;
  // leads: a binary leads_to (P ~> Q); `leads NAME for c in G: P ~> Q` is the quantifier
  // `all c in G` around it, one obligation per member.
  ExprPtr expr;
  std::string text;  // the expression's source text, for reports
};

enum class ExpectKind { violated, deadlock };

struct Expect {
  ExpectKind kind = ExpectKind::violated;
  std::string name;  // the property (violated), "" for deadlock
  SourceLoc loc;
};

struct Spec {
  std::string name;  // `spec NAME;` or the file's stem
  SourceLoc name_loc;
  std::vector<ConstDecl> consts;
  std::vector<VarDecl> vars;
  std::vector<VarDecl> ghosts;
  std::optional<Database> database;
  std::vector<RedisDecl> redis;
  std::optional<ClockDecl> clock;
  std::optional<TimingDecl> timing;
  std::vector<Process> processes;
  std::vector<FaultDecl> faults;
  ExprPtr total_fault_budget;  // `faults at most K;`, or null
  SourceLoc total_fault_budget_loc;
  std::vector<PropertyDecl> properties;
  std::vector<Expect> expects;
  bool fairness_weak = false;  // `fairness weak;`: no strong fairness for lock waits
  SourceLoc fairness_loc;
};

}  // namespace lockcheck::ast
