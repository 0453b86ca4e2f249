// For the engine's tests: a Model over an explicit graph. States are node numbers written as
// "n12"; each node has a list of transitions (to a node, or failing a property), emitted in
// increasing choice order; invariants and reachability properties are sets of nodes.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "checker/engine/model.h"

namespace lockcheck::engine::testing {

class GraphModel : public Model {
 public:
  struct Transition {
    Choice choice = 0;
    bool fault = false;
    bool failure = false;
    uint32_t to = 0;          // when !failure
    PropertyId property = 0;  // when failure
    Fairness fair;            // liveness: the group it belongs to (none for faults)
  };

  explicit GraphModel(uint32_t initial = 0) : initial_(initial) {}

  static std::string node(uint32_t n) { return fmt::format("n{}", n); }
  static uint32_t node_of(std::string_view state) {
    return static_cast<uint32_t>(std::stoul(std::string(state.substr(1))));
  }

  GraphModel& edge(uint32_t from, Choice c, uint32_t to, bool fault = false) {
    add(from, Transition{c, fault, false, to, 0, {}});
    return *this;
  }
  // A step of weakly fair group `weak` (a process), discharging strong obligation `strong`.
  GraphModel& step(uint32_t from, Choice c, uint32_t to, uint32_t weak,
                   uint32_t strong = Fairness::kNone) {
    add(from, Transition{c, false, false, to, 0, Fairness{weak, strong}});
    return *this;
  }
  GraphModel& fail(uint32_t from, Choice c, PropertyId p, bool fault = false) {
    add(from, Transition{c, fault, true, 0, p, {}});
    return *this;
  }
  PropertyId invariant(std::string name, std::set<uint32_t> bad) {
    return property(std::move(name), PropertyKind::invariant, std::move(bad));
  }
  PropertyId reachable(std::string name, std::set<uint32_t> good) {
    return property(std::move(name), PropertyKind::reachable, std::move(good));
  }
  // Liveness: every fair behaviour reaches a node of `goal`.
  PropertyId eventually(std::string name, std::set<uint32_t> goal) {
    return property(std::move(name), PropertyKind::eventually, std::move(goal));
  }
  // Liveness: every node of `p` is followed by one of `q`; member m uses p[m] and q[m].
  PropertyId leads(std::string name, std::vector<std::set<uint32_t>> p,
                   std::vector<std::set<uint32_t>> q) {
    PropertyId id = property(std::move(name), PropertyKind::leads, {});
    properties_[id].members = static_cast<uint32_t>(p.size());
    p_nodes_.back() = std::move(p);
    q_nodes_.back() = std::move(q);
    return id;
  }
  // Nodes at the clock's horizon with time still due.
  GraphModel& horizon(std::set<uint32_t> nodes) {
    horizon_ = std::move(nodes);
    return *this;
  }
  // A property only failing transitions report.
  PropertyId assertion(std::string name) {
    return property(std::move(name), PropertyKind::assertion, {});
  }

  // Partial-order reduction: from `from`, ample() offers only the transition with choice `c`.
  GraphModel& ample_choice(uint32_t from, Choice c) {
    ample_[from] = c;
    return *this;
  }

  // Slows successors() down, for the time-limit and progress tests.
  void set_delay(std::chrono::microseconds delay) { delay_ = delay; }

  std::string initial() const override { return node(initial_); }
  void successors(std::string_view state, SuccessorSink& sink) const override {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    auto it = out_.find(node_of(state));
    if (it == out_.end()) return;
    for (const Transition& t : it->second) {
      if (t.failure) {
        sink.failure(t.choice, t.fault, t.property);
      } else {
        sink.state(t.choice, t.fault, node(t.to));
      }
    }
  }
  bool ample(std::string_view state, SuccessorSink& sink) const override {
    auto a = ample_.find(node_of(state));
    auto it = out_.find(node_of(state));
    if (a == ample_.end() || it == out_.end()) return false;
    for (const Transition& t : it->second) {
      if (t.choice != a->second || t.failure) continue;
      sink.state(t.choice, t.fault, node(t.to));
      return true;
    }
    return false;
  }
  const std::vector<PropertyInfo>& properties() const override { return properties_; }
  void evaluate(std::string_view state, StateReport& out) const override {
    uint32_t n = node_of(state);
    for (PropertyId p = 0; p < properties_.size(); ++p) {
      if (!nodes_[p].count(n)) continue;
      if (properties_[p].kind == PropertyKind::eventually) continue;
      if (properties_[p].kind == PropertyKind::reachable) {
        out.satisfied.push_back(p);
      } else {
        out.violated.push_back(p);
      }
    }
  }

  void fairness(std::string_view state, const std::vector<Choice>& choices,
                std::vector<Fairness>& out) const override {
    out.clear();
    auto it = out_.find(node_of(state));
    for (Choice c : choices) {
      Fairness f;
      if (it != out_.end())
        for (const Transition& t : it->second)
          if (t.choice == c && !t.failure) f = t.fair;
      out.push_back(f);
    }
  }
  void liveness(std::string_view state, PropertyId p, uint32_t member, bool& p_holds,
                bool& q_holds) const override {
    uint32_t n = node_of(state);
    if (properties_[p].kind == PropertyKind::eventually) {
      p_holds = false;
      q_holds = nodes_[p].count(n) > 0;
      return;
    }
    p_holds = p_nodes_[p][member].count(n) > 0;
    q_holds = q_nodes_[p][member].count(n) > 0;
  }
  bool horizon_pending(std::string_view state) const override {
    return horizon_.count(node_of(state)) > 0;
  }

  const std::map<uint32_t, std::vector<Transition>>& transitions() const { return out_; }
  const std::set<uint32_t>& nodes_of(PropertyId p) const { return nodes_[p]; }

 private:
  void add(uint32_t from, Transition t) {
    auto& list = out_[from];
    auto at = std::upper_bound(list.begin(), list.end(), t.choice,
                               [](Choice c, const Transition& x) { return c < x.choice; });
    list.insert(at, t);
  }
  PropertyId property(std::string name, PropertyKind kind, std::set<uint32_t> nodes) {
    properties_.push_back({std::move(name), kind});
    nodes_.push_back(std::move(nodes));
    p_nodes_.emplace_back();
    q_nodes_.emplace_back();
    return static_cast<PropertyId>(properties_.size() - 1);
  }

  uint32_t initial_;
  std::map<uint32_t, std::vector<Transition>> out_;
  std::vector<PropertyInfo> properties_;
  std::vector<std::set<uint32_t>> nodes_;
  std::vector<std::vector<std::set<uint32_t>>> p_nodes_, q_nodes_;  // leads, per member
  std::set<uint32_t> horizon_;
  std::map<uint32_t, Choice> ample_;
  std::chrono::microseconds delay_{0};
};

// An unbounded model: state k (a decimal counter) goes to k+1 (choice 0) and 2k+2 (choice 1),
// with a configurable delay per successors() call. For limits: the search never ends by itself.
class EndlessModel : public Model {
 public:
  explicit EndlessModel(std::chrono::microseconds delay = {}) : delay_(delay) {}
  std::string initial() const override { return "0"; }
  void successors(std::string_view state, SuccessorSink& sink) const override {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    uint64_t k = std::stoull(std::string(state));
    sink.state(0, false, std::to_string(k + 1));
    sink.state(1, false, std::to_string(2 * k + 2));
  }
  const std::vector<PropertyInfo>& properties() const override { return properties_; }
  void evaluate(std::string_view state, StateReport& out) const override {
    if (state == "3") out.violated.push_back(0);
  }

 private:
  std::chrono::microseconds delay_;
  std::vector<PropertyInfo> properties_{{"not_three", PropertyKind::invariant}};
};

}  // namespace lockcheck::engine::testing
