#include "checker/base/string_pool.h"

namespace lockcheck {

int64_t StringPool::intern(std::string_view s) {
  std::lock_guard lock(mu_);
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  texts_.emplace_back(s);
  auto id = static_cast<int64_t>(texts_.size() - 1);
  ids_.emplace(texts_.back(), id);
  return id;
}

const std::string& StringPool::text(int64_t id) const {
  std::lock_guard lock(mu_);
  return texts_.at(static_cast<size_t>(id));
}

}  // namespace lockcheck
