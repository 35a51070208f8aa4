#pragma once

#include <string>
#include <string_view>

#include "http/request.h"
#include "sms/form_body.h"

namespace connecthub::hub {
struct ServeOptions;
}

namespace connecthub::hub::sms {

// The pieces every Twilio webhook (SMS and voice) shares.

// A Twilio id (MessageSid, CallSid, AccountSid): 1 to 64 ASCII letters and digits.
bool IsTwilioSid(std::string_view s);

// E.164: '+' then 8 to 15 digits.
bool IsE164(std::string_view s);

// True when `form` carries a valid X-Twilio-Signature for the URL Twilio called, i.e.
// `--public-url` plus the request target, under `--twilio-auth-token`. False when either option
// is missing (such a hub cannot tell Twilio from anyone).
bool WebhookVerified(const ServeOptions& options, const http::HttpRequest& request,
                     const FormFields& form);

// A 200 TwiML response (text/xml).
http::HttpResponse TwimlResponse(std::string body);

}  // namespace connecthub::hub::sms
