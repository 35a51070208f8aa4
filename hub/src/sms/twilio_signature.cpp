#include "sms/twilio_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <map>
#include <set>
#include <vector>

namespace connecthub::hub::sms {
namespace {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The same URL with its scheme's default port made explicit (if absent) or removed (if present).
std::string AlternatePortForm(std::string_view url) {
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed || !parsed->has_authority()) return {};
  boost::urls::url u(*parsed);
  std::string scheme(u.scheme());
  std::string default_port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
  if (default_port.empty()) return {};
  if (u.has_port()) {
    if (u.port() != default_port) return {};
    u.remove_port();
  } else {
    u.set_port(default_port);
  }
  return std::string(u.buffer());
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string ComputeTwilioSignature(std::string_view auth_token, std::string_view url,
                                   const FormFields& params) {
  std::map<std::string, std::set<std::string>> sorted;
  for (const auto& [k, v] : params.all()) sorted[k].insert(v);
  std::string data(url);
  for (const auto& [k, values] : sorted) {
    for (const auto& v : values) {
      data += k;
      data += v;
    }
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_len) == nullptr) {
    return {};
  }
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url,
                           const FormFields& params, std::string_view signature) {
  if (auth_token.empty() || signature.empty()) return false;
  bool match = ConstantTimeEquals(ComputeTwilioSignature(auth_token, url, params), signature);
  std::string alternate = AlternatePortForm(url);
  if (!alternate.empty()) {
    match |= ConstantTimeEquals(ComputeTwilioSignature(auth_token, alternate, params), signature);
  }
  return match;
}

std::string SignedUrl(std::string_view public_url, std::string_view target) {
  std::string out(public_url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (target.empty() || target.front() != '/') out += '/';
  out += target;
  return out;
}

}  // namespace connecthub::hub::sms
