#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"
#include "storage/status.h"

namespace connecthub::storage {

// What reminders and payment notices are about: read from case data, links and the outbox.
class Notices {
 public:
  virtual ~Notices() = default;

  // --- reminders ---
  // One upcoming appointment and one number that may be texted about it (not opted out). Which
  // message, if any, is due is decided above the store (bot::Bot::Reminder); the store only
  // fetches the facts and what was already enqueued.
  struct ReminderCandidate {
    bot::Appointment appointment;  // with its status
    std::string participant_id;
    std::string phone;
    // Hex of the phone's blind index under the current key, the last part of reminder keys.
    std::string phone_key;
    std::string lang;
    bool linked = false;   // the number is linked to this participant (the link may have expired)
    bool consent = false;  // on file for a participant whose record says "sms_reminders": true
    // The middle parts <kind> of the reminder dedupe keys "rem:<appointment_id>:<kind>:<phone_key>"
    // already in the outbox for this appointment and this number (its phone key under any key).
    std::vector<std::string> sent;
  };
  // Where a page of ReminderCandidates ends: the last appointment returned.
  struct ReminderCursor {
    int64_t start_s = 0;
    std::string appointment_id;
  };
  // The candidates of up to `limit` appointments starting after `now_ms`, either within
  // `horizon_ms` or (RESCHEDULED and CANCELLED ones, whose notices go out at once) at any later
  // time, ordered by (start, appointment id) and following `after` (default: from the first).
  // An appointment with no number to text is still counted in `limit`; *next is set to the last
  // appointment looked at (unchanged when none was).
  virtual Result<std::vector<ReminderCandidate>> ReminderCandidates(int64_t now_ms,
                                                                    int64_t horizon_ms,
                                                                    const ReminderCursor& after,
                                                                    int limit,
                                                                    ReminderCursor* next) = 0;

  // --- payment notices ---
  // One payment dated on or after `since` and one number of a participant on its case that may
  // be texted (not opted out; linked to the participant, or on file with "sms_reminders" consent).
  // Whether a notice is due is decided above the store (bot::Bot::PaymentNotice).
  struct PaymentCandidate {
    bot::Payment payment;
    bot::Role role = bot::Role::kPaying;  // the participant's role on the payment's case
    std::string participant_id;
    std::string phone;
    std::string phone_key;  // hex of the phone's blind index: keys "pay:<payment_id>:<phone_key>"
    std::string lang;
    bool linked = false;   // the number is linked to this participant (the link may have expired)
    bool consent = false;  // on file with consent
    bool sent = false;     // "pay:<payment_id>:<phone_key>" is in the outbox (under any key)
  };
  // The candidates of up to `limit` (payment, participant) pairs, dated `since` or later, oldest
  // first.
  virtual Result<std::vector<PaymentCandidate>> PaymentCandidates(std::chrono::sys_days since,
                                                                  int limit) = 0;
};

}  // namespace connecthub::storage
