// Issue 19: supervisors' reports, per day, county and language, from controlled timestamps.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kDay = 24 * 3600 * kSecond;

void Say(Store& store, int64_t thread, Sender sender, const std::string& intent, int64_t at,
         std::optional<int64_t> caseworker = std::nullopt) {
  AppendRequest r;
  r.thread_id = thread;
  r.sender = sender;
  r.body = "text";
  r.intent = intent;
  r.caseworker_id = caseworker;
  r.at_ms = at;
  REQUIRE(store.Append(r).ok());
}

void SetState(Store& store, int64_t thread, ThreadState state, int64_t at,
              std::optional<int64_t> resolver = std::nullopt) {
  ThreadUpdate u;
  u.state = state;
  if (resolver) u.audit = ThreadUpdate::Audit{*resolver, "resolve"};
  REQUIRE(store.UpdateThread(thread, u, at).ok());
}

const ReportRow* Find(const std::vector<ReportRow>& rows, const std::string& date,
                      const std::string& county, const std::string& lang) {
  for (const auto& r : rows) {
    if (r.date == date && r.county == county && r.lang == lang) return &r;
  }
  return nullptr;
}

int64_t Intent(const ReportRow& row, const std::string& name) {
  for (const auto& [intent, n] : row.intents) {
    if (intent == name) return n;
  }
  return 0;
}

}  // namespace

TEST_CASE("reports count bot intents, escalations, first replies and resolves per day",
          "[storage][reports]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());  // both participants have a case in MADERA
  auto cw = store->AddCaseworker("ana", "correct horse battery", "MADERA", false);
  REQUIRE(cw.ok());
  int64_t day1 = TestNowMs();  // 2026-11-23T12:00Z
  int64_t day2 = day1 + kDay;

  auto web = store->OpenThread("100000002", Channel::kWeb, "en", day1);
  REQUIRE(web.ok());
  auto sms = store->OpenSmsThread("+15595550199", "es", day1);  // no participant: no county
  REQUIRE(sms.ok());

  // Before the range: counted nowhere.
  Say(*store, web->id, Sender::kBot, "balance", day1 - kDay);

  // Day 1, web: two answers, an escalation answered after 60 s (the second reply is not a first),
  // a resolve.
  Say(*store, web->id, Sender::kBot, "balance", day1);
  Say(*store, web->id, Sender::kBot, "agent", day1 + kSecond);
  SetState(*store, web->id, ThreadState::kWaiting, day1 + kSecond);
  SetState(*store, web->id, ThreadState::kWaiting, day1 + 2 * kSecond);  // still waiting: not again
  Say(*store, web->id, Sender::kNote, "", day1 + 10 * kSecond, *cw);     // a note is no reply
  Say(*store, web->id, Sender::kCaseworker, "", day1 + 61 * kSecond, *cw);
  Say(*store, web->id, Sender::kCaseworker, "", day1 + 120 * kSecond, *cw);
  SetState(*store, web->id, ThreadState::kResolved, day1 + 200 * kSecond, *cw);

  // Day 1, SMS without a participant: an escalation answered after 30 s.
  Say(*store, sms->id, Sender::kBot, "unknown", day1 + 3 * kSecond);
  SetState(*store, sms->id, ThreadState::kWaiting, day1 + 5 * kSecond);
  Say(*store, sms->id, Sender::kCaseworker, "", day1 + 35 * kSecond, *cw);

  // Day 2, web: escalated again, never answered; then the SMS thread escalates again and is
  // answered after the range ends (still its escalation's figure).
  SetState(*store, web->id, ThreadState::kBot, day2);
  SetState(*store, web->id, ThreadState::kWaiting, day2 + kSecond);
  SetState(*store, sms->id, ThreadState::kResolved, day2 + 2 * kSecond, *cw);
  SetState(*store, sms->id, ThreadState::kWaiting, day2 + 3 * kSecond);

  int64_t day3 = day2 + kDay;
  Say(*store, sms->id, Sender::kCaseworker, "", day3 + kDay, *cw);  // a day after the range

  ReportQuery q;
  q.day_of = [](int64_t at) {  // UTC
    using namespace std::chrono;
    year_month_day d{floor<days>(sys_time<milliseconds>(milliseconds(at)))};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return std::string(buf);
  };
  q.from_ms = day1 - 12 * 3600 * kSecond;  // 2026-11-23T00:00Z
  q.to_ms = q.from_ms + 2 * kDay;          // to 2026-11-25T00:00Z
  auto rows = store->Report(q);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);
  // Ordered by date, county, language.
  CHECK(rows->at(0).date == "2026-11-23");
  CHECK(rows->at(0).county.empty());
  CHECK(rows->at(1).county == "MADERA");
  CHECK(rows->at(2).date == "2026-11-24");

  const ReportRow* web1 = Find(*rows, "2026-11-23", "MADERA", "en");
  REQUIRE(web1 != nullptr);
  CHECK(Intent(*web1, "balance") == 1);
  CHECK(Intent(*web1, "agent") == 1);
  CHECK(web1->intents.size() == 2);
  CHECK(web1->escalations == 1);
  CHECK(web1->first_reply_ms == std::vector<int64_t>{60 * kSecond});
  CHECK(web1->resolved == 1);

  const ReportRow* sms1 = Find(*rows, "2026-11-23", "", "es");
  REQUIRE(sms1 != nullptr);
  CHECK(Intent(*sms1, "unknown") == 1);
  CHECK(sms1->escalations == 1);
  CHECK(sms1->first_reply_ms == std::vector<int64_t>{30 * kSecond});
  CHECK(sms1->resolved == 0);

  const ReportRow* web2 = Find(*rows, "2026-11-24", "MADERA", "en");
  REQUIRE(web2 != nullptr);
  CHECK(web2->intents.empty());
  CHECK(web2->escalations == 1);
  CHECK(web2->first_reply_ms.empty());  // not answered
  CHECK(web2->resolved == 0);

  const ReportRow* sms2 = Find(*rows, "2026-11-24", "", "es");
  REQUIRE(sms2 != nullptr);
  CHECK(sms2->escalations == 1);
  CHECK(sms2->resolved == 1);
  CHECK(sms2->first_reply_ms ==
        std::vector<int64_t>{day3 + kDay - (day2 + 3 * kSecond)});  // answered after the range

  SECTION("the caller's calendar decides the day") {
    ReportQuery local = q;
    local.day_of = [&](int64_t at) { return at < day2 ? std::string("first") : "second"; };
    auto by_local = store->Report(local);
    REQUIRE(by_local.ok());
    REQUIRE(by_local->size() == 4);
    CHECK(Find(*by_local, "first", "MADERA", "en") != nullptr);
    CHECK(Find(*by_local, "second", "", "es") != nullptr);
  }

  SECTION("an empty or reversed range has no rows") {
    ReportQuery none = q;
    none.from_ms = q.to_ms;
    none.to_ms = q.from_ms;
    auto empty = store->Report(none);
    REQUIRE(empty.ok());
    CHECK(empty->empty());
    ReportQuery no_calendar;
    no_calendar.to_ms = 1;
    CHECK(store->Report(no_calendar).status().code() == Code::kInvalid);
  }

  SECTION("a purge takes the escalations of the threads it removes") {
    auto purged = store->Purge(day3 + 2 * kDay, 0, day3 + 2 * kDay);
    REQUIRE(purged.ok());
    auto after = store->Report(q);
    REQUIRE(after.ok());
    for (const auto& r : *after) CHECK(r.escalations == 0);
  }
}
