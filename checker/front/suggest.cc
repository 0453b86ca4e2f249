#include "checker/front/suggest.h"

#include <fmt/format.h>

#include <utility>

#include "checker/base/diagnostics.h"

namespace lockcheck::front {

namespace {

bool one_swap_apart(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a == b) return false;
  size_t i = 0;
  while (a[i] == b[i]) ++i;
  if (i + 1 >= a.size() || a[i] != b[i + 1] || a[i + 1] != b[i]) return false;
  return a.substr(i + 2) == b.substr(i + 2);
}

}  // namespace

std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  // With one or two letters every short name is "close"; only a swap counts then.
  if (word.size() > 2) {
    std::string best = closest_match(word, candidates);
    if (!best.empty()) return best;
  }
  for (const std::string& c : candidates) {
    if (one_swap_apart(word, c)) return c;
  }
  return "";
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = suggest(word, candidates);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

}  // namespace lockcheck::front
