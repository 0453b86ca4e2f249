// One client connection to a Redis server through hiredis, synchronous (Redis commands never
// wait for another client).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisContext;

namespace lockcheck::oracle {

struct RedisReply {
  enum class Kind { nil, status, string, integer, error, array };
  Kind kind = Kind::nil;
  std::string text;  // status ("OK"), string, error message
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // array
};

// "redis://HOST[:PORT][/DB]" or "unix://PATH[?db=N]" (a bare path also means a unix socket).
struct RedisAddress {
  bool unix_socket = false;
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string path;
  int db = 0;
};
std::optional<RedisAddress> parse_redis_url(const std::string& url, std::string& error);

class RedisSession {
 public:
  static std::unique_ptr<RedisSession> connect(const std::string& url, std::string& error);
  ~RedisSession();
  RedisSession(const RedisSession&) = delete;
  RedisSession& operator=(const RedisSession&) = delete;

  // Sends one command (its words) and returns the reply; a broken connection comes back as an
  // error reply whose text starts with "connection:".
  RedisReply command(const std::vector<std::string>& words);
  // "7.0.15"
  std::string server_version();

 private:
  RedisSession() = default;
  redisContext* ctx_ = nullptr;
};

}  // namespace lockcheck::oracle
