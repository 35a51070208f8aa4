#pragma once

#include <cstdint>
#include <limits>

#include "storage/store.h"

namespace connecthub::hub::auth {

// A lock that no time lifts: only the agency resets it (`connecthub unlock`).
inline constexpr int64_t kHardLocked = std::numeric_limits<int64_t>::max();

// The lockout policy for one counter key (a participant id, a phone's thread). Limits of
// ParentAuth; every field has a documented default.
struct LockoutOptions {
  int max_failures = 5;                 // attempts per window before a lockout. Default 5.
  int64_t window_ms = 15 * 60 * 1000;   // the counting window. Default 15 min.
  int64_t lock_ms = 15 * 60 * 1000;     // first lockout; each further one doubles. 15 min.
  int64_t max_lock_ms = 24 * 3600'000;  // ceiling of one escalated lockout. Default 24 h.
  int64_t hard_cap = 100;               // failures since the last success before a hard lock
                                        // (NIST 800-63B: at most 100). Default 100.
};

// What Reserve() decided.
struct Reservation {
  bool allowed = false;         // the attempt may be verified (it is already counted)
  int64_t locked_until_ms = 0;  // 0, or until when the key is locked (kHardLocked: for good)
};

// Counts an attempt before it is verified, so concurrent attempts cannot all pass the check
// before any failure is recorded. Pure: the store runs it atomically (Store::UpdatePinCounter).
// A success afterwards resets the counter (a zero PinCounter).
storage::PinCounter ReserveAttempt(const storage::PinCounter& counter, int64_t now_ms,
                                   const LockoutOptions& options, Reservation* out);

}  // namespace connecthub::hub::auth
