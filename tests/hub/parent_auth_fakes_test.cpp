// ParentAuth over the fakes (tests/fakes/): the one parent-login flow without SQLite or Argon2id,
// so its races and long runs are checked exactly, with the time the test sets.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "auth/parent_auth.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_store.h"

using namespace connecthub;
using Outcome = hub::auth::ParentAuthResult::Outcome;

namespace {

constexpr int64_t kMin = 60'000;

struct Fixture {
  fakes::FakeClock clock{1'800'000'000'000};
  fakes::FakePins pins;
  fakes::FakeSessions counters;
  hub::chat::LoginLimiter addresses{1000, 15 * kMin};
  hub::auth::ParentAuth auth{pins, counters, addresses, {}};
  Fixture() { pins.SetPin("100000001", "482913"); }
  Outcome Try(const std::string& pin, const hub::auth::AttemptSource& source = {}) {
    return auth.Verify("100000001", pin, source, clock.Now()).outcome;
  }
};

}  // namespace

TEST_CASE("concurrent wrong PINs: only the lockout's five are ever verified", "[hub][auth]") {
  Fixture f;
  std::atomic<int> locked{0}, bad{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      Outcome o = f.Try("000000");
      if (o == Outcome::kLockedOut) ++locked;
      if (o == Outcome::kBadPin) ++bad;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(f.pins.checks() == 5);  // reserved before verifying: 27 never reach the PIN check
  CHECK(bad + locked == 32);
  CHECK(locked >= 27);
  // Even the right PIN is refused while locked, and is not checked.
  CHECK(f.Try("482913") == Outcome::kLockedOut);
  CHECK(f.pins.checks() == 5);
  // After the lock: the right PIN gets in and clears the counter.
  f.clock.Advance(15 * kMin + 1);
  CHECK(f.Try("482913") == Outcome::kOk);
  CHECK(f.counters.Counter("100000001").consecutive == 0);
}

TEST_CASE("a patient guesser reaches the hard cap and stays locked until the agency resets it",
          "[hub][auth]") {
  Fixture f;
  int attempts = 0;
  // Guess whenever the lock allows, for as long as it takes (the lock doubles up to 24 h).
  while (attempts < 1000) {
    Outcome o = f.Try("111111");
    if (o == Outcome::kBadPin || o == Outcome::kLockedOut) ++attempts;
    auto c = f.counters.Counter("100000001");
    if (c.locked_until_ms == hub::auth::kHardLocked) break;
    if (c.locked_until_ms > f.clock.Now()) f.clock.Set(c.locked_until_ms + 1);
  }
  CHECK(f.pins.checks() == 100);  // NIST 800-63B's cap: 100 verified failures, then no more
  f.clock.Advance(365LL * 24 * 60 * kMin);
  CHECK(f.Try("482913") == Outcome::kLockedOut);
  CHECK(f.pins.checks() == 100);
  REQUIRE(hub::auth::ResetLockout(f.counters, "100000001").ok());
  CHECK(f.Try("482913") == Outcome::kOk);
}

TEST_CASE("a phone locked by its own guesses does not lock the participant on the web",
          "[hub][auth]") {
  Fixture f;
  hub::auth::AttemptSource phone{.counter_key = hub::auth::ParentAuth::SmsThreadKey(7)};
  // The same phone guesses against five different participants: its own counter locks it.
  for (int i = 0; i < 5; ++i) {
    f.pins.SetPin("10000001" + std::to_string(i), "999999");
    CHECK(f.auth.Verify("10000001" + std::to_string(i), "123456", phone, f.clock.Now()).outcome ==
          (i < 4 ? Outcome::kBadPin : Outcome::kLockedOut));
  }
  CHECK(f.auth.Verify("100000010", "999999", phone, f.clock.Now()).outcome == Outcome::kLockedOut);
  // Each participant saw one failure only: they still log in from the web.
  CHECK(f.counters.Counter("100000010").failures == 1);
  CHECK(f.auth.Verify("100000010", "999999", {}, f.clock.Now()).outcome == Outcome::kOk);
}
