#include "sms/twilio_client.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <exception>

#include "sms/form_body.h"
#include "sms/twilio_signature.h"

namespace connecthub::hub::sms {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxResponseBytes = 64 * 1024;

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

std::string JsonString(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

bool IsSafeToken(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

// One HTTP exchange's raw outcome; `error` set when no response was read.
struct Exchanged {
  std::string error;
  bool request_written = false;  // the provider may have acted on it
  int status = 0;
  std::string body;
  std::string retry_after;
};

void NetworkError(std::string_view step, const beast::error_code& ec, Exchanged* out) {
  out->error = std::string(step) + ": " + ec.message();
}

}  // namespace

Result<ApiEndpoint> ParseApiBase(std::string_view api_base) {
  auto parsed = boost::urls::parse_absolute_uri(api_base);
  if (!parsed) return Result<ApiEndpoint>::Error("api base is not an absolute URL");
  ApiEndpoint ep;
  std::string scheme(parsed->scheme());
  if (scheme == "https") {
    ep.tls = true;
  } else if (scheme == "http") {
    ep.tls = false;
  } else {
    return Result<ApiEndpoint>::Error("api base must be https:// (or http:// on loopback)");
  }
  if (parsed->has_userinfo() || parsed->has_query() || parsed->has_fragment()) {
    return Result<ApiEndpoint>::Error("api base must not carry user info, query or fragment");
  }
  ep.host = std::string(parsed->encoded_host_address());
  if (ep.host.size() >= 2 && ep.host.front() == '[' && ep.host.back() == ']') {
    ep.host = ep.host.substr(1, ep.host.size() - 2);
  }
  if (ep.host.empty()) return Result<ApiEndpoint>::Error("api base has no host");
  if (!ep.tls && !IsLoopbackHost(ep.host)) {
    return Result<ApiEndpoint>::Error("plain http is allowed only for a loopback api base");
  }
  ep.port = parsed->has_port() ? std::string(parsed->port()) : (ep.tls ? "443" : "80");
  ep.prefix = std::string(parsed->encoded_path());
  while (!ep.prefix.empty() && ep.prefix.back() == '/') ep.prefix.pop_back();
  return ep;
}

SendResult ClassifySendResponse(int http_status, std::string_view body,
                                std::string_view retry_after) {
  SendResult r;
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(body, ec);
  const boost::json::object* obj = (!ec && json.is_object()) ? &json.as_object() : nullptr;
  std::string code = obj != nullptr ? JsonString(*obj, "code") : "";
  if (!IsSafeToken(code, 16)) code.clear();

  if (http_status >= 200 && http_status < 300) {
    r.outcome = SendResult::Outcome::kSent;
    if (obj != nullptr) {
      std::string sid = JsonString(*obj, "sid");
      if (IsSafeToken(sid, 64)) r.sid = sid;
      std::string status = JsonString(*obj, "status");
      if (IsSafeToken(status, 32)) r.status = status;
    }
    if (r.sid.empty()) r.error = "accepted without a message sid";
    if (r.status == "failed" || r.status == "undelivered") {
      r.outcome = SendResult::Outcome::kFailed;
      r.error = "provider status " + r.status + (code.empty() ? "" : " code " + code);
    }
    return r;
  }

  r.error =
      (code.empty() ? "" : "code " + code + " ") + "(HTTP " + std::to_string(http_status) + ")";
  if (http_status == 429 || http_status == 408 || http_status >= 500) {
    r.outcome = SendResult::Outcome::kRetry;
    r.may_have_reached = http_status >= 500;
    int64_t seconds = 0;
    auto [ptr, err] =
        std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    if (err == std::errc() && ptr == retry_after.data() + retry_after.size() && seconds >= 0 &&
        seconds < 86400) {
      r.retry_after_ms = seconds * 1000;
    }
  } else {
    r.outcome = SendResult::Outcome::kFailed;
  }
  return r;
}

std::optional<int64_t> ParseRfc2822Date(std::string_view date) {
  // [Day, ]DD Mon YYYY HH:MM:SS +HHMM
  if (auto comma = date.find(','); comma != std::string_view::npos) date.remove_prefix(comma + 1);
  while (!date.empty() && date.front() == ' ') date.remove_prefix(1);
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto number = [&date](size_t digits_min, size_t digits_max, int* out) {
    size_t n = 0;
    int v = 0;
    while (n < date.size() && n < digits_max && date[n] >= '0' && date[n] <= '9') {
      v = v * 10 + (date[n] - '0');
      ++n;
    }
    if (n < digits_min) return false;
    date.remove_prefix(n);
    *out = v;
    return true;
  };
  auto literal = [&date](char c) {
    if (date.empty() || date.front() != c) return false;
    date.remove_prefix(1);
    return true;
  };
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, offset = 0;
  if (!number(1, 2, &day) || !literal(' ') || date.size() < 4) return std::nullopt;
  unsigned month = 0;
  while (month < 12 && date.substr(0, 3) != kMonths[month]) ++month;
  if (month == 12) return std::nullopt;
  date.remove_prefix(3);
  if (!literal(' ') || !number(4, 4, &year) || !literal(' ') || !number(2, 2, &hour) ||
      !literal(':') || !number(2, 2, &minute) || !literal(':') || !number(2, 2, &second) ||
      !literal(' ') || date.size() != 5 || (date[0] != '+' && date[0] != '-')) {
    return std::nullopt;
  }
  int sign = date[0] == '-' ? -1 : 1;
  date.remove_prefix(1);
  if (!number(4, 4, &offset) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month + 1),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  int64_t seconds = std::chrono::sys_days(ymd).time_since_epoch().count() * 86400LL +
                    hour * 3600LL + minute * 60LL + second -
                    sign * ((offset / 100) * 3600LL + (offset % 100) * 60LL);
  return seconds * 1000;
}

LookupResult ClassifyLookupResponse(int http_status, std::string_view response_body,
                                    const std::string& to, const std::string& body,
                                    int64_t since_ms,
                                    const std::function<bool(const std::string&)>& known) {
  LookupResult r;
  if (http_status < 200 || http_status >= 300) {
    r.error = "lookup: HTTP " + std::to_string(http_status);
    return r;
  }
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(response_body, ec);
  const boost::json::array* messages = nullptr;
  if (!ec && json.is_object()) {
    if (auto* m = json.as_object().if_contains("messages"); m != nullptr && m->is_array()) {
      messages = &m->as_array();
    }
  }
  if (messages == nullptr) {
    r.error = "lookup: not a message list";
    return r;
  }
  // Twilio's date_created has whole seconds; the attempt's start has milliseconds.
  int64_t from_ms = since_ms - since_ms % 1000;
  for (const auto& m : *messages) {
    if (!m.is_object()) continue;
    const auto& o = m.as_object();
    std::string sid = JsonString(o, "sid");
    if (!IsSafeToken(sid, 64) || JsonString(o, "to") != to || JsonString(o, "body") != body ||
        !JsonString(o, "direction").starts_with("outbound")) {
      continue;
    }
    auto created = ParseRfc2822Date(JsonString(o, "date_created"));
    if (!created || *created < from_ms || known(sid)) continue;
    r.outcome = LookupResult::Outcome::kFound;
    r.sid = sid;
    return r;
  }
  r.outcome = LookupResult::Outcome::kNotFound;
  return r;
}

struct TwilioClient::Impl {
  TwilioClientOptions options;
  ApiEndpoint endpoint;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  std::string target;
  std::string authorization;

  template <typename Stream>
  asio::awaitable<void> Exchange(Stream& stream, http::request<http::string_body>& req,
                                 Exchanged* out) {
    beast::error_code ec;
    // From the first byte on, the provider may act on the request.
    out->request_written = true;
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      NetworkError("write", ec, out);
      co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      NetworkError("read", ec, out);
      co_return;
    }
    auto& res = parser.get();
    out->status = static_cast<int>(res.result_int());
    out->retry_after = std::string(res[http::field::retry_after]);
    out->body = std::move(res.body());
  }

  asio::awaitable<void> Run(http::request<http::string_body> req, Exchanged* out) {
    auto ex = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(ex);
    auto results = co_await resolver.async_resolve(endpoint.host, endpoint.port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      NetworkError("resolve", ec, out);
      co_return;
    }
    if (endpoint.tls) {
      beast::ssl_stream<beast::tcp_stream> stream(ex, ssl);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str())) {
        NetworkError(
            "tls sni",
            beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
            out);
        co_return;
      }
      stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
      beast::get_lowest_layer(stream).expires_after(options.timeout);
      co_await beast::get_lowest_layer(stream).async_connect(
          results, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        NetworkError("connect", ec, out);
        co_return;
      }
      co_await stream.async_handshake(asio::ssl::stream_base::client,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        NetworkError("tls handshake", ec, out);
        co_return;
      }
      co_await Exchange(stream, req, out);
      beast::get_lowest_layer(stream).close();
    } else {
      beast::tcp_stream stream(ex);
      stream.expires_after(options.timeout);
      co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        NetworkError("connect", ec, out);
        co_return;
      }
      co_await Exchange(stream, req, out);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  http::request<http::string_body> Request(http::verb verb, const std::string& path) const {
    http::request<http::string_body> req{verb, path, 11};
    bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
    std::string host =
        endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    req.set(http::field::host, default_port ? host : host + ":" + endpoint.port);
    req.set(http::field::user_agent, "ConnectHub/0.1");
    req.set(http::field::authorization, authorization);
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    return req;
  }

  // One request on a private io_context, bounded by the timeout. Never throws.
  Exchanged Perform(http::request<http::string_body> req) {
    Exchanged result;
    try {
      asio::io_context ioc;
      asio::co_spawn(ioc, Run(std::move(req), &result), [&result](std::exception_ptr e) {
        if (e) {
          result.error = "internal error";
          result.request_written = true;  // unknown: assume the worst
        }
      });
      ioc.run();
    } catch (const std::exception&) {
      // Allocation failure or similar inside Asio: transient.
      result.error = "internal error";
      result.request_written = true;
    }
    return result;
  }
};

TwilioClient::TwilioClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TwilioClient::~TwilioClient() = default;

Result<std::unique_ptr<TwilioClient>> TwilioClient::Create(const TwilioClientOptions& options) {
  using R = Result<std::unique_ptr<TwilioClient>>;
  auto endpoint = ParseApiBase(options.api_base);
  if (!endpoint) return R::Error(endpoint.error());
  if (!IsSafeToken(options.account_sid, 64)) return R::Error("missing or malformed account sid");
  if (options.auth_token.empty()) return R::Error("missing auth token");
  if (options.from.empty() && options.messaging_service_sid.empty()) {
    return R::Error("missing sender (from number or messaging service sid)");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->endpoint = *endpoint;
  beast::error_code ec;
  impl->ssl.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) impl->ssl.set_default_verify_paths(ec);
  if (!ec && !options.ca_file.empty()) impl->ssl.load_verify_file(options.ca_file, ec);
  if (ec) return R::Error("tls setup: " + ec.message());
  impl->target =
      impl->endpoint.prefix + "/2010-04-01/Accounts/" + options.account_sid + "/Messages.json";
  impl->authorization = "Basic " + Base64Encode(options.account_sid + ":" + options.auth_token);
  return std::unique_ptr<TwilioClient>(new TwilioClient(std::move(impl)));
}

SendResult TwilioClient::Send(const std::string& to, const std::string& body) {
  const TwilioClientOptions& o = impl_->options;
  std::vector<std::pair<std::string, std::string>> form = {{"To", to}};
  if (!o.messaging_service_sid.empty()) {
    form.emplace_back("MessagingServiceSid", o.messaging_service_sid);
  } else {
    form.emplace_back("From", o.from);
  }
  form.emplace_back("Body", body);
  if (!o.status_callback.empty()) form.emplace_back("StatusCallback", o.status_callback);

  auto req = impl_->Request(http::verb::post, impl_->target);
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.body() = EncodeForm(form);
  req.prepare_payload();
  Exchanged x = impl_->Perform(std::move(req));
  if (!x.error.empty()) {
    SendResult r;
    r.outcome = SendResult::Outcome::kRetry;
    r.error = std::move(x.error);
    r.may_have_reached = x.request_written;
    return r;
  }
  return ClassifySendResponse(x.status, x.body, x.retry_after);
}

LookupResult TwilioClient::FindSent(const std::string& to, const std::string& body,
                                    int64_t since_ms,
                                    const std::function<bool(const std::string&)>& known) {
  const TwilioClientOptions& o = impl_->options;
  std::vector<std::pair<std::string, std::string>> query = {{"To", to}};
  if (o.messaging_service_sid.empty()) query.emplace_back("From", o.from);
  query.emplace_back("PageSize", "50");
  auto req = impl_->Request(http::verb::get, impl_->target + "?" + EncodeForm(query));
  Exchanged x = impl_->Perform(std::move(req));
  if (!x.error.empty()) {
    LookupResult r;
    r.error = "lookup " + x.error;
    return r;
  }
  return ClassifyLookupResponse(x.status, x.body, to, body, since_ms, known);
}

}  // namespace connecthub::hub::sms
