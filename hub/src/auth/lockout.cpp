#include "auth/lockout.h"

#include <algorithm>

namespace connecthub::hub::auth {

storage::PinCounter ReserveAttempt(const storage::PinCounter& counter, int64_t now_ms,
                                   const LockoutOptions& options, Reservation* out) {
  storage::PinCounter next = counter;
  if (counter.locked_until_ms > now_ms) {
    *out = {false, counter.locked_until_ms};
    return next;
  }
  if (next.consecutive >= options.hard_cap) {
    next.locked_until_ms = kHardLocked;
    *out = {false, kHardLocked};
    return next;
  }
  if (next.failures == 0 || now_ms - next.window_start_ms >= options.window_ms ||
      now_ms < next.window_start_ms) {
    next.failures = 0;
    next.window_start_ms = now_ms;
  }
  ++next.failures;
  ++next.consecutive;
  if (next.consecutive >= options.hard_cap) {
    next.locked_until_ms = kHardLocked;
  } else if (next.failures >= options.max_failures) {
    // Doubling per lockout since the last success, up to the ceiling.
    int64_t lock = options.lock_ms;
    for (int64_t i = 0; i < next.lockouts && lock < options.max_lock_ms; ++i) lock *= 2;
    lock = std::min(lock, options.max_lock_ms);
    next.locked_until_ms = now_ms + lock;
    ++next.lockouts;
    next.failures = 0;
    next.window_start_ms = now_ms;
  }
  *out = {true, next.locked_until_ms > now_ms ? next.locked_until_ms : 0};
  return next;
}

}  // namespace connecthub::hub::auth
