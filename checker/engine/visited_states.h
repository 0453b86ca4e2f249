// The search's set of visited states: the plain StateStore, or the tree-compressed TreeStore
// (SearchOptions::compress_states), chosen once. Both number states 0, 1, 2, ... in insertion
// order and give the same results; the tree store takes a fraction of the memory.
//
// get() of the tree store returns a view into a per-thread buffer, valid until the next get() on
// the same thread: the search only holds one state's bytes at a time per thread.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "checker/engine/memory_meter.h"
#include "checker/engine/state_store.h"
#include "checker/engine/tree_store.h"

namespace lockcheck::engine {

class VisitedStates {
 public:
  using Lookup = StateStore::Lookup;

  VisitedStates(MemoryMeter* meter, bool compress) {
    if (compress) {
      tree_.emplace(meter);
    } else {
      plain_.emplace(meter);
    }
  }

  Lookup lookup(std::string_view bytes, uint64_t hash) const {
    return tree_ ? tree_->lookup(bytes, hash) : plain_->lookup(bytes, hash);
  }
  uint64_t bytes_to_add(std::size_t length) const {
    return tree_ ? tree_->bytes_to_add(length) : plain_->bytes_to_add(length);
  }
  uint32_t add(std::string_view bytes, uint64_t hash, const Lookup& where) {
    return tree_ ? tree_->add(bytes, hash, where) : plain_->add(bytes, hash, where);
  }
  // Whether lookup() and get() may overlap add() (the plain store only), and whether a given
  // add() must still run alone (see StateStore::add_moves).
  bool reads_during_adds() const { return plain_.has_value(); }
  bool add_moves(std::size_t length) const { return !plain_ || plain_->add_moves(length); }
  std::pair<uint32_t, bool> insert(std::string_view bytes) {
    return tree_ ? tree_->insert(bytes) : plain_->insert(bytes);
  }
  std::string_view get(uint32_t id) const { return tree_ ? tree_->get(id) : plain_->get(id); }
  uint64_t size() const { return tree_ ? tree_->size() : plain_->size(); }
  uint64_t allocated_bytes() const {
    return tree_ ? tree_->allocated_bytes() : plain_->allocated_bytes();
  }

 private:
  std::optional<StateStore> plain_;
  std::optional<TreeStore> tree_;
};

}  // namespace lockcheck::engine
