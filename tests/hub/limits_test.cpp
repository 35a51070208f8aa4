#include "chat/limits.h"

#include <catch2/catch.hpp>

#include "server/server.h"

using namespace connecthub::hub;

TEST_CASE("login limiter blocks an address after max failures within the window", "[hub][limits]") {
  chat::LoginLimiter limiter(3, 1000);
  CHECK(limiter.BlockedUntil("1.2.3.4", 0) == 0);
  CHECK(limiter.RecordFailure("1.2.3.4", 100) == 0);
  CHECK(limiter.RecordFailure("1.2.3.4", 200) == 0);
  CHECK(limiter.RecordFailure("1.2.3.4", 300) == 1100);
  CHECK(limiter.BlockedUntil("1.2.3.4", 500) == 1100);
  CHECK(limiter.BlockedUntil("5.6.7.8", 500) == 0);
  // The oldest failure leaves the window at 1100: unblocked.
  CHECK(limiter.BlockedUntil("1.2.3.4", 1100) == 0);
  CHECK(limiter.RecordFailure("1.2.3.4", 1150) == 1200);
}

TEST_CASE("token bucket allows a burst then the sustained rate", "[hub][limits]") {
  chat::TokenBucket bucket(10, 3);
  int64_t retry = 0;
  CHECK(bucket.Take(0, &retry));
  CHECK(bucket.Take(0, &retry));
  CHECK(bucket.Take(0, &retry));
  CHECK_FALSE(bucket.Take(0, &retry));
  CHECK(retry == 100);
  CHECK_FALSE(bucket.Take(50, &retry));
  CHECK(retry == 50);
  CHECK(bucket.Take(100, &retry));
  CHECK_FALSE(bucket.Take(100, &retry));
  // Refill is capped at the burst.
  CHECK(bucket.Take(10'000, &retry));
  CHECK(bucket.Take(10'000, &retry));
  CHECK(bucket.Take(10'000, &retry));
  CHECK_FALSE(bucket.Take(10'000, &retry));
}

TEST_CASE("origin allow-list", "[hub][limits]") {
  std::vector<std::string> allowed = {"https://agency.example"};
  CHECK(server::OriginAllowed("", "127.0.0.1:8080", allowed));
  CHECK(server::OriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", allowed));
  CHECK(server::OriginAllowed("https://agency.example", "127.0.0.1:8080", allowed));
  CHECK(server::OriginAllowed("https://agency.example/", "127.0.0.1:8080", allowed));
  CHECK_FALSE(server::OriginAllowed("https://agency.example.evil", "127.0.0.1:8080", allowed));
  CHECK_FALSE(server::OriginAllowed("http://127.0.0.1:9999", "127.0.0.1:8080", allowed));
  CHECK_FALSE(server::OriginAllowed("null", "127.0.0.1:8080", {}));
}

TEST_CASE("login limiter reserve counts before the check and forgive takes it back",
          "[hub][limits]") {
  chat::LoginLimiter limiter(3, 1000);
  CHECK(limiter.Reserve("a", 100) == 0);
  CHECK(limiter.Reserve("a", 101) == 0);
  CHECK(limiter.Reserve("a", 102) == 0);
  // Three counted: the fourth is refused at once, before any verification.
  CHECK(limiter.Reserve("a", 103) == 1100);
  // A counted attempt that succeeded is taken back.
  limiter.Forgive("a", 102);
  CHECK(limiter.BlockedUntil("a", 103) == 0);
  CHECK(limiter.Reserve("a", 104) == 0);
  CHECK(limiter.Reserve("b", 104) == 0);
  limiter.Forgive("nobody", 1);
}
