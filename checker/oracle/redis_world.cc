#include "checker/oracle/redis_world.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

namespace lockcheck::oracle {

namespace {

using Clock = std::chrono::steady_clock;

// A glob pattern that matches `text` literally.
std::string glob_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string reply_text(const RedisReply& r) {
  switch (r.kind) {
    case RedisReply::Kind::nil:
      return "nil";
    case RedisReply::Kind::status:
      return r.text;
    case RedisReply::Kind::string:
      return "'" + r.text + "'";
    case RedisReply::Kind::integer:
      return fmt::format("(integer) {}", r.integer);
    case RedisReply::Kind::error:
      return "(error) " + r.text;
    case RedisReply::Kind::array:
      return fmt::format("({} elements)", r.elements.size());
  }
  return "?";
}

int64_t ms_until(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
}

}  // namespace

std::unique_ptr<RedisWorld> RedisWorld::open(const std::string& url,
                                             const std::vector<std::string>& nodes,
                                             std::string& error) {
  std::unique_ptr<RedisWorld> w(new RedisWorld());
  w->session_ = RedisSession::connect(url, error);
  if (!w->session_) return nullptr;
  RedisReply ping = w->session_->command({"PING"});
  if (ping.kind == RedisReply::Kind::error) {
    error = fmt::format("Redis at {} does not answer PING: {}", url, ping.text);
    return nullptr;
  }
  w->version_ = w->session_->server_version();
  static std::atomic<int> counter{0};
  std::random_device rd;
  w->run_ = fmt::format("lockcheck:{}-{}-{:04x}", ::getpid(), counter++, rd() & 0xffff);
  w->nodes_ = nodes;
  return w;
}

RedisWorld::~RedisWorld() {
  if (!session_) return;
  std::string error;
  for (const std::string& k : keys(run_ + ":", error)) session_->command({"DEL", k});
}

std::string RedisWorld::prefix(int node) const {
  return fmt::format("{}:{}:", run_, nodes_.at(static_cast<size_t>(node)));
}

std::vector<std::string> RedisWorld::keys(const std::string& pattern_prefix, std::string& error) {
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    RedisReply r = session_->command(
        {"SCAN", cursor, "MATCH", glob_escape(pattern_prefix) + "*", "COUNT", "1000"});
    if (r.kind != RedisReply::Kind::array || r.elements.size() != 2) {
      error = "SCAN failed: " + reply_text(r);
      return out;
    }
    cursor = r.elements[0].text;
    for (const RedisReply& k : r.elements[1].elements) out.push_back(k.text);
  } while (cursor != "0");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RedisOutcome RedisWorld::perform(const compile::Interaction& in, const compile::CompiledSpec& spec,
                                 int64_t clock, Clock::time_point t0, int tick_ms) {
  using redis::Command;
  RedisOutcome out;
  const redis::Request& req = in.request;
  const std::string p = prefix(in.node);
  auto key = [&](size_t i) { return p + spec.key_text(req.keys.at(i)); };
  auto deadline = [&](int64_t ticks) {  // ms left until the tick the key must be gone at
    return std::max<int64_t>(1,
                             ms_until(t0 + std::chrono::milliseconds((clock + ticks) * tick_ms)));
  };
  std::vector<std::string> words;
  std::vector<std::string> shown;  // the command as the spec's keys name it
  auto add = [&](const std::string& word, const std::string& show) {
    words.push_back(word);
    shown.push_back(show);
  };
  const std::string value = spec.key_text(req.value);
  switch (req.command) {
    case Command::get:
      add("GET", "GET");
      break;
    case Command::set:
      add("SET", "SET");
      break;
    case Command::del:
      add("DEL", "DEL");
      break;
    case Command::exists:
      add("EXISTS", "EXISTS");
      break;
    case Command::incr:
      add("INCR", "INCR");
      break;
    case Command::decr:
      add("DECR", "DECR");
      break;
    case Command::incrby:
      add("INCRBY", "INCRBY");
      break;
    case Command::decrby:
      add("DECRBY", "DECRBY");
      break;
    case Command::expire:
      add("PEXPIRE", "PEXPIRE");
      break;
    case Command::ttl:
      add("PTTL", "PTTL");
      break;
  }
  for (size_t i = 0; i < req.keys.size(); ++i) add(key(i), spec.key_text(req.keys[i]));
  switch (req.command) {
    case Command::set:
      add(value, value);
      if (req.condition == redis::SetCondition::nx) add("NX", "NX");
      if (req.condition == redis::SetCondition::xx) add("XX", "XX");
      if (req.has_ttl) {
        std::string ms = std::to_string(deadline(req.ttl));
        add("PX", "PX");
        add(ms, ms);
      }
      break;
    case Command::incrby:
    case Command::decrby:
      add(value, value);
      break;
    case Command::expire: {
      std::string ms = std::to_string(deadline(req.value.i));
      add(ms, ms);
      break;
    }
    default:
      break;
  }
  for (size_t i = 0; i < shown.size(); ++i) out.sent += (i ? " " : "") + shown[i];
  RedisReply r = session_->command(words);
  if (r.kind == RedisReply::Kind::error && r.text.starts_with("connection:")) {
    out.error = "Redis: " + r.text;
    return out;
  }
  out.reply_text = reply_text(r);
  const Value& m = in.reply;
  switch (req.command) {
    case Command::get:
      out.model_text = m.is_null() ? "nil" : "'" + spec.key_text(m) + "'";
      out.matches = m.is_null() ? r.kind == RedisReply::Kind::nil
                                : r.kind == RedisReply::Kind::string && r.text == spec.key_text(m);
      break;
    case Command::set:
      out.model_text = m.truthy() ? "OK" : "nil";
      out.matches = m.truthy() ? r.kind == RedisReply::Kind::status && r.text == "OK"
                               : r.kind == RedisReply::Kind::nil;
      break;
    case Command::ttl: {
      out.model_text = fmt::format("{} ticks", m.i);
      if (r.kind != RedisReply::Kind::integer) break;
      int64_t ticks = r.integer;
      if (r.integer >= 0) {
        // The deadline in ticks since t0, from the milliseconds left.
        double at = static_cast<double>(
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() +
            r.integer);
        ticks = static_cast<int64_t>(std::llround(at / tick_ms)) - clock;
      }
      out.reply_text = fmt::format("{} ms = {} ticks", r.integer, ticks);
      out.matches = ticks == m.i;
      break;
    }
    default:
      out.model_text = fmt::format("(integer) {}", m.i);
      out.matches = r.kind == RedisReply::Kind::integer && r.integer == m.i;
      break;
  }
  return out;
}

bool RedisWorld::restart(int node, std::string& error) {
  for (const std::string& k : keys(prefix(node), error)) session_->command({"DEL", k});
  return error.empty();
}

bool RedisWorld::compare_keys(int node, const compile::State& s, const compile::CompiledSpec& spec,
                              Clock::time_point t0, int tick_ms, std::string& model,
                              std::string& server, std::string& error) {
  std::vector<std::string> m, v;
  for (const redis::Entry& e : s.nodes.at(static_cast<size_t>(node)).entries) {
    if (e.deadline >= 0 && e.deadline <= s.clock) continue;
    std::string item = fmt::format("{} = '{}'", spec.key_text(e.key), spec.key_text(e.value));
    if (e.deadline >= 0) item += fmt::format(" until tick {}", e.deadline);
    m.push_back(item);
  }
  const std::string p = prefix(node);
  for (const std::string& k : keys(p, error)) {
    RedisReply value = session_->command({"GET", k});
    RedisReply ttl = session_->command({"PTTL", k});
    if (value.kind != RedisReply::Kind::string) continue;  // expired meanwhile
    std::string item = fmt::format("{} = '{}'", k.substr(p.size()), value.text);
    if (ttl.kind == RedisReply::Kind::integer && ttl.integer >= 0) {
      double at = static_cast<double>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() +
          ttl.integer);
      item += fmt::format(" until tick {}", std::llround(at / tick_ms));
    }
    v.push_back(item);
  }
  if (!error.empty()) return false;
  std::sort(m.begin(), m.end());
  std::sort(v.begin(), v.end());
  auto join = [](const std::vector<std::string>& items) {
    if (items.empty()) return std::string("no keys");
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out;
  };
  model = join(m);
  server = join(v);
  return true;
}

}  // namespace lockcheck::oracle
