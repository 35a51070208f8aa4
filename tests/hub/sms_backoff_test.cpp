#include <catch2/catch.hpp>

#include "sms/backoff.h"

using connecthub::hub::sms::Backoff;
using connecthub::hub::sms::BackoffOptions;

TEST_CASE("backoff grows exponentially, capped, with full jitter", "[hub][sms]") {
  BackoffOptions o{.base_ms = 1000, .max_ms = 8000, .min_ms = 10, .max_attempts = 6};
  Backoff top(o, [] { return 0.999999; });
  CHECK(*top.NextDelayMs(1) == 999);
  CHECK(*top.NextDelayMs(2) == 1999);
  CHECK(*top.NextDelayMs(3) == 3999);
  CHECK(*top.NextDelayMs(4) == 7999);
  CHECK(*top.NextDelayMs(5) == 7999);  // capped
  CHECK_FALSE(top.NextDelayMs(6));     // give up
  Backoff bottom(o, [] { return 0.0; });
  CHECK(*bottom.NextDelayMs(3) == 10);  // floor
  Backoff half(o, [] { return 0.5; });
  CHECK(*half.NextDelayMs(3) == 2000);
}

TEST_CASE("backoff honours Retry-After as a lower bound, capped", "[hub][sms]") {
  BackoffOptions o{.base_ms = 1000, .max_ms = 60000, .min_ms = 10, .max_attempts = 5};
  Backoff b(o, [] { return 0.0; });
  CHECK(*b.NextDelayMs(1, 30000) == 30000);
  CHECK(*b.NextDelayMs(1, 3600000) == 60000);
  CHECK_FALSE(b.NextDelayMs(5, 1000));
}

TEST_CASE("backoff never overflows on large attempt counts", "[hub][sms]") {
  BackoffOptions o{.base_ms = 1000, .max_ms = 600000, .min_ms = 100, .max_attempts = 1000};
  Backoff b(o, [] { return 0.999; });
  CHECK(*b.NextDelayMs(999) <= 600000);
}
