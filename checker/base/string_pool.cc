#include "checker/base/string_pool.h"

#include <bit>
#include <stdexcept>

namespace lockcheck {

StringPool::~StringPool() {
  for (auto& chunk : chunks_) delete[] chunk.load(std::memory_order_relaxed);
}

unsigned StringPool::chunk_of(uint64_t id, uint64_t& offset) {
  const uint64_t shifted = id + (uint64_t{1} << kFirstBits);
  const auto top = static_cast<unsigned>(std::bit_width(shifted)) - 1;  // >= kFirstBits
  offset = shifted - (uint64_t{1} << top);
  return top - kFirstBits;
}

int64_t StringPool::intern(std::string_view s) {
  std::lock_guard lock(mu_);
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const uint64_t id = size_.load(std::memory_order_relaxed);
  uint64_t offset = 0;
  const unsigned k = chunk_of(id, offset);
  if (k >= kChunks) throw std::length_error("too many distinct texts");
  std::string* chunk = chunks_[k].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new std::string[uint64_t{1} << (k + kFirstBits)];
    chunks_[k].store(chunk, std::memory_order_release);
  }
  chunk[offset] = s;
  size_.store(id + 1, std::memory_order_release);
  ids_.emplace(chunk[offset], static_cast<int64_t>(id));
  return static_cast<int64_t>(id);
}

const std::string& StringPool::text(int64_t id) const {
  if (id < 0 || static_cast<uint64_t>(id) >= size_.load(std::memory_order_acquire)) {
    throw std::out_of_range("unknown text id");
  }
  uint64_t offset = 0;
  const unsigned k = chunk_of(static_cast<uint64_t>(id), offset);
  return chunks_[k].load(std::memory_order_acquire)[offset];
}

}  // namespace lockcheck
