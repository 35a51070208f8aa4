#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "crypto.h"
#include "storage/notices.h"
#include "storage/sms_links.h"

namespace connecthub::storage {

// Which numbers may be texted about a participant, and what was already sent to them: the same
// rules on every backend (SmsLinks::TextableNumbers, Notices).

// One row a backend read: a linked number (linked_phones) or one on file with consent
// (participant_phones), sealed under its table's row identity.
struct PhoneRow {
  std::string sealed;
  bool linked = false;
  std::string identity;  // the sealed value's row identity
  std::string lang;      // the participant's language
  int64_t used_ms = 0;   // linked: when the link was last used
};

// One entry per number: tampered numbers are left out (never texted), and so are numbers for
// which `opted_out(indexes)` says yes (given the number's blind index under every key); a
// number both linked and on file is one entry with both flags. `keys`, when given, gets each
// entry's phone key (hex index) under every key, the current one first.
std::vector<SmsLinks::TextableNumber> MergeTextable(
    KeyRing& keys, const std::vector<PhoneRow>& rows,
    const std::function<bool(const std::vector<std::string>& indexes)>& opted_out,
    std::vector<std::vector<std::string>>* phone_keys);

// Adds to each of out[first..] the reminder kinds already enqueued for its number: `dedupe_keys`
// are the outbox keys that start with ReminderKeyPrefix(appointment_id); `phone_keys[i]` are
// out[first + i]'s phone keys under every key.
void MarkSentReminders(std::vector<Notices::ReminderCandidate>& out, size_t first,
                       const std::vector<std::vector<std::string>>& phone_keys,
                       const std::vector<std::string>& dedupe_keys,
                       const std::string& appointment_id);

}  // namespace connecthub::storage
