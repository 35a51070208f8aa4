#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "log.h"
#include "server/sessions.h"

namespace connecthub::hub::server {
namespace {

namespace websocket = beast::websocket;

// One WebSocket connection (the Beast chat example's websocket_session): a read loop that hands
// text frames to the protocol handler, and a write queue so frames go out one at a time, in order.
// Everything runs on the connection's strand; the WsConnection methods post to it.
class WebsocketSession : public WsConnection,
                         public Stoppable,
                         public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(beast::tcp_stream&& stream, std::shared_ptr<ServerState> state, WsRoute route,
                   std::string remote)
      : ws_(std::move(stream)),
        state_(std::move(state)),
        handler_(std::move(route.handler)),
        kind_(std::move(route.kind)),
        remote_(std::move(remote)),
        login_timer_(ws_.get_executor()) {}

  // The upgrade counted this socket as unauthenticated (ServerState::TryAddUnauthenticated).
  ~WebsocketSession() override {
    if (unauthenticated_) state_->RemoveUnauthenticated(remote_);
    if (opened_) state_->metrics.Add("connecthub_connections", {{"kind", kind_}}, -1);
  }

  void Run(beast::http::request<beast::http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "ConnectHub"); }));
    ws_.read_message_max(state_->options.ws_max_message);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.async_accept(req,
                     beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
  }

  // --- WsConnection ---
  void Send(std::string text) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->queue(std::move(text));
    });
  }

  void Close(uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      websocket::close_reason why(code);
      why.reason = reason;
      self->begin_close(why);
    });
  }

  void Dispatch(std::function<void()> fn) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), fn = std::move(fn)] {
      try {
        fn();
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "ws_handler_exception", {{"what", e.what()}});
      }
    });
  }

  void WhenDrained(std::function<void()> fn) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), fn = std::move(fn)]() mutable {
      if (self->finished_ || self->closing_) return;
      if (!self->writing_ && self->queue_.empty()) return self->guard(fn);
      self->drained_.push_back(std::move(fn));
    });
  }

  size_t max_queued() const override { return state_->options.ws_max_queue; }

  void Blocking(std::function<void()> fn) override {
    net::post(state_->blocking, [self = shared_from_this(), fn = std::move(fn),
                                 work = net::make_work_guard(ws_.get_executor())] {
      try {
        fn();
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "blocking_task_exception", {{"what", e.what()}});
      }
    });
  }

  const std::string& remote_address() const override { return remote_; }

  void SetAuthenticated(bool authenticated) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), authenticated] {
      self->set_authenticated(authenticated);
    });
  }

  // --- Stoppable ---
  void Stop() override {
    Close(static_cast<uint16_t>(websocket::close_code::going_away), "shutdown");
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;  // handshake failed: Beast answered it; nothing was opened
    opened_ = true;
    state_->metrics.Add("connecthub_connections", {{"kind", kind_}}, 1);
    state_->metrics.Inc("connecthub_connections_total", {{"kind", kind_}});
    if (state_->stopping) {
      begin_close(websocket::close_reason(websocket::close_code::going_away));
    }
    arm_login_deadline();
    guard([&] { handler_->OnOpen(weak_from_this()); });
    do_read();
  }

  void set_authenticated(bool authenticated) {
    if (finished_ || authenticated == !unauthenticated_) return;
    unauthenticated_ = !authenticated;
    if (authenticated) {
      state_->RemoveUnauthenticated(remote_);
      ++login_generation_;
      login_timer_.cancel();
    } else {
      state_->AddUnauthenticated(remote_);
      arm_login_deadline();
    }
  }

  // Closes the socket with kCloseLoginTimeout unless it authenticates within the deadline.
  void arm_login_deadline() {
    uint64_t generation = ++login_generation_;
    login_timer_.expires_after(std::chrono::seconds(state_->options.ws_login_timeout_seconds));
    login_timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->login_generation_ || !self->unauthenticated_) return;
      self->state_->metrics.Inc("connecthub_ws_login_timeouts_total", {});
      Log(LogLevel::kInfo, "ws_login_timeout", {{"kind", self->kind_}});
      websocket::close_reason why(kCloseLoginTimeout);
      why.reason = "login timeout";
      self->begin_close(why);
    });
  }

  void do_read() {
    ws_.async_read(buffer_,
                   beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      // message_too_big: Beast has already sent close 1009.
      if (ec != websocket::error::closed && ec != net::error::operation_aborted &&
          ec != websocket::error::message_too_big) {
        Log(LogLevel::kInfo, "ws_read_ended", {{"kind", kind_}, {"error", ec.message()}});
      }
      return finish();
    }
    if (!ws_.got_text()) {
      buffer_.consume(buffer_.size());
      queue(R"({"type":"error","code":"bad_request","message":"frames must be text"})");
      return do_read();
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    guard([&] { handler_->OnText(std::move(text)); });
    do_read();
  }

  void queue(std::string text) {
    if (closing_ || finished_) return;
    if (queue_.size() >= state_->options.ws_max_queue) {
      Log(LogLevel::kWarn, "ws_slow_client", {{"kind", kind_}});
      return begin_close(websocket::close_reason(websocket::close_code::policy_error));
    }
    queue_.push_back(std::move(text));
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec || finished_) {
      queue_.clear();
      drained_.clear();
      return;  // the read loop sees the failure too and finishes
    }
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) return do_close();
    // Callbacks may queue frames again (a replay's next batch): run only those waiting now.
    auto drained = std::move(drained_);
    drained_.clear();
    for (auto& fn : drained) guard(fn);
  }

  void begin_close(websocket::close_reason reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    pending_close_ = reason;
    if (!writing_ && queue_.empty()) do_close();
  }

  void do_close() {
    if (!pending_close_ || close_sent_ || finished_) return;
    close_sent_ = true;
    ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code) {});
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    drained_.clear();
    ++login_generation_;
    login_timer_.cancel();
    guard([&] { handler_->OnClose(); });
  }

  template <typename Fn>
  void guard(Fn fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "ws_handler_exception", {{"what", e.what()}});
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<WsHandler> handler_;
  std::string kind_;
  std::string remote_;
  net::steady_timer login_timer_;
  uint64_t login_generation_ = 0;
  bool unauthenticated_ = true;
  std::deque<std::string> queue_;
  std::vector<std::function<void()>> drained_;  // WhenDrained callbacks waiting for the queue
  std::optional<websocket::close_reason> pending_close_;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  bool opened_ = false;
};

}  // namespace

void StartWebsocketSession(beast::tcp_stream stream,
                           beast::http::request<beast::http::string_body> request,
                           std::shared_ptr<ServerState> state, WsRoute route,
                           std::string remote_address) {
  auto session = std::make_shared<WebsocketSession>(std::move(stream), state, std::move(route),
                                                    std::move(remote_address));
  state->Track(session);
  session->Run(std::move(request));
}

}  // namespace connecthub::hub::server
