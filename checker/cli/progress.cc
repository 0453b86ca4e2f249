#include "checker/cli/progress.h"

#include <fmt/format.h>

#include "reports/text_report.h"

namespace lockcheck::cli {

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string format_elapsed(double seconds) {
  uint64_t s = seconds > 0 ? static_cast<uint64_t>(seconds) : 0;
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, s % 3600 / 60);
}

std::string progress_line(std::string_view file, const engine::Progress& p, uint64_t memory_limit) {
  uint64_t rate =
      p.seconds > 0 ? static_cast<uint64_t>(static_cast<double>(p.states) / p.seconds) : 0;
  std::string memory = format_bytes(p.memory_bytes);
  if (memory_limit > 0) memory += " of " + format_bytes(memory_limit);
  return fmt::format("{}: {} states ({}/s), depth {}, queue {}, {}, {}", file,
                     reports::with_thousands(p.states), reports::with_thousands(rate),
                     reports::with_thousands(p.depth), reports::with_thousands(p.queue), memory,
                     format_elapsed(p.seconds));
}

}  // namespace lockcheck::cli
