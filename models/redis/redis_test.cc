#include "models/redis/redis.h"

#include <gtest/gtest.h>

namespace lockcheck::redis {
namespace {

class RedisTest : public ::testing::Test {
 protected:
  Value K(std::string_view s) { return Value::text(pool_.intern(s)); }

  Reply Run(Request req, int64_t now = 0) { return execute(node_, req, now); }

  Reply Set(std::string_view key, Value v, SetCondition cond = SetCondition::always,
            int64_t ttl = 0, int64_t now = 0) {
    Request req;
    req.command = Command::set;
    req.keys = {K(key)};
    req.value = v;
    req.condition = cond;
    req.has_ttl = ttl != 0;
    req.ttl = ttl;
    return Run(req, now);
  }

  Reply Simple(Command c, std::vector<std::string_view> keys, Value v = Value::null(),
               int64_t now = 0) {
    Request req;
    req.command = c;
    for (auto k : keys) req.keys.push_back(K(k));
    req.value = v;
    return Run(req, now);
  }

  StringPool pool_;
  NodeState node_;
};

TEST_F(RedisTest, GetOfAMissingKeyIsNull) {
  Reply r = Simple(Command::get, {"lock"});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.value, Value::null());
}

TEST_F(RedisTest, SetThenGetKeepsTheTypedValue) {
  EXPECT_EQ(Set("lock", Value::pid(2)).value, Value::boolean(true));
  EXPECT_EQ(Simple(Command::get, {"lock"}).value, Value::pid(2));
  EXPECT_EQ(Set("lock", Value::integer(5)).value, Value::boolean(true));
  EXPECT_EQ(Simple(Command::get, {"lock"}).value, Value::integer(5));
}

TEST_F(RedisTest, SetNxOnlyWhenMissing) {
  EXPECT_EQ(Set("lock", Value::pid(0), SetCondition::nx).value, Value::boolean(true));
  EXPECT_EQ(Set("lock", Value::pid(1), SetCondition::nx).value, Value::boolean(false));
  EXPECT_EQ(Simple(Command::get, {"lock"}).value, Value::pid(0));
}

TEST_F(RedisTest, SetXxOnlyWhenPresent) {
  EXPECT_EQ(Set("lock", Value::pid(0), SetCondition::xx).value, Value::boolean(false));
  EXPECT_TRUE(node_.entries.empty());
  Set("lock", Value::pid(0));
  EXPECT_EQ(Set("lock", Value::pid(1), SetCondition::xx).value, Value::boolean(true));
  EXPECT_EQ(Simple(Command::get, {"lock"}).value, Value::pid(1));
}

TEST_F(RedisTest, KeyExpiresExactlyAtItsDeadline) {
  EXPECT_EQ(Set("lock", Value::pid(0), SetCondition::nx, 10, 3).value, Value::boolean(true));
  ASSERT_EQ(node_.entries.size(), 1u);
  EXPECT_EQ(node_.entries[0].deadline, 13);
  EXPECT_EQ(lookup(node_, K("lock"), 12), Value::pid(0));
  EXPECT_EQ(lookup(node_, K("lock"), 13), Value::null());
  EXPECT_EQ(Simple(Command::get, {"lock"}, Value::null(), 12).value, Value::pid(0));
  EXPECT_EQ(Set("lock", Value::pid(1), SetCondition::nx, 10, 12).value, Value::boolean(false));
  // At tick 13 the key is gone: another client can take it.
  EXPECT_EQ(Set("lock", Value::pid(1), SetCondition::nx, 10, 13).value, Value::boolean(true));
  EXPECT_EQ(node_.entries[0].deadline, 23);
}

TEST_F(RedisTest, ExpireDropsDueKeysOnly) {
  Set("a", Value::integer(1), SetCondition::always, 2, 0);
  Set("b", Value::integer(1), SetCondition::always, 5, 0);
  Set("c", Value::integer(1));
  expire(node_, 2);
  ASSERT_EQ(node_.entries.size(), 2u);
  EXPECT_EQ(lookup(node_, K("a"), 2), Value::null());
  EXPECT_EQ(lookup(node_, K("b"), 2), Value::integer(1));
  expire(node_, 100);
  ASSERT_EQ(node_.entries.size(), 1u);
  EXPECT_EQ(node_.entries[0].key, K("c"));
}

TEST_F(RedisTest, ExAndPxBothCountInTicks) {
  Request req;
  req.command = Command::set;
  req.keys = {K("lock")};
  req.value = Value::pid(0);
  req.has_ttl = true;
  req.ttl = 5;  // PX 5 and EX 5 arrive alike
  Run(req, 1);
  EXPECT_EQ(node_.entries[0].deadline, 6);
}

TEST_F(RedisTest, PlainSetClearsTheOldDeadline) {
  Set("lock", Value::pid(0), SetCondition::always, 5, 0);
  Set("lock", Value::pid(1));
  EXPECT_EQ(node_.entries[0].deadline, -1);
  EXPECT_EQ(Simple(Command::ttl, {"lock"}).value, Value::integer(-1));
}

TEST_F(RedisTest, NonPositiveTtlIsAModelError) {
  for (int64_t ttl : {0, -3}) {
    Request req;
    req.command = Command::set;
    req.keys = {K("lock")};
    req.value = Value::pid(0);
    req.has_ttl = true;
    req.ttl = ttl;
    Reply r = Run(req);
    EXPECT_TRUE(r.error);
    EXPECT_EQ(r.message, "ERR invalid expire time in 'set' command");
  }
  EXPECT_TRUE(node_.entries.empty());
}

TEST_F(RedisTest, DelCountsRemovedKeys) {
  Set("a", Value::integer(1));
  Set("b", Value::integer(2));
  EXPECT_EQ(Simple(Command::del, {"a", "missing", "b", "a"}).value, Value::integer(2));
  EXPECT_TRUE(node_.entries.empty());
  EXPECT_EQ(Simple(Command::del, {"a"}).value, Value::integer(0));
}

TEST_F(RedisTest, DelOfAnExpiredKeyCountsZero) {
  Set("a", Value::integer(1), SetCondition::always, 2, 0);
  EXPECT_EQ(Simple(Command::del, {"a"}, Value::null(), 2).value, Value::integer(0));
}

TEST_F(RedisTest, Exists) {
  EXPECT_EQ(Simple(Command::exists, {"a"}).value, Value::integer(0));
  Set("a", Value::integer(1));
  EXPECT_EQ(Simple(Command::exists, {"a"}).value, Value::integer(1));
}

TEST_F(RedisTest, IncrOnAMissingKeyStartsFromZero) {
  EXPECT_EQ(Simple(Command::incr, {"n"}).value, Value::integer(1));
  EXPECT_EQ(Simple(Command::incr, {"n"}).value, Value::integer(2));
  EXPECT_EQ(Simple(Command::decr, {"m"}).value, Value::integer(-1));
  EXPECT_EQ(Simple(Command::incrby, {"n"}, Value::integer(10)).value, Value::integer(12));
  EXPECT_EQ(Simple(Command::decrby, {"n"}, Value::integer(20)).value, Value::integer(-8));
  EXPECT_EQ(Simple(Command::get, {"n"}).value, Value::integer(-8));
}

TEST_F(RedisTest, IncrKeepsTheDeadline) {
  Set("n", Value::integer(1), SetCondition::always, 4, 0);
  EXPECT_EQ(Simple(Command::incr, {"n"}, Value::null(), 1).value, Value::integer(2));
  EXPECT_EQ(node_.entries[0].deadline, 4);
  EXPECT_EQ(Simple(Command::ttl, {"n"}, Value::null(), 1).value, Value::integer(3));
}

TEST_F(RedisTest, IncrOfANonIntegerIsAModelError) {
  Set("lock", Value::pid(0));
  Reply r = Simple(Command::incr, {"lock"});
  EXPECT_TRUE(r.error);
  EXPECT_EQ(r.message, "ERR value is not an integer or out of range");
  EXPECT_EQ(Simple(Command::get, {"lock"}).value, Value::pid(0));
  Reply by = Simple(Command::incrby, {"n"}, K("x"));
  EXPECT_TRUE(by.error);
  EXPECT_EQ(by.message, "ERR value is not an integer or out of range");
}

TEST_F(RedisTest, IncrOverflowIsAModelError) {
  Set("n", Value::integer(2147483647));
  Reply r = Simple(Command::incr, {"n"});
  EXPECT_TRUE(r.error);
  EXPECT_EQ(r.message, "ERR increment or decrement would overflow");
  EXPECT_EQ(Simple(Command::get, {"n"}).value, Value::integer(2147483647));
  Set("m", Value::integer(-2147483648LL));
  EXPECT_TRUE(Simple(Command::decr, {"m"}).error);
  EXPECT_EQ(Simple(Command::decrby, {"m"}, Value::integer(-1)).value, Value::integer(-2147483647));
}

TEST_F(RedisTest, TtlValues) {
  EXPECT_EQ(Simple(Command::ttl, {"a"}).value, Value::integer(-2));
  Set("a", Value::integer(1));
  EXPECT_EQ(Simple(Command::ttl, {"a"}).value, Value::integer(-1));
  Set("b", Value::integer(1), SetCondition::always, 10, 2);
  EXPECT_EQ(Simple(Command::ttl, {"b"}, Value::null(), 2).value, Value::integer(10));
  EXPECT_EQ(Simple(Command::ttl, {"b"}, Value::null(), 11).value, Value::integer(1));
  EXPECT_EQ(Simple(Command::ttl, {"b"}, Value::null(), 12).value, Value::integer(-2));
}

TEST_F(RedisTest, ExpireCommand) {
  EXPECT_EQ(Simple(Command::expire, {"a"}, Value::integer(5)).value, Value::integer(0));
  Set("a", Value::integer(1));
  EXPECT_EQ(Simple(Command::expire, {"a"}, Value::integer(5), 1).value, Value::integer(1));
  EXPECT_EQ(node_.entries[0].deadline, 6);
  EXPECT_EQ(Simple(Command::expire, {"a"}, Value::integer(0), 1).value, Value::integer(1));
  EXPECT_TRUE(node_.entries.empty());
  Set("b", Value::integer(1));
  EXPECT_EQ(Simple(Command::expire, {"b"}, Value::integer(-1)).value, Value::integer(1));
  EXPECT_TRUE(node_.entries.empty());
}

TEST_F(RedisTest, EntriesStaySortedByKeyId) {
  Value b = K("b");
  Value a = K("a");
  Value c = K("c");
  Set("c", Value::integer(3));
  Set("a", Value::integer(1));
  Set("b", Value::integer(2));
  ASSERT_EQ(node_.entries.size(), 3u);
  EXPECT_EQ(node_.entries[0].key, b);
  EXPECT_EQ(node_.entries[1].key, a);
  EXPECT_EQ(node_.entries[2].key, c);
}

TEST_F(RedisTest, EncodeDecodeRoundTrips) {
  Set("lock:1", Value::pid(1), SetCondition::nx, 7, 2);
  Set("count", Value::integer(-4));
  Set("name", K("held"));
  BitWriter w;
  node_.encode(w, 2);
  std::string bytes = w.take();
  BitReader r(bytes);
  NodeState back = NodeState::decode(r, 2);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(back, node_);
}

TEST_F(RedisTest, BadArgumentsAreErrorsNotCrashes) {
  Request none;
  none.command = Command::get;
  EXPECT_EQ(Run(none).message, "ERR wrong number of arguments for 'get' command");
  Request null_key;
  null_key.command = Command::get;
  null_key.keys = {Value::null()};
  EXPECT_EQ(Run(null_key).message, "ERR a key cannot be null");
  EXPECT_EQ(Set("a", Value::null()).message, "ERR cannot SET a null value");
}

}  // namespace
}  // namespace lockcheck::redis
