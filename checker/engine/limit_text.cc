#include "checker/engine/limit_text.h"

#include <fmt/format.h>

namespace lockcheck::engine {

std::string format_count(uint64_t n) {
  std::string digits = fmt::format("{}", n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_bytes(uint64_t n) {
  constexpr double kKiB = 1024.0;
  if (n == 1) return "1 byte";
  if (n < 1024) return fmt::format("{} bytes", n);
  auto v = static_cast<double>(n);
  if (v < kKiB * kKiB) return fmt::format("{:.1f} KiB", v / kKiB);
  if (v < kKiB * kKiB * kKiB) return fmt::format("{:.1f} MiB", v / (kKiB * kKiB));
  if (v < kKiB * kKiB * kKiB * kKiB) return fmt::format("{:.1f} GiB", v / (kKiB * kKiB * kKiB));
  return fmt::format("{:.1f} TiB", v / (kKiB * kKiB * kKiB * kKiB));
}

std::string format_seconds(double s) { return fmt::format("{} s", s); }

std::string state_limit_reason(uint64_t max_states) {
  return fmt::format("state limit ({} {}) reached", format_count(max_states),
                     max_states == 1 ? "state" : "states");
}

std::string memory_limit_reason(uint64_t max_bytes) {
  return fmt::format("memory limit ({}) reached", format_bytes(max_bytes));
}

std::string time_limit_reason(double max_seconds) {
  return fmt::format("time limit ({}) reached", format_seconds(max_seconds));
}

}  // namespace lockcheck::engine
