// A fast 64-bit hash of state bytes. The store takes its table position from the top bits, so the
// finalizer must spread every input bit over the whole word.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace lockcheck::engine {

inline uint64_t mix64(uint64_t x) {  // the murmur3 / splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t hash_state(std::string_view bytes) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  uint64_t h = n * kMul;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ mix64(word)) * kMul;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ mix64(word ^ (uint64_t{n} << 56))) * kMul;
  }
  return mix64(h);
}

}  // namespace lockcheck::engine
