// The choice of each state's best path, in one byte per state: a code into the table of the
// distinct choices seen. A spec has few (a step per process, the tick, an abort and a fault per
// target), so the 4-byte choice costs 1 byte per stored state. Past 256 distinct choices the
// array widens to 4 bytes per state, keeping every value.
#pragma once

#include <array>
#include <cstdint>

#include "checker/engine/chunked_array.h"
#include "checker/engine/memory_meter.h"
#include "checker/engine/model.h"

namespace lockcheck::engine {

class ChoiceArray {
 public:
  explicit ChoiceArray(MemoryMeter* meter);
  ChoiceArray(const ChoiceArray&) = delete;
  ChoiceArray& operator=(const ChoiceArray&) = delete;

  uint64_t size() const { return wide_ ? wide_values_.size() : codes_.size(); }
  Choice operator[](uint64_t i) const { return wide_ ? wide_values_[i] : table_[codes_[i]]; }
  void set(uint64_t i, Choice c);
  void push_back(Choice c);

  // What the next push_back allocates, unless it widens the array (that allocation shows in the
  // meter's total, which the search checks as it goes).
  uint64_t bytes_to_push() const {
    return wide_ ? wide_values_.bytes_to_push() : codes_.bytes_to_push();
  }
  uint64_t allocated_bytes() const {
    return codes_.allocated_bytes() + wide_values_.allocated_bytes();
  }
  bool wide() const { return wide_; }

 private:
  static constexpr unsigned kSlots = 512;  // open addressing over at most 256 choices
  // The code of `c`, added when new; false when the table is full.
  bool code_of(Choice c, uint8_t& code);
  void widen();

  ChunkedArray<uint8_t> codes_;
  ChunkedArray<Choice> wide_values_;
  bool wide_ = false;
  std::array<Choice, 256> table_{};  // code -> choice
  unsigned distinct_ = 0;
  std::array<Choice, kSlots> slot_choice_{};
  std::array<uint16_t, kSlots> slot_code_{};  // code + 1; 0: empty
};

}  // namespace lockcheck::engine
