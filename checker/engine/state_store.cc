#include "checker/engine/state_store.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "checker/engine/state_hash.h"

namespace lockcheck::engine {
namespace {

constexpr unsigned kInitialIndexBits = 6;
constexpr unsigned kMaxIndexBits = 32;  // positions come from the 32-bit tag
constexpr uint64_t kMaxChunkSize = uint64_t{4} << 20;
constexpr unsigned kPositionBits = 40;
constexpr uint64_t kPositionMask = (uint64_t{1} << kPositionBits) - 1;

unsigned varint_length(uint64_t v) {
  unsigned n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

StateStore::StateStore(MemoryMeter* meter)
    : meter_(meter),
      index_(MeteredAllocator<uint64_t>(meter)),
      locators_(meter),
      chunks_(MeteredAllocator<Chunk>(meter)) {
  index_bits_ = kInitialIndexBits;
  index_.assign(uint64_t{1} << index_bits_, 0);
  index_mask_ = index_.size() - 1;
}

StateStore::~StateStore() {
  for (const Chunk& c : chunks_) MeteredAllocator<char>(meter_).deallocate(c.data, c.size);
}

StateStore::Lookup StateStore::lookup(std::string_view bytes, uint64_t hash) const {
  const uint64_t tag = hash >> 32;
  uint64_t pos = position_of(hash);
  for (;;) {
    // Acquire: a slot published by a concurrent add() comes with its state's bytes.
    uint64_t slot = std::atomic_ref<uint64_t>(const_cast<uint64_t&>(index_[pos]))
                        .load(std::memory_order_acquire);
    if (slot == 0) return {kNone, pos};
    if ((slot >> 32) == tag) {
      auto id = static_cast<uint32_t>(slot) - 1;
      if (get(id) == bytes) return {id, pos};
    }
    pos = (pos + 1) & index_mask_;
  }
}

uint32_t StateStore::find(std::string_view bytes) const {
  return lookup(bytes, hash_state(bytes)).id;
}

bool StateStore::needs_growth() const {
  // Linear probing stays fast below a load of 0.7; at the largest table we let the load rise.
  return index_bits_ < kMaxIndexBits && (size() + 1) * 10 > index_.size() * 7;
}

void StateStore::grow_index() {
  MeteredVector<uint64_t> bigger{MeteredAllocator<uint64_t>(meter_)};
  unsigned bits = index_bits_ + 1;
  bigger.assign(uint64_t{1} << bits, 0);
  uint64_t mask = bigger.size() - 1;
  for (uint64_t slot : index_) {
    if (slot == 0) continue;
    uint64_t pos = (slot >> 32) >> (32 - bits);
    while (bigger[pos] != 0) pos = (pos + 1) & mask;
    bigger[pos] = slot;
  }
  index_.swap(bigger);
  index_bits_ = bits;
  index_mask_ = mask;
}

uint64_t StateStore::arena_bytes_needed(std::size_t length) const {
  return varint_length(length) + length;
}

uint64_t StateStore::bytes_to_add(std::size_t length) const {
  uint64_t bytes = locators_.bytes_to_push();
  if (needs_growth()) bytes += index_.size() * 2 * sizeof(uint64_t);
  uint64_t need = arena_bytes_needed(length);
  if (chunks_.empty() || chunk_used_ + need > chunks_.back().size) {
    bytes += std::max(next_chunk_size_, need);
    if (chunks_.size() == chunks_.capacity()) bytes += (chunks_.size() + 1) * 2 * sizeof(Chunk);
  }
  return bytes;
}

char* StateStore::arena_reserve(uint64_t bytes, uint64_t& locator) {
  if (chunks_.empty() || chunk_used_ + bytes > chunks_.back().size) {
    uint64_t size = std::max(next_chunk_size_, bytes);
    next_chunk_size_ = std::min(next_chunk_size_ * 2, kMaxChunkSize);
    chunks_.push_back({MeteredAllocator<char>(meter_).allocate(size), size});
    arena_allocated_ += size;
    chunk_used_ = 0;
  }
  locator = (static_cast<uint64_t>(chunks_.size() - 1) << kPositionBits) | chunk_used_;
  char* at = chunks_.back().data + chunk_used_;
  chunk_used_ += bytes;
  arena_used_ += bytes;
  return at;
}

uint32_t StateStore::add(std::string_view bytes, uint64_t hash, const Lookup& where) {
  uint64_t slot = where.slot;
  if (needs_growth()) {
    grow_index();
    slot = position_of(hash);
    while (index_[slot] != 0) slot = (slot + 1) & index_mask_;
  }
  uint64_t locator = 0;
  char* at = arena_reserve(arena_bytes_needed(bytes.size()), locator);
  uint64_t length = bytes.size();
  while (length >= 0x80) {
    *at++ = static_cast<char>((length & 0x7f) | 0x80);
    length >>= 7;
  }
  *at++ = static_cast<char>(length);
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());

  auto id = static_cast<uint32_t>(size());
  locators_.push_back(locator);
  std::atomic_ref<uint64_t>(index_[slot])
      .store(((hash >> 32) << 32) | (uint64_t{id} + 1), std::memory_order_release);
  return id;
}

bool StateStore::add_moves(std::size_t length) const {
  if (needs_growth() || locators_.push_moves()) return true;
  const bool new_chunk =
      chunks_.empty() || chunk_used_ + arena_bytes_needed(length) > chunks_.back().size;
  return new_chunk && chunks_.size() == chunks_.capacity();
}

std::pair<uint32_t, bool> StateStore::insert(std::string_view bytes) {
  uint64_t hash = hash_state(bytes);
  Lookup where = lookup(bytes, hash);
  if (where.id != kNone) return {where.id, false};
  return {add(bytes, hash, where), true};
}

std::string_view StateStore::get(uint32_t id) const {
  uint64_t locator = locators_[id];
  const char* p = chunks_[locator >> kPositionBits].data + (locator & kPositionMask);
  uint64_t length = 0;
  for (unsigned shift = 0;; shift += 7) {
    auto b = static_cast<uint8_t>(*p++);
    length |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  return {p, length};
}

uint64_t StateStore::allocated_bytes() const {
  return arena_allocated_ + chunks_.capacity() * sizeof(Chunk) + locators_.allocated_bytes() +
         index_.capacity() * sizeof(uint64_t);
}

}  // namespace lockcheck::engine
