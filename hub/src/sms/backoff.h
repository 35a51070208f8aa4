#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace connecthub::hub::sms {

struct BackoffOptions {
  int64_t base_ms = 2000;           // ceiling of the first retry's delay. Default 2 s.
  int64_t max_ms = 10 * 60 * 1000;  // ceiling of any delay. Default 10 minutes.
  int64_t min_ms = 100;             // floor of any delay, so a retry never spins. Default 100 ms.
  int max_attempts = 8;             // sends tried before the message is marked failed. Default 8.
};

// Exponential backoff with full jitter: after the n-th failed attempt (n = 1, 2, ...) the next one
// waits a uniformly random time in [min_ms, min(max_ms, base_ms * 2^(n-1))]. The randomness is
// injected (`uniform` returns a value in [0, 1)), so tests are deterministic. Not a secret, so
// any seeded generator will do. Thread-compatible: const methods only; `uniform` must be
// callable from the calling thread.
class Backoff {
 public:
  Backoff(BackoffOptions options, std::function<double()> uniform)
      : options_(options), uniform_(std::move(uniform)) {}

  // The delay before the next attempt after `attempts` failed ones, or nullopt when `attempts`
  // has reached max_attempts (give up). A provider's Retry-After (`retry_after_ms`) is honoured
  // as a lower bound.
  std::optional<int64_t> NextDelayMs(int attempts,
                                     std::optional<int64_t> retry_after_ms = {}) const;

  const BackoffOptions& options() const { return options_; }

 private:
  BackoffOptions options_;
  std::function<double()> uniform_;
};

// A `uniform` for Backoff: values in [0, 1) from a std::mt19937_64 seeded with `seed`, so the
// same seed gives the same jitter (tests seed it; `serve` seeds it from std::random_device).
// Thread-safe: the generator is behind a mutex.
std::function<double()> SeededUniform(uint64_t seed);

}  // namespace connecthub::hub::sms
