// The runtime state of a spec: the clock, shared and ghost variables, the database, the Redis
// nodes, every process, and the fault budgets spent. It is decoded from the engine's bytes,
// changed by a step, and encoded again; the encoding is canonical (tables and key sets sorted)
// and packed to the bits the spec's StateLayout gives each slot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/base/string_pool.h"
#include "checker/base/value.h"
#include "models/redis/redis.h"
#include "models/sql/database.h"

namespace lockcheck::compile {

enum class ProcStatus : uint8_t { running, done, crashed };

// Built-in locals set after every SQL statement, stored after the declared locals.
inline constexpr int kBuiltinCount = 3;  // found, row_count, sql_error

struct StateLayout;

struct ProcState {
  ProcStatus status = ProcStatus::running;
  int32_t pc = 0;
  int64_t wake = -1;          // a process at a `sleep`: the tick it may go on at
  std::vector<Value> locals;  // declared locals, then found, row_count, sql_error
  friend bool operator==(const ProcState&, const ProcState&) = default;
};

struct State {
  int64_t clock = 0;
  std::vector<Value> shared;
  std::vector<Value> ghosts;
  bool has_db = false;
  sql::DbState db;
  std::vector<redis::NodeState> nodes;
  std::vector<ProcState> procs;
  std::vector<int32_t> faults_used;  // per fault declaration
  int32_t faults_total = 0;

  // Canonicalises the database first. Throws SlotOverflow when a field does not fit its slot.
  std::string encode(const StringPool& pool, const StateLayout& layout);
  // Throws std::runtime_error on bytes that are not a state of this layout.
  static State decode(std::string_view bytes, const StateLayout& layout);
  friend bool operator==(const State&, const State&) = default;
};

}  // namespace lockcheck::compile
