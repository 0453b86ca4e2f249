#include "models/redis/redis.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockcheck::redis {
namespace {

// Redis integers are 64-bit, but the model's ints are 32-bit everywhere (as in the database), so
// INCR past that range is an overflow.
constexpr int64_t kIntMin = -2147483648LL;
constexpr int64_t kIntMax = 2147483647LL;

const char* command_name(Command c) {
  switch (c) {
    case Command::get:
      return "get";
    case Command::set:
      return "set";
    case Command::del:
      return "del";
    case Command::exists:
      return "exists";
    case Command::incr:
      return "incr";
    case Command::decr:
      return "decr";
    case Command::incrby:
      return "incrby";
    case Command::decrby:
      return "decrby";
    case Command::expire:
      return "expire";
    case Command::ttl:
      return "ttl";
  }
  return "?";
}

Reply error(std::string message) {
  Reply r;
  r.error = true;
  r.message = std::move(message);
  return r;
}

bool key_less(const Entry& e, const Value& key) { return e.key < key; }

std::vector<Entry>::iterator find(NodeState& node, const Value& key) {
  auto it = std::lower_bound(node.entries.begin(), node.entries.end(), key, key_less);
  return it != node.entries.end() && it->key == key ? it : node.entries.end();
}

std::vector<Entry>::const_iterator find(const NodeState& node, const Value& key) {
  auto it = std::lower_bound(node.entries.begin(), node.entries.end(), key, key_less);
  return it != node.entries.end() && it->key == key ? it : node.entries.end();
}

// Inserts or overwrites `key`, keeping entries sorted by key.
void store(NodeState& node, const Value& key, const Value& value, int64_t deadline) {
  auto it = std::lower_bound(node.entries.begin(), node.entries.end(), key, key_less);
  if (it != node.entries.end() && it->key == key) {
    it->value = value;
    it->deadline = deadline;
  } else {
    node.entries.insert(it, Entry{key, value, deadline});
  }
}

bool remove(NodeState& node, const Value& key) {
  auto it = find(node, key);
  if (it == node.entries.end()) return false;
  node.entries.erase(it);
  return true;
}

Reply set(NodeState& node, const Request& req, int64_t now) {
  const Value& key = req.keys[0];
  if (req.value.is_null()) return error("ERR cannot SET a null value");
  int64_t deadline = -1;
  if (req.has_ttl) {
    if (req.ttl <= 0) return error("ERR invalid expire time in 'set' command");
    if (__builtin_add_overflow(now, req.ttl, &deadline)) {
      return error("ERR invalid expire time in 'set' command");
    }
  }
  bool exists = find(node, key) != node.entries.end();
  Reply r;
  if ((req.condition == SetCondition::nx && exists) ||
      (req.condition == SetCondition::xx && !exists)) {
    r.value = Value::boolean(false);
    return r;
  }
  // A plain SET drops any old deadline, as Redis does (no KEEPTTL).
  store(node, key, req.value, deadline);
  r.value = Value::boolean(true);
  return r;
}

Reply add(NodeState& node, const Request& req) {
  const Value& key = req.keys[0];
  int64_t delta = 1;
  if (req.command == Command::incrby || req.command == Command::decrby) {
    if (req.value.type != Type::int_) return error("ERR value is not an integer or out of range");
    delta = req.value.i;
  }
  bool negate = req.command == Command::decr || req.command == Command::decrby;
  auto it = find(node, key);
  int64_t current = 0;
  int64_t deadline = -1;
  if (it != node.entries.end()) {
    if (it->value.type != Type::int_) return error("ERR value is not an integer or out of range");
    current = it->value.i;
    deadline = it->deadline;
  }
  int64_t result = 0;
  bool overflow = negate ? __builtin_sub_overflow(current, delta, &result)
                         : __builtin_add_overflow(current, delta, &result);
  if (overflow || result < kIntMin || result > kIntMax) {
    return error("ERR increment or decrement would overflow");
  }
  store(node, key, Value::integer(result), deadline);
  Reply r;
  r.value = Value::integer(result);
  return r;
}

Reply expire_command(NodeState& node, const Request& req, int64_t now) {
  if (req.value.type != Type::int_) return error("ERR value is not an integer or out of range");
  auto it = find(node, req.keys[0]);
  Reply r;
  if (it == node.entries.end()) {
    r.value = Value::integer(0);
    return r;
  }
  if (req.value.i <= 0) {
    node.entries.erase(it);  // an expiry in the past deletes the key at once
  } else if (__builtin_add_overflow(now, req.value.i, &it->deadline)) {
    return error("ERR invalid expire time in 'expire' command");
  }
  r.value = Value::integer(1);
  return r;
}

}  // namespace

void NodeState::encode(BitWriter& w, int pid_bits) const {
  w.var(entries.size());
  for (const Entry& e : entries) {
    // Keys are always text (the interpreter builds them as text): no type tag.
    if (e.key.type != Type::text) throw SlotOverflow("a Redis key that is not text");
    w.payload(e.key, pid_bits);
    w.value(e.value, pid_bits);
    w.var(static_cast<uint64_t>(e.deadline) + 1);  // -1 (no expiry) is 0
  }
}

NodeState NodeState::decode(BitReader& r, int pid_bits) {
  NodeState node;
  const uint64_t n = r.var();
  if (n > (uint64_t{1} << 24)) throw std::runtime_error("bad key count in state");
  node.entries.reserve(n);
  for (uint64_t k = 0; k < n; ++k) {
    Entry e;
    e.key = r.payload(Type::text, pid_bits);
    e.value = r.value(pid_bits);
    e.deadline = static_cast<int64_t>(r.var() - 1);
    node.entries.push_back(e);
  }
  return node;
}

void expire(NodeState& node, int64_t now) {
  std::erase_if(node.entries,
                [now](const Entry& e) { return e.deadline >= 0 && e.deadline <= now; });
}

Value lookup(const NodeState& node, const Value& key, int64_t now) {
  auto it = find(node, key);
  if (it == node.entries.end()) return Value::null();
  if (it->deadline >= 0 && it->deadline <= now) return Value::null();
  return it->value;
}

Reply execute(NodeState& node, const Request& request, int64_t now) {
  expire(node, now);
  bool multi = request.command == Command::del || request.command == Command::exists;
  if (request.keys.empty() || (!multi && request.keys.size() != 1)) {
    return error(fmt::format("ERR wrong number of arguments for '{}' command",
                             command_name(request.command)));
  }
  for (const Value& key : request.keys) {
    if (key.is_null()) return error("ERR a key cannot be null");
  }
  const Value& key = request.keys[0];
  Reply r;
  switch (request.command) {
    case Command::get: {
      auto it = find(node, key);
      r.value = it == node.entries.end() ? Value::null() : it->value;
      return r;
    }
    case Command::set:
      return set(node, request, now);
    case Command::del: {
      int64_t removed = 0;
      for (const Value& k : request.keys) removed += remove(node, k) ? 1 : 0;
      r.value = Value::integer(removed);
      return r;
    }
    case Command::exists: {
      int64_t count = 0;  // EXISTS k k counts k twice, as in Redis
      for (const Value& k : request.keys) count += find(node, k) != node.entries.end() ? 1 : 0;
      r.value = Value::integer(count);
      return r;
    }
    case Command::incr:
    case Command::decr:
    case Command::incrby:
    case Command::decrby:
      return add(node, request);
    case Command::expire:
      return expire_command(node, request, now);
    case Command::ttl: {
      auto it = find(node, key);
      if (it == node.entries.end()) {
        r.value = Value::integer(-2);
      } else {
        r.value = Value::integer(it->deadline < 0 ? -1 : it->deadline - now);
      }
      return r;
    }
  }
  return error("ERR unknown command");
}

}  // namespace lockcheck::redis
