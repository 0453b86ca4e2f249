// A tree-compressed set of visited states, as in LTSmin's tree database: the same interface and
// the same numbering (0, 1, 2, ... in insertion order) as StateStore, in a fraction of the memory.
//
// A state of L bytes is padded with zero bytes to n = ceil(L / 4) 32-bit words, and the words are
// split recursively into halves (the left half gets the extra word): a part of one word is the
// word itself, a part of two or more words is a node, the pair of its halves' references, stored
// once in a shared node table and referred to by its number there. The state is its root: the
// pair of its two halves' references (n = 1: the word and 0; n = 0: 0), kept in the root table at
// the state's number, plus its length (a one-byte code per state into a table of the distinct
// lengths; the shape of the tree follows from the length). States that agree on a part share its
// node, so once the tables saturate a new state costs its root entry and a few nodes.
//
// Both tables are an array of 64-bit pairs in insertion order (the number of a pair is its
// position) and an open-addressing index of 32-bit slots (number + 1, 0: empty), linearly probed,
// positioned by a hash of the pair (for roots: of the pair and the length, as "a" and "a\0" have
// the same root) and grown by re-reading the array. About 8 + 4 / load bytes per entry.
//
// get() decodes into a buffer: the one given, or a per-thread buffer that the next get() on the
// same thread (of any TreeStore) overwrites. lookup(), find() and get() may run concurrently from
// several threads as long as nothing is added.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "checker/engine/chunked_array.h"
#include "checker/engine/memory_meter.h"
#include "checker/engine/state_store.h"

namespace lockcheck::engine {

class TreeStore {
 public:
  static constexpr uint32_t kNone = StateStore::kNone;
  static constexpr uint64_t kMaxStates = StateStore::kMaxStates;
  using Lookup = StateStore::Lookup;

  explicit TreeStore(MemoryMeter* meter);
  TreeStore(const TreeStore&) = delete;
  TreeStore& operator=(const TreeStore&) = delete;
  ~TreeStore() = default;

  // `hash` (hash_state of the bytes, as StateStore takes it) is not used: the tables hash pairs.
  Lookup lookup(std::string_view bytes, uint64_t hash) const;
  uint32_t find(std::string_view bytes) const;

  // An upper bound of what add() allocates for a state of `length` bytes (a new node for every
  // part, table growth, new chunks).
  uint64_t bytes_to_add(std::size_t length) const;
  // Adds a state that the latest lookup found absent; returns its number.
  uint32_t add(std::string_view bytes, uint64_t hash, const Lookup& where);
  std::pair<uint32_t, bool> insert(std::string_view bytes);

  // The state's bytes, decoded into `buffer`.
  std::string_view get(uint32_t id, std::string& buffer) const;
  // The same, in a per-thread buffer: valid until the next get() on this thread.
  std::string_view get(uint32_t id) const;

  uint64_t size() const { return roots_.size(); }
  uint64_t node_count() const { return nodes_.size(); }
  // Bytes held: both tables, the length codes.
  uint64_t allocated_bytes() const;

 private:
  // An open-addressing index of numbers (slot: number + 1, 0: empty), positioned by the top bits
  // of a hash and linearly probed; the caller compares the entries and rehashes them on growth.
  class Index {
   public:
    explicit Index(MemoryMeter* meter);
    template <class Same>
    uint32_t find(uint64_t hash, Same same) const;  // kNone when absent
    // Adds number `id` (absent so far) as the `count`-th entry; may grow, rehashing every number
    // below `count` with `hash_of`.
    template <class HashOf>
    void add(uint64_t hash, uint32_t id, uint64_t count, HashOf hash_of);
    // The bytes that the growth for `count` + `more` entries would allocate.
    uint64_t bytes_to_grow(uint64_t count, uint64_t more) const;
    uint64_t allocated_bytes() const { return index_.capacity() * sizeof(uint32_t); }

   private:
    MeteredVector<uint32_t> index_;
    unsigned bits_ = 0;
    uint64_t mask_ = 0;
  };

  // The state last decoded by get() on this thread, with the reference of every part: a state
  // looked up on the same thread shares most parts with it (a successor with its parent), and
  // equal words give the reference without a probe.
  struct Decoded;
  static Decoded& decoded_on_this_thread();
  const Decoded* hint(std::size_t length) const;

  // The reference of words [first, last) of `bytes`, the part at `position` in the tree (the
  // root's halves are 2 and 3, the halves of p are 2p and 2p + 1); false when a node is missing.
  bool find_ref(std::string_view bytes, uint32_t first, uint32_t last, uint32_t position,
                const Decoded* hint, uint32_t& ref) const;
  uint32_t add_ref(std::string_view bytes, uint32_t first, uint32_t last, uint32_t position,
                   const Decoded* hint);
  bool find_root(std::string_view bytes, uint64_t& root) const;
  uint64_t add_root(std::string_view bytes);
  std::string_view decode(uint32_t id, std::string& buffer, uint32_t* refs) const;
  void expand(uint32_t ref, uint32_t first, uint32_t last, uint32_t position, char* out,
              uint32_t* refs) const;
  uint32_t length_of(uint32_t id) const;
  uint8_t length_code(uint32_t length);

  uint64_t root_hash(uint64_t root, uint32_t length) const;
  uint32_t find_node(uint64_t pair) const;
  uint32_t find_or_add_node(uint64_t pair);

  uint64_t serial_;               // tells this store's hints from others'
  ChunkedArray<uint64_t> nodes_;  // by number
  Index node_index_;
  ChunkedArray<uint64_t> roots_;  // by state number
  Index root_index_;
  ChunkedArray<uint8_t> length_codes_;  // per state: an index into lengths_, or kOtherLength
  MeteredVector<uint32_t> lengths_;     // the distinct lengths seen, at most kOtherLength
  struct OtherLength {
    uint32_t id;
    uint32_t length;
  };
  MeteredVector<OtherLength> other_lengths_;  // by increasing id, once lengths_ is full
};

}  // namespace lockcheck::engine
