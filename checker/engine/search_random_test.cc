// The search against a brute-force reference on many small random graphs, and the parallel
// search against the sequential one on larger random graphs.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>

#include "checker/engine/search.h"
#include "checker/engine/state_hash.h"
#include "checker/engine/test_graph_model.h"

namespace lockcheck::engine {
namespace {

using testing::GraphModel;

// Random graphs with distinct choices per node, faults, failing transitions, two invariants, an
// assertion and a reachability property.
GraphModel random_graph(std::mt19937& rng, uint32_t nodes, uint32_t min_out, uint32_t max_out,
                        Choice max_choice, int bad_percent) {
  GraphModel g;
  std::uniform_int_distribution<uint32_t> node(0, nodes - 1);
  std::uniform_int_distribution<uint32_t> out(min_out, max_out);
  std::uniform_int_distribution<int> percent(0, 99);
  std::set<uint32_t> bad1, bad2, good;
  for (uint32_t n = 0; n < nodes; ++n) {
    if (percent(rng) < bad_percent) bad1.insert(n);
    if (percent(rng) < bad_percent / 2) bad2.insert(n);
    if (percent(rng) < 5) good.insert(n);
  }
  PropertyId inv1 = g.invariant("inv1", bad1);
  PropertyId inv2 = g.invariant("inv2", bad2);
  PropertyId a = g.assertion("assert");
  g.reachable("good", good);
  std::vector<Choice> all(max_choice + 1);
  for (Choice c = 0; c <= max_choice; ++c) all[c] = c;
  for (uint32_t n = 0; n < nodes; ++n) {
    std::shuffle(all.begin(), all.end(), rng);
    uint32_t k = std::min<uint32_t>(out(rng), max_choice + 1);
    for (uint32_t i = 0; i < k; ++i) {
      bool fault = percent(rng) < 30;
      int kind = percent(rng);
      if (kind < 6) {
        g.fail(n, all[i], a, fault);
      } else if (kind < 9) {
        g.fail(n, all[i], kind < 8 ? inv1 : inv2, fault);
      } else {
        g.edge(n, all[i], node(rng), fault);
      }
    }
  }
  return g;
}

struct Expected {
  std::vector<std::optional<Counterexample>> violations;
  std::vector<bool> reached;
};

// Every path up to `max_length`, by depth-first enumeration: for each property the shortest
// violation, then the fewest faults, then the smallest choice sequence.
Expected brute_force(const GraphModel& g, uint32_t max_length) {
  const auto& props = g.properties();
  Expected e;
  e.violations.resize(props.size());
  e.reached.assign(props.size(), false);
  auto offer = [&](PropertyId p, const std::vector<Choice>& path, uint32_t faults) {
    auto& best = e.violations[p];
    auto key = [](const Counterexample& c) {
      return std::tuple(c.choices.size(), c.faults, c.choices);
    };
    Counterexample c{path, faults};
    if (!best || key(c) < key(*best)) best = c;
  };
  std::vector<Choice> path;
  std::function<void(uint32_t, uint32_t)> walk = [&](uint32_t n, uint32_t faults) {
    StateReport report;
    g.evaluate(GraphModel::node(n), report);
    for (PropertyId p : report.violated) offer(p, path, faults);
    for (PropertyId p : report.satisfied) e.reached[p] = true;
    if (path.size() == max_length) return;
    auto it = g.transitions().find(n);
    if (it == g.transitions().end()) return;
    for (const auto& t : it->second) {
      path.push_back(t.choice);
      if (t.failure) {
        offer(t.property, path, faults + t.fault);
      } else {
        walk(t.to, faults + t.fault);
      }
      path.pop_back();
    }
  };
  walk(0, 0);
  return e;
}

std::string describe(const std::optional<Counterexample>& c) {
  if (!c) return "none";
  return fmt::format("[{}] faults {}", fmt::join(c->choices, ", "), c->faults);
}

TEST(SearchRandomTest, MatchesBruteForceOnSmallGraphs) {
  std::mt19937 rng(20240601);
  int violations = 0;
  int with_faults = 0;
  for (int round = 0; round < 1000; ++round) {
    uint32_t nodes = 2 + round % 6;
    GraphModel g = random_graph(rng, nodes, round % 3 == 0 ? 0 : 1, 3, 4, 25);
    // Every state is within nodes - 1 steps, so every shortest violation within `nodes`.
    Expected want = brute_force(g, nodes);
    for (int threads : {1, 2}) {
      SearchOptions options;
      options.threads = threads;
      options.compress_states = round % 2 == 1;  // the tree store on every other graph
      SearchResult got = search(g, options);
      ASSERT_TRUE(got.complete);
      ASSERT_EQ(got.violations.size(), want.violations.size());
      for (PropertyId p = 0; p < want.violations.size(); ++p) {
        EXPECT_EQ(describe(got.violations[p]), describe(want.violations[p]))
            << "round " << round << ", property " << p << ", threads " << threads;
      }
      EXPECT_EQ(got.reached, want.reached) << "round " << round;
    }
    for (const auto& v : want.violations) {
      violations += v.has_value();
      with_faults += v.has_value() && v->faults > 0;
    }
  }
  // The rounds exercise the tie-breaks: many violations, some only reachable through faults.
  EXPECT_GT(violations, 1000);
  EXPECT_GT(with_faults, 200);
}

void expect_same(const SearchResult& a, const SearchResult& b, const std::string& what) {
  EXPECT_EQ(a.complete, b.complete) << what;
  EXPECT_EQ(a.incomplete_reason, b.incomplete_reason) << what;
  EXPECT_EQ(a.states, b.states) << what;
  EXPECT_EQ(a.transitions, b.transitions) << what;
  EXPECT_EQ(a.depth, b.depth) << what;
  EXPECT_EQ(a.reached, b.reached) << what;
  ASSERT_EQ(a.violations.size(), b.violations.size()) << what;
  for (std::size_t p = 0; p < a.violations.size(); ++p) {
    EXPECT_EQ(describe(a.violations[p]), describe(b.violations[p])) << what << ", property " << p;
  }
}

TEST(SearchRandomTest, ThreadsGiveIdenticalResults) {
  std::mt19937 rng(7);
  for (int round = 0; round < 4; ++round) {
    GraphModel g = random_graph(rng, 4000, 1, 4, 6, 2);
    SearchResult one = search(g, SearchOptions{});
    EXPECT_GT(one.states, 1000u);
    EXPECT_GT(one.depth, 4u);
    for (int threads : {2, 3, 5}) {
      SearchOptions options;
      options.threads = threads;
      expect_same(one, search(g, options), fmt::format("round {}, {} threads", round, threads));
    }
  }
}

TEST(SearchRandomTest, ThreadsStopAtTheSameStateUnderAStateLimit) {
  std::mt19937 rng(11);
  GraphModel g = random_graph(rng, 4000, 1, 4, 6, 2);
  for (uint64_t limit : {1, 2, 50, 777, 1500}) {
    SearchOptions options;
    options.max_states = limit;
    SearchResult one = search(g, options);
    EXPECT_EQ(one.states, limit);
    options.threads = 2;
    expect_same(one, search(g, options), fmt::format("limit {}", limit));
  }
}

// Enough states that the plain store grows its index, its arena and its tables of chunks
// while workers look states up (the pipelined merge quiesces them for those adds).
TEST(SearchRandomTest, ThreadsGiveIdenticalResultsWhileTheStoreGrows) {
  std::mt19937 rng(23);
  GraphModel g = random_graph(rng, 120000, 1, 4, 6, 2);
  SearchResult one = search(g, SearchOptions{});
  EXPECT_GT(one.states, 60000u);
  for (int threads : {2, 3}) {
    SearchOptions options;
    options.threads = threads;
    expect_same(one, search(g, options), fmt::format("{} threads", threads));
  }
  SearchOptions limited;
  limited.max_states = 50001;
  SearchResult cut = search(g, limited);
  EXPECT_EQ(cut.states, 50001u);
  limited.threads = 2;
  expect_same(cut, search(g, limited), "limit 50001, 2 threads");
}

// A model's states with a tail of 0 to 90 bytes derived from the state, so that the tree store
// sees states of many lengths and deep trees: the same graph, the same results.
class PaddedModel final : public Model {
 public:
  explicit PaddedModel(const Model& inner) : inner_(inner) {}
  static std::string pad(std::string_view state) {
    uint64_t h = hash_state(state);
    std::string out(state);
    out += '|';
    for (uint64_t i = 0, n = h % 91; i < n; ++i) out += static_cast<char>((h >> (i % 56)) & 3);
    return out;
  }
  static std::string_view unpad(std::string_view state) { return state.substr(0, state.find('|')); }

  std::string initial() const override { return pad(inner_.initial()); }
  void successors(std::string_view state, SuccessorSink& sink) const override {
    Sink padding(sink);
    inner_.successors(unpad(state), padding);
  }
  const std::vector<PropertyInfo>& properties() const override { return inner_.properties(); }
  void evaluate(std::string_view state, StateReport& out) const override {
    inner_.evaluate(unpad(state), out);
  }

 private:
  class Sink final : public SuccessorSink {
   public:
    explicit Sink(SuccessorSink& out) : out_(out) {}
    void state(Choice c, bool fault, std::string_view next) override {
      out_.state(c, fault, pad(next));
    }
    void failure(Choice c, bool fault, PropertyId p) override { out_.failure(c, fault, p); }

   private:
    SuccessorSink& out_;
  };
  const Model& inner_;
};

TEST(SearchRandomTest, TreeStoreGivesIdenticalResults) {
  std::mt19937 rng(13);
  for (int round = 0; round < 4; ++round) {
    GraphModel g = random_graph(rng, 4000, 1, 4, 6, 2);
    PaddedModel padded(g);
    SearchResult plain = search(g, SearchOptions{});
    SearchResult padded_plain = search(padded, SearchOptions{});
    expect_same(plain, padded_plain, fmt::format("round {}, padded", round));
    for (int threads : {1, 2, 3}) {
      SearchOptions options;
      options.threads = threads;
      options.compress_states = true;
      expect_same(plain, search(g, options), fmt::format("round {}, {} threads", round, threads));
      expect_same(plain, search(padded, options),
                  fmt::format("round {}, {} threads, padded", round, threads));
    }
  }
}

TEST(SearchRandomTest, TreeStoreStopsAtTheSameStateUnderAStateLimit) {
  std::mt19937 rng(17);
  GraphModel g = random_graph(rng, 4000, 1, 4, 6, 2);
  PaddedModel padded(g);
  for (uint64_t limit : {1, 2, 50, 777, 1500}) {
    SearchOptions options;
    options.max_states = limit;
    SearchResult plain = search(padded, options);
    EXPECT_EQ(plain.states, limit);
    options.compress_states = true;
    for (int threads : {1, 2}) {
      options.threads = threads;
      expect_same(plain, search(padded, options),
                  fmt::format("limit {}, {} threads", limit, threads));
    }
  }
}

}  // namespace
}  // namespace lockcheck::engine
