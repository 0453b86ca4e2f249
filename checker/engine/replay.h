// Turns a trace (a list of choices) back into states, by re-running the model's successors from
// the initial state and following the given choice at each step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/engine/model.h"

namespace lockcheck::engine {

// Returns the states along `choices`, the initial state first: choices.size() + 1 states.
// When the last choice is a failing transition (an assert, a model error), there is no state
// after it: choices.size() states are returned and `*failed`, when given, is set to the property
// that failed (else it is reset). On a choice that is not available, `error` says which step
// ("step 3: choice 7 is not available; the state offers choices 0, 1, 4") and the states reached
// before that step are returned; `error` is cleared on success.
std::vector<std::string> replay(const Model& model, const std::vector<Choice>& choices,
                                std::string& error, std::optional<PropertyId>* failed = nullptr);

}  // namespace lockcheck::engine
