#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace connecthub::bot {

// Plain case facts the bot answers from: one participant's own cases only. Money is integer cents;
// dates are calendar days; instants are UTC seconds. Built by the hub from the store.

enum class Role { kPaying, kReceiving };

struct Payment {
  std::string payment_id;
  std::string case_number;
  std::chrono::sys_days date;
  int64_t amount_cents = 0;
  std::string type;  // e.g. "INCOME WITHHOLDING ORDER"
};

struct Order {
  std::string case_number;
  std::chrono::sys_days file_date;
  std::string county;
  std::string court_case_number;
  std::string status;  // e.g. "ACTIVE"
};

// SPEC §6 extension (storage/README.md): what the agency says about an appointment's time.
enum class AppointmentStatus { kScheduled, kRescheduled, kCancelled };

struct Appointment {
  std::string appointment_id;
  std::string case_number;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::string type;      // e.g. "APPELLATE COURT HEARING"
  std::string location;  // e.g. "Madera Superior Court"
  AppointmentStatus status = AppointmentStatus::kScheduled;
};

struct CaseFacts {
  std::string case_number;
  std::string county;
  std::string status;  // e.g. "OPEN", "CLOSED"
  std::chrono::sys_days opened_date;
  int64_t monthly_support_cents = 0;
  int64_t past_due_installment_cents = 0;
  int64_t past_due_cents = 0;
  Role role = Role::kPaying;  // this participant's role on this case
  std::vector<Order> orders;
  // Newest first; at most the last 24 months and at most 100 per case.
  std::vector<Payment> payments;
};

struct ParticipantFacts {
  std::string participant_id;
  std::string first_name;
  std::string last_name;
  std::string language;  // preferred language code from the extract ("en" / "es")
  std::vector<CaseFacts> cases;
  // The first day of the payments loaded into `cases` (the store loads the last 24 months): the
  // bot never says "no payments" for a time before it. Default: everything was loaded.
  std::chrono::sys_days payments_since{};
  // This participant's appointments that end after `now`, soonest first.
  std::vector<Appointment> upcoming_appointments;
};

}  // namespace connecthub::bot
