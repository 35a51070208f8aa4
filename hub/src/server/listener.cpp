#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/strand.hpp>

#include "log.h"
#include "server/sessions.h"

namespace connecthub::hub::server {

void ServerState::Track(const std::shared_ptr<Stoppable>& s) {
  std::lock_guard lock(mu_);
  // Forget finished sessions now and then so the list stays the size of the live set.
  if (live_.size() >= 64 && (live_.size() & (live_.size() - 1)) == 0) {
    std::erase_if(live_, [](const auto& w) { return w.expired(); });
  }
  live_.push_back(s);
}

void ServerState::StopAll() {
  std::vector<std::shared_ptr<Stoppable>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& w : live_) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
    live_.clear();
  }
  for (auto& s : live) s->Stop();
}

bool ServerState::TryAddUnauthenticated(const std::string& address) {
  std::lock_guard lock(unauth_mu_);
  size_t& n = unauthenticated_[address];
  if (n >= options.ws_unauthenticated_per_address) {
    if (n == 0) unauthenticated_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void ServerState::AddUnauthenticated(const std::string& address) {
  std::lock_guard lock(unauth_mu_);
  ++unauthenticated_[address];
}

void ServerState::RemoveUnauthenticated(const std::string& address) {
  std::lock_guard lock(unauth_mu_);
  auto it = unauthenticated_.find(address);
  if (it == unauthenticated_.end()) return;
  if (--it->second == 0) unauthenticated_.erase(it);
}

// Accepts connections and hands each to an HTTP session on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(std::shared_ptr<ServerState> state) : state_(std::move(state)), acceptor_(state_->io) {}

  bool Open(const tcp::endpoint& endpoint, std::string* error) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      *error = "cannot listen on " + endpoint.address().to_string() + ":" +
               std::to_string(endpoint.port()) + ": " + ec.message();
      return false;
    }
    return true;
  }

  uint16_t port() const {
    beast::error_code ec;
    auto ep = acceptor_.local_endpoint(ec);
    return ec ? 0 : ep.port();
  }

  void Run() { do_accept(); }

  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(state_->io),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      Log(LogLevel::kWarn, "accept_failed", {{"error", ec.message()}});
    } else if (!state_->stopping) {
      state_->metrics.Inc("connecthub_connections_total", {{"kind", "tcp"}});
      // Small frames (an ack, then the answer) must not wait for the peer's delayed ACK (Nagle).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      StartHttpSession(std::move(socket), state_);
    }
    do_accept();
  }

  std::shared_ptr<ServerState> state_;
  tcp::acceptor acceptor_;
};

Server::Server(net::io_context& io, net::thread_pool& blocking, http::Router& router,
               Metrics& metrics, ServerOptions options, WsFactory ws_factory)
    : state_(std::make_shared<ServerState>(io, blocking, router, metrics, std::move(options),
                                           std::move(ws_factory))) {}

Server::~Server() = default;

bool Server::Listen(const std::string& host_port, std::string* error, bool* usage_error) {
  bool ignored = false;
  if (usage_error == nullptr) usage_error = &ignored;
  *usage_error = true;  // until the address parses; a failure to bind is not the caller's typo
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    *error = "--listen must be HOST:PORT, got '" + host_port + "'";
    return false;
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = host_port.substr(colon + 1);
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    *error = "--listen port must be 0..65535, got '" + port_text + "'";
    return false;
  }
  beast::error_code ec;
  auto address = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    *error = "--listen host must be an IP address, got '" + host + "'";
    return false;
  }
  *usage_error = false;
  listener_ = std::make_shared<Listener>(state_);
  if (!listener_->Open(tcp::endpoint(address, static_cast<uint16_t>(port)), error)) return false;
  port_ = listener_->port();
  host_ = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  if (host_ == "0.0.0.0") host_ = "127.0.0.1";
  listener_->Run();
  return true;
}

uint16_t Server::port() const { return port_; }

std::string Server::url() const { return "http://" + host_ + ":" + std::to_string(port_) + "/"; }

void Server::Shutdown() {
  state_->stopping = true;
  if (listener_) listener_->Stop();
  state_->StopAll();
}

bool OriginAllowed(std::string_view origin, std::string_view host,
                   const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  if (!host.empty()) {
    if (origin == "http://" + std::string(host) || origin == "https://" + std::string(host)) {
      return true;
    }
  }
  for (std::string_view a : allowed) {
    while (!a.empty() && a.back() == '/') a.remove_suffix(1);
    if (a == origin) return true;  // "*" is refused when the options are read
  }
  return false;
}

bool HostAllowed(std::string_view host, const std::vector<std::string>& allowed) {
  if (allowed.empty() || host.empty()) return true;  // no Host: not a browser (HTTP/1.0)
  std::string name;
  if (host.front() == '[') {
    return host.find(']') != std::string_view::npos;  // an IPv6 literal
  }
  name = std::string(host.substr(0, host.find(':')));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  boost::system::error_code ec;
  (void)net::ip::make_address_v4(name, ec);
  if (!ec) return true;
  for (const auto& a : allowed) {
    if (a == name) return true;
  }
  return false;
}

}  // namespace connecthub::hub::server
