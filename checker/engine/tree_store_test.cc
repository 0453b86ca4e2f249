#include "checker/engine/tree_store.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checker/engine/state_hash.h"
#include "checker/engine/state_store.h"

namespace lockcheck::engine {
namespace {

using namespace std::string_literals;

TEST(TreeStoreTest, NumbersStatesInInsertionOrderAndFindsThemAgain) {
  MemoryMeter meter;
  TreeStore store(&meter);
  EXPECT_EQ(store.insert("a"), std::pair(0u, true));
  EXPECT_EQ(store.insert("bb"), std::pair(1u, true));
  EXPECT_EQ(store.insert(""), std::pair(2u, true));
  EXPECT_EQ(store.insert("a"), std::pair(0u, false));
  EXPECT_EQ(store.insert(""), std::pair(2u, false));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.get(1), "bb");
  EXPECT_EQ(store.get(2), "");
  EXPECT_EQ(store.find("bb"), 1u);
  EXPECT_EQ(store.find("b"), TreeStore::kNone);
}

TEST(TreeStoreTest, ZeroPaddingDoesNotMergeStatesOfDifferentLengths) {
  MemoryMeter meter;
  TreeStore store(&meter);
  const std::vector<std::string> states = {""s,
                                           "\0"s,
                                           "\0\0\0\0"s,
                                           "a"s,
                                           "a\0"s,
                                           "a\0\0\0"s,
                                           "a\0\0\0\0"s,
                                           std::string(8, '\0'),
                                           std::string(9, '\0')};
  for (uint32_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(store.insert(states[i]), std::pair(i, true)) << i;
  }
  for (uint32_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(store.find(states[i]), i);
    EXPECT_EQ(store.get(i), states[i]);
  }
}

// Random strings of many lengths over a small alphabet (so that parts repeat and are shared, and
// some strings repeat whole), inserted into both stores: the same numbers, the same bytes back.
TEST(TreeStoreTest, SameNumbersAsStateStoreOnRandomStringsOfManyLengths) {
  MemoryMeter plain_meter;
  MemoryMeter tree_meter;
  StateStore plain(&plain_meter);
  TreeStore tree(&tree_meter);
  std::mt19937 rng(5);
  const std::vector<std::size_t> lengths = {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 100, 1000};
  std::vector<std::string> inserted;
  for (int i = 0; i < 30000; ++i) {
    std::size_t length = lengths[rng() % lengths.size()];
    std::string s(length, '\0');
    const unsigned alphabet = i % 2 == 0 ? 2 : 256;
    for (char& c : s) c = static_cast<char>(rng() % alphabet);
    auto want = plain.insert(s);
    auto got = tree.insert(s);
    ASSERT_EQ(got, want) << i << ", length " << length;
    inserted.push_back(std::move(s));
  }
  ASSERT_EQ(tree.size(), plain.size());
  std::string buffer;
  for (uint32_t id = 0; id < tree.size(); ++id) {
    ASSERT_EQ(tree.get(id), plain.get(id)) << id;
    ASSERT_EQ(tree.get(id, buffer), plain.get(id)) << id;
  }
  for (const std::string& s : inserted) {
    ASSERT_EQ(tree.find(s), plain.find(s));
    ASSERT_EQ(tree.lookup(s, hash_state(s)).id, plain.find(s));
  }
  // Absent strings stay absent, whether a part of them is new or only their root.
  EXPECT_EQ(tree.find(std::string(1001, 'x')), TreeStore::kNone);
  std::string twisted = inserted.back() + inserted.back();
  EXPECT_EQ(tree.find(twisted), plain.find(twisted));
  EXPECT_EQ(tree_meter.current(), tree.allocated_bytes());
}

TEST(TreeStoreTest, MoreDistinctLengthsThanLengthCodes) {
  MemoryMeter meter;
  TreeStore store(&meter);
  std::vector<std::string> states;
  for (std::size_t length = 0; length < 700; ++length) {
    states.push_back(std::string(length, static_cast<char>('a' + length % 7)));
    states.push_back(std::string(length, '\0'));
  }
  std::shuffle(states.begin(), states.end(), std::mt19937(3));
  uint32_t next = 0;
  for (const std::string& s : states) {
    auto [id, added] = store.insert(s);
    if (added) {
      EXPECT_EQ(id, next++);
    } else {
      EXPECT_TRUE(s.empty());  // "" twice: both strings of length 0
    }
  }
  EXPECT_EQ(store.size(), states.size() - 1);
  for (const std::string& s : states) EXPECT_EQ(store.get(store.find(s)), s);
}

TEST(TreeStoreTest, SharedPartsMakeStatesCheap) {
  MemoryMeter meter;
  TreeStore store(&meter);
  // 64 x 64 x 64 combinations of three 40-byte blocks: parts repeat, states do not.
  auto block = [](int k) { return std::string(40, static_cast<char>(k)); };
  for (int a = 0; a < 64; ++a) {
    for (int b = 0; b < 64; ++b) {
      for (int c = 0; c < 64; ++c) store.insert(block(a) + block(b) + block(c));
    }
  }
  EXPECT_EQ(store.size(), 64u * 64 * 64);
  EXPECT_LT(store.node_count(), store.size() / 4);
  // A root (8 bytes), its slot in the index and a length code; the 120 bytes are not stored.
  EXPECT_LT(store.allocated_bytes() / store.size(), 24u);
  EXPECT_EQ(store.get(store.find(block(3) + block(4) + block(5))), block(3) + block(4) + block(5));
}

TEST(TreeStoreTest, BytesToAddCoversEveryAllocationOfAdd) {
  MemoryMeter meter;
  TreeStore store(&meter);
  for (int i = 0; i < 50000; ++i) {
    std::string s = "state-" + std::to_string(i) + std::string(i % 3000 == 0 ? 9000 : i % 61, 'p');
    uint64_t before = meter.current();
    uint64_t peak_before = meter.peak();
    uint64_t predicted = store.bytes_to_add(s.size());
    uint64_t hash = hash_state(s);
    TreeStore::Lookup where = store.lookup(s, hash);
    ASSERT_EQ(where.id, TreeStore::kNone);
    store.add(s, hash, where);
    ASSERT_LE(meter.peak(), std::max(peak_before, before + predicted)) << i;
    ASSERT_LE(meter.current(), before + predicted) << i;
  }
}

TEST(TreeStoreTest, MeterFreesEverythingOnDestruction) {
  MemoryMeter meter;
  {
    TreeStore store(&meter);
    for (int i = 0; i < 1000; ++i) store.insert(std::to_string(i) + std::string(50, 'x'));
    EXPECT_GT(meter.current(), 1000u);
    EXPECT_EQ(meter.current(), store.allocated_bytes());
  }
  EXPECT_EQ(meter.current(), 0u);
}

// As in a search: decode a state, then look up and add its neighbours (a byte changed, a byte
// more or less, a zero byte more where the padding was), which reuse the parts of the decoded one.
TEST(TreeStoreTest, NeighboursOfTheLastDecodedStateAsWithStateStore) {
  MemoryMeter plain_meter;
  MemoryMeter tree_meter;
  StateStore plain(&plain_meter);
  TreeStore tree(&tree_meter);
  TreeStore other(&tree_meter);  // decoding from another store must not mislead this one
  std::mt19937 rng(21);
  for (int i = 0; i < 20; ++i) {
    std::string s(rng() % 60, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 3);
    ASSERT_EQ(tree.insert(s), plain.insert(s));
    other.insert(s + "x");
  }
  for (int i = 0; i < 20000; ++i) {
    const auto id = static_cast<uint32_t>(rng() % tree.size());
    if (i % 7 == 0) other.get(static_cast<uint32_t>(rng() % other.size()));
    std::string s(tree.get(id));
    ASSERT_EQ(s, plain.get(id));
    switch (rng() % 5) {
      case 0:
        if (!s.empty()) s[rng() % s.size()] = static_cast<char>(rng() % 3);
        break;
      case 1:
        s += '\0';
        break;
      case 2:
        if (!s.empty()) s.pop_back();
        break;
      case 3:
        s += static_cast<char>(rng() % 3);
        break;
      default:
        break;  // the decoded state itself
    }
    ASSERT_EQ(tree.find(s), plain.find(s)) << i;
    if (rng() % 2 == 0) {
      ASSERT_EQ(tree.insert(s), plain.insert(s)) << i;
    }
  }
  EXPECT_GT(tree.size(), 4000u);
  for (uint32_t id = 0; id < tree.size(); ++id) ASSERT_EQ(tree.get(id), plain.get(id));
}

// The search's parallel expansion: lookups and gets from several threads, nothing added.
TEST(TreeStoreTest, ConcurrentLookupsAndGets) {
  MemoryMeter meter;
  TreeStore store(&meter);
  std::vector<std::string> states;
  std::mt19937 rng(9);
  for (int i = 0; i < 20000; ++i) {
    std::string s(20 + rng() % 80, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 4);
    if (store.insert(s).second) states.push_back(std::move(s));
  }
  std::vector<int> errors(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (uint32_t id = 0; id < states.size(); ++id) {
          const std::string& s = states[(id + t * 977) % states.size()];
          uint32_t found = store.lookup(s, 0).id;
          if (found == TreeStore::kNone || store.get(found) != s) ++errors[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace lockcheck::engine
