#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>

#include "sms/form_body.h"
#include "sms/twilio_signature.h"

using connecthub::hub::sms::Base64Encode;
using connecthub::hub::sms::ComputeTwilioSignature;
using connecthub::hub::sms::FormFields;
using connecthub::hub::sms::SignedUrl;
using connecthub::hub::sms::VerifyTwilioSignature;

namespace {

// Independent reference: HMAC-SHA1 of exactly the string Twilio documents, via OpenSSL's EVP API.
std::string Reference(const std::string& token, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, mac, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

}  // namespace

TEST_CASE("Twilio signature: URL then parameters sorted by name", "[hub][sms]") {
  const std::string token = "12345";
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  FormFields params({{"To", "+18005551212"},
                     {"From", "+14158675310"},
                     {"CallSid", "CA1234567890ABCDE"},
                     {"Caller", "+14158675310"},
                     {"Digits", "1234"}});
  std::string expected = Reference(
      token,
      url + "CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212");
  CHECK(ComputeTwilioSignature(token, url, params) == expected);
  // What the npm twilio package (5.13.1) computes for the same request.
  CHECK(expected == "GvWf1cFY/Q7PnoempGyD5oXAezc=");
  CHECK(VerifyTwilioSignature(token, url, params, expected));
}

TEST_CASE("Twilio signature rejects tampering, wrong token, empty values", "[hub][sms]") {
  const std::string url = "https://hub.example.org/sms/twilio";
  FormFields params({{"Body", "cuánto debo"}, {"MessageSid", "SM1"}});
  std::string sig = ComputeTwilioSignature("tok", url, params);
  CHECK(VerifyTwilioSignature("tok", url, params, sig));
  CHECK_FALSE(VerifyTwilioSignature("tok2", url, params, sig));
  CHECK_FALSE(VerifyTwilioSignature("tok", url + "x", params, sig));
  FormFields tampered({{"Body", "cuanto debo"}, {"MessageSid", "SM1"}});
  CHECK_FALSE(VerifyTwilioSignature("tok", url, tampered, sig));
  FormFields extra({{"Body", "cuánto debo"}, {"MessageSid", "SM1"}, {"Unknown", "x"}});
  CHECK_FALSE(VerifyTwilioSignature("tok", url, extra, sig));
  CHECK_FALSE(VerifyTwilioSignature("tok", url, params, ""));
  CHECK_FALSE(VerifyTwilioSignature("", url, params, ComputeTwilioSignature("", url, params)));
  CHECK_FALSE(VerifyTwilioSignature("tok", url, params, sig.substr(1)));
}

TEST_CASE("Twilio signature: repeated names, sorted distinct values", "[hub][sms]") {
  const std::string url = "https://hub.example.org/sms/twilio";
  FormFields params({{"b", "2"}, {"a", "z"}, {"a", "y"}, {"a", "z"}});
  CHECK(ComputeTwilioSignature("t", url, params) == Reference("t", url + "ayazb2"));
  CHECK(ComputeTwilioSignature("t", url, params) == "5O115nsWQN7Bs7+Ces5/xDb597g=");  // npm twilio
}

TEST_CASE("Twilio signature accepts the URL with or without the default port", "[hub][sms]") {
  FormFields params(std::vector<std::pair<std::string, std::string>>{{"Body", "hi"}});
  std::string with_port =
      ComputeTwilioSignature("t", "https://hub.example.org:443/sms/twilio", params);
  CHECK(VerifyTwilioSignature("t", "https://hub.example.org/sms/twilio", params, with_port));
  std::string without = ComputeTwilioSignature("t", "http://127.0.0.1/sms/twilio", params);
  CHECK(VerifyTwilioSignature("t", "http://127.0.0.1:80/sms/twilio", params, without));
  std::string other = ComputeTwilioSignature("t", "http://127.0.0.1:8080/sms/twilio", params);
  CHECK_FALSE(VerifyTwilioSignature("t", "http://127.0.0.1/sms/twilio", params, other));
}

TEST_CASE("signed URL joins the public URL and the request target", "[hub][sms]") {
  CHECK(SignedUrl("https://hub.example.org", "/sms/twilio") ==
        "https://hub.example.org/sms/twilio");
  CHECK(SignedUrl("https://hub.example.org/", "/sms/twilio?x=1") ==
        "https://hub.example.org/sms/twilio?x=1");
  CHECK(SignedUrl("https://example.org/hub/", "/sms/twilio") ==
        "https://example.org/hub/sms/twilio");
  CHECK(Base64Encode("ACxx:secret") == "QUN4eDpzZWNyZXQ=");
}
