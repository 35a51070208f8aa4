#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sms/result.h"
#include "sms/sms_provider.h"

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
// sending thread (the outbox worker calls it one request at a time).
class TwilioClient : public SmsProvider {
 public:
  // Fails when the options are unusable (bad api_base, missing account sid, token, or sender).
  static Result<std::unique_ptr<TwilioClient>> Create(const TwilioClientOptions& options);
  ~TwilioClient() override;
  TwilioClient(const TwilioClient&) = delete;
  TwilioClient& operator=(const TwilioClient&) = delete;

  // Sends `body` to `to`. Never throws; every failure is a kRetry or kFailed result.
  SendResult Send(const std::string& to, const std::string& body) override;

  // Asks the provider whether an attempt begun at `since_ms` created a message `body` to `to`
  // (`GET .../Messages.json?To=..&From=..&PageSize=50`, newest first). Never throws.
  LookupResult FindSent(const std::string& to, const std::string& body, int64_t since_ms,
                        const std::function<bool(const std::string&)>& known) override;

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
