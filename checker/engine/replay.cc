#include "checker/engine/replay.h"

#include <fmt/format.h>

namespace lockcheck::engine {
namespace {

// Keeps the first transition with the wanted choice, and the list of choices offered.
class PickSink final : public SuccessorSink {
 public:
  explicit PickSink(Choice wanted) : wanted_(wanted) {}
  void state(Choice c, bool fault, std::string_view next) override {
    offer(c);
    if (c == wanted_ && !found) {
      found = true;
      next_state.assign(next);
    }
  }
  void failure(Choice c, bool fault, PropertyId p) override {
    offer(c);
    if (c == wanted_ && !found) {
      found = true;
      failed = p;
    }
  }

  bool found = false;
  std::string next_state;
  std::optional<PropertyId> failed;
  std::vector<Choice> offered;

 private:
  void offer(Choice c) {
    if (offered.empty() || offered.back() != c) offered.push_back(c);
  }
  Choice wanted_;
};

std::string list_choices(const std::vector<Choice>& choices) {
  if (choices.empty()) return "no choices";
  return fmt::format("choice{} {}", choices.size() == 1 ? "" : "s", fmt::join(choices, ", "));
}

}  // namespace

std::vector<std::string> replay(const Model& model, const std::vector<Choice>& choices,
                                std::string& error, std::optional<PropertyId>* failed) {
  error.clear();
  if (failed) failed->reset();
  std::vector<std::string> states;
  states.push_back(model.initial());
  for (std::size_t i = 0; i < choices.size(); ++i) {
    PickSink sink(choices[i]);
    model.successors(states.back(), sink);
    if (!sink.found) {
      error = fmt::format("step {}: choice {} is not available; the state offers {}", i + 1,
                          choices[i], list_choices(sink.offered));
      return states;
    }
    if (sink.failed) {
      if (i + 1 != choices.size()) {
        error = fmt::format("step {}: choice {} is a failing transition, but the trace goes on",
                            i + 1, choices[i]);
        return states;
      }
      if (failed) *failed = sink.failed;
      return states;
    }
    states.push_back(std::move(sink.next_state));
  }
  return states;
}

}  // namespace lockcheck::engine
