#pragma once

#include <cstdint>
#include <map>
#include <string>

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
};

struct SmsResult {
  double seconds = 0;
  int64_t ok = 0;                   // 200 with TwiML, in the window
  int64_t errors = 0;               // anything else, in the window
  std::map<int, int64_t> statuses;  // non-200 status codes (0: connection error)
  LatencySamples latency;
};

// Twilio-style inbound webhooks against POST /sms/twilio: form bodies with unique MessageSids,
// signed the way Twilio signs them (HMAC-SHA1 over the public URL and the sorted parameters,
// base64), sent over keep-alive connections, each posting its next request when the previous
// response arrives. The signing is the load generator's own (OpenSSL), not the hub's code. Runs
// on the caller's thread.
SmsResult RunSmsLoad(const SmsLoadOptions& options);

// Exposed for tests: the X-Twilio-Signature value for `url` and form parameters (name, value).
std::string TwilioSignature(const std::string& auth_token, const std::string& url,
                            std::multimap<std::string, std::string> params);

}  // namespace connecthub::bench
