#include "checker/engine/tree_store.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "checker/engine/state_hash.h"

namespace lockcheck::engine {
namespace {

constexpr unsigned kInitialIndexBits = 6;
constexpr unsigned kMaxIndexBits = 32;  // numbers are 32-bit, so a full-size table never fills
constexpr uint8_t kOtherLength = 255;
constexpr uint64_t kMaxNodes = UINT32_MAX - 1;  // UINT32_MAX is kNone

uint32_t word_count(std::size_t length) { return static_cast<uint32_t>((length + 3) / 4); }

// Word i of the bytes, padded with zero bytes.
uint32_t word_at(std::string_view bytes, uint32_t i) {
  uint32_t word = 0;
  const std::size_t at = std::size_t{i} * 4;
  std::memcpy(&word, bytes.data() + at, std::min<std::size_t>(4, bytes.size() - at));
  return word;
}

uint64_t pair_of(uint32_t left, uint32_t right) { return (uint64_t{left} << 32) | right; }

// Words [first, last) split into [first, middle) and [middle, last).
uint32_t middle(uint32_t first, uint32_t last) { return first + (last - first + 1) / 2; }

std::atomic<uint64_t> next_serial{1};

bool index_full(unsigned bits, uint64_t entries) {
  // Linear probing stays fast below a load of 0.7; at the largest table the load may rise.
  return bits < kMaxIndexBits && entries * 10 > (uint64_t{1} << bits) * 7;
}

}  // namespace

TreeStore::Index::Index(MemoryMeter* meter) : index_(MeteredAllocator<uint32_t>(meter)) {
  bits_ = kInitialIndexBits;
  index_.assign(uint64_t{1} << bits_, 0);
  mask_ = index_.size() - 1;
}

template <class Same>
uint32_t TreeStore::Index::find(uint64_t hash, Same same) const {
  for (uint64_t pos = hash >> (64 - bits_);; pos = (pos + 1) & mask_) {
    const uint32_t slot = index_[pos];
    if (slot == 0) return kNone;
    if (same(slot - 1)) return slot - 1;
  }
}

template <class HashOf>
void TreeStore::Index::add(uint64_t hash, uint32_t id, uint64_t count, HashOf hash_of) {
  if (index_full(bits_, count + 1)) {
    const unsigned bits = bits_ + 1;
    MeteredVector<uint32_t> bigger(index_.get_allocator());
    bigger.assign(uint64_t{1} << bits, 0);
    const uint64_t mask = bigger.size() - 1;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t pos = hash_of(i) >> (64 - bits);
      while (bigger[pos] != 0) pos = (pos + 1) & mask;
      bigger[pos] = static_cast<uint32_t>(i + 1);
    }
    index_.swap(bigger);
    bits_ = bits;
    mask_ = mask;
  }
  uint64_t pos = hash >> (64 - bits_);
  while (index_[pos] != 0) pos = (pos + 1) & mask_;
  index_[pos] = id + 1;
}

uint64_t TreeStore::Index::bytes_to_grow(uint64_t count, uint64_t more) const {
  unsigned bits = bits_;
  while (index_full(bits, count + more)) ++bits;
  if (bits == bits_) return 0;
  // At the last growth, the new table and the one before it (itself new when several).
  return (uint64_t{1} << bits) * 2 * sizeof(uint32_t);
}

struct TreeStore::Decoded {
  uint64_t store = 0;          // the serial of the store, 0: none
  uint32_t words = 0;          // n
  std::string bytes;           // n words, the padding zero
  std::vector<uint32_t> refs;  // by position in the tree

  // Whether words [first, last) of `state` are those of this state.
  bool same(std::string_view state, uint32_t first, uint32_t last) const {
    const std::size_t begin = std::size_t{first} * 4;
    const std::size_t end = std::size_t{last} * 4;
    const std::size_t given = std::min(end, state.size());
    if (std::memcmp(state.data() + begin, bytes.data() + begin, given - begin) != 0) return false;
    for (std::size_t i = given; i < end; ++i) {
      if (bytes[i] != 0) return false;
    }
    return true;
  }
};

TreeStore::Decoded& TreeStore::decoded_on_this_thread() {
  thread_local Decoded decoded;
  return decoded;
}

const TreeStore::Decoded* TreeStore::hint(std::size_t length) const {
  const Decoded& d = decoded_on_this_thread();
  return d.store == serial_ && d.words == word_count(length) ? &d : nullptr;
}

TreeStore::TreeStore(MemoryMeter* meter)
    : serial_(next_serial.fetch_add(1, std::memory_order_relaxed)),
      nodes_(meter),
      node_index_(meter),
      roots_(meter),
      root_index_(meter),
      length_codes_(meter),
      lengths_(MeteredAllocator<uint32_t>(meter)),
      other_lengths_(MeteredAllocator<OtherLength>(meter)) {}

uint64_t TreeStore::root_hash(uint64_t root, uint32_t length) const {
  return mix64(root + uint64_t{length} * 0x9e3779b97f4a7c15ULL);
}

uint32_t TreeStore::find_node(uint64_t pair) const {
  return node_index_.find(mix64(pair), [&](uint32_t id) { return nodes_[id] == pair; });
}

uint32_t TreeStore::find_or_add_node(uint64_t pair) {
  const uint64_t hash = mix64(pair);
  uint32_t id = node_index_.find(hash, [&](uint32_t i) { return nodes_[i] == pair; });
  if (id != kNone) return id;
  if (nodes_.size() >= kMaxNodes) throw std::length_error("the tree store is full (2^32 nodes)");
  id = static_cast<uint32_t>(nodes_.size());
  node_index_.add(hash, id, nodes_.size(), [&](uint64_t i) { return mix64(nodes_[i]); });
  nodes_.push_back(pair);
  return id;
}

bool TreeStore::find_ref(std::string_view bytes, uint32_t first, uint32_t last, uint32_t position,
                         const Decoded* hint, uint32_t& ref) const {
  if (last - first == 1) {
    ref = word_at(bytes, first);
    return true;
  }
  if (hint != nullptr && hint->same(bytes, first, last)) {
    ref = hint->refs[position];
    return true;
  }
  const uint32_t m = middle(first, last);
  uint32_t left = 0;
  uint32_t right = 0;
  if (!find_ref(bytes, first, m, 2 * position, hint, left) ||
      !find_ref(bytes, m, last, 2 * position + 1, hint, right)) {
    return false;
  }
  ref = find_node(pair_of(left, right));
  return ref != kNone;
}

uint32_t TreeStore::add_ref(std::string_view bytes, uint32_t first, uint32_t last,
                            uint32_t position, const Decoded* hint) {
  if (last - first == 1) return word_at(bytes, first);
  if (hint != nullptr && hint->same(bytes, first, last)) return hint->refs[position];
  const uint32_t m = middle(first, last);
  const uint32_t left = add_ref(bytes, first, m, 2 * position, hint);
  const uint32_t right = add_ref(bytes, m, last, 2 * position + 1, hint);
  return find_or_add_node(pair_of(left, right));
}

bool TreeStore::find_root(std::string_view bytes, uint64_t& root) const {
  const uint32_t n = word_count(bytes.size());
  if (n <= 1) {
    root = n == 0 ? 0 : pair_of(word_at(bytes, 0), 0);
    return true;
  }
  const uint32_t m = middle(0, n);
  const Decoded* h = hint(bytes.size());
  uint32_t left = 0;
  uint32_t right = 0;
  if (!find_ref(bytes, 0, m, 2, h, left) || !find_ref(bytes, m, n, 3, h, right)) return false;
  root = pair_of(left, right);
  return true;
}

uint64_t TreeStore::add_root(std::string_view bytes) {
  const uint32_t n = word_count(bytes.size());
  if (n <= 1) return n == 0 ? 0 : pair_of(word_at(bytes, 0), 0);
  const uint32_t m = middle(0, n);
  const Decoded* h = hint(bytes.size());
  const uint32_t left = add_ref(bytes, 0, m, 2, h);
  const uint32_t right = add_ref(bytes, m, n, 3, h);
  return pair_of(left, right);
}

uint32_t TreeStore::length_of(uint32_t id) const {
  const uint8_t code = length_codes_[id];
  if (code != kOtherLength) return lengths_[code];
  auto it = std::lower_bound(other_lengths_.begin(), other_lengths_.end(), id,
                             [](const OtherLength& o, uint32_t i) { return o.id < i; });
  return it->length;
}

uint8_t TreeStore::length_code(uint32_t length) {
  for (std::size_t c = 0; c < lengths_.size(); ++c) {
    if (lengths_[c] == length) return static_cast<uint8_t>(c);
  }
  if (lengths_.size() == kOtherLength) return kOtherLength;
  lengths_.push_back(length);
  return static_cast<uint8_t>(lengths_.size() - 1);
}

TreeStore::Lookup TreeStore::lookup(std::string_view bytes, uint64_t /*hash*/) const {
  uint64_t root = 0;
  if (!find_root(bytes, root)) return {kNone, 0};  // a part never seen: a new state
  const std::size_t length = bytes.size();
  const uint32_t id =
      root_index_.find(root_hash(root, static_cast<uint32_t>(length)),
                       [&](uint32_t i) { return roots_[i] == root && length_of(i) == length; });
  return {id, 0};
}

uint32_t TreeStore::find(std::string_view bytes) const { return lookup(bytes, 0).id; }

uint64_t TreeStore::bytes_to_add(std::size_t length) const {
  const uint32_t n = word_count(length);
  const uint64_t new_nodes = n >= 2 ? n - 2 : 0;  // n - 1 pairs in all, the root not in nodes_
  uint64_t bytes = nodes_.bytes_to_push(new_nodes) +
                   node_index_.bytes_to_grow(nodes_.size(), new_nodes) + roots_.bytes_to_push(1) +
                   root_index_.bytes_to_grow(roots_.size(), 1) + length_codes_.bytes_to_push(1);
  if (lengths_.size() == lengths_.capacity()) bytes += (lengths_.size() + 1) * 2 * sizeof(uint32_t);
  if (other_lengths_.size() == other_lengths_.capacity()) {
    bytes += (other_lengths_.size() + 1) * 2 * sizeof(OtherLength);
  }
  return bytes;
}

uint32_t TreeStore::add(std::string_view bytes, uint64_t /*hash*/, const Lookup& /*where*/) {
  if (bytes.size() > UINT32_MAX) throw std::length_error("a state of 4 GB or more");
  const auto length = static_cast<uint32_t>(bytes.size());
  const uint64_t root = add_root(bytes);
  const auto id = static_cast<uint32_t>(roots_.size());
  const uint8_t code = length_code(length);
  root_index_.add(root_hash(root, length), id, roots_.size(),
                  [&](uint64_t i) { return root_hash(roots_[i], length_of(i)); });
  roots_.push_back(root);
  if (code == kOtherLength) other_lengths_.push_back({id, length});
  length_codes_.push_back(code);
  return id;
}

std::pair<uint32_t, bool> TreeStore::insert(std::string_view bytes) {
  Lookup where = lookup(bytes, 0);
  if (where.id != kNone) return {where.id, false};
  return {add(bytes, 0, where), true};
}

void TreeStore::expand(uint32_t ref, uint32_t first, uint32_t last, uint32_t position, char* out,
                       uint32_t* refs) const {
  if (refs != nullptr) refs[position] = ref;
  if (last - first == 1) {
    std::memcpy(out + std::size_t{first} * 4, &ref, 4);
    return;
  }
  const uint64_t pair = nodes_[ref];
  const uint32_t m = middle(first, last);
  expand(static_cast<uint32_t>(pair >> 32), first, m, 2 * position, out, refs);
  expand(static_cast<uint32_t>(pair), m, last, 2 * position + 1, out, refs);
}

std::string_view TreeStore::decode(uint32_t id, std::string& buffer, uint32_t* refs) const {
  const uint32_t length = length_of(id);
  const uint32_t n = word_count(length);
  buffer.resize(std::size_t{n} * 4);
  const uint64_t root = roots_[id];
  if (n == 1) {
    expand(static_cast<uint32_t>(root >> 32), 0, 1, 2, buffer.data(), refs);
  } else if (n >= 2) {
    const uint32_t m = middle(0, n);
    expand(static_cast<uint32_t>(root >> 32), 0, m, 2, buffer.data(), refs);
    expand(static_cast<uint32_t>(root), m, n, 3, buffer.data(), refs);
  }
  return {buffer.data(), length};
}

std::string_view TreeStore::get(uint32_t id, std::string& buffer) const {
  return decode(id, buffer, nullptr);
}

std::string_view TreeStore::get(uint32_t id) const {
  Decoded& d = decoded_on_this_thread();
  const uint32_t n = word_count(length_of(id));
  // The parts of depth d (the root's halves: 1) have positions in [2^d, 2^(d+1)) and at most
  // ceil(n / 2^d) words, so every position is below 2^(ceil(log2 n) + 1) < 4n.
  if (d.refs.size() < std::size_t{n} * 4 + 4) d.refs.resize(std::size_t{n} * 4 + 4);
  d.store = 0;  // invalid while decoding
  std::string_view out = decode(id, d.bytes, d.refs.data());
  d.store = serial_;
  d.words = n;
  return out;
}

uint64_t TreeStore::allocated_bytes() const {
  return nodes_.allocated_bytes() + node_index_.allocated_bytes() + roots_.allocated_bytes() +
         root_index_.allocated_bytes() + length_codes_.allocated_bytes() +
         lengths_.capacity() * sizeof(uint32_t) + other_lengths_.capacity() * sizeof(OtherLength);
}

}  // namespace lockcheck::engine
