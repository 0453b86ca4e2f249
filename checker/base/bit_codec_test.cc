#include "checker/base/bit_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace lockcheck {
namespace {

TEST(BitCodecTest, BitsForCountsTheDomain) {
  EXPECT_EQ(bits_for(0), 0);
  EXPECT_EQ(bits_for(1), 1);
  EXPECT_EQ(bits_for(2), 2);
  EXPECT_EQ(bits_for(3), 2);
  EXPECT_EQ(bits_for(4), 3);
  EXPECT_EQ(bits_for(std::numeric_limits<uint64_t>::max()), 64);
}

TEST(BitCodecTest, FixedFieldsPackAndPadWithZeros) {
  BitWriter w;
  w.bits(1, 1);
  w.bits(2, 2);
  w.bits(0, 0);
  w.bits(5, 3);
  std::string bytes = w.take();
  ASSERT_EQ(bytes.size(), 1u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 1u | (2u << 1) | (5u << 3));
  BitWriter nine;
  nine.bits(0x1ff, 9);
  EXPECT_EQ(nine.take(), std::string("\xff\x01", 2));
}

TEST(BitCodecTest, RandomFieldsRoundTripAcrossWordBoundaries) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<uint64_t, int>> fields;
    std::vector<uint64_t> vars;
    std::vector<int64_t> svars;
    BitWriter w;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      const int width = static_cast<int>(rng() % 65);
      const uint64_t v = width == 64 ? rng() : rng() & ((uint64_t{1} << width) - 1);
      fields.emplace_back(v, width);
      const uint64_t u = rng() >> (rng() % 64);
      const auto s = static_cast<int64_t>(rng()) >> (rng() % 64);
      vars.push_back(u);
      svars.push_back(s);
      w.bits(v, width);
      w.var(u);
      w.svar(s);
    }
    std::string bytes = w.take();
    BitReader r(bytes);
    for (size_t k = 0; k < fields.size(); ++k) {
      ASSERT_EQ(r.bits(fields[k].second), fields[k].first);
      ASSERT_EQ(r.var(), vars[k]);
      ASSERT_EQ(r.svar(), svars[k]);
    }
    EXPECT_TRUE(r.at_end());
  }
}

TEST(BitCodecTest, SmallNumbersStaySmall) {
  auto width = [](uint64_t v) {  // in bits: eight copies take `width` bytes
    BitWriter w;
    for (int k = 0; k < 8; ++k) w.var(v);
    return w.take().size();
  };
  EXPECT_EQ(width(0), 4u);
  EXPECT_EQ(width(7), 4u);
  EXPECT_EQ(width(8), 8u);
  EXPECT_EQ(width(63), 8u);
  EXPECT_EQ(width(64), 12u);
  BitWriter ints;  // a 1-bit tag and a nibble: eight small ints in five bytes
  for (int k = 0; k < 8; ++k) ints.value(Value::integer(3), 2);
  EXPECT_EQ(ints.take().size(), 5u);
  BitWriter w;
  w.svar(-4);
  w.svar(3);
  EXPECT_EQ(w.take().size(), 1u);  // two nibbles
}

TEST(BitCodecTest, ValuesRoundTripWithAndWithoutTags) {
  std::vector<Value> values = {Value::null(),  Value::boolean(false), Value::boolean(true),
                               Value::pid(0),  Value::pid(5),         Value::text(0),
                               Value::text(77)};
  for (int64_t i : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{8}, int64_t{1} << 31,
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()})
    values.push_back(Value::integer(i));
  BitWriter w;
  for (const Value& v : values) w.value(v, 3);
  for (const Value& v : values) w.payload(v, 3);
  std::string bytes = w.take();
  BitReader r(bytes);
  for (const Value& v : values) EXPECT_EQ(r.value(3), v);
  for (const Value& v : values) EXPECT_EQ(r.payload(v.type, 3), v);
  EXPECT_TRUE(r.at_end());
}

TEST(BitCodecTest, EqualInputsGiveEqualBytesAndDifferentOnesDiffer) {
  auto enc = [](const Value& v) {
    BitWriter w;
    w.value(v, 2);
    return w.take();
  };
  EXPECT_EQ(enc(Value::integer(3)), enc(Value::integer(3)));
  EXPECT_NE(enc(Value::integer(1)), enc(Value::boolean(true)));
  EXPECT_NE(enc(Value::integer(1)), enc(Value::pid(1)));
  EXPECT_NE(enc(Value::null()), enc(Value::integer(0)));
}

TEST(BitCodecTest, OutOfRangeFieldsThrowInsteadOfTruncating) {
  BitWriter w;
  EXPECT_THROW(w.bounded(4, 2), SlotOverflow);
  EXPECT_THROW(w.bounded(1, 0), SlotOverflow);
  EXPECT_THROW(w.payload(Value::pid(4), 2), SlotOverflow);
  EXPECT_NO_THROW(w.bounded(3, 2));
}

TEST(BitCodecTest, BadInputThrows) {
  std::string empty;
  BitReader r(empty);
  EXPECT_THROW(r.bits(1), std::runtime_error);
  std::string tag("\x07", 1);  // a pid's tag and no payload after it
  BitReader t(tag);
  EXPECT_THROW(t.value(16), std::runtime_error);
  std::string endless(12, '\xff');  // nibbles that never end
  BitReader e(endless);
  EXPECT_THROW(e.var(), std::runtime_error);
  std::string trailing("\x01\x00", 2);
  BitReader tr(trailing);
  tr.bits(1);
  EXPECT_FALSE(tr.at_end());
  std::string padded("\x03", 1);
  BitReader p(padded);
  p.bits(1);
  EXPECT_FALSE(p.at_end());  // a set bit in the padding
  p.bits(1);
  EXPECT_TRUE(p.at_end());
}

}  // namespace
}  // namespace lockcheck
