// Partial-order reduction: in a state where some process's next step is independent of
// everything else that can still happen and invisible to the properties, taking that step first
// loses nothing, so the search explores it alone (an ample set of one transition).
//
// Independence is judged on footprints computed once per process from its program: the data a
// step reads and writes. Data are shared and ghost variables, the clock, table rows and Redis
// keys. A row is named when the statement pins the table's primary key to a value known before
// the search (a literal, a constant, `self`, or a local never assigned after its declaration);
// otherwise the statement touches the whole table. Redis keys likewise. A step of process p is
// ample in state s when
//   C0/C1  it runs (neither blocks nor fails), and nothing that can happen before it conflicts
//          with it: no step any other live process can still take (every step reachable from
//          its position, or its whole program when it may restart), no tick while the clock can
//          advance, no fault and no deadlock-detector abort (a crash or an abort rolls back what
//          the process wrote); p itself cannot crash (no crash budget left for its group);
//   C2     it writes nothing a property reads (variables, tables, nodes, the locals a property
//          names, `.done` when it may finish the process);
//   C3     (the engine) none of its successors was stored at this depth or before, so that every
//          cycle of the reduced graph has a fully expanded state.
// Deadlocks are kept: an ample step stays enabled until it is taken, so no state where nothing
// can run is skipped. Shortest traces are not: a reduced search may find a longer path to a
// violation, so check.cc re-runs a search that found one without the reduction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/state.h"

namespace lockcheck::compile {

// Reads and writes of the spec's data: sorted resource numbers.
struct Footprint {
  std::vector<uint32_t> reads;
  std::vector<uint32_t> writes;
  std::vector<std::string> locals_written;  // by name
  bool may_finish = false;                  // the step can end the process
  bool reads_processes = false;             // `client[2].done` and the like, in a program

  void write_local(const std::string& name);
  void add(const Footprint& other);  // both normalized
  void normalize();                  // sorts and removes duplicates
  bool conflicts(const Footprint& other) const;
  bool touches(const std::vector<uint32_t>& sorted) const;
};

class PartialOrder {
 public:
  // Processes beyond this many get no reduction (footprints are per process, checks per pair).
  static constexpr size_t kMaxProcesses = 64;
  // Nor programs longer than this in all (instructions over every process).
  static constexpr size_t kMaxInstructions = 100000;

  PartialOrder(const CompiledSpec& spec, bool enabled);

  bool active() const { return active_; }
  // Whether process p's next step in s may be explored alone, as far as independence and
  // visibility go (the caller still runs it, and uses it only when it neither blocks nor fails).
  bool candidate(const State& s, int p) const;

 private:
  struct ProcInfo {
    std::vector<Footprint> step;    // per position: the step that starts there
    std::vector<Footprint> future;  // per position: every step reachable from there
    std::vector<bool> visible;      // per position
    Footprint whole;                // every step of the program and its start
    Footprint rollback;             // what a rollback undoes: every row it may write or lock
  };

  void build_process(int p);
  void walk_locals(int p, int from, Footprint& fp, std::vector<int>& next) const;
  void add_instr(int p, const Instr& in, Footprint& fp) const;
  // With `fields`, a property: the names of process fields it reads go there.
  void add_expr(const ast::Expr* e, Footprint& fp, std::vector<std::string>* fields) const;
  void add_sql(int p, const ast::SqlStmt& q, Footprint& fp) const;
  void add_redis(int p, const ast::RedisCmd& c, Footprint& fp) const;
  void add_word_exprs(const ast::Word& w, Footprint& fp) const;
  void add_target(const ast::Ref& ref, const std::string& name, Footprint& fp) const;
  void add_property(const ast::Expr* e);
  void expand(Footprint& fp) const;  // whole tables and nodes into their rows and keys
  bool is_visible(const Footprint& fp) const;
  bool budget_left(const State& s, size_t fault) const;

  // A value known before the search, in process p: literals, constants, self, unassigned locals.
  std::optional<Value> static_value(const ast::Expr* e, int p, int depth = 0) const;
  std::optional<std::string> static_key(const ast::Word& w, int p) const;

  uint32_t resource(const std::string& name) const;
  uint32_t table_all(int t) const { return resource("t" + std::to_string(t) + "*"); }
  uint32_t node_all(int n) const { return resource("n" + std::to_string(n) + "*"); }
  int table_of(const std::string& name) const;

  const CompiledSpec& spec_;
  bool active_ = false;
  mutable std::map<std::string, uint32_t> resources_;
  mutable std::vector<uint32_t> seen_;  // walk_locals's visited stamps
  mutable uint32_t stamp_ = 0;
  std::vector<std::vector<bool>> assigned_locals_;  // per group: written after declaration
  std::vector<ProcInfo> procs_;
  Footprint tick_;                            // the clock and every Redis key
  std::vector<Footprint> node_restart_;       // per fault: every key of its nodes
  Footprint property_reads_;                  // what the properties read
  std::vector<std::string> property_fields_;  // locals named in properties
  bool property_reads_done_ = false;
};

}  // namespace lockcheck::compile
