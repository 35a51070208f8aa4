// The Outbox contract (storage/include/storage/outbox.h), on every backend (contract.h). The
// delivery labels of thread messages need Conversations and are tested in store_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

TEMPLATE_TEST_CASE("outbox: dedupe, due order, retry, unconfirmed attempts, sent, recovery",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Outbox& store = backend.outbox();
  int64_t now = TestNowMs();
  auto id = store.EnqueueOutbound({"+15595550123", "We got your papers", 0, 0, "reply:1"}, now);
  REQUIRE(id.ok());
  CHECK(*store.EnqueueOutbound({"+15595550123", "dup", 0, 0, "reply:1"}, now) == *id);
  auto later = store.EnqueueOutbound({"(559) 555-0124", "second", 0, 0, "x:2"}, now + 1);
  REQUIRE(later.ok());
  CHECK(store.EnqueueOutbound({"not a phone", "x", 0, 0, "x:3"}, now).status().code() ==
        Code::kInvalid);
  CHECK(*store.OutboxDepth() == 2);
  CHECK(store.GetOutboxHealth()->oldest_pending_ms == now);

  auto due = store.TakeDueOutbound(now, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].to == "+15595550123");
  CHECK((*due)[0].body == "We got your papers");
  CHECK((*due)[0].attempts == 1);
  CHECK((*due)[0].state == OutboxState::kSending);
  CHECK(store.TakeDueOutbound(now, 10)->empty());  // now sending
  CHECK_FALSE((*due)[0].unconfirmed_since_ms);
  REQUIRE(store.MarkOutboundRetry(*id, now + 5000, "HTTP 503", now).ok());
  CHECK(store.MarkOutboundRetry(*id + 99, now, "x").code() == Code::kNotFound);
  auto second = store.TakeDueOutbound(now + 4999, 10);
  REQUIRE(second->size() == 1);  // the second one
  CHECK((*second)[0].to == "+15595550124");
  auto retried = store.TakeDueOutbound(now + 5000, 10);
  REQUIRE(retried->size() == 1);
  CHECK((*retried)[0].attempts == 2);
  CHECK((*retried)[0].last_error == "HTTP 503");
  CHECK((*retried)[0].unconfirmed_since_ms == now);  // the 503 might have sent it: look first
  CHECK_FALSE(*store.ProviderSidKnown("SM123"));
  REQUIRE(store.MarkOutboundSent(*id, "SM123", now + 6000).ok());
  CHECK(store.MarkOutboundSent(*id + 99, "SMx", now).code() == Code::kNotFound);
  CHECK(*store.ProviderSidKnown("SM123"));
  CHECK(store.GetOutboxHealth()->last_success_ms == now + 6000);
  std::vector<std::pair<int64_t, int64_t>> changed{{1, 1}};
  REQUIRE(
      store
          .RecordDeliveryStatus("SM123", OutboxState::kDelivered, "delivered", now + 7000, &changed)
          .ok());
  CHECK(changed.empty());  // not a thread message
  REQUIRE(
      store.RecordDeliveryStatus("SM123", OutboxState::kSent, "sent", now + 7500, nullptr).ok());
  CHECK(store.RecordDeliveryStatus("SMnope", OutboxState::kDelivered, "delivered", now, nullptr)
            .code() == Code::kNotFound);
  CHECK(store.RecordDeliveryStatus("", OutboxState::kDelivered, "delivered", now, nullptr).code() ==
        Code::kInvalid);
  CHECK(store.RecordDeliveryStatus("SM123", OutboxState::kPending, "queued", now, nullptr).code() ==
        Code::kInvalid);
  REQUIRE(store.MarkOutboundFailed(*later, "HTTP 400").ok());
  CHECK(store.MarkOutboundFailed(*later + 99, "x").code() == Code::kNotFound);
  CHECK(*store.OutboxDepth() == 0);
  CHECK(store.GetOutboxHealth()->oldest_pending_ms == 0);

  auto third = store.EnqueueOutbound({"+15595550125", "third", 0, 0, ""}, now);
  auto fourth = store.EnqueueOutbound({"+15595550125", "fourth", 0, 0, ""}, now);
  CHECK(*fourth != *third);  // no key: never deduplicated
  REQUIRE(store.MarkOutboundFailed(*fourth, "test").ok());
  REQUIRE(store.TakeDueOutbound(now, 10)->size() == 1);
  CHECK(*store.OutboxDepth() == 1);
  REQUIRE(store.RecoverOutbound(now + 1).ok());  // as after a crash
  auto again = store.TakeDueOutbound(now + 1, 10);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].id == *third);
  // The crash left its attempt (begun at `now`) unconfirmed; a later retry keeps the earliest.
  CHECK((*again)[0].unconfirmed_since_ms == now);
  REQUIRE(store.MarkOutboundRetry(*third, now + 2, "read: end of stream", now + 1).ok());
  auto later_again = store.TakeDueOutbound(now + 2, 10);
  REQUIRE(later_again->size() == 1);
  CHECK((*later_again)[0].unconfirmed_since_ms == now);
  REQUIRE(store.MarkOutboundSent(*third, "SM9", now + 3).ok());
  CHECK(*store.OutboxDepth() == 0);
}

TEMPLATE_TEST_CASE("outbox: two hubs taking at once send every item exactly once",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto other = backend.OpenAnother();
  int64_t now = TestNowMs();
  constexpr int kItems = 60;
  for (int i = 0; i < kItems; ++i) {
    REQUIRE(backend.outbox()
                .EnqueueOutbound(
                    {"+15595550100", "n" + std::to_string(i), 0, 0, "k:" + std::to_string(i)}, now)
                .ok());
  }
  std::mutex mu;
  std::vector<int64_t> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      Outbox& o = w % 2 ? static_cast<Outbox&>(*other) : backend.outbox();
      for (;;) {
        auto due = o.TakeDueOutbound(now, 3);
        if (!due.ok() || due->empty()) return;
        std::lock_guard lock(mu);
        for (const auto& item : *due) taken.push_back(item.id);
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK(taken.size() == kItems);
  CHECK(std::set<int64_t>(taken.begin(), taken.end()).size() == kItems);
}

TEMPLATE_TEST_CASE("outbox: the same key enqueued by two hubs at once is one item",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto other = backend.OpenAnother();
  int64_t now = TestNowMs();
  std::mutex mu;
  std::set<int64_t> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Outbox& o = i % 2 ? static_cast<Outbox&>(*other) : backend.outbox();
      auto id = o.EnqueueOutbound({"+15595550100", "reminder", 0, 0, "rem:A-1:d1:x"}, now);
      std::lock_guard lock(mu);
      if (id.ok()) ids.insert(*id);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ids.size() == 1);
  CHECK(*backend.outbox().OutboxDepth() == 1);
}

TEMPLATE_TEST_CASE("outbox: a send left by a hub that died is taken again after the lease",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto survivor = backend.OpenAnother();
  int64_t now = TestNowMs();
  auto id = backend.outbox().EnqueueOutbound({"+15595550100", "x", 0, 0, "k:1"}, now);
  REQUIRE(id.ok());
  REQUIRE(backend.outbox().TakeDueOutbound(now, 10)->size() == 1);  // then this hub dies
  // Within the lease the attempt may still be running: not taken twice.
  CHECK(survivor->TakeDueOutbound(now + Outbox::kSendLeaseMs - 1, 10)->empty());
  auto again = survivor->TakeDueOutbound(now + Outbox::kSendLeaseMs + 1, 10);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].id == *id);
  CHECK((*again)[0].attempts == 2);
  CHECK((*again)[0].unconfirmed_since_ms == now);  // ask the provider before sending again
  // The new attempt holds a lease of its own.
  CHECK(survivor->TakeDueOutbound(now + 2 * Outbox::kSendLeaseMs, 10)->empty());
}
