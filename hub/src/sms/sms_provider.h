#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace connecthub::hub::sms {

// What became of one send.
struct SendResult {
  enum class Outcome {
    kSent,    // the provider accepted it (sid set)
    kRetry,   // network error, timeout, 5xx, 429, 408: try again later
    kFailed,  // any other 4xx, or the provider reports it failed: never retry
  };
  Outcome outcome = Outcome::kRetry;
  std::string sid;     // the provider's message sid when sent
  std::string status;  // the provider's status ("queued", "accepted", ...), when given
  std::string error;   // short, for the outbox row: "HTTP 500", "code 21211 (HTTP 400)",
                       // "connect: Connection refused". Never holds the number or the text.
  std::optional<int64_t> retry_after_ms;  // the provider's Retry-After, when given
  // kRetry only: the request may have reached the provider and created the message (the
  // connection broke after it was written, or a 5xx): look it up before sending again.
  bool may_have_reached = false;
};

// What the provider's message list says about an earlier, unconfirmed attempt.
struct LookupResult {
  enum class Outcome {
    kFound,     // a matching message exists: `sid`
    kNotFound,  // none: sending again duplicates nothing
    kError,     // could not tell (network, HTTP error, garbage): try again later, do not send
  };
  Outcome outcome = Outcome::kError;
  std::string sid;
  std::string error;  // never holds the number or the text
};

// The SMS provider as the outbox worker (outbox_worker.h) uses it: TwilioClient in `serve`, a
// fake in the unit tests (tests/fakes/fake_sms_provider.h). Both calls block (one request each)
// and never throw; the worker calls them on the blocking pool, one call at a time, so an
// implementation need not be thread-safe.
class SmsProvider {
 public:
  virtual ~SmsProvider() = default;

  // Sends `body` to `to`. Every failure is a kRetry or kFailed result.
  virtual SendResult Send(const std::string& to, const std::string& body) = 0;

  // Whether an attempt begun at `since_ms` (ms since the epoch) created a message `body` to `to`
  // whose sid `known` does not already claim (another outbox item's message).
  virtual LookupResult FindSent(const std::string& to, const std::string& body, int64_t since_ms,
                                const std::function<bool(const std::string&)>& known) = 0;
};

}  // namespace connecthub::hub::sms
