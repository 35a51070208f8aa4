#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/caseworkers.h"

namespace connecthub::hub::auth {

// The caseworkers' second factor: TOTP (RFC 6238) over HMAC-SHA1, what every authenticator app
// reads from an otpauth:// URI. Every field has a documented default.
struct TotpOptions {
  int64_t step_ms = 30'000;  // one code per time step. Default 30 s.
  int digits = 6;            // code length. Default 6.
  int window = 1;            // steps accepted either side of now (clock drift). Default 1.
};

// Size of the secrets `caseworker mfa-enroll` generates: 160 bits (RFC 4226's recommendation).
inline constexpr size_t kTotpSecretBytes = 20;
// The issuer authenticator apps show next to the account.
inline constexpr const char* kTotpIssuer = "ConnectHub";

// The HOTP value (RFC 4226) of `counter` under `secret`, `digits` digits, zero-padded.
std::string HotpCode(std::string_view secret, uint64_t counter, int digits);

// The time step `now_ms` falls in.
int64_t TotpStep(int64_t now_ms, const TotpOptions& options);

// What a submitted code matched. Pure.
struct TotpMatch {
  enum class Outcome { kWrong, kReused, kOk } outcome = Outcome::kWrong;
  int64_t step = 0;  // kOk: the step the code belongs to (to record as used)
};
// Compares `code` with the codes of now's step and `window` steps either side. A code of a step
// at or before `last_step` (already used, or older than one used) is kReused. Anything that is
// not exactly `digits` ASCII digits is kWrong.
TotpMatch MatchTotp(std::string_view secret, std::string_view code, int64_t now_ms,
                    int64_t last_step, const TotpOptions& options);

// RFC 4648 base32 (upper case, no padding): how authenticator apps take a secret.
std::string Base32(std::string_view bytes);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=..&period=..
std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret,
                       const TotpOptions& options);

// Gives the caseworker `username` a fresh 160-bit secret from libsodium (stored sealed, replacing
// any earlier one) and returns it, for OtpAuthUri. Errors as Store::SetCaseworkerTotpSecret.
storage::Result<std::string> EnrollCaseworkerTotp(storage::Caseworkers& store,
                                                  const std::string& username);

// The second-factor check of a caseworker login, against the store. Records the step on success
// so the same code is refused the next time (atomically: two racing logins cannot both pass).
enum class TotpCheck { kOk, kNotEnrolled, kMissing, kWrong, kReused, kError };
TotpCheck CheckCaseworkerTotp(storage::Caseworkers& store, int64_t caseworker_id,
                              std::string_view code, int64_t now_ms, const TotpOptions& options);

}  // namespace connecthub::hub::auth
