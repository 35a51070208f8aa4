// Reply targets: a waiting thread is due after office time (business hours) and overdue after
// that, by the hub's clock (a fake one here); the inbox sorts high priority, overdue, the rest.
#include "inbox/reply_target.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "clock.h"
#include "fakes/facts_fixture.h"
#include "inbox/inbox_json.h"

using namespace connecthub;
using fixture::Utc;

namespace {

int64_t Ms(std::chrono::sys_seconds s) {
  return static_cast<int64_t>(s.time_since_epoch().count()) * 1000;
}

std::unique_ptr<bot::OfficeHours> Hours() {
  bot::OfficeHoursOptions o;  // Monday to Friday 8-17 Pacific
  o.holidays = {std::chrono::year(2026) / 12 / 25};
  std::string error;
  auto h = bot::OfficeHours::Create(o, &error);
  REQUIRE(h != nullptr);
  return h;
}

storage::ThreadRecord Waiting(int64_t id, int64_t since_ms, int priority = 0) {
  storage::ThreadRecord t;
  t.id = id;
  t.state = storage::ThreadState::kWaiting;
  t.waiting_since_ms = since_ms;
  t.priority = priority;
  return t;
}

}  // namespace

TEST_CASE("reply target: one office day by default, over nights, weekends and holidays", "[hub]") {
  auto hours = Hours();
  hub::inbox::ReplyTarget target{.hours = hours.get()};
  // Tue 2026-12-01 15:00 PST: 2 h Tuesday, 7 h Wednesday -> Wed 15:00.
  CHECK(target.DueMs(Waiting(1, Ms(Utc(2026, 12, 1, 23)))) == Ms(Utc(2026, 12, 2, 23)));
  // Fri 2026-12-04 15:00 PST: 2 h Friday, 7 h Monday.
  CHECK(target.DueMs(Waiting(1, Ms(Utc(2026, 12, 4, 23)))) == Ms(Utc(2026, 12, 7, 23)));
  // Thu 2026-12-24 15:00 PST: Christmas is closed -> Monday 15:00.
  CHECK(target.DueMs(Waiting(1, Ms(Utc(2026, 12, 24, 23)))) == Ms(Utc(2026, 12, 28, 23)));
  // Saturday night: all of Monday.
  CHECK(target.DueMs(Waiting(1, Ms(Utc(2026, 12, 6, 6)))) == Ms(Utc(2026, 12, 8, 1)));
  // Not waiting: no target.
  storage::ThreadRecord assigned = Waiting(1, Ms(Utc(2026, 12, 1, 23)));
  assigned.state = storage::ThreadState::kAssigned;
  CHECK_FALSE(target.DueMs(assigned).has_value());
  CHECK_FALSE(hub::inbox::ReplyTarget{}.DueMs(Waiting(1, 1)).has_value());

  // `serve` without --reply-target-hours (0) gets that default, not a target of one second.
  auto serve_default = hub::inbox::MakeReplyTarget(hours.get(), 0);
  CHECK(serve_default.DueMs(Waiting(1, Ms(Utc(2026, 12, 1, 23)))) == Ms(Utc(2026, 12, 2, 23)));
  auto half_hour = hub::inbox::MakeReplyTarget(hours.get(), 0.5);
  CHECK(half_hour.DueMs(Waiting(1, Ms(Utc(2026, 12, 1, 23)))) ==
        Ms(Utc(2026, 12, 1, 23)) + 30 * 60'000);
  CHECK(hub::inbox::MakeReplyTarget(hours.get(), 0.00001).business.count() == 1);
}

TEST_CASE("reply target: due_at and overdue follow the clock", "[hub]") {
  auto hours = Hours();
  hub::inbox::ReplyTarget target{.hours = hours.get(), .business = std::chrono::hours(2)};
  int64_t now = Ms(Utc(2026, 12, 1, 23));  // Tue 15:00 PST
  hub::Clock clock = [&now] { return now; };
  storage::ThreadRecord t = Waiting(7, now);
  auto json = hub::inbox::ThreadSummaryJson(t, target, clock());
  CHECK(json.at("due_at").as_string() == "2026-12-02T01:00:00Z");  // 17:00 PST
  CHECK_FALSE(json.at("overdue").as_bool());
  now = Ms(Utc(2026, 12, 2, 0, 59));  // a minute before
  CHECK_FALSE(target.Overdue(t, clock()));
  now = Ms(Utc(2026, 12, 2, 1));
  CHECK(target.Overdue(t, clock()));
  CHECK(hub::inbox::ThreadSummaryJson(t, target, clock()).at("overdue").as_bool());
  // The night does not count: at 20:00 the same due time stands.
  now = Ms(Utc(2026, 12, 2, 4));
  CHECK(hub::inbox::ThreadSummaryJson(t, target, clock()).at("due_at").as_string() ==
        "2026-12-02T01:00:00Z");
  t.state = storage::ThreadState::kResolved;
  auto resolved = hub::inbox::ThreadSummaryJson(t, target, clock());
  CHECK(resolved.at("due_at").is_null());
  CHECK_FALSE(resolved.at("overdue").as_bool());
}

TEST_CASE("reply target: high priority first, then overdue, then the rest in order", "[hub]") {
  auto hours = Hours();
  hub::inbox::ReplyTarget target{.hours = hours.get(), .business = std::chrono::hours(1)};
  int64_t now = Ms(Utc(2026, 12, 2, 20));  // Wed 12:00 PST
  std::vector<storage::ThreadRecord> threads = {
      Waiting(1, Ms(Utc(2026, 12, 2, 19, 30))),  // waiting 30 min: not due yet
      Waiting(2, Ms(Utc(2026, 12, 2, 19, 45))),  // not due yet
      Waiting(3, Ms(Utc(2026, 12, 2, 16))),      // overdue since 9:00
      Waiting(4, Ms(Utc(2026, 12, 2, 19, 50)), 1),
      Waiting(5, Ms(Utc(2026, 12, 2, 17))),  // overdue since 10:00
  };
  threads.push_back(Waiting(6, 0));
  threads.back().state = storage::ThreadState::kBot;
  hub::inbox::SortForInbox(target, now, &threads);
  std::vector<int64_t> order;
  for (const auto& t : threads) order.push_back(t.id);
  CHECK(order == std::vector<int64_t>{4, 3, 5, 1, 2, 6});
}
