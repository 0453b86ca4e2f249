// Micro-benchmarks of the state store: inserting new states, finding stored ones, and the mix a
// search sees (most successors already stored). Build with -DLOCKCHECK_BENCH=ON.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "checker/engine/state_hash.h"
#include "checker/engine/state_store.h"

namespace lockcheck::engine {
namespace {

// States shaped like packed model states: a few dozen bytes of small varints.
std::vector<std::string> make_states(int64_t n, int length) {
  std::mt19937_64 rng(42);
  std::vector<std::string> out;
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    std::string s(length, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 8);
    std::memcpy(s.data(), &i, std::min<std::size_t>(sizeof(i), s.size()));  // distinct
    out.push_back(std::move(s));
  }
  return out;
}

void BM_Insert(benchmark::State& state) {
  const auto states = make_states(state.range(0), static_cast<int>(state.range(1)));
  uint64_t bytes = 0;
  for (auto _ : state) {
    MemoryMeter meter;
    StateStore store(&meter);
    for (const std::string& s : states) benchmark::DoNotOptimize(store.insert(s));
    bytes = store.allocated_bytes();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_state"] = static_cast<double>(bytes) / state.range(0);
}
BENCHMARK(BM_Insert)->Args({100000, 24})->Args({1000000, 24})->Args({1000000, 64});

void BM_FindStored(benchmark::State& state) {
  const auto states = make_states(state.range(0), 24);
  MemoryMeter meter;
  StateStore store(&meter);
  for (const std::string& s : states) store.insert(s);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.find(states[i]));
    if (++i == states.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindStored)->Arg(100000)->Arg(1000000);

// Three of four look-ups hit a stored state, as successors in a search mostly do.
void BM_SearchMix(benchmark::State& state) {
  const auto states = make_states(state.range(0), 24);
  for (auto _ : state) {
    MemoryMeter meter;
    StateStore store(&meter);
    for (std::size_t i = 0; i < states.size(); ++i) {
      benchmark::DoNotOptimize(store.insert(states[i]));
      for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
        benchmark::DoNotOptimize(store.find(states[i - back * (i / 4 + 1) % (i + 1)]));
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 4);
}
BENCHMARK(BM_SearchMix)->Arg(1000000);

void BM_Hash(benchmark::State& state) {
  const auto states = make_states(1024, static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(hash_state(states[i++ & 1023]));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Hash)->Arg(24)->Arg(256);

}  // namespace
}  // namespace lockcheck::engine

BENCHMARK_MAIN();
