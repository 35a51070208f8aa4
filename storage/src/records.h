#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "bot/facts.h"

namespace connecthub::storage {

// Validated case-data records, already sealed and hashed, ready for a backend to write. Shared by
// the extract import (extract_reader.h) and the demo-data generator; no database here.

struct PParticipant {
  std::string id, language, pin_hash;
  bool peppered = true;  // pin_hash is over the peppered PIN (false: a plain Argon2id string)
  std::string first, last, email;  // sealed
  bool has_email = false;
  bool sms_reminders = false;  // consent to reminders by SMS at `phones`
  std::vector<std::pair<std::string, std::string>> phones;  // (blind index, sealed number)
};
struct PCase {
  std::string number, county, status;
  int64_t opened = 0, monthly = 0, installment = 0, past_due = 0;  // days; cents
  std::vector<std::pair<std::string, std::string>> roles;          // (participant, role)
};
struct POrder {
  std::string case_number, court_case_number, county, status;
  int64_t file_date = 0;
};
struct PPayment {
  std::string id, case_number, type;
  int64_t date = 0, amount = 0;
  bool reversed = false;  // reversed by the agency: kept on record, never in answers or notices
};
struct PAppointment {
  std::string id, case_number, participant_id, type, location;
  std::string status = "SCHEDULED";  // SCHEDULED, RESCHEDULED or CANCELLED
  int64_t start = 0, end = 0;        // UTC seconds
};
// A correction: `{"delete":{…}}` removes one record by its id (see hub/API.md, "Extract
// corrections").
struct PDelete {
  enum class Kind { kPayment, kAppointment, kOrder, kCase, kParticipant };
  Kind kind = Kind::kPayment;
  std::string id;                 // payment, appointment, case number or participant id
  std::string court_case_number;  // kOrder: the order within case `id`
};
using Record = std::variant<PParticipant, PCase, POrder, PPayment, PAppointment, PDelete>;

// The stored appointment status ("SCHEDULED", "RESCHEDULED", "CANCELLED"; anything else reads
// as scheduled).
bot::AppointmentStatus ParseAppointmentStatus(std::string_view status);

}  // namespace connecthub::storage
