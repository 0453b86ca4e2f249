// One modelled Redis node: keys with values and optional deadlines on the global clock. Commands
// arrive with their arguments already evaluated (keys are text values; the caller builds
// `lock:${seat}`). A key whose deadline the clock has reached is gone: expire() drops it so that
// states stay canonical.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/base/bit_codec.h"
#include "checker/base/string_pool.h"
#include "checker/base/value.h"

namespace lockcheck::redis {

struct Entry {
  Value key;       // text
  Value value;     // Redis stores strings; the model keeps the typed value (int, text, pid, bool)
  int64_t deadline = -1;  // the tick at which the key disappears; -1: no expiry
  friend bool operator==(const Entry&, const Entry&) = default;
};

struct NodeState {
  std::vector<Entry> entries;  // sorted by key id, no expired entries
  // Process ids in values take pid_bits bits.
  void encode(BitWriter& w, int pid_bits) const;
  static NodeState decode(BitReader& r, int pid_bits);
  friend bool operator==(const NodeState&, const NodeState&) = default;
};

enum class Command { get, set, del, exists, incr, decr, incrby, decrby, expire, ttl };
enum class SetCondition { always, nx, xx };

struct Request {
  Command command = Command::get;
  std::vector<Value> keys;       // one key, or several for DEL
  Value value;                   // SET value; INCRBY/DECRBY amount; EXPIRE ticks
  SetCondition condition = SetCondition::always;
  bool has_ttl = false;          // SET ... EX t / PX t (both in ticks)
  int64_t ttl = 0;
};

struct Reply {
  bool error = false;   // a model error (INCR of a non-integer, a non-positive TTL, overflow)
  std::string message;  // the error's text
  Value value;          // GET: the value or null; SET: true (OK) / false (nil); DEL/EXISTS/INCR/TTL: int
};

// Executes one command at time `now` (the node holds no expired keys at `now`).
Reply execute(NodeState& node, const Request& request, int64_t now);
// Drops keys whose deadline is at or before `now`.
void expire(NodeState& node, int64_t now);
// The value of `key` at `now`, or null (for properties: `cache['lock:1']`).
Value lookup(const NodeState& node, const Value& key, int64_t now);

}  // namespace lockcheck::redis
