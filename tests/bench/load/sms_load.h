#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "stats.h"

namespace connecthub::bench {

struct SmsLoadOptions {
  uint16_t port = 0;
  int connections = 32;       // keep-alive connections, each closed-loop. Default 32.
  int phones = 5000;          // distinct sender numbers (one SMS thread each). Default 5000.
  double warmup_seconds = 1;  // not measured. Default 1 s.
  double seconds = 10;        // measured. Default 10 s.
  std::string public_url;     // what the hub was given as --public-url
  std::string auth_token;     // what the hub was given as CONNECTHUB_TWILIO_AUTH_TOKEN
  // Voice instead of SMS: each connection is one phone call (POST /voice/twilio, then
  // /voice/twilio/gather) that signs in with its participant's ID and PIN (keys 1, ID, 1, PIN) and
  // then asks the main menu by key (1 balance, 2 last payment, 3 appointment, 4 case status) in a
  // loop: every menu step is a bot turn stored before the TwiML is returned. Needs one
  // (participant id, PIN) per connection.
  bool voice = false;
  std::vector<std::pair<std::string, std::string>> logins;
};

struct SmsResult {
  double seconds = 0;
  int64_t ok = 0;                   // 200 with TwiML, in the window
  int64_t errors = 0;               // anything else, in the window
  std::map<int, int64_t> statuses;  // non-200 status codes (0: connection error)
  int64_t signins = 0;              // voice: calls that reached the main menu (any time)
  LatencySamples latency;
};

// Twilio-style inbound webhooks against POST /sms/twilio: form bodies with unique MessageSids,
// signed the way Twilio signs them (HMAC-SHA1 over the public URL and the sorted parameters,
// base64), sent over keep-alive connections, each posting its next request when the previous
// response arrives. The signing is the load generator's own (OpenSSL), not the hub's code. Runs
// on the caller's thread.
SmsResult RunSmsLoad(const SmsLoadOptions& options);
// (With options.voice, SmsResult counts voice steps; `signins` the calls that reached the menu.)

// Exposed for tests: the X-Twilio-Signature value for `url` and form parameters (name, value).
std::string TwilioSignature(const std::string& auth_token, const std::string& url,
                            std::multimap<std::string, std::string> params);

}  // namespace connecthub::bench
