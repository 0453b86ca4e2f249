// A bit-level, canonical encoding for states: fixed-width fields that take exactly the bits their
// domain needs, a nibble code for unbounded integers, and zero bits padding the last byte. Two
// equal inputs give equal bytes, so writers emit collections in a canonical order. Bits fill
// each byte from its least significant bit up; both sides go through a 64-bit accumulator because
// every successor is encoded and every state decoded.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "checker/base/value.h"

namespace lockcheck {

// The bits needed to write every value in 0..max (0 when max is 0: a field with one value).
inline int bits_for(uint64_t max) { return std::bit_width(max); }

namespace bit_codec_detail {

inline uint64_t to_le(uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(v);
  return v;
}
inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t z) {
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

}  // namespace bit_codec_detail

// Thrown by the writer when a value does not fit the slot a layout gave it: truncating it would
// merge distinct states, so it is a checker bug, never a spec's.
class SlotOverflow : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class BitWriter {
 public:
  BitWriter() { out_.reserve(128); }  // most states fit: one allocation

  // Writes the low n bits of v (n <= 64); v must be below 2^n.
  [[gnu::always_inline]] void bits(uint64_t v, int n) {
    acc_ |= v << fill_;  // fill_ < 64 here
    fill_ += n;
    if (fill_ >= 64) [[unlikely]]
      spill(v, n);
  }
  // A field of n bits holding v in 0..2^n-1, checked: the layout's bound is an argument about
  // the interpreter, and a value past it must stop the search rather than merge states.
  [[gnu::always_inline]] void bounded(uint64_t v, int n) {
    if (n < 64 && (v >> n) != 0) throw SlotOverflow("a state field is wider than its slot");
    bits(v, n);
  }
  void bit(bool b) { bits(b ? 1 : 0, 1); }
  // Unbounded unsigned integers: 3 data bits per nibble, the nibble's top bit saying that more
  // follow. 0..7 take 4 bits, 8..63 take 8, 64..511 take 12.
  [[gnu::always_inline]] void var(uint64_t v) {
    if (v < 8) [[likely]]
      return bits(v, 4);
    long_var(v);
  }
  void svar(int64_t v) { var(bit_codec_detail::zigzag(v)); }

  // A value of any type: a type tag, then int: zig-zag nibble code; text: the pool id in the
  // nibble code; bool: one bit; pid: pid_bits bits; null: nothing. Ints, the commonest, have a
  // 1-bit tag (0); the others 3 bits (1, then null 0, text 1, bool 2, pid 3).
  [[gnu::always_inline]] void value(const Value& v, int pid_bits) {
    if (v.type == Type::int_) {
      bits(0, 1);
      return svar(v.i);
    }
    const auto code = v.type == Type::null ? 0 : static_cast<uint64_t>(v.type) - 1;
    bits(1 | (code << 1), 3);
    payload(v, pid_bits);
  }
  // A value whose type the layout knows: the payload alone (null has none).
  void payload(const Value& v, int pid_bits) {
    switch (v.type) {
      case Type::null:
        return;
      case Type::int_:
        return svar(v.i);
      case Type::text:
        return var(static_cast<uint64_t>(v.i));
      case Type::bool_:
        return bounded(static_cast<uint64_t>(v.i), 1);
      case Type::pid:
        return bounded(static_cast<uint64_t>(v.i), pid_bits);
    }
  }

  // The bytes so far, the last one padded with zero bits.
  std::string take() {
    const uint64_t le = bit_codec_detail::to_le(acc_);
    out_.append(reinterpret_cast<const char*>(&le), static_cast<size_t>((fill_ + 7) / 8));
    acc_ = 0;
    fill_ = 0;
    return std::move(out_);
  }

 private:
  // The accumulator is full: its 8 bytes go out, the bits of v that did not fit stay.
  [[gnu::noinline]] void spill(uint64_t v, int n) {
    const uint64_t le = bit_codec_detail::to_le(acc_);
    out_.append(reinterpret_cast<const char*>(&le), 8);
    fill_ -= 64;
    acc_ = fill_ != 0 ? v >> (n - fill_) : 0;
  }
  [[gnu::noinline]] void long_var(uint64_t v) {
    while (v >= 8) {
      bits((v & 7) | 8, 4);
      v >>= 3;
    }
    bits(v, 4);
  }

  std::string out_;
  uint64_t acc_ = 0;
  int fill_ = 0;  // bits of acc_ in use, 0..63
};

class BitReader {
 public:
  explicit BitReader(std::string_view in)
      : p_(reinterpret_cast<const uint8_t*>(in.data())), end_(p_ + in.size()) {}

  // Reads n bits (n <= 64).
  [[gnu::always_inline]] uint64_t bits(int n) {
    if (avail_ < n) [[unlikely]]
      return slow_bits(n);
    const uint64_t v = acc_ & ((uint64_t{1} << n) - 1);  // n <= avail_ < 64
    acc_ >>= n;
    avail_ -= n;
    return v;
  }
  bool bit() { return bits(1) != 0; }
  [[gnu::always_inline]] uint64_t var() {
    const uint64_t c = bits(4);
    if (!(c & 8)) [[likely]]
      return c;
    return long_var(c);
  }
  int64_t svar() { return bit_codec_detail::unzigzag(var()); }

  [[gnu::always_inline]] Value value(int pid_bits) {
    if (!bit()) return Value::integer(svar());
    const uint64_t code = bits(2);
    return payload(code == 0 ? Type::null : static_cast<Type>(code + 1), pid_bits);
  }
  [[gnu::always_inline]] Value payload(Type type, int pid_bits) {
    Value v;
    v.type = type;
    switch (type) {
      case Type::null:
        break;
      case Type::int_:
        v.i = svar();
        break;
      case Type::text:
        v.i = static_cast<int64_t>(var());
        break;
      case Type::bool_:
        v.i = static_cast<int64_t>(bits(1));
        break;
      case Type::pid:
        v.i = static_cast<int64_t>(bits(pid_bits));
        break;
    }
    return v;
  }

  // Whether all input is read: nothing is left but the zero bits padding the last byte.
  bool at_end() {
    refill();
    if (p_ != end_ || avail_ >= 8) return false;
    return (acc_ & ((uint64_t{1} << avail_) - 1)) == 0;
  }

 private:
  [[gnu::noinline]] uint64_t slow_bits(int n) {
    if (n > 56) {
      const uint64_t lo = bits(32);
      return lo | (bits(n - 32) << 32);
    }
    refill();
    if (avail_ < n) throw std::runtime_error("truncated state");
    return bits(n);
  }
  [[gnu::noinline]] uint64_t long_var(uint64_t first) {
    uint64_t v = first & 7;
    for (int shift = 3;; shift += 3) {
      if (shift > 63) throw std::runtime_error("bad number in state");
      const uint64_t c = bits(4);
      v |= (c & 7) << shift;
      if (!(c & 8)) return v;
    }
  }
  void refill() {
    if (end_ - p_ >= 8) {
      // Bits of acc_ above avail_ repeat the bytes at p_, so OR-ing the next load over them is
      // harmless; p_ advances by the whole bytes that fit.
      uint64_t w;
      std::memcpy(&w, p_, 8);
      acc_ |= bit_codec_detail::to_le(w) << avail_;
      p_ += (63 - avail_) >> 3;
      avail_ |= 56;
      return;
    }
    while (avail_ <= 56 && p_ < end_) {
      acc_ |= static_cast<uint64_t>(*p_++) << avail_;
      avail_ += 8;
    }
  }

  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t acc_ = 0;
  int avail_ = 0;  // bits of acc_ not yet read
};

}  // namespace lockcheck
