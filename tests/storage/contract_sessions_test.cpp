// The Sessions contract (storage/include/storage/sessions.h), on every backend (contract.h).
#include <catch2/catch.hpp>
#include <limits>
#include <thread>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {
constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 86'400'000;
}  // namespace

TEMPLATE_TEST_CASE("sessions: only a hash of the token is stored, idle sessions expire",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Sessions& store = backend.sessions();
  int64_t now = TestNowMs();
  auto token = store.CreateSession(SessionKind::kParticipant, "100000001", now);
  REQUIRE(token.ok());
  CHECK(token->size() >= 43);
  auto s = store.ResolveSession(*token, now + 10 * kMinute, 15 * kMinute);
  REQUIRE(s.ok());
  CHECK(s->subject == "100000001");
  CHECK(s->kind == SessionKind::kParticipant);
  CHECK(store.ResolveSession(*token, now + 24 * kMinute, 15 * kMinute).ok());  // touched at 10
  CHECK(store.ResolveSession(*token, now + 40 * kMinute, 15 * kMinute).status().code() ==
        Code::kNotFound);
  CHECK(store.ResolveSession(*token, now + 41 * kMinute, 60 * kMinute).status().code() ==
        Code::kNotFound);  // deleted when it expired
  auto cw = store.CreateSession(SessionKind::kCaseworker, "7", now);
  REQUIRE(cw.ok());
  CHECK(store.ResolveSession(*cw, now, kDay)->kind == SessionKind::kCaseworker);
  CHECK(backend.RawSessions().find(*cw) == std::string::npos);
  CHECK(backend.RawSessions().find("caseworker7") != std::string::npos);  // the row is there
  REQUIRE(store.EndSession(*cw).ok());
  CHECK(store.ResolveSession(*cw, now, kDay).status().code() == Code::kNotFound);
  CHECK(store.ResolveSession("garbage", now, kDay).status().code() == Code::kNotFound);
  CHECK(store.CreateSession(SessionKind::kParticipant, "", now).status().code() == Code::kInvalid);
  CHECK(backend.RawSessions().find(*token) == std::string::npos);
}

TEMPLATE_TEST_CASE("sessions: peek does not touch, purge by idle and by age", "[storage][contract]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  Sessions& store = backend.sessions();
  int64_t now = TestNowMs();
  auto old_token = store.CreateSession(SessionKind::kParticipant, "100000001", now);
  auto idle_token = store.CreateSession(SessionKind::kCaseworker, "1", now + 1000);
  auto fresh_token = store.CreateSession(SessionKind::kCaseworker, "2", now + 2000);
  REQUIRE(old_token.ok());
  REQUIRE(idle_token.ok());
  REQUIRE(fresh_token.ok());
  // The old one is used (touched) later; peek reads without touching.
  REQUIRE(store.ResolveSession(*old_token, now + 5 * 60'000, 15 * 60'000).ok());
  auto peek = store.PeekSession(*old_token);
  REQUIRE(peek.ok());
  CHECK(peek->last_used_ms == now + 5 * 60'000);
  CHECK(peek->created_ms == now);
  CHECK(store.PeekSession(*idle_token)->last_used_ms == now + 1000);
  REQUIRE(store.ResolveSession(*fresh_token, now + 5 * 60'000, 15 * 60'000).ok());
  // Purge: idle before now+2 min (the idle one), created before now+500 (the old one).
  CHECK(*store.PurgeSessions(now + 2 * 60'000, now + 500) == 2);
  CHECK(store.PeekSession(*old_token).status().code() == Code::kNotFound);
  CHECK(store.PeekSession(*idle_token).status().code() == Code::kNotFound);
  CHECK(store.PeekSession(*fresh_token).ok());
  CHECK(store.PeekSession("garbage").status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("sessions: a session made by one hub resolves and ends on another",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto other = backend.OpenAnother();
  int64_t now = TestNowMs();
  auto token = backend.sessions().CreateSession(SessionKind::kCaseworker, "3", now);
  REQUIRE(token.ok());
  auto seen = other->ResolveSession(*token, now + 2 * kMinute, 15 * kMinute);
  REQUIRE(seen.ok());
  CHECK(seen->subject == "3");
  CHECK(backend.sessions().PeekSession(*token)->last_used_ms == now + 2 * kMinute);
  REQUIRE(other->EndSession(*token).ok());
  CHECK(backend.sessions().PeekSession(*token).status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("pin counters update atomically, and purges keep hard locks",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Sessions& store = backend.sessions();
  int64_t now = TestNowMs();
  auto bump = [&](const PinCounter& c) {
    PinCounter n = c;
    ++n.failures;
    n.window_start_ms = now;
    return n;
  };
  CHECK(store.UpdatePinCounter("k", bump)->failures == 1);
  CHECK(store.UpdatePinCounter("k", bump)->failures == 2);
  // Concurrent updates see each other.
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] { (void)store.UpdatePinCounter("k", bump); });
  for (auto& t : threads) t.join();
  CHECK(store.UpdatePinCounter("k", [](const PinCounter& c) { return c; })->failures == 10);
  // A hard lock survives a purge; a quiet row does not.
  REQUIRE(store
              .UpdatePinCounter("hard",
                                [&](const PinCounter&) {
                                  PinCounter n;
                                  n.window_start_ms = now;
                                  n.locked_until_ms = std::numeric_limits<int64_t>::max();
                                  return n;
                                })
              .ok());
  CHECK(*store.PurgePinCounters(now + 1) == 1);
  CHECK(store.UpdatePinCounter("k", [](const PinCounter& c) { return c; })->failures == 0);
  CHECK(store.UpdatePinCounter("hard", [](const PinCounter& c) { return c; })->locked_until_ms ==
        std::numeric_limits<int64_t>::max());
  REQUIRE(store.ClearPinFailures("hard").ok());
  CHECK(store.UpdatePinCounter("hard", [](const PinCounter& c) { return c; })->locked_until_ms ==
        0);
}

TEMPLATE_TEST_CASE("pin counters: two hubs updating one key at once lose no attempt",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  // The race of issue 16 item 4, across processes: every attempt is counted, whichever hub took
  // it, so a guesser gains nothing by spreading guesses over the instances.
  TestType backend;
  auto other = backend.OpenAnother();
  auto bump = [](const PinCounter& c) {
    PinCounter n = c;
    ++n.failures;
    ++n.consecutive;
    return n;
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Sessions& s = i % 2 ? static_cast<Sessions&>(*other) : backend.sessions();
      for (int j = 0; j < 5; ++j) (void)s.UpdatePinCounter("p", bump);
    });
  }
  for (auto& t : threads) t.join();
  auto total = other->UpdatePinCounter("p", [](const PinCounter& c) { return c; });
  REQUIRE(total.ok());
  CHECK(total->failures == 30);
  CHECK(total->consecutive == 30);
}
