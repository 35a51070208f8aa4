// The Notices contract (storage/include/storage/notices.h), on every backend (contract.h): what
// reminders are about, and what was already sent.
#include <catch2/catch.hpp>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {
constexpr int64_t kDay = 86'400'000;
}  // namespace

TEMPLATE_TEST_CASE("reminder candidates: linked and consented numbers, status, what was sent",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());  // A-1 starts 2026-12-02T16:00Z, 9 days after "now"
  int64_t now = TestNowMs();
  constexpr int64_t kTenDays = 10 * kDay;
  Store::ReminderCursor next;
  auto all = [&](int64_t at) { return store->ReminderCandidates(at, kTenDays, {}, 10, &next); };
  CHECK(all(now)->empty());             // no linked phone and no consent yet
  CHECK(next.appointment_id == "A-1");  // looked at, nothing to text
  REQUIRE(store->LinkPhone("+15595550101", "100000001", now).ok());
  auto due = all(now);
  REQUIRE(due->size() == 1);
  const auto& c = (*due)[0];
  CHECK(c.phone == "+15595550101");
  CHECK(c.lang == "es");
  CHECK(c.linked);
  CHECK_FALSE(c.consent);
  CHECK(c.appointment.appointment_id == "A-1");
  CHECK(c.appointment.status == connecthub::bot::AppointmentStatus::kScheduled);
  CHECK(c.sent.empty());
  std::string key = "rem:A-1:1796227200.d10:" + c.phone_key;
  REQUIRE(store->EnqueueOutbound({c.phone, "reminder", 0, 0, key}, now).ok());
  REQUIRE(all(now)->size() == 1);
  CHECK(all(now)->at(0).sent == std::vector<std::string>{"1796227200.d10"});
  // Outside the horizon: not a candidate; STOP: not a candidate.
  CHECK(store->ReminderCandidates(now, kDay, {}, 10, &next)->empty());
  REQUIRE(store->SetOptOut("+15595550101", true, now).ok());
  CHECK(all(now)->empty());
  REQUIRE(store->SetOptOut("+15595550101", false, now).ok());
  CHECK(all(now + 20 * kDay)->empty());  // past

  // Consent on file: the numbers on file, merged with the linked one; a cancelled appointment
  // beyond the horizon is still a candidate (its notice goes out at once).
  MustImport(
      *store,
      R"({"participant":{"participant_id":"100000001","first_name":"Mariaxq","last_name":"Lopezqz","pin":"482913","phones":["(559) 555-0101","+15595550109"],"language":"es","sms_reminders":true}}
{"appointment":{"appointment_id":"A-9","case_number":"200000001","participant_id":"100000001","start":"2027-02-02T08:00:00-08:00","end":"2027-02-02T08:30:00-08:00","type":"INTERVIEW","location":"Office","status":"cancelled"}}
)");
  auto both = all(now);
  REQUIRE(both->size() == 4);
  CHECK((*both)[0].phone == "+15595550101");
  CHECK((*both)[0].linked);
  CHECK((*both)[0].consent);
  CHECK((*both)[1].phone == "+15595550109");
  CHECK_FALSE((*both)[1].linked);
  CHECK((*both)[1].consent);
  CHECK((*both)[2].appointment.appointment_id == "A-9");
  CHECK((*both)[2].appointment.status == connecthub::bot::AppointmentStatus::kCancelled);
  // Pages follow the cursor.
  auto first = store->ReminderCandidates(now, kTenDays, {}, 1, &next);
  CHECK(first->size() == 2);
  auto second = store->ReminderCandidates(now, kTenDays, next, 1, &next);
  REQUIRE(second->size() == 2);
  CHECK((*second)[0].appointment.appointment_id == "A-9");
  CHECK(store->ReminderCandidates(now, kTenDays, next, 1, &next)->empty());
}
