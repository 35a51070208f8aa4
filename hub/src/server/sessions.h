#pragma once

// Internal to hub/src/server: Beast types shared by the listener and the sessions. Only the
// server's own .cpp files include this (Beast is slow to compile).

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/server.h"

namespace connecthub::hub::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Something the server must stop at shutdown. Stop() is thread-safe.
class Stoppable {
 public:
  virtual ~Stoppable() = default;
  virtual void Stop() = 0;
};

// State every session of one Server shares (like the Beast example's shared_state).
struct ServerState {
  ServerState(net::io_context& io_context, net::thread_pool& blocking_pool, http::Router& r,
              Metrics& m, ServerOptions o, WsFactory f)
      : io(io_context),
        blocking(blocking_pool),
        router(r),
        metrics(m),
        options(std::move(o)),
        ws_factory(std::move(f)) {}

  net::io_context& io;
  net::thread_pool& blocking;
  http::Router& router;
  Metrics& metrics;
  ServerOptions options;
  WsFactory ws_factory;
  std::atomic<bool> stopping{false};

  void Track(const std::shared_ptr<Stoppable>& s);
  void StopAll();

  // Unauthenticated WebSockets per source address (ServerOptions::ws_unauthenticated_per_address).
  // TryAddUnauthenticated() counts one more unless the address is at the cap; AddUnauthenticated()
  // counts one whatever the cap (a logout); RemoveUnauthenticated() undoes either.
  bool TryAddUnauthenticated(const std::string& address);
  void AddUnauthenticated(const std::string& address);
  void RemoveUnauthenticated(const std::string& address);

 private:
  std::mutex mu_;
  std::vector<std::weak_ptr<Stoppable>> live_;
  std::mutex unauth_mu_;
  std::unordered_map<std::string, size_t> unauthenticated_;
};

void StartHttpSession(tcp::socket socket, std::shared_ptr<ServerState> state);
void StartWebsocketSession(beast::tcp_stream stream,
                           beast::http::request<beast::http::string_body> request,
                           std::shared_ptr<ServerState> state, WsRoute route,
                           std::string remote_address);

}  // namespace connecthub::hub::server
