#include <catch2/catch.hpp>

#include "../storage/test_util.h"
#include "auth/totp.h"

using namespace connecthub;
using hub::auth::TotpCheck;
using hub::auth::TotpMatch;
using hub::auth::TotpOptions;
using Outcome = TotpMatch::Outcome;

namespace {

// RFC 6238 Appendix B's SHA-1 secret: the ASCII string "12345678901234567890".
const std::string kRfcSecret = "12345678901234567890";

}  // namespace

TEST_CASE("HOTP matches RFC 4226 Appendix D", "[hub][auth][totp]") {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) CHECK(hub::auth::HotpCode(kRfcSecret, i, 6) == expected[i]);
}

TEST_CASE("TOTP matches RFC 6238 Appendix B (SHA-1, 8 digits, 30 s)", "[hub][auth][totp]") {
  struct Vector {
    int64_t unix_seconds;
    const char* code;
  };
  const Vector vectors[] = {{59, "94287082"},         {1111111109, "07081804"},
                            {1111111111, "14050471"}, {1234567890, "89005924"},
                            {2000000000, "69279037"}, {20000000000, "65353130"}};
  TotpOptions options{.digits = 8};
  for (const auto& v : vectors) {
    int64_t step = hub::auth::TotpStep(v.unix_seconds * 1000, options);
    CHECK(hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(step), 8) == v.code);
    auto m = hub::auth::MatchTotp(kRfcSecret, v.code, v.unix_seconds * 1000, 0, options);
    CHECK(m.outcome == Outcome::kOk);
    CHECK(m.step == step);
  }
}

TEST_CASE("TOTP window: the current step and one either side", "[hub][auth][totp]") {
  TotpOptions options;
  int64_t now = 1111111111'000;  // step 37037037
  int64_t step = hub::auth::TotpStep(now, options);
  auto code = [&](int64_t s) {
    return hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(s), 6);
  };
  for (int64_t d : {-1, 0, 1}) {
    auto m = hub::auth::MatchTotp(kRfcSecret, code(step + d), now, 0, options);
    CHECK(m.outcome == Outcome::kOk);
    CHECK(m.step == step + d);
  }
  for (int64_t d : {-3, -2, 2, 3}) {
    CHECK(hub::auth::MatchTotp(kRfcSecret, code(step + d), now, 0, options).outcome ==
          Outcome::kWrong);
  }
  // A wider window accepts the farther steps.
  TotpOptions wide{.window = 2};
  CHECK(hub::auth::MatchTotp(kRfcSecret, code(step - 2), now, 0, wide).outcome == Outcome::kOk);
}

TEST_CASE("TOTP replay: a used step and anything older is refused", "[hub][auth][totp]") {
  TotpOptions options;
  int64_t now = 1234567890'000;
  int64_t step = hub::auth::TotpStep(now, options);
  std::string current = hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(step), 6);
  std::string previous = hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(step - 1), 6);
  std::string next = hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(step + 1), 6);
  CHECK(hub::auth::MatchTotp(kRfcSecret, current, now, step, options).outcome == Outcome::kReused);
  CHECK(hub::auth::MatchTotp(kRfcSecret, previous, now, step, options).outcome == Outcome::kReused);
  CHECK(hub::auth::MatchTotp(kRfcSecret, next, now, step, options).outcome == Outcome::kOk);
}

TEST_CASE("TOTP: garbage codes are wrong, never a crash", "[hub][auth][totp]") {
  TotpOptions options;
  int64_t now = 59'000;
  for (std::string_view bad :
       {"", "12345", "1234567", "12345a", "-12345", "      ", "９４２８７０"}) {
    CHECK(hub::auth::MatchTotp(kRfcSecret, bad, now, 0, options).outcome == Outcome::kWrong);
  }
  std::string right = hub::auth::HotpCode(kRfcSecret, 1, 6);
  CHECK(hub::auth::MatchTotp("", right, now, 0, options).outcome == Outcome::kWrong);
  // A clock before 1970 counts as step 0 (no negative counters).
  CHECK(hub::auth::TotpStep(-5, options) == 0);
}

TEST_CASE("base32 (RFC 4648 section 10) and the otpauth URI", "[hub][auth][totp]") {
  CHECK(hub::auth::Base32("") == "");
  CHECK(hub::auth::Base32("f") == "MY");
  CHECK(hub::auth::Base32("fo") == "MZXQ");
  CHECK(hub::auth::Base32("foo") == "MZXW6");
  CHECK(hub::auth::Base32("foob") == "MZXW6YQ");
  CHECK(hub::auth::Base32("fooba") == "MZXW6YTB");
  CHECK(hub::auth::Base32("foobar") == "MZXW6YTBOI");
  CHECK(hub::auth::Base32(kRfcSecret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  CHECK(hub::auth::OtpAuthUri("ConnectHub", "j doe", kRfcSecret, TotpOptions{}) ==
        "otpauth://totp/ConnectHub:j%20doe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=ConnectHub&algorithm=SHA1&digits=6&period=30");
}

TEST_CASE("caseworker TOTP check against the store: enrol, wrong, right, replay",
          "[hub][auth][totp]") {
  storage::testing::TempDir dir;
  auto store = storage::testing::OpenStore(dir);
  auto id = store->AddCaseworker("jdoe", "madera-password-1", "MADERA", false);
  REQUIRE(id.ok());
  TotpOptions options;
  int64_t now = storage::testing::TestNowMs();
  int64_t step = hub::auth::TotpStep(now, options);
  auto code = [&](int64_t s) {
    return hub::auth::HotpCode(kRfcSecret, static_cast<uint64_t>(s), 6);
  };
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step), now, options) ==
        TotpCheck::kNotEnrolled);
  REQUIRE(store->SetCaseworkerTotpSecret("jdoe", kRfcSecret).ok());
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, "", now, options) == TotpCheck::kMissing);
  std::string wrong = code(step) == "000000" ? "111111" : "000000";
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, wrong, now, options) == TotpCheck::kWrong);
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step), now, options) == TotpCheck::kOk);
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step), now, options) ==
        TotpCheck::kReused);
  // 31 s later: the old code is still inside the window but used; the new step's code works.
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step), now + 31'000, options) ==
        TotpCheck::kReused);
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step + 1), now + 31'000, options) ==
        TotpCheck::kOk);
  // Two minutes later the codes of the past are simply wrong.
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id, code(step + 1), now + 120'000, options) ==
        TotpCheck::kWrong);
  CHECK(hub::auth::CheckCaseworkerTotp(*store, *id + 50, code(step), now, options) ==
        TotpCheck::kError);
}
