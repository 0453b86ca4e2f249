// The progress line drawn on stderr while a search runs, when stderr is a terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checker/engine/search.h"

namespace lockcheck::cli {

// 512 -> "512 B", 1536 -> "1.5 KiB", 8 << 30 -> "8.0 GiB".
std::string format_bytes(uint64_t bytes);

// 7 -> "7 s", 125 -> "2 min 05 s", 3725 -> "1 h 02 min".
std::string format_elapsed(double seconds);

// "specs/a.lcs: 12,345 states (6,172/s), depth 7, queue 1,024, 1.5 MiB of 8.0 GiB, 2 s", without
// line control; "of ..." only with a memory limit (`memory_limit` > 0).
std::string progress_line(std::string_view file, const engine::Progress& p,
                          uint64_t memory_limit = 0);

}  // namespace lockcheck::cli
