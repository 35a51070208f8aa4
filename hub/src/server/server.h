#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"
#include "metrics.h"
#include "server/client_address.h"
#include "server/ws_connection.h"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace connecthub::hub::server {

struct ServerOptions {
  std::vector<std::string> allowed_origins;  // WebSocket Origin allow-list; same origin always ok
  size_t ws_max_message = 16 * 1024;         // bigger frames close the socket with 1009. 16 KiB.
  size_t ws_max_queue = 1024;                // frames queued to a slow client before closing it.
  size_t http_header_limit = 16 * 1024;      // request header bytes. Default 16 KiB.
  int http_timeout_seconds = 30;             // read/write timeout and keep-alive idle. 30 s.
  // A WebSocket not authenticated (WsConnection::SetAuthenticated) this long after its handshake,
  // or after a logout, is closed with kCloseLoginTimeout. Default 60 s.
  int ws_login_timeout_seconds = 60;
  // WebSockets from one address not yet authenticated; an upgrade over it gets 429. Default 100.
  size_t ws_unauthenticated_per_address = 100;
  // Proxies whose X-Forwarded-For is believed (`--trusted-proxy`); empty: none, the TCP peer is
  // the client. Per-address limits count by AddressKey() of the client. Default none.
  std::vector<Cidr> trusted_proxies;
  // The hub's own public origins (from --public-url): with the Host's own origin, the only
  // Origins /ws/inbox accepts (the inbox is same-origin only; allowed_origins are for the widget).
  std::vector<std::string> self_origins;
  // Host names (lower case, no port) requests may name; IP literals are always accepted. Anything
  // else gets 421 (a DNS-rebinding page names its own domain). Empty: any Host.
  std::vector<std::string> allowed_hosts;
  // Strict-Transport-Security on every response (set when --public-url is https).
  bool hsts = false;
};

// Whether a Host header (name or IP literal, optional port) is acceptable under `allowed`
// (ServerOptions::allowed_hosts).
bool HostAllowed(std::string_view host, const std::vector<std::string>& allowed);

// Close code of a WebSocket that did not authenticate in time (hub/API.md).
inline constexpr uint16_t kCloseLoginTimeout = 4408;

// What a WebSocket upgrade to a path speaks: a fresh handler (null: no WebSocket at that path,
// 404) and a metrics label ("chat", "inbox").
struct WsRoute {
  std::shared_ptr<WsHandler> handler;
  std::string kind;
};
using WsFactory = std::function<WsRoute(std::string_view path)>;

struct ServerState;
class Listener;

// The hub's one port: accepts TCP connections, speaks HTTP/1.1 (requests go to the Router on the
// blocking pool) and upgrades /ws/* to WebSocket sessions (Origin checked). Each connection runs on
// its own strand of `io`. Thread-safe: Shutdown() may be called from any thread.
class Server {
 public:
  Server(boost::asio::io_context& io, boost::asio::thread_pool& blocking, http::Router& router,
         Metrics& metrics, ServerOptions options, WsFactory ws_factory);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds `host:port` (port 0: any free port) and starts accepting. False and *error when the
  // address is malformed or cannot be bound.
  // *usage_error (if given) tells a malformed HOST:PORT (exit code 2) from a failure to bind.
  bool Listen(const std::string& host_port, std::string* error, bool* usage_error = nullptr);
  uint16_t port() const;
  // "http://host:port/"
  std::string url() const;

  // Stops accepting, closes WebSockets with 1001 (going away) after their queued frames, and
  // closes idle HTTP connections; in-flight requests finish first.
  void Shutdown();

 private:
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<Listener> listener_;
  std::string host_;
  uint16_t port_ = 0;
};

// Whether a WebSocket handshake's Origin header is acceptable: absent (not a browser), the same
// origin as `host` (http or https), or on the allow-list. Pure.
bool OriginAllowed(std::string_view origin, std::string_view host,
                   const std::vector<std::string>& allowed);

}  // namespace connecthub::hub::server
