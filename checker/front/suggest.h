// "Did you mean" for the front end: closest_match() from checker/base, plus one swap of two
// neighbouring letters (`tires` for `tries`), a slip that plain edit distance counts twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockcheck::front {

// The best candidate, or "" when none is close.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lockcheck::front
