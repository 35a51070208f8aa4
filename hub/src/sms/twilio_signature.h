#pragma once

#include <string>
#include <string_view>

#include "sms/form_body.h"

namespace connecthub::hub::sms {

// Twilio's request signature (X-Twilio-Signature): base64(HMAC-SHA1(auth_token, url + the form
// parameters sorted by name, each name followed by its value)). Repeated names contribute each
// distinct value, sorted, as Twilio's own helper libraries do.
std::string ComputeTwilioSignature(std::string_view auth_token, std::string_view url,
                                   const FormFields& params);

// True when `signature` matches the one computed for `url` or for the same URL with its default
// port added or removed (Twilio signs whichever form it was configured with). Compared in
// constant time. An empty token or signature never matches.
bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url,
                           const FormFields& params, std::string_view signature);

// The URL the provider called: `public_url` (the hub's address as the provider sees it, with or
// without a trailing slash) followed by the request target (path and query).
std::string SignedUrl(std::string_view public_url, std::string_view target);

// Base64 (standard alphabet, padded).
std::string Base64Encode(std::string_view bytes);

}  // namespace connecthub::hub::sms
