// The liveness pass. Three steps per obligation (a property, or one member of `leads ... for`):
//
// 1. The product of the graph with a one-bit monitor, explored breadth first with the safety
//    search's tie-break (fewest steps, then fewest faults, then the smallest choices): "armed"
//    means the goal is owed (eventually: from the start until the goal holds; leads: from a
//    P-state until a Q-state). The armed states form the region a counterexample stays in.
// 2. Ends in the region: terminal states (no fair transition: nothing, or only faults and unfair
//    processes, can step) and the states of fair strongly connected components, found with an
//    iterative Tarjan and Emerson-Lei pruning (a strong obligation enabled in a component but
//    never taken inside it removes the states where it is enabled; a weak group enabled in every
//    state and never taken makes the component unfair). First without the horizon-pending states:
//    a counterexample there is genuine; only if there is none, with them (INCONCLUSIVE).
// 3. The end with the smallest key of step 1 is the counterexample's last prefix state; from a
//    component's state, the cycle is the shortest fair closed walk, found breadth first over
//    (state, obligations met so far).

#include "checker/engine/liveness.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "checker/engine/limit_text.h"

namespace lockcheck::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kNone = UINT32_MAX;

struct Edge {
  uint32_t to;
  Choice choice;
  bool fault;
  Fairness fair;
};

bool fair_step(const Edge& e) {
  return e.fair.weak != Fairness::kNone || e.fair.strong != Fairness::kNone;
}

// The explored graph with its edges, and per state what the liveness properties need.
struct Graph {
  std::vector<uint64_t> first{0};  // the edges of s are edges[first[s], first[s + 1])
  std::vector<Edge> edges;
  std::vector<uint8_t> horizon;  // horizon_pending
  std::vector<uint8_t> goals;    // per state and obligation: bit 0 P, bit 1 Q
  uint32_t obligations = 0;
  uint32_t size() const { return static_cast<uint32_t>(horizon.size()); }
  const Edge* begin(uint32_t s) const { return edges.data() + first[s]; }
  const Edge* end(uint32_t s) const { return edges.data() + first[s + 1]; }
  bool p(uint32_t s, uint32_t o) const { return goals[size_t{s} * obligations + o] & 1; }
  bool q(uint32_t s, uint32_t o) const { return goals[size_t{s} * obligations + o] & 2; }
  bool terminal(uint32_t s) const {
    for (const Edge* e = begin(s); e != end(s); ++e)
      if (fair_step(*e)) return false;
    return true;
  }
};

struct Obligation {
  PropertyId property;
  uint32_t member;
  bool leads;
};

class Collector final : public SuccessorSink {
 public:
  void state(Choice c, bool fault, std::string_view next) override {
    out.push_back({c, fault, std::string(next)});
  }
  void failure(Choice, bool, PropertyId) override {}  // the safety search reports those
  struct Next {
    Choice choice;
    bool fault;
    std::string bytes;
  };
  std::vector<Next> out;
};

class GraphBuilder {
 public:
  GraphBuilder(const Model& model, const LivenessOptions& options,
               const std::vector<Obligation>& obligations, LivenessResult& result)
      : model_(model), options_(options), obligations_(obligations), result_(result) {}

  // False when a limit stopped it (result_.incomplete_reason says which).
  bool build(Graph& g) {
    g.obligations = static_cast<uint32_t>(obligations_.size());
    add(model_.initial());
    Collector sink;
    std::vector<Choice> choices;
    std::vector<Fairness> fairness;
    for (uint32_t s = 0; s < states_.size(); ++s) {
      if (s % 256 == 0 && !check_limits(g)) return false;
      std::string_view bytes = *states_[s];
      sink.out.clear();
      model_.successors(bytes, sink);
      choices.clear();
      for (const auto& n : sink.out) choices.push_back(n.choice);
      model_.fairness(bytes, choices, fairness);
      for (size_t i = 0; i < sink.out.size(); ++i) {
        uint32_t to = add(std::move(sink.out[i].bytes));
        if (to == kNone) return false;
        g.edges.push_back({to, sink.out[i].choice, sink.out[i].fault,
                           i < fairness.size() ? fairness[i] : Fairness{}});
      }
      g.first.push_back(g.edges.size());
      g.horizon.push_back(model_.horizon_pending(bytes) ? 1 : 0);
      for (const Obligation& o : obligations_) {
        bool p = false, q = false;
        model_.liveness(bytes, o.property, o.member, p, q);
        g.goals.push_back(static_cast<uint8_t>((p ? 1 : 0) | (q ? 2 : 0)));
      }
    }
    result_.transitions = g.edges.size();
    return true;
  }
  uint64_t states() const { return states_.size(); }
  uint64_t bytes(const Graph& g) const {
    return bytes_ + g.edges.capacity() * sizeof(Edge) + g.first.capacity() * sizeof(uint64_t) +
           g.goals.capacity() + g.horizon.capacity();
  }

 private:
  uint32_t add(std::string bytes) {
    auto it = index_.find(bytes);
    if (it != index_.end()) return it->second;
    if (options_.max_states > 0 && states_.size() >= options_.max_states) {
      result_.incomplete_reason = state_limit_reason(options_.max_states);
      return kNone;
    }
    bytes_ += bytes.size() + 64;  // the key, the node, the bucket and the pointer, roughly
    auto id = static_cast<uint32_t>(states_.size());
    auto [at, added] = index_.emplace(std::move(bytes), id);
    states_.push_back(&at->first);
    return id;
  }
  bool check_limits(const Graph& g) {
    if (options_.stop && options_.stop->load(std::memory_order_relaxed)) {
      result_.incomplete_reason = kInterruptedReason;
      return false;
    }
    if (options_.max_memory_bytes > 0 && bytes(g) > options_.max_memory_bytes) {
      result_.incomplete_reason = memory_limit_reason(options_.max_memory_bytes);
      return false;
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (options_.max_seconds > 0 && seconds >= options_.max_seconds) {
      result_.incomplete_reason = time_limit_reason(options_.max_seconds);
      return false;
    }
    return true;
  }

  const Model& model_;
  const LivenessOptions& options_;
  const std::vector<Obligation>& obligations_;
  LivenessResult& result_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<const std::string*> states_;
  uint64_t bytes_ = 0;
  Clock::time_point start_ = Clock::now();
};

// ---- Breadth-first search with the safety search's order ----------------------------------
//
// Paths of one length are ordered by fewest faults, then lexicographically by choices: a node
// keeps the parent with the smallest (faults, parent's rank, choice); a level is ordered by
// (parent's rank, choice), which is the lexicographic order of the nodes' paths.

struct PathKey {
  uint32_t depth = 0;
  uint32_t faults = 0;
  uint32_t rank = 0;  // the parent's rank in its level
  Choice choice = 0;
  friend auto operator<=>(const PathKey&, const PathKey&) = default;
};

// Nodes are numbered on discovery by the caller's `id_of`; the search records each one's path.
struct Paths {
  std::vector<uint32_t> parent;
  std::vector<PathKey> key;
  std::vector<uint32_t> rank;  // the node's position in its level
  void ensure(uint32_t n) {
    if (parent.size() <= n) {
      parent.resize(n + 1, kNone);
      key.resize(n + 1, PathKey{kNone, 0, 0, 0});
      rank.resize(n + 1, 0);
    }
  }
  bool seen(uint32_t n) const { return n < key.size() && key[n].depth != kNone; }
  // The choices from the root to n.
  std::vector<Choice> choices(uint32_t n) const {
    std::vector<Choice> out;
    for (; parent[n] != kNone; n = parent[n]) out.push_back(key[n].choice);
    std::reverse(out.begin(), out.end());
    return out;
  }
};

// Runs the search from `root`. `expand(node, emit)` calls emit(choice, fault, target) for the
// node's successors (target kNone: skip); `stop_at_level(level)` may end it after a level.
template <class Expand, class StopAtLevel>
void breadth_first(Paths& paths, uint32_t root, Expand expand, StopAtLevel stop_at_level) {
  paths.ensure(root);
  paths.key[root] = PathKey{};
  std::vector<uint32_t> level{root}, next;
  for (uint32_t depth = 0; !level.empty(); ++depth) {
    if (stop_at_level(level)) return;
    next.clear();
    for (uint32_t r = 0; r < level.size(); ++r) {
      const uint32_t u = level[r];
      const uint32_t faults = paths.key[u].faults;
      expand(u, [&](Choice c, bool fault, uint32_t v) {
        if (v == kNone) return;
        paths.ensure(v);
        PathKey k{depth + 1, faults + (fault ? 1u : 0u), r, c};
        if (!paths.seen(v)) {
          paths.key[v] = k;
          paths.parent[v] = u;
          next.push_back(v);
        } else if (paths.key[v].depth == depth + 1 && k < paths.key[v]) {
          paths.key[v] = k;
          paths.parent[v] = u;
        }
      });
    }
    std::stable_sort(next.begin(), next.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(paths.key[a].rank, paths.key[a].choice) <
             std::tie(paths.key[b].rank, paths.key[b].choice);
    });
    for (uint32_t i = 0; i < next.size(); ++i) paths.rank[next[i]] = i;
    std::swap(level, next);
  }
}

// ---- Strongly connected components and fairness -------------------------------------------

// The strongly connected components of the subgraph of g on the states with in[s], that contain
// a cycle (more than one state, or a self-loop). An iterative Tarjan, in state order. Its arrays
// span the whole graph and are kept between calls (Emerson-Lei calls it again on the parts of
// pruned components), resetting only the entries a call touched.
class Components {
 public:
  explicit Components(const Graph& g)
      : g_(g), index_(g.size(), kNone), low_(g.size(), 0), on_stack_(g.size(), 0) {}

  std::vector<std::vector<uint32_t>> operator()(const std::vector<uint8_t>& in,
                                                const std::vector<uint32_t>& states) {
    std::vector<std::vector<uint32_t>> out;
    uint32_t counter = 0;
    for (uint32_t root : states) {
      if (index_[root] != kNone) continue;
      visit(root, counter);
      while (!calls_.empty()) {
        Frame& f = calls_.back();
        if (f.next != g_.end(f.s)) {
          uint32_t t = f.next->to;
          ++f.next;
          if (!in[t]) continue;
          if (index_[t] == kNone) {
            visit(t, counter);
          } else if (on_stack_[t]) {
            low_[f.s] = std::min(low_[f.s], index_[t]);
          }
          continue;
        }
        uint32_t s = f.s;
        calls_.pop_back();
        if (!calls_.empty()) low_[calls_.back().s] = std::min(low_[calls_.back().s], low_[s]);
        if (low_[s] != index_[s]) continue;
        std::vector<uint32_t> comp;
        uint32_t t;
        do {
          t = stack_.back();
          stack_.pop_back();
          on_stack_[t] = 0;
          comp.push_back(t);
        } while (t != s);
        bool cyclic = comp.size() > 1;
        for (const Edge* e = g_.begin(s); !cyclic && e != g_.end(s); ++e) cyclic = e->to == s;
        if (cyclic) {
          std::sort(comp.begin(), comp.end());
          out.push_back(std::move(comp));
        }
      }
    }
    for (uint32_t s : touched_) index_[s] = kNone;
    touched_.clear();
    return out;
  }

 private:
  struct Frame {
    uint32_t s;
    const Edge* next;
  };
  void visit(uint32_t s, uint32_t& counter) {
    index_[s] = low_[s] = counter++;
    touched_.push_back(s);
    stack_.push_back(s);
    on_stack_[s] = 1;
    calls_.push_back({s, g_.begin(s)});
  }

  const Graph& g_;
  std::vector<uint32_t> index_, low_;
  std::vector<uint8_t> on_stack_;
  std::vector<uint32_t> stack_, touched_;
  std::vector<Frame> calls_;
};

// The fair components inside the states with in[s] (Emerson-Lei): each contains a fair cycle
// through every one of its states, and every fair cycle of the region lies inside one of them.
std::vector<std::vector<uint32_t>> fair_components(const Graph& g, const std::vector<uint8_t>& in,
                                                   const std::vector<uint32_t>& states) {
  std::vector<std::vector<uint32_t>> fair;
  Components components(g);
  std::vector<std::vector<uint32_t>> work = components(in, states);
  std::vector<uint8_t> member(g.size(), 0);
  while (!work.empty()) {
    std::vector<uint32_t> c = std::move(work.back());
    work.pop_back();
    for (uint32_t s : c) member[s] = 1;
    // Per group: in how many states it is enabled, and whether an edge inside takes it.
    std::unordered_map<uint32_t, uint32_t> weak_enabled;
    std::unordered_map<uint32_t, bool> weak_taken, strong_taken;
    std::vector<uint32_t> strong_seen;
    for (uint32_t s : c) {
      std::vector<uint32_t> weak_here;
      for (const Edge* e = g.begin(s); e != g.end(s); ++e) {
        if (e->fair.weak != Fairness::kNone) {
          if (std::find(weak_here.begin(), weak_here.end(), e->fair.weak) == weak_here.end())
            weak_here.push_back(e->fair.weak);
          if (member[e->to]) weak_taken[e->fair.weak] = true;
        }
        if (e->fair.strong != Fairness::kNone) {
          strong_seen.push_back(e->fair.strong);
          if (member[e->to]) strong_taken[e->fair.strong] = true;
        }
      }
      for (uint32_t w : weak_here) ++weak_enabled[w];
    }
    bool unfair = false;
    for (const auto& [w, n] : weak_enabled)
      if (n == c.size() && !weak_taken[w]) unfair = true;
    std::vector<uint32_t> untaken;
    for (uint32_t k : strong_seen)
      if (!strong_taken[k]) untaken.push_back(k);
    if (!unfair && !untaken.empty()) {
      std::vector<uint32_t> keep;
      for (uint32_t s : c) {
        bool enabled = false;
        for (const Edge* e = g.begin(s); e != g.end(s) && !enabled; ++e)
          enabled = e->fair.strong != Fairness::kNone &&
                    std::find(untaken.begin(), untaken.end(), e->fair.strong) != untaken.end();
        if (enabled) {
          member[s] = 0;
        } else {
          keep.push_back(s);
        }
      }
      for (auto& sub : components(member, keep)) work.push_back(std::move(sub));
    } else if (!unfair) {
      fair.push_back(c);
    }
    for (uint32_t s : c) member[s] = 0;
  }
  return fair;
}

// The shortest fair closed walk from `entry` inside component `c` (weak groups: each steps in
// it or is disabled in one of its states; strong obligations: each enabled in one of its states
// is taken in it), as choices; fewest faults, then the smallest choices among the shortest.
// Empty when the component has more obligations than the search can track.
std::vector<Choice> fair_cycle(const Graph& g, const std::vector<uint32_t>& c, uint32_t entry,
                               uint32_t& faults) {
  std::vector<uint8_t> member(g.size(), 0);
  for (uint32_t s : c) member[s] = 1;
  // Bits: one per weak group enabled somewhere in c ("met"), two per strong obligation
  // ("enabled somewhere", "taken").
  std::unordered_map<uint32_t, uint32_t> weak_bit, strong_bit;
  uint32_t bits = 0;
  for (uint32_t s : c)
    for (const Edge* e = g.begin(s); e != g.end(s); ++e) {
      if (e->fair.weak != Fairness::kNone && !weak_bit.count(e->fair.weak))
        weak_bit[e->fair.weak] = bits++;
      if (e->fair.strong != Fairness::kNone && !strong_bit.count(e->fair.strong)) {
        strong_bit[e->fair.strong] = bits;
        bits += 2;
      }
    }
  if (bits > 64) return {};
  uint64_t weak_all = 0;
  for (const auto& [w, b] : weak_bit) weak_all |= uint64_t{1} << b;
  // What being in state s contributes: weak groups disabled there, strong obligations enabled.
  auto in_state = [&](uint32_t s) {
    uint64_t enabled_weak = 0, m = 0;
    for (const Edge* e = g.begin(s); e != g.end(s); ++e) {
      if (e->fair.weak != Fairness::kNone) enabled_weak |= uint64_t{1} << weak_bit[e->fair.weak];
      if (e->fair.strong != Fairness::kNone) m |= uint64_t{1} << strong_bit[e->fair.strong];
    }
    return m | (weak_all & ~enabled_weak);
  };
  auto is_fair = [&](uint64_t m) {
    if ((m & weak_all) != weak_all) return false;
    for (const auto& [k, b] : strong_bit)
      if ((m >> b & 1) && !(m >> (b + 1) & 1)) return false;
    return true;
  };
  struct NodeHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& n) const {
      return std::hash<uint64_t>()(n.second * 0x9e3779b97f4a7c15ULL ^ n.first);
    }
  };
  std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, NodeHash> ids;
  std::vector<std::pair<uint32_t, uint64_t>> nodes;
  auto id_of = [&](uint32_t s, uint64_t m) {
    auto [it, added] = ids.emplace(std::make_pair(s, m), static_cast<uint32_t>(nodes.size()));
    if (added) nodes.emplace_back(s, m);
    return it->second;
  };
  Paths paths;
  uint32_t root = id_of(entry, in_state(entry));
  std::optional<PathKey> best;
  uint32_t best_parent = kNone;
  breadth_first(
      paths, root,
      [&](uint32_t u, auto emit) {
        auto [s, m] = nodes[u];
        for (const Edge* e = g.begin(s); e != g.end(s); ++e) {
          if (!member[e->to]) continue;
          uint64_t n = m | in_state(e->to);
          if (e->fair.weak != Fairness::kNone) n |= uint64_t{1} << weak_bit[e->fair.weak];
          if (e->fair.strong != Fairness::kNone)
            n |= uint64_t{1} << (strong_bit[e->fair.strong] + 1);
          if (e->to == entry && is_fair(n)) {
            PathKey k{paths.key[u].depth + 1, paths.key[u].faults + (e->fault ? 1u : 0u),
                      paths.rank[u], e->choice};
            if (!best || k < *best) {
              best = k;
              best_parent = u;
            }
          }
          emit(e->choice, e->fault, id_of(e->to, n));
        }
      },
      [&](const std::vector<uint32_t>&) { return best.has_value(); });
  if (!best) return {};
  std::vector<Choice> out = paths.choices(best_parent);
  out.push_back(best->choice);
  faults = best->faults;
  return out;
}

// ---- One obligation ----------------------------------------------------------------------

struct Outcome {
  LivenessStatus status = LivenessStatus::holds;
  std::optional<Lasso> lasso;
  bool goal_at_start = false;
  bool p_reached = false;
};

Outcome check_obligation(const Graph& g, uint32_t o, bool leads) {
  Outcome out;
  const uint32_t n = g.size();
  // Product nodes: state * 2 + armed.
  auto armed_after = [&](bool armed, uint32_t t) {
    return (armed || (leads && g.p(t, o))) && !g.q(t, o);
  };
  for (uint32_t s = 0; s < n && !out.p_reached; ++s) out.p_reached = g.p(s, o);
  out.goal_at_start = g.q(0, o);
  bool armed0 = leads ? g.p(0, o) && !g.q(0, o) : !g.q(0, o);
  Paths paths;
  breadth_first(
      paths, 2 * 0 + (armed0 ? 1 : 0),
      [&](uint32_t u, auto emit) {
        uint32_t s = u / 2;
        bool armed = u % 2;
        if (!leads && !armed) return;  // the goal held: nothing more is owed
        for (const Edge* e = g.begin(s); e != g.end(s); ++e)
          emit(e->choice, e->fault, 2 * e->to + (armed_after(armed, e->to) ? 1 : 0));
      },
      [](const std::vector<uint32_t>&) { return false; });

  std::vector<uint8_t> region(n, 0);
  std::vector<uint32_t> region_states;
  for (uint32_t s = 0; s < n; ++s)
    if (paths.seen(2 * s + 1)) {
      region[s] = 1;
      region_states.push_back(s);
    }
  if (region_states.empty()) return out;

  // The ends, without and then with the horizon-pending states.
  for (int pass = 0; pass < 2; ++pass) {
    const bool horizon = pass == 1;
    std::vector<uint8_t> in = region;
    std::vector<uint32_t> states;
    for (uint32_t s : region_states) {
      if (!horizon && g.horizon[s]) {
        in[s] = 0;
      } else {
        states.push_back(s);
      }
    }
    std::optional<PathKey> best;
    uint32_t best_state = kNone;
    const std::vector<uint32_t>* best_component = nullptr;
    auto consider = [&](uint32_t s, const std::vector<uint32_t>* comp) {
      const PathKey& k = paths.key[2 * s + 1];
      if (!best || k < *best) {
        best = k;
        best_state = s;
        best_component = comp;
      }
    };
    for (uint32_t s : states)
      if (g.terminal(s)) consider(s, nullptr);
    std::vector<std::vector<uint32_t>> fair = fair_components(g, in, states);
    for (const auto& comp : fair)
      for (uint32_t s : comp) consider(s, &comp);
    if (!best) continue;
    Lasso lasso;
    lasso.choices = paths.choices(2 * best_state + 1);
    lasso.loop_to = static_cast<uint32_t>(lasso.choices.size());
    lasso.faults = best->faults;
    lasso.horizon_bound = horizon;
    if (best_component != nullptr) {
      uint32_t faults = 0;
      std::vector<Choice> cycle = fair_cycle(g, *best_component, best_state, faults);
      lasso.cycle = true;
      lasso.faults += faults;
      lasso.choices.insert(lasso.choices.end(), cycle.begin(), cycle.end());
    }
    out.status = horizon ? LivenessStatus::inconclusive : LivenessStatus::violated;
    out.lasso = std::move(lasso);
    return out;
  }
  return out;
}

}  // namespace

LivenessResult check_liveness(const Model& model, const LivenessOptions& options) {
  const auto start = Clock::now();
  LivenessResult result;
  const auto& props = model.properties();
  result.verdicts.assign(props.size(), std::nullopt);
  std::vector<Obligation> obligations;
  for (PropertyId p = 0; p < props.size(); ++p) {
    if (props[p].kind != PropertyKind::eventually && props[p].kind != PropertyKind::leads) continue;
    for (uint32_t m = 0; m < std::max<uint32_t>(props[p].members, 1); ++m)
      obligations.push_back({p, m, props[p].kind == PropertyKind::leads});
  }
  Graph g;
  GraphBuilder builder(model, options, obligations, result);
  result.complete = builder.build(g);
  result.states = builder.states();
  result.memory_bytes = builder.bytes(g);
  for (uint32_t o = 0; o < obligations.size(); ++o) {
    const Obligation& ob = obligations[o];
    auto& v = result.verdicts[ob.property];
    if (!v) v = LivenessVerdict{};
    if (!result.complete) {
      v->status = LivenessStatus::inconclusive;
      continue;
    }
    Outcome out = check_obligation(g, o, ob.leads);
    if (ob.member == 0) v->goal_at_start = out.goal_at_start;
    v->p_reached = v->p_reached || out.p_reached;
    if (out.status == LivenessStatus::violated) {
      v->failing_members.push_back(ob.member);
      if (v->status != LivenessStatus::violated) {
        v->status = LivenessStatus::violated;
        v->counterexample = std::move(out.lasso);
        v->member = ob.member;
      }
    } else if (out.status == LivenessStatus::inconclusive && v->status == LivenessStatus::holds) {
      v->status = LivenessStatus::inconclusive;
      v->counterexample = std::move(out.lasso);
      v->member = ob.member;
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace lockcheck::engine
