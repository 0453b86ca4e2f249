#include "checker/base/byte_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace lockcheck {
namespace {

std::string encode(const Value& v) {
  ByteWriter w;
  w.value(v);
  return w.take();
}

TEST(ByteCodecTest, ValuesRoundTripAtEveryWidth) {
  std::vector<Value> values = {Value::null(),  Value::boolean(false), Value::boolean(true),
                               Value::pid(0),  Value::pid(4095),      Value::text(0),
                               Value::text(77)};
  for (int64_t i :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{7}, int64_t{-8}, int64_t{8}, int64_t{1} << 31,
        -(int64_t{1} << 31), int64_t{1} << 59, -(int64_t{1} << 59), int64_t{1} << 60,
        std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()})
    values.push_back(Value::integer(i));
  ByteWriter w;
  for (const Value& v : values) w.value(v);
  std::string bytes = w.take();
  ByteReader r(bytes);
  for (const Value& v : values) {
    Value back = r.value();
    EXPECT_EQ(back.type, v.type);
    if (v.type != Type::null) {
      EXPECT_EQ(back.i, v.i);
    }
  }
  EXPECT_TRUE(r.at_end());
}

TEST(ByteCodecTest, SmallValuesTakeOneByte) {
  EXPECT_EQ(encode(Value::null()).size(), 1u);
  EXPECT_EQ(encode(Value::integer(0)).size(), 1u);
  EXPECT_EQ(encode(Value::integer(7)).size(), 1u);
  EXPECT_EQ(encode(Value::integer(-8)).size(), 1u);
  EXPECT_EQ(encode(Value::integer(8)).size(), 2u);
  EXPECT_EQ(encode(Value::boolean(true)).size(), 1u);
  EXPECT_EQ(encode(Value::pid(3)).size(), 1u);
  // Different types with the same payload stay different bytes (the encoding is canonical and
  // injective, which the state store relies on).
  EXPECT_NE(encode(Value::integer(1)), encode(Value::boolean(true)));
  EXPECT_NE(encode(Value::integer(1)), encode(Value::pid(1)));
  EXPECT_NE(encode(Value::null()), encode(Value::integer(0)));
}

TEST(ByteCodecTest, ABadTypeIsAnErrorNotAValue) {
  std::string bytes(1, static_cast<char>(6));  // tag 6: no such type
  ByteReader r(bytes);
  EXPECT_THROW(r.value(), std::runtime_error);
}

}  // namespace
}  // namespace lockcheck
