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
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <exception>
#include <optional>

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

// One HTTP exchange's raw outcome; `error` set when no response was read.
struct Exchanged {
  std::string error;
  bool request_written = false;  // the provider may have acted on it
  int status = 0;
  std::string body;
  std::string retry_after;
  std::string content_type;
  std::string location;
  bool too_large = false;  // the body passed the limit: `error` is set
};

void NetworkError(std::string_view step, const beast::error_code& ec, Exchanged* out) {
  out->error = std::string(step) + ": " + ec.message();
}

}  // namespace

Result<ApiEndpoint> ParseApiBase(std::string_view api_base) {
  auto parsed = boost::urls::parse_absolute_uri(api_base);
  if (!parsed) return Rejected("api base is not an absolute URL");
  ApiEndpoint ep;
  std::string scheme(parsed->scheme());
  if (scheme == "https") {
    ep.tls = true;
  } else if (scheme == "http") {
    ep.tls = false;
  } else {
    return Rejected("api base must be https:// (or http:// on loopback)");
  }
  if (parsed->has_userinfo() || parsed->has_query() || parsed->has_fragment()) {
    return Rejected("api base must not carry user info, query or fragment");
  }
  ep.host = std::string(parsed->encoded_host_address());
  if (ep.host.size() >= 2 && ep.host.front() == '[' && ep.host.back() == ']') {
    ep.host = ep.host.substr(1, ep.host.size() - 2);
  }
  if (ep.host.empty()) return Rejected("api base has no host");
  if (!ep.tls && !IsLoopbackHost(ep.host)) {
    return Rejected("plain http is allowed only for a loopback api base");
  }
  ep.port = parsed->has_port() ? std::string(parsed->port()) : (ep.tls ? "443" : "80");
  ep.prefix = std::string(parsed->encoded_path());
  while (!ep.prefix.empty() && ep.prefix.back() == '/') ep.prefix.pop_back();
  return ep;
}

namespace {

bool SameOrigin(const ApiEndpoint& a, const ApiEndpoint& b) {
  return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

// The endpoint and request target (path and query) of an absolute URL the client may call.
std::optional<std::pair<ApiEndpoint, std::string>> Target(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->has_userinfo()) return std::nullopt;
  std::string origin =
      std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
  auto ep = ParseApiBase(origin);
  if (!ep) return std::nullopt;
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  return std::make_pair(*ep, std::move(target));
}

}  // namespace

bool IsAccountMediaUrl(const ApiEndpoint& api, std::string_view account_sid, std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->has_userinfo() || parsed->has_query() || parsed->has_fragment()) {
    return false;
  }
  auto target = Target(url);
  if (!target || !SameOrigin(target->first, api)) return false;
  std::string prefix =
      api.prefix + "/2010-04-01/Accounts/" + std::string(account_sid) + "/Messages/";
  std::string_view path = target->second;
  if (!path.starts_with(prefix)) return false;
  path.remove_prefix(prefix.size());
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || !IsSafeToken(path.substr(0, slash), 64)) return false;
  path.remove_prefix(slash);
  if (!path.starts_with("/Media/")) return false;
  path.remove_prefix(7);
  return IsSafeToken(path, 64);
}

struct TwilioClient::Impl {
  TwilioClientOptions options;
  ApiEndpoint endpoint;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  std::string target;
  std::string authorization;

  template <typename Stream>
  asio::awaitable<void> Exchange(Stream& stream, http::request<http::string_body>& req,
                                 Exchanged* out, size_t body_limit) {
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
    parser.body_limit(body_limit);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out->too_large = ec == http::error::body_limit;
      NetworkError("read", ec, out);
      co_return;
    }
    auto& res = parser.get();
    out->status = static_cast<int>(res.result_int());
    out->retry_after = std::string(res[http::field::retry_after]);
    out->content_type = std::string(res[http::field::content_type]);
    out->location = std::string(res[http::field::location]);
    out->body = std::move(res.body());
  }

  asio::awaitable<void> Run(const ApiEndpoint& to, http::request<http::string_body> req,
                            Exchanged* out, size_t body_limit) {
    auto ex = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(ex);
    auto results = co_await resolver.async_resolve(to.host, to.port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      NetworkError("resolve", ec, out);
      co_return;
    }
    if (to.tls) {
      beast::ssl_stream<beast::tcp_stream> stream(ex, ssl);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), to.host.c_str())) {
        NetworkError(
            "tls sni",
            beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
            out);
        co_return;
      }
      stream.set_verify_callback(asio::ssl::host_name_verification(to.host));
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
      co_await Exchange(stream, req, out, body_limit);
      beast::get_lowest_layer(stream).close();
    } else {
      beast::tcp_stream stream(ex);
      stream.expires_after(options.timeout);
      co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        NetworkError("connect", ec, out);
        co_return;
      }
      co_await Exchange(stream, req, out, body_limit);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  http::request<http::string_body> Request(http::verb verb, const std::string& path) const {
    return RequestTo(endpoint, verb, path, true);
  }

  // A request to `to` (the API, or where it redirected a media fetch); the account's credentials
  // go only to the API's own host.
  http::request<http::string_body> RequestTo(const ApiEndpoint& to, http::verb verb,
                                             const std::string& path, bool with_auth) const {
    http::request<http::string_body> req{verb, path, 11};
    bool default_port = to.port == (to.tls ? "443" : "80");
    std::string host = to.host.find(':') != std::string::npos ? "[" + to.host + "]" : to.host;
    req.set(http::field::host, default_port ? host : host + ":" + to.port);
    req.set(http::field::user_agent, "ConnectHub/0.1");
    if (with_auth) req.set(http::field::authorization, authorization);
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    return req;
  }

  // One request on a private io_context, bounded by the timeout. Never throws.
  Exchanged Perform(http::request<http::string_body> req) {
    return PerformAt(endpoint, std::move(req), kMaxResponseBytes);
  }

  Exchanged PerformAt(const ApiEndpoint& to, http::request<http::string_body> req,
                      size_t body_limit) {
    Exchanged result;
    try {
      asio::io_context ioc;
      asio::co_spawn(ioc, Run(to, std::move(req), &result, body_limit),
                     [&result](std::exception_ptr e) {
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
  auto endpoint = ParseApiBase(options.api_base);
  if (!endpoint) return endpoint.status();
  if (!IsSafeToken(options.account_sid, 64)) return Rejected("missing or malformed account sid");
  if (options.auth_token.empty()) return Rejected("missing auth token");
  if (options.from.empty() && options.messaging_service_sid.empty()) {
    return Rejected("missing sender (from number or messaging service sid)");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->endpoint = *endpoint;
  beast::error_code ec;
  impl->ssl.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) impl->ssl.set_default_verify_paths(ec);
  if (!ec && !options.ca_file.empty()) impl->ssl.load_verify_file(options.ca_file, ec);
  if (ec) return Rejected("tls setup: " + ec.message());
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

MediaResult TwilioClient::FetchMedia(const std::string& url, size_t max_bytes) {
  MediaResult r;
  if (!IsAccountMediaUrl(impl_->endpoint, impl_->options.account_sid, url)) {
    r.outcome = MediaResult::Outcome::kRefused;
    r.error = "not a media URL of this account";
    return r;
  }
  std::string current = url;
  for (int hop = 0; hop < 4; ++hop) {
    auto target = Target(current);
    if (!target) {
      r.outcome = MediaResult::Outcome::kRefused;
      r.error = "redirected to a URL that is not https";
      return r;
    }
    bool api_host = SameOrigin(target->first, impl_->endpoint);
    auto req = impl_->RequestTo(target->first, http::verb::get, target->second, api_host);
    req.set(http::field::accept, "*/*");
    Exchanged x = impl_->PerformAt(target->first, std::move(req), max_bytes);
    if (x.too_large) {
      r.outcome = MediaResult::Outcome::kTooLarge;
      r.error = "larger than " + std::to_string(max_bytes) + " bytes";
      return r;
    }
    if (!x.error.empty()) {
      r.error = "media " + x.error;
      return r;
    }
    bool redirect =
        x.status == 301 || x.status == 302 || x.status == 303 || x.status == 307 || x.status == 308;
    if (redirect && !x.location.empty()) {
      auto base = boost::urls::parse_absolute_uri(current);
      auto ref = boost::urls::parse_uri_reference(x.location);
      if (!base || !ref) {
        r.outcome = MediaResult::Outcome::kRefused;
        r.error = "malformed redirect";
        return r;
      }
      boost::urls::url next;
      if (!boost::urls::resolve(*base, *ref, next)) {
        r.outcome = MediaResult::Outcome::kRefused;
        r.error = "malformed redirect";
        return r;
      }
      next.remove_fragment();
      if (target->first.tls && next.scheme() != "https") {
        r.outcome = MediaResult::Outcome::kRefused;
        r.error = "redirected from https to http";
        return r;
      }
      current = std::string(next.buffer());
      continue;
    }
    if (x.status == 404) {
      r.outcome = MediaResult::Outcome::kNotFound;
      r.error = "HTTP 404";
      return r;
    }
    if (x.status < 200 || x.status >= 300) {
      r.error = "HTTP " + std::to_string(x.status);
      return r;
    }
    r.outcome = MediaResult::Outcome::kOk;
    r.content_type = std::move(x.content_type);
    r.body = std::move(x.body);
    return r;
  }
  r.outcome = MediaResult::Outcome::kRefused;
  r.error = "too many redirects";
  return r;
}

}  // namespace connecthub::hub::sms
