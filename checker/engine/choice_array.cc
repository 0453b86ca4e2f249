#include "checker/engine/choice_array.h"

namespace lockcheck::engine {

ChoiceArray::ChoiceArray(MemoryMeter* meter) : codes_(meter), wide_values_(meter) {}

bool ChoiceArray::code_of(Choice c, uint8_t& code) {
  unsigned pos = (c * 0x9E3779B1u) >> (32 - 9);
  for (;;) {
    if (slot_code_[pos] == 0) break;
    if (slot_choice_[pos] == c) {
      code = static_cast<uint8_t>(slot_code_[pos] - 1);
      return true;
    }
    pos = (pos + 1) & (kSlots - 1);
  }
  if (distinct_ == table_.size()) return false;
  code = static_cast<uint8_t>(distinct_);
  table_[distinct_++] = c;
  slot_choice_[pos] = c;
  slot_code_[pos] = static_cast<uint16_t>(code + 1);
  return true;
}

void ChoiceArray::widen() {
  for (uint64_t i = 0; i < codes_.size(); ++i) wide_values_.push_back(table_[codes_[i]]);
  codes_.release();
  wide_ = true;
}

void ChoiceArray::push_back(Choice c) {
  uint8_t code = 0;
  if (!wide_ && !code_of(c, code)) widen();
  if (wide_) {
    wide_values_.push_back(c);
  } else {
    codes_.push_back(code);
  }
}

void ChoiceArray::set(uint64_t i, Choice c) {
  uint8_t code = 0;
  if (!wide_ && !code_of(c, code)) widen();
  if (wide_) {
    wide_values_[i] = c;
  } else {
    codes_[i] = code;
  }
}

}  // namespace lockcheck::engine
