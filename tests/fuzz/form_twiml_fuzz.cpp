// libFuzzer target: the SMS webhook path on hostile bodies (SPEC §5): the form-body parser, the
// Twilio signature check over what it parsed, the link-message (ID + PIN) recogniser and PIN
// redaction, and TwiML built from the parsed text. Invariants: parsing never crashes, re-encoding
// parsed fields parses back to the same fields, redaction removes the PIN, TwiML is well-formed
// (no raw markup characters from the input, always one <Response> root). The same bytes also go
// to the readers of the provider's answers (send result, message list, RFC 2822 dates).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sms/form_body.h"
#include "sms/link_message.h"
#include "sms/twilio_client.h"
#include "sms/twilio_signature.h"
#include "sms/twiml.h"

namespace sms = connecthub::hub::sms;

namespace {

size_t Digits(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += c >= '0' && c <= '9';
  return n;
}

void CheckTwiml(const std::string& body) {
  std::string escaped = sms::XmlEscape(body);
  if (escaped.find('<') != std::string::npos || escaped.find('>') != std::string::npos) {
    std::abort();
  }
  if (!sms::IsValidUtf8(escaped)) std::abort();
  std::string twiml = sms::BuildTwiml({body, "ok"});
  if (twiml.find("<Response>") == std::string::npos ||
      twiml.find("</Response>") == std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto form = sms::ParseForm(body);
  if (form.ok()) {
    // Round trip: what the hub parsed, encoded again, parses to the same fields.
    std::string again = sms::EncodeForm(form->all());
    auto reparsed = sms::ParseForm(again);
    if (!reparsed.ok() || reparsed->all() != form->all()) std::abort();
    std::string text = form->Get("Body", body);
    // Signatures over hostile fields and targets: a computed one verifies, a hostile one is only
    // compared.
    std::string url =
        sms::SignedUrl("https://hub.example.test", form->Get("Target", "/sms/twilio"));
    std::string good = sms::ComputeTwilioSignature("test-token", url, *form);
    if (!sms::VerifyTwilioSignature("test-token", url, *form, good)) std::abort();
    std::string hostile = form->Get("Sig");
    if (hostile != good) (void)sms::VerifyTwilioSignature("test-token", url, *form, hostile);
    if (auto link = sms::ParseLinkMessage(text)) {
      // The PIN's digits are gone (the ID may contain the PIN's digit string, so count digits).
      if (link->pin.empty() || Digits(link->redacted) + link->pin.size() > Digits(text)) {
        std::abort();
      }
      if (sms::RedactPin(text) != link->redacted) std::abort();
    }
    CheckTwiml(text);
  } else {
    CheckTwiml(std::string(body));
    (void)sms::ParseLinkMessage(body);
  }
  // The provider's answers: a send, and the message list read for an unconfirmed attempt.
  (void)sms::ClassifySendResponse(201, body, body);
  auto date = sms::ParseRfc2822Date(body);
  if (date && sms::ParseRfc2822Date(body) != date) std::abort();
  auto lookup = sms::ClassifyLookupResponse(200, body, "+15559990000", "hello", 0,
                                            [](const std::string&) { return false; });
  if (lookup.outcome == sms::LookupResult::Outcome::kFound && lookup.sid.empty()) std::abort();
  return 0;
}
