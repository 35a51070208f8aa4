#include "auth/parent_auth.h"

#include <algorithm>

namespace connecthub::hub::auth {

storage::Result<Reservation> ParentAuth::Reserve(const std::string& key, int64_t now_ms) {
  Reservation r;
  auto counted = counters_.UpdatePinCounter(
      key, [&](const storage::PinCounter& c) { return ReserveAttempt(c, now_ms, options_, &r); });
  if (!counted.ok()) return counted.status();
  return r;
}

ParentAuthResult ParentAuth::Verify(const std::string& participant_id, const std::string& pin,
                                    const AttemptSource& source, int64_t now_ms) {
  ParentAuthResult out;
  auto locked = [&](int64_t until) {
    out.outcome = ParentAuthResult::Outcome::kLockedOut;
    out.retry_at_ms = until;
    return out;
  };
  auto failed = [&](storage::Status s) {
    out.outcome = ParentAuthResult::Outcome::kError;
    out.status = std::move(s);
    return out;
  };
  // Every limit counts the attempt before the PIN is checked; an attempt refused by a later
  // limit gives the earlier ones back, so a locked participant does not lock its source.
  bool address_counted = false;
  if (!source.address_key.empty()) {
    if (int64_t until = address_limiter_.Reserve(source.address_key, now_ms); until > 0) {
      return locked(until);
    }
    address_counted = true;
  }
  auto forgive_address = [&] {
    if (address_counted) address_limiter_.Forgive(source.address_key, now_ms);
  };
  Reservation by_source;
  if (!source.counter_key.empty()) {
    auto r = Reserve(source.counter_key, now_ms);
    if (!r.ok()) {
      forgive_address();
      return failed(r.status());
    }
    if (!r->allowed) {
      forgive_address();
      return locked(r->locked_until_ms);
    }
    by_source = *r;
  }
  auto by_participant = Reserve(ParticipantKey(participant_id), now_ms);
  if (!by_participant.ok()) {
    forgive_address();
    return failed(by_participant.status());
  }
  if (!by_participant->allowed) {
    forgive_address();
    return locked(by_participant->locked_until_ms);
  }
  auto ok = pins_.CheckPin(participant_id, pin);
  if (!ok.ok()) return failed(ok.status());
  if (*ok) {
    forgive_address();
    (void)counters_.ClearPinFailures(ParticipantKey(participant_id));
    if (!source.counter_key.empty()) (void)counters_.ClearPinFailures(source.counter_key);
    out.outcome = ParentAuthResult::Outcome::kOk;
    return out;
  }
  int64_t until = std::max(by_participant->locked_until_ms, by_source.locked_until_ms);
  if (address_counted) {
    until = std::max(until, address_limiter_.BlockedUntil(source.address_key, now_ms));
  }
  if (until > now_ms) return locked(until);
  out.outcome = ParentAuthResult::Outcome::kBadPin;
  return out;
}

}  // namespace connecthub::hub::auth
