#pragma once

#include <cstdint>
#include <string>

#include "auth/lockout.h"
#include "chat/limits.h"
#include "storage/case_data.h"
#include "storage/sessions.h"

namespace connecthub::hub::auth {

// Where a parent's login attempt comes from, as the limits see it.
struct AttemptSource {
  std::string address_key;  // web: the client's address key (ClientAddressKey); empty for SMS
  std::string counter_key;  // SMS: a persistent per-phone key ("sms-thread:ID"); empty for web
};

struct ParentAuthResult {
  enum class Outcome { kOk, kBadPin, kLockedOut, kError };
  Outcome outcome = Outcome::kError;
  int64_t retry_at_ms = 0;  // locked: until when (kHardLocked: until the agency resets it)
  storage::Status status;   // kError: why
};

// The one parent-authentication flow (web chat login, SMS linking): the source's limits, the
// participant's lockout (reserved before the PIN is verified, escalating, with a hard cap) and the
// Argon2id PIN check. Thread-safe; Verify() blocks (Store, Argon2id): never on an I/O thread.
class ParentAuth {
 public:
  // `pins` checks PINs against the case data; `counters` keeps the lockout's counters.
  ParentAuth(storage::CaseData& pins, storage::Sessions& counters,
             chat::LoginLimiter& address_limiter, LockoutOptions options)
      : pins_(pins), counters_(counters), address_limiter_(address_limiter), options_(options) {}

  ParentAuthResult Verify(const std::string& participant_id, const std::string& pin,
                          const AttemptSource& source, int64_t now_ms);

  // Counter key of a participant (the store's key space is shared with per-phone keys).
  static std::string ParticipantKey(const std::string& participant_id) { return participant_id; }
  // Counter key of an SMS thread (one phone number), without the number itself.
  static std::string SmsThreadKey(int64_t thread_id) {
    return "sms-thread:" + std::to_string(thread_id);
  }

 private:
  storage::Result<Reservation> Reserve(const std::string& key, int64_t now_ms);

  storage::CaseData& pins_;
  storage::Sessions& counters_;
  chat::LoginLimiter& address_limiter_;
  LockoutOptions options_;
};

// The agency's reset (`connecthub unlock`, a supervisor's API call): lifts every lock under the
// counter key, hard ones too. Blocking (Store).
inline storage::Status ResetLockout(storage::Sessions& counters, const std::string& key) {
  return counters.ClearPinFailures(key);
}

}  // namespace connecthub::hub::auth
