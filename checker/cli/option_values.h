// Parsing of the values of `lockcheck check` options, each accepting exactly the documented forms
// so that a typo is a usage error rather than a silently different run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lockcheck::cli {

// "NAME=VALUE" with NAME an identifier and VALUE a decimal integer ("SEATS=2", "DELTA=-1").
std::optional<std::pair<std::string, int64_t>> parse_const(std::string_view text);

// A whole number of decimal digits ("1000"), without sign or separators.
std::optional<uint64_t> parse_count(std::string_view text);

// A size in bytes: plain bytes ("1000000") or with a binary unit K, M, G or T, optionally
// followed by B or iB, in any case ("512M", "8G", "64KiB", "2gb").
std::optional<uint64_t> parse_size(std::string_view text);

// A non-negative, finite number of seconds ("10", "0.5").
std::optional<double> parse_seconds(std::string_view text);

// The MemAvailable line of /proc/meminfo ("MemAvailable:   8048576 kB"), in bytes.
std::optional<uint64_t> parse_mem_available(std::string_view meminfo);

// The memory limit of a search without --max-memory: 80% of the memory available when lockcheck
// starts, so that a spec too large for the machine stops incomplete (exit 3) instead of being
// killed. 0 (no limit) when the available memory is unknown.
inline uint64_t default_memory_limit(uint64_t available_bytes) { return available_bytes / 5 * 4; }

}  // namespace lockcheck::cli
