// The bit layout of a spec's states, computed once from the compiled spec: how many bits each
// fixed slot takes (the clock, each process's status, pc and wake-up tick, the fault counters,
// process ids). Vector sizes the spec fixes (variables, processes, locals, nodes, faults) are
// known here and never written. Slots of one type (the built-ins, SQL columns, Redis keys) are
// known by position to the encoders and carry no type tag.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/compile/compiled_spec.h"

namespace lockcheck::compile {

struct StateLayout {
  explicit StateLayout(const CompiledSpec& spec);

  struct Proc {
    int pc_bits = 0;
    uint32_t declared = 0;  // declared locals, tagged; the 3 built-ins follow
    // Only arriving at a `sleep` sets a wake-up tick: a program without one has none, 0 bits.
    bool sleeps = false;
  };

  int clock_bits = 0;  // 0..clock_max
  int64_t clock_max = 0;
  // The wake-up tick in one field: 0 for none, 1 + tick for a tick in 0..clock_max, and
  // wake_escape for any other tick (a sleep past the horizon), which a zig-zag number follows.
  int wake_bits = 0;
  uint64_t wake_escape = 0;
  int pid_bits = 0;        // a process index, 0..processes-1
  int64_t empty_text = 0;  // sql_error's value but after an error: one bit says it is this
  uint32_t shared = 0;
  uint32_t ghosts = 0;
  bool has_db = false;
  const sql::Schema* schema = nullptr;
  int txn_slots = 0;  // the database's transaction slots (CompiledSpec::txn_slots)
  uint32_t nodes = 0;
  std::vector<Proc> procs;      // per process instance
  std::vector<int> fault_bits;  // per fault: 0..budget
  int faults_total_bits = 0;    // 0..min(sum of budgets, total budget)
};

}  // namespace lockcheck::compile
