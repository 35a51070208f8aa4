// Issue 19, assignment: a thread transferred to a county queue is that county's alone; a thread
// with no county (an unlinked number) is the triage queue's; a holder's disabled account shows.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

TEST_CASE("thread scope: queue county, triage queue, in lists and searches", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", now);  // a MADERA case
  auto sms = store->OpenSmsThread("+15595550199", "en", now);           // unlinked: no county
  REQUIRE(web.ok());
  REQUIRE(sms.ok());
  REQUIRE(store->UpdateThread(web->id, {.state = ThreadState::kWaiting}, now).ok());
  REQUIRE(store->UpdateThread(sms->id, {.state = ThreadState::kWaiting}, now + 1).ok());
  auto ids = [&](const ThreadQuery& q) {
    std::vector<int64_t> out;
    auto list = store->ListThreads(q);
    REQUIRE(list.ok());
    const std::vector<ThreadRecord>& threads = *list;
    for (const auto& t : threads) out.push_back(t.id);
    return out;
  };
  using Ids = std::vector<int64_t>;
  CHECK(ids({.county = "MADERA"}) == Ids{web->id});
  CHECK(ids({.county = "MADERA", .triage = true}) == Ids{web->id, sms->id});
  CHECK(ids({.county = "FRESNO", .triage = true}) == Ids{sms->id});
  CHECK(ids({.county = "FRESNO"}).empty());

  // Transferred to FRESNO's queue: Fresno sees it, Madera no longer does.
  ThreadUpdate to_fresno;
  to_fresno.queue_county = "FRESNO";
  REQUIRE(store->UpdateThread(web->id, to_fresno, now + 2).ok());
  CHECK(store->GetThread(web->id)->queue_county == "FRESNO");
  CHECK(ids({.county = "FRESNO"}) == Ids{web->id});
  CHECK(ids({.county = "MADERA"}).empty());
  // An unlinked number's thread in a queue leaves triage too.
  ThreadUpdate to_kern;
  to_kern.queue_county = "KERN";
  REQUIRE(store->UpdateThread(sms->id, to_kern, now + 3).ok());
  CHECK(ids({.county = "FRESNO", .triage = true}) == Ids{web->id});
  CHECK(ids({.county = "KERN"}) == Ids{sms->id});
  CHECK(ids({.supervisor = true}).size() == 2);

  // Searches follow the same scope.
  ThreadSearch by_id;
  by_id.exact = "100000001";
  by_id.county = "MADERA";
  CHECK(store->SearchThreads(by_id)->empty());
  by_id.county = "FRESNO";
  CHECK(store->SearchThreads(by_id)->size() == 1);

  // Cleared: back to the cases' county.
  ThreadUpdate back;
  back.queue_county = "";
  REQUIRE(store->UpdateThread(web->id, back, now + 4).ok());
  CHECK(ids({.county = "MADERA"}) == Ids{web->id});
  ThreadUpdate too_long;
  too_long.queue_county = std::string(65, 'X');
  CHECK(store->UpdateThread(web->id, too_long, now + 5).code() == Code::kInvalid);
}

TEST_CASE("a thread held by a disabled account says so", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", now);
  REQUIRE(web.ok());
  auto cw = store->AddCaseworker("away", "correct horse", "MADERA", false);
  REQUIRE(cw.ok());
  REQUIRE(store->Claim(web->id, *cw, now).ok());
  CHECK_FALSE(store->GetThread(web->id)->assigned_disabled);
  REQUIRE(store->SetCaseworkerDisabled("away", true, now).ok());
  CHECK(store->GetThread(web->id)->assigned_disabled);
  REQUIRE(store->SetCaseworkerDisabled("away", false, now).ok());
  CHECK_FALSE(store->GetThread(web->id)->assigned_disabled);
}
