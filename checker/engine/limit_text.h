// The words of the search's incomplete_reason, and the number formats they use.
#pragma once

#include <cstdint>
#include <string>

namespace lockcheck::engine {

std::string format_count(uint64_t n);  // 1234567 -> "1,234,567"
std::string format_bytes(uint64_t n);  // "512 bytes", "64.0 KiB", "1.5 MiB", "8.0 GiB"
std::string format_seconds(double s);  // 2 -> "2 s", 0.25 -> "0.25 s"

std::string state_limit_reason(uint64_t max_states);  // "state limit (1,000 states) reached"
std::string memory_limit_reason(uint64_t max_bytes);  // "memory limit (8.0 GiB) reached"
std::string time_limit_reason(double max_seconds);    // "time limit (2 s) reached"
inline constexpr const char* kInterruptedReason = "interrupted";

}  // namespace lockcheck::engine
