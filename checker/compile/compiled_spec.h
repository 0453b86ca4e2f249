// A resolved spec made ready to run: constants evaluated (with --const overrides), process
// groups expanded into instances with their lowered programs, the database schema, SQL lowered
// to the store model's IR, Redis nodes numbered, fault budgets and properties listed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checker/base/diagnostics.h"
#include "checker/base/string_pool.h"
#include "checker/compile/program.h"
#include "checker/front/ast.h"
#include "models/sql/statement.h"

namespace lockcheck::compile {

inline sql::Isolation lower_isolation(ast::Isolation level) {
  switch (level) {
    case ast::Isolation::read_committed:
      return sql::Isolation::read_committed;
    case ast::Isolation::repeatable_read:
      return sql::Isolation::repeatable_read;
    case ast::Isolation::serializable:
      return sql::Isolation::serializable;
  }
  return sql::Isolation::read_committed;
}

struct Group {
  const ast::Process* decl = nullptr;
  bool array = false;  // `client[1..N]` (else a single process)
  int64_t lo = 0;      // the first member's index (`client[lo]`)
  int first = 0;       // global index of the first member
  int count = 0;
  Program program;
  std::vector<std::string> local_names;  // declared locals, then found, row_count, sql_error
  bool named = false;  // the spec names a member (`client[2]`): no symmetry for this group
  // Dead-variable reset (docs/language.md, "Dead locals"): per local (same order as local_names),
  // whether no property can read it, and the fixed value it takes once the process is done or
  // has crashed without restart, so that states differing only in such locals merge. The value
  // is the local's initial value when that is a constant (literal or constant expression; the
  // built-ins' false, 0, ''), else null.
  std::vector<bool> dead_when_finished;
  std::vector<Value> finished_value;
  // Some SQL statement of the program reads now(): its transactions keep their start time.
  bool sql_reads_now = false;
};

struct ProcessInstance {
  int group = 0;
  int64_t member = 0;  // the value of `self`'s index (1..N), 0 for a single process
  std::string name;    // "client[2]" or "expirer"
};

struct NodeGroup {
  const ast::RedisDecl* decl = nullptr;
  bool array = false;
  int first = 0;
  int count = 1;
};

// A SQL statement lowered for the store model, with the host expressions it reads.
struct LoweredSql {
  sql::Statement stmt;
  std::vector<const ast::Expr*> params;  // evaluated in order into Context::params
  std::vector<std::string> item_names;   // the returned columns' names (for trace results)
};

enum class FaultTarget { process_crash, node_restart };

struct Fault {
  const ast::FaultDecl* decl = nullptr;
  FaultTarget target = FaultTarget::process_crash;
  int group = 0;  // process group or node group
  int64_t budget = 0;
};

class CompiledSpec {
 public:
  // Returns null with diagnostics on errors that only show once constants are known.
  static std::unique_ptr<CompiledSpec> build(
      const ast::Spec& spec, const std::vector<std::pair<std::string, int64_t>>& overrides,
      Diagnostics& diags);

  const ast::Spec& ast;
  std::vector<int64_t> consts;
  std::vector<Group> groups;
  std::vector<ProcessInstance> procs;
  std::vector<NodeGroup> node_groups;
  std::vector<std::string> node_names;  // "cache", "node[1]", ...
  bool has_db = false;
  bool detect_deadlocks = false;
  std::string db_name;
  sql::Schema schema;
  std::vector<std::vector<std::vector<Value>>> initial_rows;  // per table
  bool has_clock = false;
  int64_t clock_max = 0;
  // `clock relative;` (§8.2): the stored clock stays 0 and a tick moves every deadline and
  // wake-up one closer instead, so time can pass for ever in a finite state space.
  bool clock_relative = false;
  std::vector<Fault> faults;
  int64_t total_fault_budget = -1;  // -1: none
  bool has_asserts = false;
  mutable StringPool pool;

  const LoweredSql& lowered(const ast::SqlStmt* s) const { return sql_.at(s); }
  // Transaction slots of the database: one per process, and with crash faults one more per
  // process for the statement its dropped connection leaves running (an orphan, §4.3).
  int txn_slots() const {
    bool crashes = false;
    for (const Fault& f : faults) crashes = crashes || f.target == FaultTarget::process_crash;
    return static_cast<int>(procs.size()) * (crashes ? 2 : 1);
  }
  // The process instance index of `group`'s member `member`, or -1 when out of range.
  int instance(int group, int64_t member) const;
  std::string value_text(const Value& v) const;  // "1", "'held'", "null", "true", "client[2]"
  std::string key_text(const Value& v) const;    // Redis keys as text: lock:1
  // Text values interned once at build time, so that steps do not take the pool's lock.
  Value empty_text() const { return Value::text(empty_text_id_); }
  Value text_literal(const ast::Expr& e) const {
    auto it = text_ids_.find(&e);
    return Value::text(it != text_ids_.end() ? it->second : pool.intern(e.text));
  }

 private:
  explicit CompiledSpec(const ast::Spec& spec) : ast(spec) {}
  std::unordered_map<const ast::SqlStmt*, LoweredSql> sql_;
  std::unordered_map<const ast::Expr*, int64_t> text_ids_;
  int64_t empty_text_id_ = 0;
  friend class SpecBuilder;
};

}  // namespace lockcheck::compile
