// Interns text values. Ids are stable for the life of the pool. Interning is thread-safe because
// Redis key names are built at run time (`lock:${seat}`) by whichever thread expands the state;
// reading a text is lock-free, as every search thread compares texts (row order, SQL, Redis).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lockcheck {

class StringPool {
 public:
  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  ~StringPool();

  int64_t intern(std::string_view s);
  // The text of an id returned by intern(). References stay valid while the pool lives. Throws
  // std::out_of_range for an id never returned.
  const std::string& text(int64_t id) const;

 private:
  // Texts live in chunks that never move: chunk k holds 2^(k + kFirstBits) texts, so 27 chunks
  // hold 2^32. A chunk is published (release) before any id in it is handed out.
  static constexpr unsigned kFirstBits = 5;
  static constexpr unsigned kChunks = 27;
  static unsigned chunk_of(uint64_t id, uint64_t& offset);

  std::mutex mu_;  // intern() only
  std::array<std::atomic<std::string*>, kChunks> chunks_{};
  std::atomic<uint64_t> size_{0};
  std::unordered_map<std::string_view, int64_t> ids_;
};

}  // namespace lockcheck
