#include "auth/parent_auth.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "../storage/test_util.h"

using namespace connecthub;
using hub::auth::ParentAuthResult;
using Outcome = ParentAuthResult::Outcome;

namespace {

struct Fixture {
  storage::testing::TempDir dir;
  std::unique_ptr<storage::Store> store = storage::testing::OpenStore(dir);
  hub::chat::LoginLimiter addresses{20, 15 * 60'000};
  hub::auth::ParentAuth auth{
      *store, *store, addresses, {.max_failures = 5, .lock_ms = 60'000, .hard_cap = 12}};
  Fixture() { storage::testing::MustImport(*store, storage::testing::SampleExtract()); }
};

}  // namespace

TEST_CASE("parent auth: a wrong PIN, a lockout after five, the right PIN refused meanwhile",
          "[hub][auth]") {
  Fixture f;
  int64_t now = storage::testing::TestNowMs();
  hub::auth::AttemptSource web{.address_key = "203.0.113.7"};
  CHECK(f.auth.Verify("100000001", "482913", web, now).outcome == Outcome::kOk);
  for (int i = 0; i < 4; ++i) {
    CHECK(f.auth.Verify("100000001", "000000", web, now).outcome == Outcome::kBadPin);
  }
  auto fifth = f.auth.Verify("100000001", "000000", web, now);
  CHECK(fifth.outcome == Outcome::kLockedOut);
  CHECK(fifth.retry_at_ms == now + 60'000);
  CHECK(f.auth.Verify("100000001", "482913", web, now + 1).outcome == Outcome::kLockedOut);
  // After the lock, the right PIN works and clears the count.
  CHECK(f.auth.Verify("100000001", "482913", web, now + 60'000).outcome == Outcome::kOk);
  CHECK(f.auth.Verify("100000001", "000000", web, now + 60'001).outcome == Outcome::kBadPin);
}

TEST_CASE("parent auth: one phone is limited across participant ids", "[hub][auth]") {
  Fixture f;
  int64_t now = storage::testing::TestNowMs();
  hub::auth::AttemptSource phone{.counter_key = hub::auth::ParentAuth::SmsThreadKey(7)};
  for (int i = 0; i < 4; ++i) {
    CHECK(f.auth.Verify("10000090" + std::to_string(i), "123456", phone, now).outcome ==
          Outcome::kBadPin);
  }
  CHECK(f.auth.Verify("100000099", "123456", phone, now).outcome == Outcome::kLockedOut);
  // Even the right PIN of a real participant, from that phone, waits.
  CHECK(f.auth.Verify("100000001", "482913", phone, now + 1).outcome == Outcome::kLockedOut);
  // Another phone is not affected, and the participant was not locked by the refused attempt.
  hub::auth::AttemptSource other{.counter_key = hub::auth::ParentAuth::SmsThreadKey(8)};
  CHECK(f.auth.Verify("100000001", "482913", other, now + 1).outcome == Outcome::kOk);
}

TEST_CASE("parent auth: the hard cap holds until the agency resets it", "[hub][auth]") {
  Fixture f;
  int64_t now = storage::testing::TestNowMs();
  ParentAuthResult r;
  // 12 failures (cap) across lockouts of 1, 2 min...: then locked for good.
  for (int i = 0; i < 12; ++i) {
    r = f.auth.Verify("100000002", "000000", {}, now);
    if (r.outcome == Outcome::kLockedOut && r.retry_at_ms != hub::auth::kHardLocked) {
      now = r.retry_at_ms;
    }
  }
  CHECK(r.outcome == Outcome::kLockedOut);
  CHECK(r.retry_at_ms == hub::auth::kHardLocked);
  CHECK(f.auth.Verify("100000002", "135790", {}, now + 400LL * 86400'000).outcome ==
        Outcome::kLockedOut);
  REQUIRE(
      hub::auth::ResetLockout(*f.store, hub::auth::ParentAuth::ParticipantKey("100000002")).ok());
  CHECK(f.auth.Verify("100000002", "135790", {}, now).outcome == Outcome::kOk);
}

TEST_CASE("parent auth: the address limit counts every source attempt", "[hub][auth]") {
  Fixture f;
  int64_t now = storage::testing::TestNowMs();
  hub::auth::AttemptSource web{.address_key = "2001:db8:1:2::/64"};
  for (int i = 0; i < 20; ++i) {
    auto r = f.auth.Verify("1000009" + std::to_string(10 + i), "000000", web, now);
    CHECK(r.outcome != Outcome::kOk);
  }
  CHECK(f.auth.Verify("100000001", "482913", web, now).outcome == Outcome::kLockedOut);
  CHECK(f.auth.Verify("100000001", "482913", {.address_key = "2001:db8:1:3::/64"}, now).outcome ==
        Outcome::kOk);
}
