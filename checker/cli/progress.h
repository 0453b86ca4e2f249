// The progress line drawn on stderr while a search runs, when stderr is a terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checker/engine/search.h"

namespace lockcheck::cli {

// 512 -> "512 B", 1536 -> "1.5 KiB", 8 << 30 -> "8.0 GiB".
std::string format_bytes(uint64_t bytes);

// "specs/a.lcs: 12,345 states (6,172/s), depth 7, queue 1,024, 1.5 MiB", without line control.
std::string progress_line(std::string_view file, const engine::Progress& p);

}  // namespace lockcheck::cli
