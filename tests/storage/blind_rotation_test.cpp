// Issue 16 item 8: phone blind indexes rotate with the key. rotate-key re-indexes every phone
// (and the outbox dedupe keys built from it); look-ups try every key meanwhile; retire refuses
// while an index under the key remains.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "crypto.h"
#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

constexpr int64_t kLinkTtlMs = 90LL * 24 * 3600 * 1000;
constexpr int64_t kHorizonMs = 10LL * 24 * 3600 * 1000;

// The sample extract, the first participant consenting to reminders at the number on file.
std::string ConsentingExtract() {
  std::string text = SampleExtract();
  std::string first = R"("language":"es"}})";
  text.replace(text.find(first), first.size(), R"("language":"es","sms_reminders":true}})");
  return text;
}

std::vector<Store::ReminderCandidate> Reminders(Store& store, int64_t now) {
  auto r = store.ReminderCandidates(now, kHorizonMs, {}, 100, nullptr);
  REQUIRE(r.ok());
  return *r;
}

// A pointer into `all`: keep the vector alive while it is used.
const Store::ReminderCandidate* For(const std::vector<Store::ReminderCandidate>& all,
                                    const std::string& phone) {
  for (const auto& c : all) {
    if (c.phone == phone) return &c;
  }
  return nullptr;
}
// Not on a temporary: the pointer would dangle (TSan found one).
const Store::ReminderCandidate* For(std::vector<Store::ReminderCandidate>&&,
                                    const std::string&) = delete;

std::vector<std::string> Phones(Store& store, const std::string& participant_id) {
  auto numbers = store.TextableNumbers(participant_id);
  REQUIRE(numbers.ok());
  std::vector<std::string> out;
  for (const auto& n : *numbers) out.push_back(n.phone);
  std::sort(out.begin(), out.end());
  return out;
}

// Every phone look-up the hub makes, as set up by the test below.
void ExpectLookups(Store& store, int64_t now, int64_t thread_id) {
  CHECK(store.LinkedParticipant("+15595550103", now, kLinkTtlMs).value() ==
        std::optional<std::string>("100000002"));
  CHECK(store.LinkedParticipant("(559) 555-0105", now, kLinkTtlMs).value() ==
        std::optional<std::string>("100000001"));
  CHECK_FALSE(store.LinkedParticipant("+15595550199", now, kLinkTtlMs).value().has_value());
  CHECK(*store.IsOptedOut("+15595550105"));
  CHECK_FALSE(*store.IsOptedOut("+15595550103"));
  auto thread = store.OpenSmsThread("+15595550103", "en", now);
  REQUIRE(thread.ok());
  CHECK(thread->id == thread_id);
  CHECK(thread->participant_id == "100000002");
  auto opted = store.OpenSmsThread("+15595550105", "en", now);
  REQUIRE(opted.ok());
  CHECK(opted->opted_out);
  ThreadSearch search;
  search.phone = "559-555-0103";
  search.supervisor = true;
  auto found = store.SearchThreads(search);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK(found->front().id == thread_id);
  search.phone = "+15595550101";  // on file for participant 1: their web and SMS threads
  found = store.SearchThreads(search);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  for (const auto& t : *found) CHECK(t.participant_id == "100000001");
  // The linked number that opted out is left out; the one on file (with consent) is in.
  CHECK(Phones(store, "100000001") == std::vector<std::string>{"+15595550101"});
  CHECK(Phones(store, "100000002") == std::vector<std::string>{"+15595550102", "+15595550103"});
}

int64_t Count(const TempDir& dir, const std::string& sql) {
  SQLite::Database raw(dir.File("t.db"));
  return raw.execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("phone look-ups and sent reminders survive rotate-key and retiring the old key",
          "[storage][keys]") {
  TempDir dir;
  auto store = OpenNoSettle(dir);
  MustImport(*store, ConsentingExtract());
  MustImport(
      *store,
      R"({"participant":{"participant_id":"100000002","first_name":"Jamesqx","last_name":"Smithqz","pin":"135790","phones":["+15595550102"],"language":"en","sms_reminders":true}}
)");
  int64_t now = TestNowMs();
  REQUIRE(store->LinkPhone("+15595550103", "100000002", now).ok());
  REQUIRE(store->LinkPhone("+15595550105", "100000001", now).ok());
  REQUIRE(store->SetOptOut("+15595550105", true, now).ok());
  auto thread = store->OpenSmsThread("+15595550103", "en", now);
  REQUIRE(thread.ok());
  REQUIRE(store->OpenThread("100000001", Channel::kWeb, "es", now).ok());
  ExpectLookups(*store, now, thread->id);

  // A reminder and a payment notice sent before the rotation, as the hub keys them.
  auto before = Reminders(*store, now);
  const auto* reminder = For(before, "+15595550101");
  REQUIRE(reminder != nullptr);
  CHECK(reminder->sent.empty());
  std::string old_key = reminder->phone_key;
  std::string rem =
      "rem:A-1:" + std::to_string(reminder->appointment.start.time_since_epoch().count()) + ".d10:";
  auto sent = store->EnqueueOutbound({"+15595550101", "reminder", 0, 0, rem + old_key}, now);
  REQUIRE(sent.ok());
  auto paid =
      store->PaymentCandidates(std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}, 100);
  REQUIRE(paid.ok());
  std::string pay;
  for (const auto& p : *paid) {
    if (p.payment.payment_id == "P-2" && p.phone == "+15595550103") pay = "pay:P-2:" + p.phone_key;
  }
  REQUIRE_FALSE(pay.empty());
  REQUIRE(store->EnqueueOutbound({"+15595550103", "notice", 0, 0, pay}, now).ok());

  auto rotated = store->RotateKey(2);  // small batches: every table takes several
  REQUIRE(rotated.ok());
  CHECK(rotated->rows_tampered == 0);
  CHECK(rotated->indexes_kept == 0);
  ExpectLookups(*store, now, thread->id);
  auto after = Reminders(*store, now);
  reminder = For(after, "+15595550101");
  REQUIRE(reminder != nullptr);
  CHECK(reminder->phone_key != old_key);  // under key 2 now
  CHECK(reminder->sent.size() == 1);      // the one sent before the rotation
  // The hub's key for it now is key 2's: the same outbox item, not a second text.
  CHECK(store->EnqueueOutbound({"+15595550101", "reminder", 0, 0, rem + reminder->phone_key}, now)
            .value() == *sent);
  paid = store->PaymentCandidates(std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}, 100);
  REQUIRE(paid.ok());
  for (const auto& p : *paid) {
    if (p.payment.payment_id == "P-2" && p.phone == "+15595550103") CHECK(p.sent);
  }
  // Nothing is indexed under key 1 any more: every row's number is sealed under key 2.
  CHECK(Count(dir, "SELECT count(*) FROM outbox WHERE dedupe_key LIKE '%" + old_key + "'") == 0);

  // Key 1 still peppers the imported PINs: re-hashed at the next login, then it retires.
  REQUIRE(*store->CheckPin("100000001", "482913"));
  REQUIRE(*store->CheckPin("100000002", "135790"));
  REQUIRE(store->RetireKey(1).ok());
  store.reset();
  store = OpenNoSettle(dir);  // key 2 alone
  ExpectLookups(*store, now, thread->id);
  auto retired = Reminders(*store, now);
  reminder = For(retired, "+15595550101");
  REQUIRE(reminder != nullptr);
  CHECK(reminder->sent.size() == 1);
}

TEST_CASE("an opt-out from before schema 15 without a number keeps its key from retiring",
          "[storage][keys]") {
  TempDir dir;
  auto store = OpenNoSettle(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  REQUIRE(store->LinkPhone("+15595550103", "100000002", now).ok());
  REQUIRE(store->SetOptOut("+15595550103", true, now).ok());  // its number is also linked
  REQUIRE(store->SetOptOut("+15595550109", true, now).ok());  // nowhere else
  {
    // As written before schema 15: no number.
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE sms_optouts SET phone = NULL");
  }
  auto rotated = store->RotateKey(100);
  REQUIRE(rotated.ok());
  CHECK(rotated->indexes_kept == 1);  // the one its number was found for is re-indexed
  CHECK(Count(dir, "SELECT count(*) FROM sms_optouts WHERE phone IS NULL") == 1);
  // Both are still honoured.
  CHECK(*store->IsOptedOut("+15595550103"));
  CHECK(*store->IsOptedOut("+15595550109"));
  CHECK(store->TextableNumbers("100000002")->empty());
  REQUIRE(*store->CheckPin("100000001", "482913"));
  REQUIRE(*store->CheckPin("100000002", "135790"));
  Status refused = store->RetireKey(1);
  CHECK(refused.code() == Code::kConflict);
  CHECK(refused.message().find("1 SMS opt-out(s) recorded before schema 15 still use key 1") !=
        std::string::npos);
  // The number texts STOP again: recorded with its number under key 2, the old row gone.
  REQUIRE(store->SetOptOut("+15595550109", true, now + 1).ok());
  CHECK(Count(dir, "SELECT count(*) FROM sms_optouts") == 2);
  {
    // Indexes from before schema 15 not re-indexed by a rotation yet.
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec("INSERT INTO meta(name, value) VALUES('blind_index_legacy', '1')");
  }
  refused = store->RetireKey(1);
  CHECK(refused.code() == Code::kConflict);
  CHECK(refused.message().find("before schema 15 still use key 1: run rotate-key first") !=
        std::string::npos);
  REQUIRE(store->RotateKey(100).ok());  // 3
  REQUIRE(store->RetireKey(1).ok());
  CHECK(*store->IsOptedOut("+15595550109"));
  CHECK(*store->IsOptedOut("+15595550103"));
}
