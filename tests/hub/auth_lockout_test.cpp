#include <catch2/catch.hpp>

#include "auth/lockout.h"
#include "auth/session_policy.h"

using namespace connecthub::hub;
using connecthub::storage::PinCounter;
using connecthub::storage::Session;

namespace {

constexpr int64_t kMin = 60'000;

// Applies ReserveAttempt as the store would (one atomic step), keeping the counter.
struct Counter {
  PinCounter c;
  auth::LockoutOptions o;
  auth::Reservation Try(int64_t now) {
    auth::Reservation r;
    c = auth::ReserveAttempt(c, now, o, &r);
    return r;
  }
};

}  // namespace

TEST_CASE("an attempt is counted before it is verified: the 5th starts the lockout",
          "[hub][auth]") {
  Counter k;
  for (int i = 0; i < 4; ++i) {
    auto r = k.Try(1000 + i);
    CHECK(r.allowed);
    CHECK(r.locked_until_ms == 0);
  }
  auto fifth = k.Try(1004);
  CHECK(fifth.allowed);  // the 5th is still verified, and locks on failure
  CHECK(fifth.locked_until_ms == 1004 + 15 * kMin);
  // Everything after it is refused without a PIN check, however many arrive at once.
  for (int i = 0; i < 27; ++i) {
    auto r = k.Try(1005);
    CHECK_FALSE(r.allowed);
    CHECK(r.locked_until_ms == 1004 + 15 * kMin);
  }
  CHECK(k.c.consecutive == 5);
}

TEST_CASE("failures outside the window start a new count", "[hub][auth]") {
  Counter k;
  for (int i = 0; i < 4; ++i) CHECK(k.Try(i * kMin).allowed);
  // 16 minutes after the window began: a fresh window, no lockout yet.
  auto r = k.Try(16 * kMin);
  CHECK(r.allowed);
  CHECK(r.locked_until_ms == 0);
  CHECK(k.c.failures == 1);
}

TEST_CASE("lockouts double up to the ceiling, then a hard cap holds for good", "[hub][auth]") {
  Counter k;
  k.o.lock_ms = 1000;
  k.o.max_lock_ms = 4000;
  k.o.hard_cap = 25;
  int64_t now = 0;
  std::vector<int64_t> locks;
  for (int round = 0; round < 4; ++round) {
    auth::Reservation r;
    for (int i = 0; i < 5; ++i) r = k.Try(now);
    locks.push_back(r.locked_until_ms - now);
    now = r.locked_until_ms;  // the lock has passed
  }
  CHECK(locks == std::vector<int64_t>{1000, 2000, 4000, 4000});
  // 20 failures so far; the 25th since the last success is the hard lock.
  auth::Reservation r;
  for (int i = 0; i < 5; ++i) r = k.Try(now);
  CHECK(r.allowed);
  CHECK(r.locked_until_ms == auth::kHardLocked);
  CHECK_FALSE(k.Try(now + 365LL * 24 * 3600'000).allowed);
  // Only a reset (a zero counter) lifts it.
  k.c = PinCounter{};
  CHECK(k.Try(now + 1).allowed);
}

TEST_CASE("a clock that goes back does not extend a window forever", "[hub][auth]") {
  Counter k;
  CHECK(k.Try(10 * kMin).allowed);
  CHECK(k.Try(5 * kMin).allowed);  // earlier than the window start: a new window
  CHECK(k.c.failures == 1);
  CHECK(k.c.window_start_ms == 5 * kMin);
}

TEST_CASE("sessions end when idle or past their absolute lifetime", "[hub][auth]") {
  auth::SessionLimits limits{.idle_ms = 15 * kMin, .max_age_ms = 12 * 60 * kMin};
  Session s;
  s.created_ms = 0;
  s.last_used_ms = 0;
  CHECK(auth::SessionLive(s, 15 * kMin, limits));
  CHECK_FALSE(auth::SessionLive(s, 15 * kMin + 1, limits));
  // Used all along: still ends at 12 h.
  s.last_used_ms = 12 * 60 * kMin - 1;
  CHECK(auth::SessionLive(s, 12 * 60 * kMin - 1, limits));
  CHECK_FALSE(auth::SessionLive(s, 12 * 60 * kMin, limits));
}
