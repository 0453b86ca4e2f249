#include "checker/oracle/redis_session.h"

#include <gtest/gtest.h>

namespace lockcheck::oracle {
namespace {

TEST(RedisUrl, ParsesHostsSocketsAndDatabases) {
  std::string error;
  auto a = parse_redis_url("redis://127.0.0.1:6380/2", error);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->unix_socket);
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  auto b = parse_redis_url("unix:///tmp/r.sock?db=3", error);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->unix_socket);
  EXPECT_EQ(b->path, "/tmp/r.sock");
  EXPECT_EQ(b->db, 3);
  EXPECT_FALSE(parse_redis_url("http://x", error));
  EXPECT_NE(error.find("--redis expects"), std::string::npos);
  EXPECT_FALSE(parse_redis_url("redis://u:p@host", error));
}

TEST(RedisUrl, AnUnreachableServerSaysWhere) {
  std::string error;
  EXPECT_EQ(RedisSession::connect("unix:///nonexistent/redis.sock", error), nullptr);
  EXPECT_NE(error.find("cannot connect to Redis at unix:///nonexistent/redis.sock"),
            std::string::npos);
}

}  // namespace
}  // namespace lockcheck::oracle
