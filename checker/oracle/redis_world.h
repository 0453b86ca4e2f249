// A replay's view of one Redis server: the spec's nodes are key prefixes of one server
// ("lockcheck:<run>:<node>:"), so that nothing else on the server is touched, and a node's restart
// deletes its keys. Ticks become real time (docs/conformance.md, "Time"): tick k of the model is
// the interval [t0 + k*T, t0 + (k+1)*T); a key that the model expires at tick d is set with the
// milliseconds left until t0 + d*T (PX / PEXPIRE), and every command runs inside its tick, away
// from both ends, so that a key is present or gone exactly as in the model.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/interpreter.h"
#include "checker/compile/state.h"
#include "checker/oracle/redis_session.h"

namespace lockcheck::oracle {

struct RedisOutcome {
  std::string sent;        // "SET lock:1 worker[1] NX PX 183"
  std::string reply_text;  // "OK", "nil", "(integer) 1", "'worker[1]'"
  std::string model_text;  // the model's reply, in the same words
  bool matches = false;
  std::string error;  // the server could not be asked
};

class RedisWorld {
 public:
  static std::unique_ptr<RedisWorld> open(const std::string& url,
                                          const std::vector<std::string>& nodes,
                                          std::string& error);
  ~RedisWorld();  // deletes the replay's keys

  std::string server_version() { return version_; }
  // Performs a Redis interaction at model time `clock`.
  RedisOutcome perform(const compile::Interaction& in, const compile::CompiledSpec& spec,
                       int64_t clock, std::chrono::steady_clock::time_point t0, int tick_ms);
  // The node comes back empty.
  bool restart(int node, std::string& error);
  // The keys of `node` in the model's state `s` and on the server, as sorted text.
  bool compare_keys(int node, const compile::State& s, const compile::CompiledSpec& spec,
                    std::chrono::steady_clock::time_point t0, int tick_ms, std::string& model,
                    std::string& server, std::string& error);

 private:
  RedisWorld() = default;
  std::string prefix(int node) const;
  std::vector<std::string> keys(const std::string& pattern_prefix, std::string& error);

  std::unique_ptr<RedisSession> session_;
  std::string run_;
  std::vector<std::string> nodes_;
  std::string version_;
};

}  // namespace lockcheck::oracle
