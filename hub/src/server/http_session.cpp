#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <optional>

#include "log.h"
#include "server/sessions.h"

namespace connecthub::hub::server {
namespace {

namespace bhttp = beast::http;

// One HTTP/1.1 connection: reads requests (header first, so the body limit can depend on the
// route), runs them through the Router on the blocking pool, writes responses in order, and hands
// WebSocket upgrades to a WebsocketSession. Runs on its own strand.
class HttpSession : public Stoppable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string();
  }

  void Run() {
    state_->metrics.Add("connecthub_connections", {{"kind", "http"}}, 1);
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
  }

  ~HttpSession() override { state_->metrics.Add("connecthub_connections", {{"kind", "http"}}, -1); }

  void Stop() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stop_ = true;
      // Only an idle connection (waiting for a request) is closed now; a request being handled
      // or written finishes first and the connection closes after it.
      if (self->phase_ == Phase::kReading) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  enum class Phase { kReading, kHandling, kWriting, kDone };

  void do_read() {
    if (stop_) return do_close();
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.http_header_limit));
    parser_->body_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(state_->options.http_timeout_seconds));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
  }

  void on_read_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    std::string path;
    std::map<std::string, std::string> query;
    std::string_view target = parser_->get().target();
    if (http::ParseTarget(target, &path, &query)) {
      parser_->body_limit(state_->router.BodyLimit(path));
    }
    if (parser_->is_done()) return on_read(ec, 0);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::bad_descriptor || ec == net::error::eof) {
      return do_close();
    }
    if (ec == bhttp::error::body_limit) {
      return write_error(413, "request body too large");
    }
    if (ec == bhttp::error::header_limit) {
      return write_error(431, "request header too large");
    }
    return write_error(400, "malformed HTTP request");
  }

  void write_error(int status, std::string_view message) {
    http::HttpResponse r = http::ErrorResponse(status, message);
    keep_alive_ = false;
    write(std::move(r), 11, "ERROR");
  }

  // The client's address key for this request: behind a trusted proxy each request on the same
  // connection may come from another client.
  std::string client_key(const bhttp::request<bhttp::string_body>& req) const {
    std::string forwarded;
    for (const auto& field : req) {
      if (beast::iequals(field.name_string(), "x-forwarded-for")) {
        if (!forwarded.empty()) forwarded += ',';
        forwarded.append(field.value());
      }
    }
    return AddressKey(ClientAddress(peer_, forwarded, state_->options.trusted_proxies));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto req = parser_->release();
    if (!HostAllowed(req[bhttp::field::host], state_->options.allowed_hosts)) {
      Log(LogLevel::kWarn, "host_refused");
      return write_error(421, "unknown host");
    }
    remote_ = client_key(req);
    if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));

    http::HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.remote_address = remote_;
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    unsigned version = req.version();
    if (!http::ParseTarget(request.target, &request.path, &request.query)) {
      return write_error(400, "malformed request target");
    }
    phase_ = Phase::kHandling;
    stream_.expires_never();
    auto started = std::chrono::steady_clock::now();
    auto work = net::make_work_guard(stream_.get_executor());
    net::post(state_->blocking, [self = shared_from_this(), request = std::move(request), version,
                                 started, work = std::move(work)]() mutable {
      http::HttpResponse response;
      try {
        response = self->state_->router.Handle(request);
      } catch (const std::exception&) {
        response = http::ErrorResponse(500, "internal error");
      }
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::string status_class = std::to_string(response.status / 100) + "xx";
      self->state_->metrics.Observe(
          "connecthub_http_request_duration_seconds",
          {{"method", std::string(MethodLabel(request.method))}, {"status", status_class}},
          seconds);
      bool head = request.method == "HEAD";
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response), version, head]() mutable {
                  if (head) response.body.clear();
                  self->write(std::move(response), version, head ? "HEAD" : "");
                });
    });
  }

  void upgrade(bhttp::request<bhttp::string_body> req) {
    std::string path;
    std::map<std::string, std::string> query;
    if (!http::ParseTarget(req.target(), &path, &query)) {
      return write_error(400, "malformed request target");
    }
    WsRoute route = state_->ws_factory ? state_->ws_factory(path) : WsRoute{};
    if (!route.handler) return write_error(404, "not found");
    std::string origin(req[bhttp::field::origin]);
    std::string host(req[bhttp::field::host]);
    // The inbox is same-origin only: the widget's allowed origins do not open it.
    const auto& allowed =
        route.kind == "inbox" ? state_->options.self_origins : state_->options.allowed_origins;
    if (!OriginAllowed(origin, host, allowed)) {
      Log(LogLevel::kWarn, "origin_refused", {{"path", path}});
      return write_error(403, "origin not allowed");
    }
    // Counted until the protocol authenticates it; the session releases the count.
    if (!state_->TryAddUnauthenticated(remote_)) {
      state_->metrics.Inc("connecthub_ws_unauthenticated_refused_total", {});
      Log(LogLevel::kWarn, "ws_unauthenticated_cap", {{"path", path}});
      return write_error(429, "too many connections waiting to log in from this address");
    }
    phase_ = Phase::kDone;
    StartWebsocketSession(std::move(stream_), std::move(req), state_, std::move(route), remote_);
  }

  void write(http::HttpResponse r, unsigned version, std::string_view) {
    phase_ = Phase::kWriting;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "ConnectHub");
    res->set(bhttp::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    // API answers (JSON) are never kept by a browser or proxy cache, unless the handler says.
    if (r.content_type.starts_with("application/json") &&
        res->find(bhttp::field::cache_control) == res->end()) {
      res->set(bhttp::field::cache_control, "no-store");
    }
    if (state_->options.hsts) {
      res->set(bhttp::field::strict_transport_security, "max-age=31536000; includeSubDomains");
    }
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_ && !stop_);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(state_->options.http_timeout_seconds));
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                         self->on_write(ec, res->keep_alive());
                       });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive || stop_) return do_close();
    do_read();
  }

  void do_close() {
    phase_ = Phase::kDone;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<ServerState> state_;
  std::string peer_;    // the TCP peer
  std::string remote_;  // the current request's client address key
  Phase phase_ = Phase::kReading;
  bool keep_alive_ = true;
  bool stop_ = false;
};

}  // namespace

void StartHttpSession(tcp::socket socket, std::shared_ptr<ServerState> state) {
  auto session = std::make_shared<HttpSession>(std::move(socket), state);
  state->Track(session);
  session->Run();
}

}  // namespace connecthub::hub::server
