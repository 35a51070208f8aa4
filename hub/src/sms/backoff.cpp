#include "sms/backoff.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>

namespace connecthub::hub::sms {

std::optional<int64_t> Backoff::NextDelayMs(int attempts,
                                            std::optional<int64_t> retry_after_ms) const {
  if (attempts >= options_.max_attempts) return std::nullopt;
  int exponent = std::clamp(attempts - 1, 0, 40);
  // Doubling saturates at max_ms long before 2^40, and saturating first avoids overflow.
  int64_t ceiling = std::max<int64_t>(options_.base_ms, 1);
  for (int k = 0; k < exponent && ceiling < options_.max_ms; ++k) ceiling *= 2;
  ceiling = std::min(ceiling, options_.max_ms);
  double u = uniform_ ? std::clamp(uniform_(), 0.0, 1.0) : 1.0;
  int64_t delay = static_cast<int64_t>(u * static_cast<double>(ceiling));
  delay = std::max(delay, options_.min_ms);
  if (retry_after_ms) delay = std::max(delay, std::min(*retry_after_ms, options_.max_ms));
  return delay;
}

std::function<double()> SeededUniform(uint64_t seed) {
  struct Source {
    std::mutex mu;
    std::mt19937_64 engine;
  };
  auto source = std::make_shared<Source>();
  source->engine.seed(seed);
  return [source] {
    std::lock_guard lock(source->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(source->engine);
  };
}

}  // namespace connecthub::hub::sms
