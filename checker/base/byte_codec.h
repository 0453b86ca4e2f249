// A canonical byte encoding: zig-zag varints and tagged values. Symmetry signatures use it; states
// themselves are bit-packed (bit_codec.h). Equal inputs must encode to equal bytes, so writers
// emit collections in a canonical order.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "checker/base/value.h"

namespace lockcheck {

class ByteWriter {
 public:
  void u(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void i(int64_t v) { u((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  // A value is one varint: its zig-zagged payload shifted past a 3-bit type tag, so the small
  // numbers, booleans, process ids and text ids of a state take one byte each, not two. Payloads
  // too wide for the shift (none in practice: ints are 32-bit) are written after an escape tag.
  void value(const Value& v) {
    if (v.type == Type::null) return u(0);
    const uint64_t z = (static_cast<uint64_t>(v.i) << 1) ^ static_cast<uint64_t>(v.i >> 63);
    const auto type = static_cast<uint64_t>(v.type);
    if (z < (uint64_t{1} << 60)) return u((z << 3) | type);
    u(kWideValue);
    u(type);
    u(z);
  }
  static constexpr uint64_t kWideValue = 7;
  std::string& bytes() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= in_.size()) throw std::runtime_error("truncated state");
      auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  int64_t i() {
    uint64_t z = u();
    return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  }
  Value value() {
    uint64_t x = u();
    uint64_t type = x & 7;
    uint64_t z = x >> 3;
    if (type == ByteWriter::kWideValue) {
      type = u();
      z = u();
    }
    if (type > static_cast<uint64_t>(Type::pid)) throw std::runtime_error("bad value in state");
    Value v;
    v.type = static_cast<Type>(type);
    if (v.type != Type::null) v.i = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    return v;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace lockcheck
