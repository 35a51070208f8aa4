#include "reminder_policy.h"

#include <algorithm>

namespace connecthub::bot {
namespace {

constexpr std::chrono::seconds kFirstReminder = std::chrono::days(10);
constexpr std::chrono::seconds kSecondReminder = std::chrono::days(2);

}  // namespace

std::optional<ReminderDecision> DecideReminder(const Appointment& appointment,
                                               const std::vector<std::string>& sent, bool details,
                                               const LocalCalendar& calendar,
                                               std::chrono::sys_seconds now) {
  if (appointment.start <= now) return std::nullopt;
  const std::string start = std::to_string(appointment.start.time_since_epoch().count());
  auto any = [&](auto pred) { return std::any_of(sent.begin(), sent.end(), pred); };
  auto has_prefix = [&](const std::string& p) {
    return any([&](const std::string& k) { return k.starts_with(p); });
  };
  ReminderDecision d;
  d.days = static_cast<int>((std::chrono::sys_days(calendar.Today(appointment.start)) -
                             std::chrono::sys_days(calendar.Today(now)))
                                .count());

  if (appointment.status == AppointmentStatus::kCancelled) {
    if (has_prefix("cancelled")) return std::nullopt;
    d.kind = "cancelled";
    d.message = details ? ReminderMessage::kCancelled : ReminderMessage::kLinkExpired;
    return d;
  }
  // The time windows keep the hour of the appointment (10 days before 9 a.m. is 9 a.m.), so no
  // reminder goes out at midnight; the text counts calendar days.
  auto left = appointment.start - now;
  std::string slot = left <= kSecondReminder ? "d2" : left <= kFirstReminder ? "d10" : "";
  if (!details) {
    if (slot.empty() && appointment.status != AppointmentStatus::kRescheduled) return std::nullopt;
    d.kind = start + ".expired";
    if (has_prefix(d.kind)) return std::nullopt;
    d.message = ReminderMessage::kLinkExpired;
    return d;
  }
  if (appointment.status == AppointmentStatus::kRescheduled && !any([&](const std::string& k) {
        return k.starts_with(start + ".") && k.ends_with(".moved");
      })) {
    d.kind = start + "." + (slot.empty() ? "far" : slot) + ".moved";
    d.message = ReminderMessage::kMoved;
    return d;
  }
  if (slot.empty()) return std::nullopt;
  d.kind = start + "." + slot;
  std::string legacy = slot == "d2" ? "2" : "10";
  if (has_prefix(d.kind) || any([&](const std::string& k) { return k == legacy; })) {
    return std::nullopt;
  }
  // A reminder whose first window passed unsent (imported 5 days ahead) goes out now, with the
  // real count; one that is superseded by the second window is not sent as well.
  d.message = ReminderMessage::kReminder;
  return d;
}

}  // namespace connecthub::bot
