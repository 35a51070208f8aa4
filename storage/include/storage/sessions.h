#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "storage/status.h"

namespace connecthub::storage {

enum class SessionKind { kParticipant, kCaseworker };

struct Session {
  SessionKind kind = SessionKind::kParticipant;
  std::string subject;  // participant id, or caseworker id as decimal
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

// Failed-login counters under one key (a participant, a phone's thread, a source): what the
// hub's lockout policy (hub/src/auth/lockout.h) reads and writes. The store only keeps them.
struct PinCounter {
  int64_t failures = 0;         // attempts counted in the current window
  int64_t window_start_ms = 0;  // when that window began
  int64_t locked_until_ms = 0;  // refused until then; INT64_MAX: until the agency resets it
  int64_t lockouts = 0;         // lockouts since the last success (escalation)
  int64_t consecutive = 0;      // failed attempts since the last success (hard cap)
};

// Login sessions, and the failed-login counters that guard logins.
class Sessions {
 public:
  virtual ~Sessions() = default;

  // --- failed-login counters (the policy is hub/src/auth/lockout.h) ---
  // Reads the counters under `key` (all zero when absent), writes `update`'s result, and returns
  // it, as one atomic step: concurrent callers, in this process or another sharing the database,
  // see each other's updates. `update` may run more than once (a backend retries a step that lost
  // a race) and inside the step: CPU only, no store calls. An all-zero result deletes the row.
  virtual Result<PinCounter> UpdatePinCounter(
      const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) = 0;
  // Deletes counter rows not locked and untouched (window start) since `before_ms`; returns how
  // many. Hard locks (INT64_MAX) stay.
  virtual Result<int64_t> PurgePinCounters(int64_t before_ms) = 0;
  // Deletes the counters under `key` (a success, or the agency's `connecthub unlock`).
  virtual Status ClearPinFailures(const std::string& key) = 0;

  // --- sessions (only a hash of the token is stored) ---
  // Returns a new random 256-bit token (URL-safe base64).
  virtual Result<std::string> CreateSession(SessionKind kind, const std::string& subject,
                                            int64_t now_ms) = 0;
  // The live session for `token`, touched to `now_ms`; kNotFound when unknown, ended, or idle
  // for longer than `idle_ttl_ms` (then it is deleted).
  virtual Result<Session> ResolveSession(const std::string& token, int64_t now_ms,
                                         int64_t idle_ttl_ms) = 0;
  virtual Status EndSession(const std::string& token) = 0;
  // The session for `token` as stored, without touching or expiring it (live sockets re-check
  // theirs with this, so an open socket does not keep a session alive); kNotFound when unknown.
  virtual Result<Session> PeekSession(const std::string& token) = 0;
  // Deletes sessions last used before `used_before_ms` or created before `created_before_ms`;
  // returns how many.
  virtual Result<int64_t> PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) = 0;
};

}  // namespace connecthub::storage
