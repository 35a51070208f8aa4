#include "auth/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>

namespace connecthub::hub::auth {

std::string HotpCode(std::string_view secret, uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(),
           message.size(), mac.data(), &mac_len) == nullptr ||
      mac_len < 20) {
    return "";  // OpenSSL failed: matches no code
  }
  // RFC 4226 §5.3: dynamic truncation.
  size_t offset = mac[mac_len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                    static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  std::string out = std::to_string(binary % modulo);
  if (out.size() < static_cast<size_t>(digits)) {
    out.insert(0, static_cast<size_t>(digits) - out.size(), '0');
  }
  return out;
}

int64_t TotpStep(int64_t now_ms, const TotpOptions& options) {
  if (now_ms < 0) return 0;
  return now_ms / options.step_ms;
}

TotpMatch MatchTotp(std::string_view secret, std::string_view code, int64_t now_ms,
                    int64_t last_step, const TotpOptions& options) {
  TotpMatch out;
  if (secret.empty() || code.size() != static_cast<size_t>(options.digits)) return out;
  for (char c : code) {
    if (c < '0' || c > '9') return out;
  }
  int64_t now_step = TotpStep(now_ms, options);
  // Every candidate is computed and compared in constant time, so timing tells nothing about
  // which step (if any) matched.
  for (int64_t step = now_step - options.window; step <= now_step + options.window; ++step) {
    if (step < 0) continue;
    std::string expected = HotpCode(secret, static_cast<uint64_t>(step), options.digits);
    if (expected.size() != code.size() ||
        CRYPTO_memcmp(expected.data(), code.data(), code.size()) != 0) {
      continue;
    }
    if (step <= last_step) {
      if (out.outcome == TotpMatch::Outcome::kWrong) out.outcome = TotpMatch::Outcome::kReused;
    } else if (out.outcome != TotpMatch::Outcome::kOk) {
      out = {TotpMatch::Outcome::kOk, step};
    }
  }
  return out;
}

std::string Base32(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

namespace {

// Percent-encodes all but RFC 3986's unreserved characters.
std::string UriEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace

std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret,
                       const TotpOptions& options) {
  return "otpauth://totp/" + UriEscape(issuer) + ":" + UriEscape(account) +
         "?secret=" + Base32(secret) + "&issuer=" + UriEscape(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(options.digits) +
         "&period=" + std::to_string(options.step_ms / 1000);
}

storage::Result<std::string> EnrollCaseworkerTotp(storage::Caseworkers& store,
                                                  const std::string& username) {
  if (sodium_init() < 0) return storage::Status(storage::Code::kInternal, "libsodium failed");
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  auto cw = store.SetCaseworkerTotpSecret(username, secret);
  if (!cw.ok()) {
    sodium_memzero(secret.data(), secret.size());
    return cw.status();
  }
  return secret;
}

TotpCheck CheckCaseworkerTotp(storage::Caseworkers& store, int64_t caseworker_id,
                              std::string_view code, int64_t now_ms, const TotpOptions& options) {
  auto totp = store.GetCaseworkerTotp(caseworker_id);
  if (!totp.ok()) return TotpCheck::kError;
  if (totp->secret.empty()) return TotpCheck::kNotEnrolled;
  if (code.empty()) return TotpCheck::kMissing;
  TotpMatch match = MatchTotp(totp->secret, code, now_ms, totp->last_step, options);
  if (match.outcome == TotpMatch::Outcome::kWrong) return TotpCheck::kWrong;
  if (match.outcome == TotpMatch::Outcome::kReused) return TotpCheck::kReused;
  auto used = store.UseCaseworkerTotpStep(caseworker_id, match.step);
  if (!used.ok()) return TotpCheck::kError;
  // Another login used this step (or a later one) since we read last_step.
  return *used ? TotpCheck::kOk : TotpCheck::kReused;
}

}  // namespace connecthub::hub::auth
