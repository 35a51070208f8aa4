// The SmsLinks contract (storage/include/storage/sms_links.h), on every backend (contract.h).
// What a link does to the number's SMS thread needs Conversations: store_test.cpp.
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {
constexpr int64_t kDay = 86'400'000;
}  // namespace

TEMPLATE_TEST_CASE("SMS: linking with TTL, opt-outs, inbound reply idempotency",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  const std::string phone = "+15595550123";
  CHECK_FALSE(store->LinkedParticipant(phone, now, kDay)->has_value());
  CHECK(store->LinkedParticipant("not a phone", now, kDay).status().code() == Code::kInvalid);
  REQUIRE(store->LinkPhone("(559) 555-0123", "100000001", now).ok());
  CHECK(store->LinkPhone(phone, "100000999", now).code() == Code::kNotFound);
  CHECK(store->LinkedParticipant(phone, now + 1000, kDay)->value() == "100000001");
  CHECK(store->LinkedPhones("100000001").value() == std::vector<std::string>{phone});
  // A use refreshes the link (at most every tenth of the TTL, or an hour): the link made at
  // `now` and used at +kDay/2 is still alive after kDay.
  CHECK(store->LinkedParticipant(phone, now + kDay / 2, kDay)->has_value());
  CHECK(store->LinkedParticipant(phone, now + kDay + kDay / 4, kDay)->has_value());
  CHECK_FALSE(store->LinkedParticipant(phone, now + 3 * kDay, kDay)->has_value());
  // Expired, the link is still listed (texts about the participant may still go there).
  CHECK(store->LinkedPhones("100000001")->size() == 1);
  REQUIRE(store->UnlinkPhone(phone).ok());
  CHECK_FALSE(store->LinkedParticipant(phone, now, kDay)->has_value());
  CHECK(store->LinkedPhones("100000001")->empty());

  CHECK_FALSE(*store->IsOptedOut(phone));
  REQUIRE(store->SetOptOut(phone, true, now).ok());
  CHECK(*store->IsOptedOut("559-555-0123"));
  REQUIRE(store->SetOptOut(phone, false, now).ok());
  CHECK_FALSE(*store->IsOptedOut(phone));
  CHECK(store->SetOptOut("12", true, now).code() == Code::kInvalid);

  CHECK_FALSE(store->InboundReply("SM0001", now)->has_value());
  REQUIRE(store->RecordInboundReply("SM0001", "Reply STOP to stop", now).ok());
  REQUIRE(store->RecordInboundReply("SM0001", "a different answer", now).ok());
  CHECK(store->InboundReply("SM0001", now)->value() == "Reply STOP to stop");
  CHECK(store->RecordInboundReply("", "x", now).code() == Code::kInvalid);
  // Kept 48 h (Twilio retries within hours), then gone: it holds an answer.
  CHECK(store->InboundReply("SM0001", now + SmsLinks::kInboundReplyTtlMs - 1)->has_value());
  CHECK_FALSE(store->InboundReply("SM0001", now + SmsLinks::kInboundReplyTtlMs)->has_value());
}

TEMPLATE_TEST_CASE("SMS: the numbers a participant may be texted at", "[storage][contract]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  // On file without consent, and not linked: none.
  CHECK(store->TextableNumbers("100000001")->empty());
  REQUIRE(store->LinkPhone("+15595550177", "100000001", now).ok());
  auto linked = store->TextableNumbers("100000001").value();
  REQUIRE(linked.size() == 1);
  CHECK(linked[0].phone == "+15595550177");
  CHECK(linked[0].linked);
  CHECK_FALSE(linked[0].consent);
  CHECK(linked[0].lang == "es");
  CHECK(linked[0].link_last_used_ms == now);
  CHECK(linked[0].phone_key.size() == 64);  // hex of the blind index
  // Consent on file adds the numbers on file, merged with a linked one.
  MustImport(*store, R"({"participant":{"participant_id":"100000001","first_name":"Mariaxq",)"
                     R"("last_name":"Lopezqz","pin":"482913","phones":["(559) 555-0101",)"
                     R"("+15595550177"],"language":"es","sms_reminders":true}})"
                     "\n");
  auto both = store->TextableNumbers("100000001").value();
  REQUIRE(both.size() == 2);
  for (const auto& n : both) {
    if (n.phone == "+15595550177") {
      CHECK(n.linked);
      CHECK(n.consent);
    } else {
      CHECK(n.phone == "+15595550101");
      CHECK_FALSE(n.linked);
      CHECK(n.consent);
    }
  }
  // STOP removes a number whichever way it is known.
  REQUIRE(store->SetOptOut("+15595550177", true, now).ok());
  auto left = store->TextableNumbers("100000001").value();
  REQUIRE(left.size() == 1);
  CHECK(left[0].phone == "+15595550101");
  CHECK(store->TextableNumbers("100000999")->empty());
}

TEMPLATE_TEST_CASE("SMS: a MessageSid answered on two hubs at once keeps one reply",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  // A Twilio retry may reach the other instance while the first is still answering: whichever
  // commits first wins, and both then serve that reply.
  TestType backend;
  auto other = backend.OpenAnother();
  int64_t now = TestNowMs();
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      SmsLinks& s = i % 2 ? static_cast<SmsLinks&>(*other) : backend.sms_links();
      (void)s.RecordInboundReply("SM0042", "answer " + std::to_string(i), now);
    });
  }
  for (auto& t : threads) t.join();
  auto a = backend.sms_links().InboundReply("SM0042", now);
  auto b = other->InboundReply("SM0042", now);
  REQUIRE(a->has_value());
  CHECK(**a == **b);
}
