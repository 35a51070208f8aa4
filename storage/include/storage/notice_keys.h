#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connecthub::storage {

// The outbox dedupe keys of notices: one format, for the hub that enqueues them
// (hub/src/sms/sms_reminders.cpp) and every backend that reads back what was sent (Notices).
// `phone_key` is the hex of the number's blind index (Notices::ReminderCandidate::phone_key).

// "rem:<appointment_id>:<kind>:<phone_key>": one reminder (kind: which one, e.g. "d1").
inline std::string ReminderKey(std::string_view appointment_id, std::string_view kind,
                               std::string_view phone_key) {
  std::string key = "rem:";
  key.append(appointment_id).append(":").append(kind).append(":").append(phone_key);
  return key;
}
// Every reminder key of an appointment starts with this prefix, and sorts before
// ReminderKeyEnd(appointment_id): a range scan finds them.
inline std::string ReminderKeyPrefix(std::string_view appointment_id) {
  return "rem:" + std::string(appointment_id) + ":";
}
inline std::string ReminderKeyEnd(std::string_view appointment_id) {
  return "rem:" + std::string(appointment_id) + ";";  // ';' follows ':'
}
// The (kind, phone_key) of a reminder key that starts with `prefix`; nullopt otherwise.
inline std::optional<std::pair<std::string, std::string>> ParseReminderKey(
    std::string_view key, std::string_view prefix) {
  if (!key.starts_with(prefix)) return std::nullopt;
  size_t colon = key.rfind(':');
  if (colon == std::string_view::npos || colon < prefix.size()) return std::nullopt;
  return std::pair{std::string(key.substr(prefix.size(), colon - prefix.size())),
                   std::string(key.substr(colon + 1))};
}

// "pay:<payment_id>:<phone_key>": one payment notice.
inline std::string PaymentKey(std::string_view payment_id, std::string_view phone_key) {
  std::string key = "pay:";
  key.append(payment_id).append(":").append(phone_key);
  return key;
}

}  // namespace connecthub::storage
