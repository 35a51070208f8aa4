#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace connecthub::hub::chat {

// Counts failed logins per key (a source address) in memory and blocks the key after
// `max_failures` failures within `window_ms`, until the oldest of them leaves the window.
// Complements the store's per-participant lockout (which survives restarts). Thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, int64_t window_ms)
      : max_failures_(max_failures), window_ms_(window_ms) {}

  // Epoch ms until which `key` is blocked; 0 when it is not.
  int64_t BlockedUntil(const std::string& key, int64_t now_ms);
  // Records a failure at `now_ms`; returns BlockedUntil() afterwards.
  int64_t RecordFailure(const std::string& key, int64_t now_ms);
  // Counts an attempt at `now_ms` before it is verified, unless `key` is blocked: returns 0 when
  // counted, else BlockedUntil(). Check and count are one step, so concurrent attempts cannot
  // all pass. Forgive() takes a counted attempt back (it succeeded).
  int64_t Reserve(const std::string& key, int64_t now_ms);
  void Forgive(const std::string& key, int64_t reserved_at_ms);

 private:
  int64_t BlockedUntilLocked(std::deque<int64_t>& failures, int64_t now_ms);
  void PruneLocked(int64_t now_ms);

  std::mutex mu_;
  int max_failures_;
  int64_t window_ms_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

// A token bucket for one connection's frames: `rate_per_second` sustained, `burst` at once. Not
// thread-safe (one per connection, used on its strand).
class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst)
      : rate_(rate_per_second), burst_(burst), tokens_(burst) {}

  // Takes one token at `now_ms`. False when empty; then *retry_after_ms says when one is back.
  bool Take(int64_t now_ms, int64_t* retry_after_ms);

 private:
  double rate_;
  double burst_;
  double tokens_;
  int64_t last_ms_ = -1;
};

}  // namespace connecthub::hub::chat
