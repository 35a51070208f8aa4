#include "chat/limits.h"

#include <algorithm>
#include <cmath>

namespace connecthub::hub::chat {

int64_t LoginLimiter::BlockedUntilLocked(std::deque<int64_t>& failures, int64_t now_ms) {
  while (!failures.empty() && failures.front() <= now_ms - window_ms_) failures.pop_front();
  if (static_cast<int>(failures.size()) < max_failures_) return 0;
  // Blocked until enough failures have aged out of the window to be under the limit again.
  return failures[failures.size() - static_cast<size_t>(max_failures_)] + window_ms_;
}

void LoginLimiter::PruneLocked(int64_t now_ms) {
  if (failures_.size() <= 100'000) return;
  // Bound memory under a spray of addresses: forget keys with nothing in the window.
  for (auto it = failures_.begin(); it != failures_.end();) {
    BlockedUntilLocked(it->second, now_ms);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
}

int64_t LoginLimiter::BlockedUntil(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  int64_t until = BlockedUntilLocked(it->second, now_ms);
  if (it->second.empty()) failures_.erase(it);
  return until;
}

int64_t LoginLimiter::RecordFailure(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  PruneLocked(now_ms);
  auto& f = failures_[key];
  f.push_back(now_ms);
  return BlockedUntilLocked(f, now_ms);
}

int64_t LoginLimiter::Reserve(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  PruneLocked(now_ms);
  auto& f = failures_[key];
  if (int64_t until = BlockedUntilLocked(f, now_ms); until > 0) return until;
  f.push_back(now_ms);
  return 0;
}

void LoginLimiter::Forgive(const std::string& key, int64_t reserved_at_ms) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return;
  auto& f = it->second;
  for (auto e = f.rbegin(); e != f.rend(); ++e) {
    if (*e == reserved_at_ms) {
      f.erase(std::next(e).base());
      break;
    }
  }
  if (f.empty()) failures_.erase(it);
}

bool TokenBucket::Take(int64_t now_ms, int64_t* retry_after_ms) {
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now_ms - last_ms_) / 1000.0);
  }
  if (last_ms_ < 0 || now_ms > last_ms_) last_ms_ = now_ms;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  *retry_after_ms =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - tokens_) * 1000.0 / rate_)));
  return false;
}

}  // namespace connecthub::hub::chat
