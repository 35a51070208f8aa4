// The CaseData contract (storage/include/storage/case_data.h), on every backend (contract.h):
// imports and their rejections, corrections, the bot's facts, PIN checks, demo data's refusal.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 86'400'000;

std::vector<std::string> PaymentIds(CaseData& store, const std::string& participant) {
  auto facts = store.LoadFacts(participant, TestNowMs());
  REQUIRE(facts.ok());
  std::vector<std::string> ids;
  for (const auto& c : facts->cases) {
    for (const auto& p : c.payments) ids.push_back(p.payment_id);
  }
  return ids;
}

// Imports `text`; the reasons of the rejected lines.
std::vector<std::string> Rejections(CaseData& store, const std::string& text, ImportStats* stats) {
  std::istringstream in(text);
  std::vector<std::string> reasons;
  auto r = store.Import(in, [&](int64_t, const std::string& why) { reasons.push_back(why); });
  REQUIRE(r.ok());
  *stats = *r;
  return reasons;
}

std::string ParticipantWithHash(const std::string& hash) {
  return R"({"participant":{"participant_id":"100000007","first_name":"Anaqx","last_name":"Diazqz","pin_hash":")" +
         hash + "\"}}\n";
}

}  // namespace

TEMPLATE_TEST_CASE("import: good lines kept, bad lines reported by number and skipped",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  std::string extract = SampleExtract();
  extract += "this is not json\n";  // 9
  extract += R"({"participant":{"participant_id":"100000003","first_name":"A","pin":"1234"}})"
             "\n";  // 10
  extract +=
      R"({"payment":{"payment_id":"P-9","case_number":"200000001","date":"2026-01-01","amount":"12.345","type":"X"}})"
      "\n";  // 11
  extract +=
      R"({"payment":{"payment_id":"P-9","case_number":"200000001","date":"2026-02-30","amount":"12.34","type":"X"}})"
      "\n";  // 12
  extract +=
      R"({"payment":{"payment_id":"P-9","case_number":"299999999","date":"2026-01-01","amount":"12.34","type":"X"}})"
      "\n";  // 13
  extract +=
      R"({"case":{"case_number":"200000009","county":"FRESNO","status":"OPEN","opened_date":"2020-01-01","monthly_support":"1.00","past_due_installment":"0","past_due":"0","participants":[{"participant_id":"199999999","role":"PAYING"}]}})"
      "\n";  // 14
  extract += R"({"widget":{}})"
             "\n";  // 15
  extract += "\n";  // 16
  extract +=
      R"({"payment":{"payment_id":"P-10","case_number":"200000001","date":"2026-11-20","amount":"5","type":"PERSONAL PAYMENT"}})"
      "\n";  // 17
  std::istringstream in(extract);
  std::vector<std::pair<int64_t, std::string>> rejected;
  auto stats = store->Import(
      in, [&](int64_t line, const std::string& why) { rejected.emplace_back(line, why); });
  REQUIRE(stats.ok());
  CHECK(stats->participants == 2);
  CHECK(stats->cases == 1);
  CHECK(stats->orders == 1);
  CHECK(stats->payments == 4);
  CHECK(stats->appointments == 1);
  CHECK(stats->rejected == 7);
  REQUIRE(rejected.size() == 7);
  CHECK(rejected[0].first == 9);
  CHECK(rejected[0].second.find("bad JSON") != std::string::npos);
  CHECK(rejected[1].first == 10);
  CHECK(rejected[1].second.find("last_name") != std::string::npos);
  CHECK(rejected[2].first == 11);
  CHECK(rejected[2].second.find("money") != std::string::npos);
  CHECK(rejected[3].first == 12);
  CHECK(rejected[3].second.find("date") != std::string::npos);
  CHECK(rejected[4].first == 13);
  CHECK(rejected[4].second.find("unknown case") != std::string::npos);
  CHECK(rejected[5].first == 14);
  CHECK(rejected[5].second.find("unknown participant") != std::string::npos);
  CHECK(rejected[6].first == 15);

  // Idempotent upsert: importing again changes nothing, an updated line replaces its row.
  auto again = MustImport(*store, SampleExtract());
  CHECK(again.rejected == 0);
  MustImport(
      *store,
      R"({"payment":{"payment_id":"P-1","case_number":"200000001","date":"2026-10-16","amount":"90.00","type":"INCOME WITHHOLDING ORDER"}})"
      "\n");
  auto facts = store->LoadFacts("100000001", TestNowMs());
  REQUIRE(facts.ok());
  REQUIRE(facts->cases.size() == 1);
  const auto& k = facts->cases[0];
  CHECK(k.payments.size() == 3);  // P-10, P-2, P-1 (P-old is older than 24 months)
  // The bot is told where the window starts, so it never says "none" for before it.
  CHECK(facts->payments_since == std::chrono::sys_days(std::chrono::year(2024) / 11 / 23));
  CHECK(k.payments[0].payment_id == "P-10");
  CHECK(k.payments[1].amount_cents == 8350);
  CHECK(k.payments[2].amount_cents == 9000);
}

TEMPLATE_TEST_CASE("LoadFacts returns the participant's own cases, roles, orders and appointments",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  auto payer = store->LoadFacts("100000001", TestNowMs());
  REQUIRE(payer.ok());
  CHECK(payer->first_name == "Mariaxq");
  CHECK(payer->last_name == "Lopezqz");
  CHECK(payer->language == "es");
  REQUIRE(payer->cases.size() == 1);
  CHECK(payer->cases[0].role == connecthub::bot::Role::kPaying);
  CHECK(payer->cases[0].monthly_support_cents == 1000);
  CHECK(payer->cases[0].past_due_cents == 66793);
  CHECK(payer->cases[0].county == "MADERA");
  REQUIRE(payer->cases[0].orders.size() == 1);
  CHECK(payer->cases[0].orders[0].court_case_number == "MCV012345");
  REQUIRE(payer->upcoming_appointments.size() == 1);
  // 2026-12-02T08:00-08:00 is 16:00 UTC.
  using namespace std::chrono;
  CHECK(payer->upcoming_appointments[0].start == sys_days{year{2026} / 12 / 2} + hours{16});
  auto receiver = store->LoadFacts("100000002", TestNowMs());
  REQUIRE(receiver.ok());
  CHECK(receiver->cases[0].role == connecthub::bot::Role::kReceiving);
  CHECK(receiver->upcoming_appointments.empty());
  // After the appointment it is no longer upcoming.
  auto later = store->LoadFacts("100000001", TestNowMs() + 30 * kDay);
  CHECK(later->upcoming_appointments.empty());
  CHECK(store->LoadFacts("100000999", TestNowMs()).status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("PIN check, plain Argon2id hashes from an extract, lockout bookkeeping",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  CHECK(*store->CheckPin("100000001", "482913"));
  CHECK_FALSE(*store->CheckPin("100000001", "482914"));
  CHECK_FALSE(*store->CheckPin("100000999", "482913"));
  // A plain Argon2id string (no pepper), as an extract may give it.
  char plain[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(plain, "246810", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
  MustImport(
      *store,
      std::string(
          R"({"participant":{"participant_id":"100000005","first_name":"Anaqx","last_name":"Diazqz","pin_hash":")") +
          plain + "\"}}\n");
  CHECK(*store->CheckPin("100000005", "246810"));
  CHECK_FALSE(*store->CheckPin("100000005", "246811"));

  // The store keeps failed-login counters as the lockout policy (hub/src/auth/lockout.h, tested
  // in tests/hub/auth_lockout_test.cpp) writes them: one atomic read-modify-write per attempt.
  int64_t now = TestNowMs();
  auto bump = [&](int64_t at) {
    return store->UpdatePinCounter("100000001", [&](const PinCounter& c) {
      PinCounter n = c;
      ++n.failures;
      ++n.consecutive;
      if (n.window_start_ms == 0) n.window_start_ms = at;
      if (n.failures >= 5) n.locked_until_ms = at + 15 * kMinute;
      return n;
    });
  };
  for (int i = 0; i < 4; ++i) CHECK(bump(now + i)->locked_until_ms == 0);
  auto locked = bump(now + 5);
  REQUIRE(locked.ok());
  CHECK(locked->locked_until_ms == now + 5 + 15 * kMinute);
  CHECK(locked->failures == 5);
  CHECK(locked->window_start_ms == now);
  REQUIRE(store->ClearPinFailures("100000001").ok());
  auto fresh = store->UpdatePinCounter("100000001", [](const PinCounter& c) { return c; });
  REQUIRE(fresh.ok());
  CHECK(fresh->failures == 0);
  CHECK(fresh->locked_until_ms == 0);
}

TEMPLATE_TEST_CASE("delete records remove one record by id, and twice is not an error",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  ImportStats stats;
  CHECK(Rejections(
            *store,
            "{\"delete\":{\"payment_id\":\"P-1\"}}\n"
            "{\"delete\":{\"appointment_id\":\"A-1\"}}\n"
            "{\"delete\":{\"case_number\":\"200000001\",\"court_case_number\":\"MCV012345\"}}\n"
            "{\"delete\":{\"payment_id\":\"P-1\"}}\n",
            &stats)
            .empty());
  CHECK(stats.deletes == 4);
  CHECK(PaymentIds(*store, "100000001") == std::vector<std::string>{"P-2"});
  auto facts = store->LoadFacts("100000001", TestNowMs());
  REQUIRE(facts.ok());
  CHECK(facts->upcoming_appointments.empty());
  REQUIRE(facts->cases.size() == 1);
  CHECK(facts->cases[0].orders.empty());

  // A whole case: its payments go with it; the participants stay.
  MustImport(*store, "{\"delete\":{\"case_number\":\"200000001\"}}\n");
  facts = store->LoadFacts("100000002", TestNowMs());
  REQUIRE(facts.ok());
  CHECK(facts->cases.empty());
  CHECK(facts->first_name == "Jamesqx");

  // A participant with no conversation on record goes, with their PIN and phones.
  MustImport(*store, "{\"delete\":{\"participant_id\":\"100000002\"}}\n");
  CHECK(store->LoadFacts("100000002", TestNowMs()).status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("malformed corrections are rejected with a reason, the other lines are kept",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  ImportStats stats;
  auto reasons = Rejections(*store,
                            "{\"delete\":{}}\n"
                            "{\"delete\":{\"payment_id\":\"P-1\",\"appointment_id\":\"A-1\"}}\n"
                            "{\"delete\":{\"payment_id\":7}}\n"
                            "{\"delete\":{\"court_case_number\":\"MCV012345\"}}\n"
                            "{\"delete\":\"P-1\"}\n"
                            "{\"payment\":{\"payment_id\":\"P-1\",\"case_number\":\"200000001\","
                            "\"date\":\"2026-10-16\",\"amount\":\"83.08\",\"type\":\"X\","
                            "\"reversed\":\"yes\"}}\n"
                            "{\"delete\":{\"payment_id\":\"P-2\"}}\n",
                            &stats);
  CHECK(reasons.size() == 6);
  CHECK(stats.deletes == 1);
  CHECK(PaymentIds(*store, "100000001") == std::vector<std::string>{"P-1"});
}

TEMPLATE_TEST_CASE("demo data refuses a database with participants or caseworkers",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  DemoOptions options;
  options.participants = 3;
  options.now_ms = TestNowMs();
  SECTION("participants") {
    TestType backend;
    auto* store = backend.store.get();
    MustImport(*store, SampleExtract());
    auto demo = store->GenerateDemo(options);
    REQUIRE_FALSE(demo.ok());
    CHECK(demo.status().code() == Code::kConflict);
    CHECK(store->CheckPin("100000001", "482913").value());
  }
  SECTION("caseworkers") {
    TestType backend;
    auto* store = backend.store.get();
    REQUIRE(store->AddCaseworker("jdoe", "password-123", "MADERA", false).ok());
    CHECK(store->GenerateDemo(options).status().code() == Code::kConflict);
  }
}

TEMPLATE_TEST_CASE("import refuses Argon2 parameters beyond the caps", "[storage][contract]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  std::vector<std::string> reasons;
  auto import = [&](const std::string& hash) {
    reasons.clear();
    std::istringstream in(ParticipantWithHash(hash));
    auto stats =
        store->Import(in, [&](int64_t, const std::string& why) { reasons.push_back(why); });
    REQUIRE(stats.ok());
    return stats->participants == 1;
  };
  const std::string tail = "$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
  CHECK_FALSE(import("$argon2id$v=19$m=4194304,t=2,p=1" + tail));  // 4 GiB
  CHECK(reasons.at(0).find("memory cost") != std::string::npos);
  CHECK_FALSE(import("$argon2id$v=19$m=65536,t=1000,p=1" + tail));
  CHECK_FALSE(import("$argon2id$v=19$m=65536,t=2,p=64" + tail));
  CHECK_FALSE(import("$argon2id$v=19$m=65536,t=2" + tail));
  CHECK_FALSE(import("$argon2id$v=19$m=99999999999999999999,t=2,p=1" + tail));
  CHECK_FALSE(import("$argon2id$v=16$m=65536,t=2,p=1" + tail));
  CHECK_FALSE(import("$argon2id$v=19$m=65536,t=2,p=1" + std::string(600, 'a')));
  char plain[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(plain, "246810", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
  CHECK(import(plain));
  CHECK(reasons.empty());
}

TEMPLATE_TEST_CASE("a reversed payment leaves the answers, sent again unreversed it comes back",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  CHECK(PaymentIds(*store, "100000001") == std::vector<std::string>{"P-2", "P-1"});
  MustImport(*store,
             R"({"payment":{"payment_id":"P-2","case_number":"200000001","date":"2026-11-02",)"
             R"("amount":"83.5","type":"PERSONAL PAYMENT","reversed":true}})"
             "\n");
  CHECK(PaymentIds(*store, "100000001") == std::vector<std::string>{"P-1"});
  CHECK(PaymentIds(*store, "100000002") == std::vector<std::string>{"P-1"});
  auto candidates =
      store->PaymentCandidates(std::chrono::sys_days{std::chrono::year{2026} / 10 / 1}, 100);
  REQUIRE(candidates.ok());
  for (const auto& c : *candidates) CHECK(c.payment.payment_id != "P-2");
  MustImport(*store,
             R"({"payment":{"payment_id":"P-2","case_number":"200000001","date":"2026-11-02",)"
             R"("amount":"83.5","type":"PERSONAL PAYMENT"}})"
             "\n");
  CHECK(PaymentIds(*store, "100000001") == std::vector<std::string>{"P-2", "P-1"});
}
