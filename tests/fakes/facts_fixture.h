#pragma once

// Synthetic participants and cases for bot tests and benchmarks. Every name, number and place is
// made up (case numbers 2000000xx, participant ids 1000000xx). Times are fixed: Now() is
// Monday 2026-11-23 09:05 in Los Angeles (17:05 UTC).

#include <chrono>
#include <string>

#include "bot/facts.h"

namespace connecthub::fixture {

inline std::chrono::sys_days Day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

// An instant given in UTC.
inline std::chrono::sys_seconds Utc(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return Day(y, m, d) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

inline std::chrono::sys_seconds Now() { return Utc(2026, 11, 23, 17, 5); }

inline bot::Payment MakePayment(std::string id, std::string case_number, std::chrono::sys_days date,
                                int64_t cents, std::string type) {
  return bot::Payment{std::move(id), std::move(case_number), date, cents, std::move(type)};
}

// Case 200000001 in Madera County: $667.93 past due, $10.00 a month, one active order, five
// payments (newest first) from 2025-03-03 to 2026-11-02.
inline bot::CaseFacts MaderaCase(bot::Role role) {
  bot::CaseFacts c;
  c.case_number = "200000001";
  c.county = "MADERA";
  c.status = "OPEN";
  c.opened_date = Day(2018, 1, 10);
  c.monthly_support_cents = 1000;
  c.past_due_installment_cents = 5000;
  c.past_due_cents = 66793;
  c.role = role;
  c.orders.push_back(bot::Order{"200000001", Day(2018, 3, 27), "MADERA", "MCV012345", "ACTIVE"});
  c.payments = {
      MakePayment("P-5", "200000001", Day(2026, 11, 2), 8308, "INCOME WITHHOLDING ORDER"),
      MakePayment("P-4", "200000001", Day(2026, 10, 1), 8308, "INCOME WITHHOLDING ORDER"),
      MakePayment("P-3", "200000001", Day(2026, 9, 1), 8308, "INCOME WITHHOLDING ORDER"),
      MakePayment("P-2", "200000001", Day(2026, 3, 16), 5000, "PERSONAL PAYMENT"),
      MakePayment("P-1", "200000001", Day(2025, 3, 3), 12000, "TAX REFUND INTERCEPT"),
  };
  return c;
}

// The court hearing on Wednesday 2026-12-02 at 8:00 AM PST, then an interview on 2027-01-12 at
// 10:30 AM PST.
inline std::vector<bot::Appointment> MaderaAppointments() {
  return {
      bot::Appointment{"A-1", "200000001", Utc(2026, 12, 2, 16), Utc(2026, 12, 2, 16, 30),
                       "APPELLATE COURT HEARING", "Madera Superior Court"},
      bot::Appointment{"A-2", "200000001", Utc(2027, 1, 12, 18, 30), Utc(2027, 1, 12, 19),
                       "INTERVIEW", "Madera County Child Support Office"},
  };
}

// Maria pays support on case 200000001 and has two upcoming appointments.
inline bot::ParticipantFacts Payer() {
  bot::ParticipantFacts p;
  p.participant_id = "100000001";
  p.first_name = "Maria";
  p.last_name = "Lopez";
  p.language = "es";
  p.cases.push_back(MaderaCase(bot::Role::kPaying));
  p.upcoming_appointments = MaderaAppointments();
  return p;
}

// Ana receives support on the same case and has no appointments.
inline bot::ParticipantFacts Receiver() {
  bot::ParticipantFacts p;
  p.participant_id = "100000002";
  p.first_name = "Ana";
  p.last_name = "Garcia";
  p.language = "en";
  p.cases.push_back(MaderaCase(bot::Role::kReceiving));
  return p;
}

// Robert pays on five cases, 200000011..200000015: past due $100.00, $200.00, ... $500.00 and
// monthly $50.00 each; case N has one payment of $N.00 on 2026-11-(N-10).
inline bot::ParticipantFacts ManyCases() {
  bot::ParticipantFacts p;
  p.participant_id = "100000003";
  p.first_name = "Robert";
  p.last_name = "Chen";
  p.language = "en";
  const char* counties[] = {"FRESNO", "SAN LUIS OBISPO", "KERN", "TULARE", "MERCED"};
  for (int i = 1; i <= 5; ++i) {
    bot::CaseFacts c;
    c.case_number = "2000000" + std::to_string(10 + i);
    c.county = counties[i - 1];
    c.status = "OPEN";
    c.opened_date = Day(2019, static_cast<unsigned>(i), 5);
    c.monthly_support_cents = 5000;
    c.past_due_cents = 10000 * i;
    c.role = bot::Role::kPaying;
    c.payments.push_back(MakePayment("R-" + std::to_string(i), c.case_number,
                                     Day(2026, 11, static_cast<unsigned>(i)), 100 * (10 + i),
                                     "INCOME WITHHOLDING ORDER"));
    p.cases.push_back(c);
  }
  return p;
}

// Sam pays on case 200000021 (nothing past due, no payments yet) and receives on 200000022.
inline bot::ParticipantFacts Mixed() {
  bot::ParticipantFacts p;
  p.participant_id = "100000004";
  p.first_name = "Sam";
  p.last_name = "Rivera";
  p.language = "en";
  bot::CaseFacts paying;
  paying.case_number = "200000021";
  paying.county = "KINGS";
  paying.status = "OPEN";
  paying.opened_date = Day(2024, 6, 1);
  paying.monthly_support_cents = 25000;
  paying.past_due_cents = 0;
  paying.role = bot::Role::kPaying;
  bot::CaseFacts receiving = paying;
  receiving.case_number = "200000022";
  receiving.status = "CLOSED";
  receiving.monthly_support_cents = 0;
  receiving.past_due_cents = 123456;
  receiving.role = bot::Role::kReceiving;
  receiving.payments.push_back(
      MakePayment("M-1", "200000022", Day(2026, 8, 14), 2500, "PERSONAL PAYMENT"));
  p.cases = {paying, receiving};
  return p;
}

// Luis has an account but no case.
inline bot::ParticipantFacts NoCases() {
  bot::ParticipantFacts p;
  p.participant_id = "100000005";
  p.first_name = "Luis";
  p.last_name = "Ortega";
  p.language = "es";
  return p;
}

}  // namespace connecthub::fixture
