#include "sms_load.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <random>
#include <vector>

namespace connecthub::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Questions an unlinked number may ask (general help: how to pay, contacts, how to link).
constexpr const char* kBodies[] = {"how can I pay", "como puedo pagar", "what is the phone number",
                                   "cual es el numero de telefono"};

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

// application/x-www-form-urlencoded, as browsers and Twilio write it.
std::string FormEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Shared {
  const SmsLoadOptions& options;
  std::string url;  // public URL + /sms/twilio
  int64_t window_start = 0, window_end = 0;
  SmsResult* result = nullptr;
  uint64_t next_sid = 0;
  std::string sid_prefix;
  std::mt19937_64 rng{7};
};

// One keep-alive connection posting webhooks back to back (SMS), or playing one call (voice).
class SmsConn : public std::enable_shared_from_this<SmsConn> {
 public:
  SmsConn(net::io_context& io, Shared& shared, int index)
      : stream_(io), shared_(shared), index_(index) {}

  void Start() {
    tcp::endpoint ep(net::ip::make_address_v4("127.0.0.1"), shared_.options.port);
    stream_.expires_after(std::chrono::seconds(30));
    stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Failed(0);
      self->stream_.socket().set_option(tcp::no_delay(true));
      self->Post();
    });
  }

 private:
  // The next step of this connection's call: sign-in steps first, then menu keys in a loop.
  std::multimap<std::string, std::string> VoiceStep(std::string* target) {
    const auto& [id, pin] =
        shared_.options.logins[static_cast<size_t>(index_) % shared_.options.logins.size()];
    if (call_sid_.empty()) {
      char sid[48];
      std::snprintf(sid, sizeof sid, "CA%s%024llx", shared_.sid_prefix.c_str(),
                    static_cast<unsigned long long>(index_));
      call_sid_ = sid;
    }
    std::multimap<std::string, std::string> params = {
        {"CallSid", call_sid_},        {"AccountSid", "ACbench0000000000000000000000000000"},
        {"From", From(index_)},        {"To", "+15595550100"},
        {"CallStatus", "in-progress"}, {"ApiVersion", "2010-04-01"},
        {"Direction", "inbound"}};
    static constexpr const char* kMenu[] = {"1", "2", "3", "4"};
    const std::string signin[] = {"", "1", id, "1", pin};
    if (step_ < 5) {
      *target = step_ == 0 ? "/voice/twilio" : "/voice/twilio/gather";
      if (step_ > 0) params.emplace("Digits", signin[step_]);
    } else {
      *target = "/voice/twilio/gather";
      params.emplace("Digits", kMenu[(step_ - 5) % 4]);
    }
    return params;
  }

  static std::string From(int n) {
    char from[24];
    std::snprintf(from, sizeof from, "+1555%07d", n % 10'000'000);
    return from;
  }

  void Post() {
    if (NowNs() >= shared_.window_end) return;
    if (shared_.options.voice) {
      std::string target;
      auto params = VoiceStep(&target);
      return Send(target, std::move(params));
    }
    char sid[48];
    std::snprintf(sid, sizeof sid, "SM%s%016llx", shared_.sid_prefix.c_str(),
                  static_cast<unsigned long long>(shared_.next_sid++));
    char from[24];
    std::snprintf(from, sizeof from, "+1555%07d",
                  static_cast<int>(shared_.rng() % static_cast<uint64_t>(shared_.options.phones)));
    std::multimap<std::string, std::string> params = {
        {"MessageSid", sid},
        {"SmsSid", sid},
        {"AccountSid", "ACbench0000000000000000000000000000"},
        {"From", from},
        {"To", "+15595550100"},
        {"Body", kBodies[shared_.rng() % (sizeof kBodies / sizeof kBodies[0])]},
        {"NumMedia", "0"},
        {"NumSegments", "1"},
        {"ApiVersion", "2010-04-01"}};
    Send("/sms/twilio", std::move(params));
  }

  void Send(const std::string& target, std::multimap<std::string, std::string> params) {
    std::string body;
    for (const auto& [k, v] : params) {
      if (!body.empty()) body += '&';
      body += FormEncode(k) + "=" + FormEncode(v);
    }
    req_ = {};
    req_.method(http::verb::post);
    req_.target(target);
    req_.version(11);
    req_.set(http::field::host, "127.0.0.1:" + std::to_string(shared_.options.port));
    req_.set(http::field::content_type, "application/x-www-form-urlencoded");
    req_.set("X-Twilio-Signature",
             TwilioSignature(shared_.options.auth_token, shared_.url + target, std::move(params)));
    req_.keep_alive(true);
    req_.body() = std::move(body);
    req_.prepare_payload();
    sent_ = NowNs();
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Failed(0);
      self->res_ = {};
      http::async_read(self->stream_, self->buffer_, self->res_,
                       [self](beast::error_code e, size_t) { self->OnResponse(e); });
    });
  }

  void OnResponse(beast::error_code ec) {
    if (ec) return Failed(0);
    int64_t now = NowNs();
    int status = static_cast<int>(res_.result_int());
    bool ok = status == 200 && res_.body().find("<Response") != std::string::npos;
    if (ok && shared_.options.voice) {
      // A sign-in that did not reach the menu (or a call that ended) starts a new call.
      if (step_ == 4 && res_.body().find("numDigits=\"1\"") != std::string::npos) {
        ++shared_.result->signins;
      }
      bool ended = res_.body().find("<Hangup/>") != std::string::npos ||
                   res_.body().find("<Dial>") != std::string::npos;
      if (ended || (step_ == 4 && res_.body().find("numDigits=\"1\"") == std::string::npos)) {
        ok = false;
        call_sid_.clear();
        step_ = 0;
      } else {
        ++step_;
      }
    }
    if (now >= shared_.window_start && now < shared_.window_end) {
      if (ok) {
        ++shared_.result->ok;
        shared_.result->latency.Add(now - sent_);
      } else {
        ++shared_.result->errors;
        ++shared_.result->statuses[status];
      }
    }
    if (!res_.keep_alive()) return Failed(-1);
    Post();
  }

  void Failed(int status) {
    if (NowNs() < shared_.window_end) {
      ++shared_.result->errors;
      ++shared_.result->statuses[status];
    }
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  Shared& shared_;
  int index_ = 0;
  int64_t sent_ = 0;
  std::string call_sid_;  // voice: this connection's call
  int step_ = 0;          // voice: 0 greeting, 1-4 sign-in, 5... menu
};

}  // namespace

std::string TwilioSignature(const std::string& auth_token, const std::string& url,
                            std::multimap<std::string, std::string> params) {
  std::vector<std::pair<std::string, std::string>> sorted(params.begin(), params.end());
  std::sort(sorted.begin(), sorted.end());
  std::string data = url;
  for (const auto& [k, v] : sorted) data += k + v;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  return Base64(mac, mac_len);
}

SmsResult RunSmsLoad(const SmsLoadOptions& options) {
  SmsResult result;
  result.seconds = options.seconds;
  net::io_context io(1);
  Shared shared{options};
  shared.url = options.public_url;
  while (!shared.url.empty() && shared.url.back() == '/') shared.url.pop_back();

  shared.result = &result;
  std::random_device rd;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(rd()));
  shared.sid_prefix = prefix;
  int64_t now = NowNs();
  shared.window_start = now + static_cast<int64_t>(options.warmup_seconds * 1e9);
  shared.window_end = shared.window_start + static_cast<int64_t>(options.seconds * 1e9);
  std::vector<std::shared_ptr<SmsConn>> conns;
  for (int i = 0; i < options.connections; ++i) {
    conns.push_back(std::make_shared<SmsConn>(io, shared, i));
    conns.back()->Start();
  }
  // Requests stop at the window's end; the last responses get a few seconds.
  io.run_for(std::chrono::nanoseconds(shared.window_end - NowNs() + 5'000'000'000));
  return result;
}

}  // namespace connecthub::bench
