// Redis 7 conformance: random paths of specs that use SET with NX/XX/EX/PX, GET, DEL, EXISTS,
// INCR/DECR/INCRBY/DECRBY, EXPIRE and TTL, with ticks and a node restart, replayed on a real
// Redis: every reply must be the model's, and every key present or gone at each tick boundary
// exactly as in the model (ticks are real time, docs/conformance.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "checker/compile/replay_trace.h"
#include "tests/conformance/conformance_support.h"

namespace lockcheck::conformance {
namespace {

constexpr const char* kSpec = R"(
redis cache;
clock max 4;
process c[1..2] {
  var ok = false;
  var v = 0;
  var n = 0;
  ok = cache: SET lock $self NX EX 2;
  v = cache: GET lock;
  n = cache: TTL lock;
  ok = cache: SET lock $self XX PX 3;
  n = cache: INCR hits;
  n = cache: DECRBY hits 3;
  n = cache: EXPIRE hits 1;
  n = cache: TTL hits;
  n = cache: EXISTS lock;
  n = cache: INCRBY total 5;
  n = cache: DECR total;
  v = cache: GET hits;
  n = cache: DEL lock;
  ok = cache: SET lock $self PX 1;
}
fault restart cache at most 1;
invariant fine: true;
)";

TEST(Redis, RandomPathsReproduceWithExpiryAtTickBoundaries) {
  const std::string redis = redis_url();
  ASSERT_FALSE(redis.empty()) << servers_missing_message();
  LoadedSpec loaded = load_spec("redis.lcs", kSpec);
  ASSERT_TRUE(loaded.spec) << loaded.error;
  const uint64_t count = std::max<uint64_t>(4, count_from_env(100) / 10);
  uint64_t steps_total = 0, ticks = 0, reproduced = 0;
  for (uint64_t i = 0; i < count; ++i) {
    std::mt19937 rng(static_cast<uint32_t>(seed_from_env() * 7919 + i));
    compile::Interpreter interp(*loaded.spec);
    compile::State s;
    compile::ModelError error;
    ASSERT_TRUE(interp.initial(s, error)) << error.message;
    std::vector<std::string> notes;
    compile::SpecModel model(*loaded.spec, s, /*symmetry=*/false, notes);
    const compile::State initial = s;
    std::vector<compile::RecordedStep> steps;
    for (int k = 0; k < 40; ++k) {
      auto all = compile::enabled_transitions(model, s);
      std::erase_if(all, [](const compile::EnabledTransition& t) { return t.event.failed; });
      if (all.empty()) break;
      auto& t = all[std::uniform_int_distribution<size_t>(0, all.size() - 1)(rng)];
      steps.push_back({k + 1, t.event.actor, t.event.kind, t.event.line, t.event.text, ""});
      if (t.event.kind == trace::StepKind::tick) ++ticks;
      s = t.event.after;
    }
    steps_total += steps.size();
    trace::PropertyResult property;
    oracle::ServerOptions options;
    options.redis = redis;
    oracle::ServerReplay r = oracle::replay_on_servers(model, initial, steps, property, options);
    std::string log;
    for (const std::string& l : r.log) log += "    " + l + "\n";
    ASSERT_EQ(r.status, oracle::ServerStatus::reproduced)
        << oracle::server_mark(r) << "\n"
        << log << "  model:  " << r.model << "\n  server: " << r.server << "\n"
        << r.error;
    ++reproduced;
  }
  std::cout << fmt::format("redis: {} paths ({} steps, {} ticks) reproduced on the server\n",
                           reproduced, steps_total, ticks);
  EXPECT_GT(ticks, 0u);
}

}  // namespace
}  // namespace lockcheck::conformance
