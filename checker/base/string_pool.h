// Interns text values. Ids are stable for the life of the pool; interning is thread-safe because
// Redis key names are built at run time (`lock:${seat}`) by whichever thread expands the state.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lockcheck {

class StringPool {
 public:
  int64_t intern(std::string_view s);
  // The text of an id returned by intern(). References stay valid while the pool lives.
  const std::string& text(int64_t id) const;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> texts_;
  std::unordered_map<std::string_view, int64_t> ids_;
};

}  // namespace lockcheck
