#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sms/result.h"

namespace connecthub::hub::sms {

// Where and how to reach the provider's REST API.
struct TwilioClientOptions {
  std::string api_base = "https://api.twilio.com";  // scheme://host[:port][/prefix]. http:// is
                                                    // accepted only for loopback hosts (tests).
  std::string account_sid;
  std::string auth_token;                    // secret: never logged
  std::string from;                          // sender number; or
  std::string messaging_service_sid;         // a messaging service (wins when both are set)
  std::string status_callback;               // URL for delivery status callbacks; empty: none
  std::chrono::milliseconds timeout{15000};  // whole request, connect to last byte. Default 15 s.
  std::string ca_file;  // extra trusted CA bundle (PEM); empty: OpenSSL default paths. Default "".
};

// [A-Za-z0-9_-]{1,max_len}: what a provider sid, status or error code may hold before it is
// stored or logged.
bool IsSafeToken(std::string_view s, size_t max_len);

// A parsed, checked api_base.
struct ApiEndpoint {
  bool tls = true;
  std::string host;    // without brackets for IPv6
  std::string port;    // "443", "80", or explicit
  std::string prefix;  // path before /2010-04-01, without a trailing slash
};

// Checks `api_base`: https with any host, or http only when the host is loopback (localhost,
// 127.0.0.0/8, ::1). Fails for other schemes, a missing host, user info, a query or a fragment.
Result<ApiEndpoint> ParseApiBase(std::string_view api_base);

// Whether `url` names a media file of `account_sid`'s messages on the API at `api`
// (`{api}/2010-04-01/Accounts/{sid}/Messages/{MessageSid}/Media/{MediaSid}`, nothing more): the
// only URLs the hub stores from an MMS webhook and ever fetches.
bool IsAccountMediaUrl(const ApiEndpoint& api, std::string_view account_sid, std::string_view url);

// A file a parent sent by MMS, fetched from the provider.
struct MediaResult {
  enum class Outcome {
    kOk,        // `body` holds the file, `content_type` what the provider said it is
    kRefused,   // not a media URL of this account (IsAccountMediaUrl), or a redirect we refuse
    kNotFound,  // the provider has no such file (deleted)
    kTooLarge,  // larger than the limit
    kError,     // network or HTTP error: `error`
  };
  Outcome outcome = Outcome::kError;
  std::string content_type;
  std::string body;
  std::string error;  // never holds the URL
};

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

// Reads a `GET .../Messages.json` answer: the newest outbound message to `to` with `body` (the
// same text, or the same after Twilio's Smart Encoding of quotes, dashes and spaces), created at or
// after `since_ms` (ms since the epoch; Twilio's `date_created` is an RFC 2822 date with second
// precision), whose sid `known` does not already claim.
LookupResult ClassifyLookupResponse(int http_status, std::string_view response_body,
                                    const std::string& to, const std::string& body,
                                    int64_t since_ms,
                                    const std::function<bool(const std::string&)>& known);

// "Wed, 18 Aug 2010 20:01:40 +0000" -> ms since the epoch; nullopt when malformed.
std::optional<int64_t> ParseRfc2822Date(std::string_view date);

// Classifies the provider's answer to a send: HTTP status, JSON body (`sid`, `status`, `code`,
// `message`), Retry-After header value (delta-seconds). A garbage body on a 2xx is still sent
// (the provider took it; sending again would duplicate it) with an empty sid.
SendResult ClassifySendResponse(int http_status, std::string_view body,
                                std::string_view retry_after);

// Sends SMS through Twilio's Messages API (`POST {api-base}/2010-04-01/Accounts/{sid}/
// Messages.json`, form `To`, `From`|`MessagingServiceSid`, `Body`, `StatusCallback`, basic auth)
// over HTTPS with SNI and certificate and host name verification. Each Send is one blocking
// request on a private io_context, bounded by `timeout`. Not thread-safe: use one client per
// sending thread.
class TwilioClient {
 public:
  // Fails when the options are unusable (bad api_base, missing account sid, token, or sender).
  static Result<std::unique_ptr<TwilioClient>> Create(const TwilioClientOptions& options);
  ~TwilioClient();
  TwilioClient(const TwilioClient&) = delete;
  TwilioClient& operator=(const TwilioClient&) = delete;

  // Sends `body` to `to`. Never throws; every failure is a kRetry or kFailed result.
  SendResult Send(const std::string& to, const std::string& body);

  // Asks the provider whether an attempt begun at `since_ms` created a message `body` to `to`
  // (`GET .../Messages.json?To=..&From=..&PageSize=50`, newest first). Never throws.
  LookupResult FindSent(const std::string& to, const std::string& body, int64_t since_ms,
                        const std::function<bool(const std::string&)>& known);

  // Fetches an MMS file (`GET` with the account's credentials, following up to three redirects
  // to https URLs, or loopback http ones in tests; the credentials go only to the API's host).
  // Refuses any URL IsAccountMediaUrl does not accept. Never throws.
  MediaResult FetchMedia(const std::string& url, size_t max_bytes);

 private:
  struct Impl;
  explicit TwilioClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace connecthub::hub::sms
