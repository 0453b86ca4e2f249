#include "checker/engine/random_walk.h"

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lockcheck::engine {

namespace {

struct Step {
  Choice choice;
  bool fault;
  bool failure;
  PropertyId property;  // failures only
  std::string next;     // states only
};

class Collect : public SuccessorSink {
 public:
  std::vector<Step> steps;
  void state(Choice c, bool fault, std::string_view next) override {
    steps.push_back({c, fault, false, 0, std::string(next)});
  }
  void failure(Choice c, bool fault, PropertyId p) override {
    steps.push_back({c, fault, true, p, {}});
  }
};

void keep(std::optional<Counterexample>& slot, const std::vector<Choice>& path, uint32_t faults) {
  if (!slot || path.size() < slot->choices.size() ||
      (path.size() == slot->choices.size() && faults < slot->faults))
    slot = Counterexample{path, faults};
}

}  // namespace

SearchResult random_walks(const Model& model, const WalkOptions& options) {
  auto start = std::chrono::steady_clock::now();
  SearchResult r;
  const size_t n = model.properties().size();
  r.violations.resize(n);
  r.reached.assign(n, false);
  StateReport report;
  // Distinct states, by a 64-bit hash of their encoding: 8 bytes a state whatever its size, and a
  // collision only makes the count one lower.
  std::unordered_set<uint64_t> seen;
  uint64_t walks = 0;
  for (uint64_t run = 0; run < options.runs; ++run) {
    if (options.stop && options.stop->load()) {
      r.incomplete_reason = fmt::format(
          "random search, not a proof: interrupted after {} of {} walks", walks, options.runs);
      break;
    }
    ++walks;
    std::mt19937_64 rng(options.seed * 1000003 + run);
    std::string state = model.initial();
    std::vector<Choice> path;
    uint32_t faults = 0;
    for (uint32_t depth = 0;; ++depth) {
      seen.insert(std::hash<std::string_view>{}(state));
      r.depth = std::max<uint32_t>(r.depth, depth);
      report.clear();
      model.evaluate(state, report);
      for (PropertyId p : report.satisfied)
        if (p < n) r.reached[p] = true;
      for (PropertyId p : report.violated)
        if (p < n) keep(r.violations[p], path, faults);
      if (depth >= options.depth) break;
      Collect next;
      model.successors(state, next);
      r.transitions += next.steps.size();
      if (next.steps.empty()) break;
      const Step& s =
          next.steps[std::uniform_int_distribution<size_t>(0, next.steps.size() - 1)(rng)];
      path.push_back(s.choice);
      faults += s.fault ? 1 : 0;
      if (s.failure) {
        if (s.property < n) keep(r.violations[s.property], path, faults);
        break;
      }
      state = s.next;
    }
  }
  r.states = seen.size();
  r.complete = false;
  if (r.incomplete_reason.empty())
    r.incomplete_reason = fmt::format("random search, not a proof: {} walk{} of at most {} steps",
                                      walks, walks == 1 ? "" : "s", options.depth);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace lockcheck::engine
