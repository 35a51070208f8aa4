#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/facts.h"
#include "local_time.h"

namespace connecthub::bot {

// What a reminder run may send about one appointment to one number.
enum class ReminderMessage {
  kReminder,     // "in N days ..." (10 days before, then 2 days before)
  kMoved,        // "your appointment has moved" with the new time (RESCHEDULED)
  kCancelled,    // "your appointment is cancelled" (CANCELLED), and nothing more after it
  kLinkExpired,  // no case details: the number's link expired and there is no consent on file
};

struct ReminderDecision {
  ReminderMessage message = ReminderMessage::kReminder;
  // The middle of the outbox dedupe key: "<start_s>.d10", "<start_s>.d2", "<start_s>.<slot>.moved"
  // (slot d10, d2 or far), "<start_s>.expired", "cancelled". A new start time makes new keys, so a
  // moved appointment gets its reminders again.
  std::string kind;
  int days = 0;  // calendar days from today to the appointment, in the agency's time zone
};

// Which message, if any, is due at `now` for `appointment`, given the kinds already enqueued for
// this number (`sent`, as ReminderDecision::kind; the old "10" and "2" keys count as the slots of
// the current start). `details`: the number may get case details (a live link or consent on
// file). Pure; thread-safe.
std::optional<ReminderDecision> DecideReminder(const Appointment& appointment,
                                               const std::vector<std::string>& sent, bool details,
                                               const LocalCalendar& calendar,
                                               std::chrono::sys_seconds now);

}  // namespace connecthub::bot
