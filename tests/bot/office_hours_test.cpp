// Office hours: when caseworkers are in, in the agency's time zone, with holidays.
#include "bot/office_hours.h"

#include <catch2/catch.hpp>

#include "fakes/facts_fixture.h"

namespace connecthub::bot_test {
namespace {

using fixture::Utc;

std::unique_ptr<bot::OfficeHours> Hours(bot::OfficeHoursOptions options = {}) {
  std::string error;
  auto h = bot::OfficeHours::Create(options, &error);
  INFO(error);
  REQUIRE(h != nullptr);
  return h;
}

}  // namespace

TEST_CASE("office hours: Monday to Friday 8 to 5 Pacific by default", "[bot]") {
  auto h = Hours();
  // Tuesday 2026-12-01.
  CHECK(h->IsOpen(Utc(2026, 12, 1, 16)));            // 8:00 PST
  CHECK_FALSE(h->IsOpen(Utc(2026, 12, 1, 15, 59)));  // 7:59
  CHECK(h->IsOpen(Utc(2026, 12, 2, 0, 59)));         // 4:59 PM
  CHECK_FALSE(h->IsOpen(Utc(2026, 12, 2, 1)));       // 5:00 PM
  // After hours: the next morning; Friday evening: Monday morning.
  CHECK(h->NextOpen(Utc(2026, 12, 2, 5)) == Utc(2026, 12, 2, 16));   // Tue 9 PM -> Wed 8 AM
  CHECK(h->NextOpen(Utc(2026, 12, 5, 2)) == Utc(2026, 12, 7, 16));   // Fri 6 PM -> Mon 8 AM
  CHECK(h->NextOpen(Utc(2026, 12, 1, 12)) == Utc(2026, 12, 1, 16));  // Tue 4 AM -> Tue 8 AM
  CHECK(h->NextOpen(Utc(2026, 12, 1, 18)) == Utc(2026, 12, 1, 18));  // open: now
  // Summer time: 8 AM PDT is 15:00 UTC.
  CHECK(h->NextOpen(Utc(2026, 7, 1, 5)) == Utc(2026, 7, 1, 15));
  // Waits count for the estimate only inside one open spell.
  CHECK(h->SameSpell(Utc(2026, 12, 1, 17), Utc(2026, 12, 1, 18)));
  CHECK_FALSE(h->SameSpell(Utc(2026, 12, 1, 23), Utc(2026, 12, 2, 17)));  // overnight
  CHECK_FALSE(h->SameSpell(Utc(2026, 12, 2, 5), Utc(2026, 12, 2, 17)));   // began at night
}

TEST_CASE("office hours: holidays and other days are configurable", "[bot]") {
  bot::OfficeHoursOptions o;
  o.holidays = {std::chrono::year(2026) / 12 / 25};
  auto h = Hours(o);
  CHECK_FALSE(h->IsOpen(Utc(2026, 12, 25, 18)));                      // Christmas, a Friday
  CHECK(h->NextOpen(Utc(2026, 12, 25, 2)) == Utc(2026, 12, 28, 16));  // Thu 6 PM -> Mon
  o = {};
  o.days = {6};
  o.open_minute = 9 * 60;
  o.close_minute = 12 * 60;
  auto saturday = Hours(o);
  CHECK(saturday->NextOpen(Utc(2026, 12, 1, 18)) == Utc(2026, 12, 5, 17));  // Sat 9 AM PST
  std::string error;
  o.days = {8};
  CHECK(bot::OfficeHours::Create(o, &error) == nullptr);
  o = {};
  o.open_minute = o.close_minute;
  CHECK(bot::OfficeHours::Create(o, &error) == nullptr);
  o = {};
  o.time_zone = "Mars/Olympus";
  CHECK(bot::OfficeHours::Create(o, &error) == nullptr);
  CHECK(error.find("time zone") != std::string::npos);
}


TEST_CASE("office hours: office time adds up over nights, weekends and holidays", "[bot]") {
  using std::chrono::hours;
  using std::chrono::minutes;
  bot::OfficeHoursOptions o;
  o.holidays = {std::chrono::year(2026) / 12 / 25};
  auto h = Hours(o);
  CHECK(h->DayLength() == hours(9));
  // Tue 2026-12-01 10:00 PST + 2 h: the same day, 12:00.
  CHECK(h->AddOpenTime(Utc(2026, 12, 1, 18), hours(2)) == Utc(2026, 12, 1, 20));
  // Tue 16:00 + 2 h: one hour Tuesday, one Wednesday from 8:00 (over the night).
  CHECK(h->AddOpenTime(Utc(2026, 12, 2, 0), hours(2)) == Utc(2026, 12, 2, 17));
  // Exactly the rest of the day ends at closing time.
  CHECK(h->AddOpenTime(Utc(2026, 12, 2, 0), hours(1)) == Utc(2026, 12, 2, 1));
  // Started at night (Tue 21:00): counting begins Wednesday 8:00; one office day ends 17:00.
  CHECK(h->AddOpenTime(Utc(2026, 12, 2, 5), hours(9)) == Utc(2026, 12, 3, 1));
  // Friday 2026-12-04 16:30 + 1 h: 30 min Friday, 30 min Monday (the weekend is skipped).
  CHECK(h->AddOpenTime(Utc(2026, 12, 5, 0, 30), hours(1)) == Utc(2026, 12, 7, 16, 30));
  // Thu 2026-12-24 16:00 + 2 h: Friday is Christmas, so Monday 9:00.
  CHECK(h->AddOpenTime(Utc(2026, 12, 25, 0), hours(2)) == Utc(2026, 12, 28, 17));
  // A Saturday + 18 h: Monday and Tuesday, to Tuesday 17:00.
  CHECK(h->AddOpenTime(Utc(2026, 12, 5, 20), hours(18)) == Utc(2026, 12, 9, 1));
  // Over the change to summer time (Sunday 2026-03-08): Fri 16:00 PST + 2 h -> Mon 9:00 PDT.
  CHECK(h->AddOpenTime(Utc(2026, 3, 7, 0), hours(2)) == Utc(2026, 3, 9, 16));
  // Fractions of an hour.
  CHECK(h->AddOpenTime(Utc(2026, 12, 1, 18), minutes(90)) == Utc(2026, 12, 1, 19, 30));
}

}  // namespace connecthub::bot_test
