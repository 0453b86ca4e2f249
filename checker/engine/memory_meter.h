// Counts the engine's own allocations (store, per-state arrays, queues, worker buffers), so that
// peak_memory_bytes is measured rather than estimated, and so that the memory limit can be
// checked before a large allocation is made.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lockcheck::engine {

class MemoryMeter {
 public:
  explicit MemoryMeter(uint64_t limit = 0) : limit_(limit) {}
  MemoryMeter(const MemoryMeter&) = delete;
  MemoryMeter& operator=(const MemoryMeter&) = delete;

  void add(uint64_t bytes) {
    uint64_t now = current_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    uint64_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
  }
  void remove(uint64_t bytes) { current_.fetch_sub(bytes, std::memory_order_relaxed); }

  uint64_t current() const { return current_.load(std::memory_order_relaxed); }
  uint64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }
  // Whether `bytes` more would stay within the limit (0: no limit).
  bool fits(uint64_t bytes) const { return limit_ == 0 || current() + bytes <= limit_; }
  bool over_limit() const { return limit_ != 0 && current() > limit_; }

 private:
  uint64_t limit_;
  std::atomic<uint64_t> current_{0};
  std::atomic<uint64_t> peak_{0};
};

// A std::allocator that reports to a MemoryMeter. Stateful: containers using it must be given one.
template <class T>
class MeteredAllocator {
 public:
  using value_type = T;

  explicit MeteredAllocator(MemoryMeter* meter) noexcept : meter_(meter) {}
  template <class U>
  MeteredAllocator(const MeteredAllocator<U>& other) noexcept : meter_(other.meter()) {}

  T* allocate(std::size_t n) {
    T* p = std::allocator<T>().allocate(n);
    meter_->add(n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    meter_->remove(n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  MemoryMeter* meter() const noexcept { return meter_; }

  template <class U>
  bool operator==(const MeteredAllocator<U>& other) const noexcept {
    return meter_ == other.meter();
  }

 private:
  MemoryMeter* meter_;
};

template <class T>
using MeteredVector = std::vector<T, MeteredAllocator<T>>;

}  // namespace lockcheck::engine
