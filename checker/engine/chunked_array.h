// A growable array of trivial values kept in fixed-size chunks: growing never copies (no 3x
// transient like a doubling vector), element addresses are stable, and every chunk is metered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "checker/engine/memory_meter.h"

namespace lockcheck::engine {

template <class T>
class ChunkedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr unsigned kShift = 12;
  static constexpr uint64_t kChunkElements = uint64_t{1} << kShift;

  explicit ChunkedArray(MemoryMeter* meter) : meter_(meter), chunks_(MeteredAllocator<T*>(meter)) {}
  ChunkedArray(const ChunkedArray&) = delete;
  ChunkedArray& operator=(const ChunkedArray&) = delete;
  ~ChunkedArray() { release(); }

  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](uint64_t i) { return chunks_[i >> kShift][i & (kChunkElements - 1)]; }
  const T& operator[](uint64_t i) const { return chunks_[i >> kShift][i & (kChunkElements - 1)]; }

  // What the next push_back would allocate (0 when it fits in the chunks already held).
  uint64_t bytes_to_push() const {
    if (size_ < chunks_.size() * kChunkElements) return 0;
    uint64_t bytes = kChunkElements * sizeof(T);
    if (chunks_.size() == chunks_.capacity()) bytes += (chunks_.size() + 1) * 2 * sizeof(T*);
    return bytes;
  }

  // What `count` more push_backs would allocate, at most.
  uint64_t bytes_to_push(uint64_t count) const {
    const uint64_t need = (size_ + count + kChunkElements - 1) >> kShift;
    if (need <= chunks_.size()) return 0;
    uint64_t bytes = (need - chunks_.size()) * kChunkElements * sizeof(T);
    if (need > chunks_.capacity()) bytes += need * 4 * sizeof(T*);  // the vector's growth
    return bytes;
  }

  // Whether the next push_back reallocates the table of chunks (the only step that moves memory
  // a concurrent reader of other elements could be using).
  bool push_moves() const {
    return size_ == chunks_.size() * kChunkElements && chunks_.size() == chunks_.capacity();
  }

  void push_back(T value) {
    if (size_ == chunks_.size() * kChunkElements) {
      chunks_.push_back(MeteredAllocator<T>(meter_).allocate(kChunkElements));
    }
    (*this)[size_++] = value;
  }

  // Empties the array but keeps its chunks for reuse.
  void clear() { size_ = 0; }

  void release() {
    for (T* chunk : chunks_) MeteredAllocator<T>(meter_).deallocate(chunk, kChunkElements);
    chunks_.clear();
    chunks_.shrink_to_fit();
    size_ = 0;
  }

  uint64_t allocated_bytes() const {
    return chunks_.size() * kChunkElements * sizeof(T) + chunks_.capacity() * sizeof(T*);
  }

 private:
  MemoryMeter* meter_;
  MeteredVector<T*> chunks_;
  uint64_t size_ = 0;
};

}  // namespace lockcheck::engine
