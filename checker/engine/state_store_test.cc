#include "checker/engine/state_store.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "checker/engine/state_hash.h"

namespace lockcheck::engine {
namespace {

TEST(StateStoreTest, NumbersStatesInInsertionOrderAndFindsThemAgain) {
  MemoryMeter meter;
  StateStore store(&meter);
  EXPECT_EQ(store.insert("a"), std::pair(0u, true));
  EXPECT_EQ(store.insert("bb"), std::pair(1u, true));
  EXPECT_EQ(store.insert(""), std::pair(2u, true));
  EXPECT_EQ(store.insert("a"), std::pair(0u, false));
  EXPECT_EQ(store.insert(""), std::pair(2u, false));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.get(1), "bb");
  EXPECT_EQ(store.get(2), "");
  EXPECT_EQ(store.find("bb"), 1u);
  EXPECT_EQ(store.find("b"), StateStore::kNone);
  EXPECT_EQ(store.arena_used_bytes(), 2u + 3u + 1u);  // a length byte per state
}

TEST(StateStoreTest, ManyStatesOfManySizesThroughGrowth) {
  MemoryMeter meter;
  StateStore store(&meter);
  std::mt19937 rng(3);
  std::vector<std::string> states;
  for (int i = 0; i < 100000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    s += std::to_string(i);  // distinct
    states.push_back(s);
  }
  states.push_back(std::string(300, 'x'));      // a two-byte length prefix
  states.push_back(std::string(5 << 20, 'y'));  // larger than an arena chunk
  states.push_back(std::string(5 << 20, 'z'));
  for (std::size_t i = 0; i < states.size(); ++i) {
    ASSERT_EQ(store.insert(states[i]), std::pair(static_cast<uint32_t>(i), true));
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    ASSERT_EQ(store.get(static_cast<uint32_t>(i)), states[i]);
    ASSERT_EQ(store.insert(states[i]), std::pair(static_cast<uint32_t>(i), false));
  }
  EXPECT_EQ(store.size(), states.size());
  // The store is the meter's only user: what it holds is what was measured.
  EXPECT_EQ(meter.current(), store.allocated_bytes());
}

TEST(StateStoreTest, BytesToAddCoversEveryAllocationOfAdd) {
  MemoryMeter meter;
  StateStore store(&meter);
  for (int i = 0; i < 50000; ++i) {
    std::string s = "state-" + std::to_string(i) + std::string(i % 3000 == 0 ? 9000 : 0, 'p');
    uint64_t before = meter.current();
    uint64_t predicted = store.bytes_to_add(s.size());
    uint64_t hash = hash_state(s);
    StateStore::Lookup where = store.lookup(s, hash);
    ASSERT_EQ(where.id, StateStore::kNone);
    MemoryMeter* m = &meter;
    uint64_t peak_before = m->peak();
    store.add(s, hash, where);
    ASSERT_LE(meter.peak(), std::max(peak_before, before + predicted)) << i;
    ASSERT_LE(meter.current(), before + predicted) << i;
  }
}

TEST(StateStoreTest, MeterFreesEverythingOnDestruction) {
  MemoryMeter meter;
  {
    StateStore store(&meter);
    for (int i = 0; i < 1000; ++i) store.insert(std::to_string(i));
    EXPECT_GT(meter.current(), 1000u);
  }
  EXPECT_EQ(meter.current(), 0u);
  EXPECT_GT(meter.peak(), 1000u);
}

TEST(StateHashTest, SpreadsSmallDifferences) {
  EXPECT_NE(hash_state("a"), hash_state("b"));
  EXPECT_NE(hash_state(""), hash_state(std::string(1, '\0')));
  EXPECT_NE(hash_state(std::string(8, '\0')), hash_state(std::string(9, '\0')));
  EXPECT_EQ(hash_state("same bytes here"), hash_state("same bytes here"));
  // The top bits pick the table position: nearby inputs must not crowd the same positions.
  std::vector<int> buckets(64, 0);
  for (int i = 0; i < 64000; ++i) ++buckets[hash_state(std::to_string(i)) >> 58];
  for (int b : buckets) {
    EXPECT_GT(b, 800);
    EXPECT_LT(b, 1200);
  }
}

}  // namespace
}  // namespace lockcheck::engine
