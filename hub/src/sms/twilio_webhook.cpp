#include "sms/twilio_webhook.h"

#include "hub_context.h"
#include "sms/twilio_signature.h"

namespace connecthub::hub::sms {

bool IsTwilioSid(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

bool IsE164(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool WebhookVerified(const ServeOptions& options, const http::HttpRequest& request,
                     const FormFields& form) {
  if (options.public_url.empty() || options.twilio_auth_token.empty()) return false;
  std::string url = SignedUrl(options.public_url, request.target);
  return VerifyTwilioSignature(options.twilio_auth_token, url, form,
                               request.Header("x-twilio-signature"));
}

http::HttpResponse TwimlResponse(std::string body) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace connecthub::hub::sms
