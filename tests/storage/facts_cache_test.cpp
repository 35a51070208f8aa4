#include "facts_cache.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

using connecthub::bot::Appointment;
using connecthub::bot::ParticipantFacts;
using connecthub::storage::FactsCache;

namespace {

constexpr int64_t kNow = 1'795'435'200'000;  // 2026-11-23T12:00:00Z
constexpr int64_t kDay = 20'780;             // its day number

std::shared_ptr<const ParticipantFacts> Facts(const std::string& id,
                                              int64_t appointment_end_ms = 0) {
  auto shared = std::make_shared<ParticipantFacts>();
  ParticipantFacts& f = *shared;
  f.participant_id = id;
  f.first_name = "Testqx";
  if (appointment_end_ms > 0) {
    Appointment a;
    a.appointment_id = "A-1";
    a.end = std::chrono::sys_seconds(std::chrono::seconds(appointment_end_ms / 1000));
    a.start = a.end - std::chrono::minutes(30);
    f.upcoming_appointments.push_back(a);
  }
  return shared;
}

}  // namespace

TEST_CASE("facts cache: a hit needs the same case-data version, day and a fresh entry",
          "[storage]") {
  FactsCache cache(10, 60'000);
  CHECK(cache.Get("100000001", 1, kDay, kNow) == nullptr);
  cache.Put("100000001", Facts("100000001"), 1, kDay, kNow);
  auto hit = cache.Get("100000001", 1, kDay, kNow + 1000);
  REQUIRE(hit != nullptr);
  CHECK(hit->first_name == "Testqx");
  // An import changed the case data: the entry is gone, not only skipped.
  CHECK(cache.Get("100000001", 2, kDay, kNow + 1000) == nullptr);
  CHECK(cache.Get("100000001", 1, kDay, kNow + 1000) == nullptr);

  cache.Put("100000001", Facts("100000001"), 1, kDay, kNow);
  CHECK(cache.Get("100000001", 1, kDay + 1, kNow + 1000) == nullptr);  // a new day
  cache.Put("100000001", Facts("100000001"), 1, kDay, kNow);
  CHECK(cache.Get("100000001", 1, kDay, kNow + 60'000) == nullptr);  // too old
  cache.Put("100000001", Facts("100000001"), 1, kDay, kNow);
  CHECK(cache.Get("100000001", 1, kDay, kNow - 1) == nullptr);  // clock went back
  CHECK(cache.size() == 0);
}

TEST_CASE("facts cache: an appointment that has ended is dropped from a hit", "[storage]") {
  FactsCache cache(10, 600'000);
  cache.Put("100000001", Facts("100000001", kNow + 5 * 60'000), 1, kDay, kNow);
  auto before = cache.Get("100000001", 1, kDay, kNow + 60'000);
  CHECK(before->upcoming_appointments.size() == 1);
  CHECK(cache.Get("100000001", 1, kDay, kNow + 5 * 60'000)->upcoming_appointments.empty());
  CHECK(before->upcoming_appointments.size() == 1);  // a copy held elsewhere never changes
}

TEST_CASE("facts cache: least recently used entries go beyond capacity, 0 disables it",
          "[storage]") {
  FactsCache cache(2, 600'000);
  cache.Put("a", Facts("a"), 1, kDay, kNow);
  cache.Put("b", Facts("b"), 1, kDay, kNow);
  REQUIRE(cache.Get("a", 1, kDay, kNow) != nullptr);  // "b" is now the least recently used
  cache.Put("c", Facts("c"), 1, kDay, kNow);
  CHECK(cache.size() == 2);
  CHECK(cache.Get("a", 1, kDay, kNow) != nullptr);
  CHECK(cache.Get("b", 1, kDay, kNow) == nullptr);
  CHECK(cache.Get("c", 1, kDay, kNow) != nullptr);
  cache.Put("c", Facts("c"), 1, kDay, kNow);  // replacing does not grow it
  CHECK(cache.size() == 2);
  cache.Clear();
  CHECK(cache.size() == 0);

  FactsCache off(0, 600'000);
  off.Put("a", Facts("a"), 1, kDay, kNow);
  CHECK(off.Get("a", 1, kDay, kNow) == nullptr);
}
