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

SendResult NetworkError(std::string_view step, const beast::error_code& ec) {
  SendResult r;
  r.outcome = SendResult::Outcome::kRetry;
  r.error = std::string(step) + ": " + ec.message();
  return r;
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

struct TwilioClient::Impl {
  TwilioClientOptions options;
  ApiEndpoint endpoint;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  std::string target;
  std::string authorization;

  template <typename Stream>
  asio::awaitable<void> Exchange(Stream& stream, http::request<http::string_body>& req,
                                 SendResult* out) {
    beast::error_code ec;
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      *out = NetworkError("write", ec);
      co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      *out = NetworkError("read", ec);
      co_return;
    }
    auto& res = parser.get();
    std::string retry_after(res[http::field::retry_after]);
    *out = ClassifySendResponse(static_cast<int>(res.result_int()), res.body(), retry_after);
  }

  asio::awaitable<void> Run(http::request<http::string_body> req, SendResult* out) {
    auto ex = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(ex);
    auto results = co_await resolver.async_resolve(endpoint.host, endpoint.port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      *out = NetworkError("resolve", ec);
      co_return;
    }
    if (endpoint.tls) {
      beast::ssl_stream<beast::tcp_stream> stream(ex, ssl);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str())) {
        *out = NetworkError("tls sni", beast::error_code(static_cast<int>(::ERR_get_error()),
                                                         asio::error::get_ssl_category()));
        co_return;
      }
      stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
      beast::get_lowest_layer(stream).expires_after(options.timeout);
      co_await beast::get_lowest_layer(stream).async_connect(
          results, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        *out = NetworkError("connect", ec);
        co_return;
      }
      co_await stream.async_handshake(asio::ssl::stream_base::client,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        *out = NetworkError("tls handshake", ec);
        co_return;
      }
      co_await Exchange(stream, req, out);
      beast::get_lowest_layer(stream).close();
    } else {
      beast::tcp_stream stream(ex);
      stream.expires_after(options.timeout);
      co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        *out = NetworkError("connect", ec);
        co_return;
      }
      co_await Exchange(stream, req, out);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
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

  http::request<http::string_body> req{http::verb::post, impl_->target, 11};
  bool default_port = impl_->endpoint.port == (impl_->endpoint.tls ? "443" : "80");
  std::string host = impl_->endpoint.host.find(':') != std::string::npos
                         ? "[" + impl_->endpoint.host + "]"
                         : impl_->endpoint.host;
  req.set(http::field::host, default_port ? host : host + ":" + impl_->endpoint.port);
  req.set(http::field::user_agent, "ConnectHub/0.1");
  req.set(http::field::authorization, impl_->authorization);
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.set(http::field::accept, "application/json");
  req.set(http::field::connection, "close");
  req.body() = EncodeForm(form);
  req.prepare_payload();

  SendResult result;
  result.error = "not attempted";
  try {
    asio::io_context ioc;
    asio::co_spawn(ioc, impl_->Run(std::move(req), &result), [&result](std::exception_ptr e) {
      if (e) {
        result = SendResult{};
        result.error = "internal error in send";
      }
    });
    ioc.run();
  } catch (const std::exception&) {
    // Allocation failure or similar inside Asio: treat as transient.
    result = SendResult{};
    result.error = "internal error in send";
  }
  return result;
}

}  // namespace connecthub::hub::sms
