#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "chat/frames.h"
#include "chat/limits.h"
#include "clock.h"
#include "server/ws_connection.h"

namespace connecthub::hub::chat {

// A benchmark stand-in for ChatSession (`serve --bench-echo`): the same sockets, WebSocket
// framing, frame parser, frame serialisers and per-connection rate limit, but no storage, no
// Argon2id and no bot. `login` is answered with a `welcome` without checking the PIN; each `send`
// gets an `ack` and its text back as a `message` from the bot. It measures the ceiling the server
// plumbing allows on a machine (tests/bench/README.md); it must never run in production. Not
// thread-safe: every method runs on the connection's strand.
class EchoSession : public server::WsHandler {
 public:
  EchoSession(Clock clock, double rate_per_second, double burst, FrameLimits limits)
      : clock_(std::move(clock)), bucket_(rate_per_second, burst), limits_(limits) {}

  void OnOpen(std::weak_ptr<server::WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnClose() override {}

 private:
  Clock clock_;
  TokenBucket bucket_;
  FrameLimits limits_;
  std::weak_ptr<server::WsConnection> conn_;
  bool logged_in_ = false;
  int64_t seq_ = 0;
};

}  // namespace connecthub::hub::chat
