// The set of visited states: each state's bytes stored once in an arena of chunks, found again
// through an open-addressing index. States are numbered 0, 1, 2, ... in insertion order; the
// search keeps its per-state data (parent, choice, faults) in arrays indexed by that number.
//
// Layout: the arena holds, per state, a varint length and the bytes; a locator per state gives
// (chunk << 40 | position). The index is a power-of-two table of 64-bit slots, linearly probed:
// high 32 bits are the top half of the state's hash (the tag, which also gives the position, so
// growing never re-reads the arena), low 32 bits the state number + 1 (0: empty).
//
// lookup() and get() may run concurrently from several threads, also while one thread adds states,
// except for an add() that add_moves() announces: that one must run alone. A slot is published
// (with release order) only after the state's bytes and locator are written, so a reader that
// finds a number can read its state.
#pragma once

#include <cstdint>
#include <string_view>

#include "checker/engine/chunked_array.h"
#include "checker/engine/memory_meter.h"

namespace lockcheck::engine {

class StateStore {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // State numbers fit in the 32 low bits of a slot, with 0 meaning empty.
  static constexpr uint64_t kMaxStates = UINT32_MAX - 1;

  struct Lookup {
    uint32_t id = kNone;  // the state's number, or kNone when absent
    uint64_t slot = 0;    // when absent: the empty slot where it would go
  };

  explicit StateStore(MemoryMeter* meter);
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;
  ~StateStore();

  Lookup lookup(std::string_view bytes, uint64_t hash) const;
  // The number of `bytes`, or kNone.
  uint32_t find(std::string_view bytes) const;

  // The bytes add() would allocate to store a state of `length` bytes (index growth, a new arena
  // chunk, a new locator chunk), so that the caller can respect a memory limit beforehand.
  uint64_t bytes_to_add(std::size_t length) const;
  // Adds a state that `where` (the latest lookup, with no add since) found absent; returns its
  // number. The caller keeps size() below kMaxStates.
  uint32_t add(std::string_view bytes, uint64_t hash, const Lookup& where);
  // Whether adding a state of `length` bytes moves memory that concurrent readers use (the index
  // grows, a table of chunks is reallocated): such an add() must not overlap lookup() or get().
  bool add_moves(std::size_t length) const;
  // Looks up and adds when absent. Returns the number and whether it was added.
  std::pair<uint32_t, bool> insert(std::string_view bytes);

  std::string_view get(uint32_t id) const;
  uint64_t size() const { return locators_.size(); }

  // Bytes held: arena chunks, locators, index.
  uint64_t allocated_bytes() const;
  // State bytes plus their length prefixes (no chunk slack).
  uint64_t arena_used_bytes() const { return arena_used_; }

 private:
  struct Chunk {
    char* data;
    uint64_t size;
  };

  uint64_t position_of(uint64_t hash) const { return (hash >> 32) >> (32 - index_bits_); }
  bool needs_growth() const;
  void grow_index();
  uint64_t arena_bytes_needed(std::size_t length) const;
  char* arena_reserve(uint64_t bytes, uint64_t& locator);

  MemoryMeter* meter_;
  MeteredVector<uint64_t> index_;
  unsigned index_bits_ = 0;
  uint64_t index_mask_ = 0;
  ChunkedArray<uint64_t> locators_;
  MeteredVector<Chunk> chunks_;
  uint64_t chunk_used_ = 0;          // in the last chunk
  uint64_t next_chunk_size_ = 4096;  // grows geometrically up to kMaxChunkSize
  uint64_t arena_allocated_ = 0;
  uint64_t arena_used_ = 0;
};

}  // namespace lockcheck::engine
