#include "checker/oracle/redis_session.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <charconv>

namespace lockcheck::oracle {

namespace {

bool parse_int(std::string_view text, int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STRING:
      out.kind = RedisReply::Kind::string;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ERROR:
      out.kind = RedisReply::Kind::error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::array;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.kind = RedisReply::Kind::nil;
      break;
  }
  return out;
}

}  // namespace

std::optional<RedisAddress> parse_redis_url(const std::string& url, std::string& error) {
  RedisAddress a;
  std::string rest = url;
  auto fail = [&](const std::string& why) -> std::optional<RedisAddress> {
    error = fmt::format(
        "--redis expects redis://HOST[:PORT][/DB] or unix://PATH[?db=N], not '{}' ({})", url, why);
    return std::nullopt;
  };
  if (rest.starts_with("unix://") || rest.starts_with("/")) {
    a.unix_socket = true;
    if (rest.starts_with("unix://")) rest = rest.substr(7);
    size_t q = rest.find("?db=");
    if (q != std::string::npos) {
      if (!parse_int(std::string_view(rest).substr(q + 4), a.db)) return fail("a bad db number");
      rest = rest.substr(0, q);
    }
    if (rest.empty()) return fail("no socket path");
    a.path = rest;
    return a;
  }
  if (!rest.starts_with("redis://")) return fail("an unknown scheme");
  rest = rest.substr(8);
  size_t at = rest.rfind('@');  // user:password@ is not supported: refuse it clearly
  if (at != std::string::npos) return fail("credentials in the URL are not supported");
  size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, a.db)) return fail("a bad db number");
    rest = rest.substr(0, slash);
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    if (!parse_int(std::string_view(rest).substr(colon + 1), a.port)) return fail("a bad port");
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) a.host = rest;
  return a;
}

std::unique_ptr<RedisSession> RedisSession::connect(const std::string& url, std::string& error) {
  std::optional<RedisAddress> a = parse_redis_url(url, error);
  if (!a) return nullptr;
  redisContext* c =
      a->unix_socket ? redisConnectUnix(a->path.c_str()) : redisConnect(a->host.c_str(), a->port);
  if (c == nullptr || c->err) {
    error = fmt::format("cannot connect to Redis at {}: {}", url,
                        c != nullptr ? c->errstr : "out of memory");
    if (c != nullptr) redisFree(c);
    return nullptr;
  }
  std::unique_ptr<RedisSession> s(new RedisSession());
  s->ctx_ = c;
  if (a->db != 0) {
    RedisReply r = s->command({"SELECT", std::to_string(a->db)});
    if (r.kind == RedisReply::Kind::error) {
      error = fmt::format("Redis at {}: SELECT {}: {}", url, a->db, r.text);
      return nullptr;
    }
  }
  return s;
}

RedisSession::~RedisSession() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

RedisReply RedisSession::command(const std::vector<std::string>& words) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& w : words) {
    argv.push_back(w.data());
    lens.push_back(w.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (r == nullptr) {
    RedisReply out;
    out.kind = RedisReply::Kind::error;
    out.text = fmt::format("connection: {}", ctx_->errstr);
    return out;
  }
  RedisReply out = convert(r);
  freeReplyObject(r);
  return out;
}

std::string RedisSession::server_version() {
  RedisReply r = command({"INFO", "server"});
  if (r.kind != RedisReply::Kind::string) return "";
  size_t p = r.text.find("redis_version:");
  if (p == std::string::npos) return "";
  size_t e = r.text.find_first_of("\r\n", p);
  return r.text.substr(p + 14, e == std::string::npos ? std::string::npos : e - p - 14);
}

}  // namespace lockcheck::oracle
