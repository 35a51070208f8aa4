#pragma once

// A WsConnection without sockets for protocol-handler tests: frames and the close are recorded,
// strand and blocking work run inline on the caller's thread (so a test runs single-threaded and
// deterministically, with its own clock).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/ws_connection.h"

namespace connecthub::fakes {

class FakeWsConnection : public hub::server::WsConnection {
 public:
  void Send(std::string text) override {
    if (!close_code) sent.push_back(std::move(text));
  }
  void Close(uint16_t code, std::string reason) override {
    if (!close_code) {
      close_code = code;
      close_reason = std::move(reason);
    }
  }
  void Dispatch(std::function<void()> fn) override { fn(); }
  // Frames are taken as soon as they are sent: the queue is always drained.
  void WhenDrained(std::function<void()> fn) override {
    if (!close_code) fn();
  }
  size_t max_queued() const override { return 1024; }
  void Blocking(std::function<void()> fn) override { fn(); }
  const std::string& remote_address() const override { return address; }
  void SetAuthenticated(bool a) override { authenticated = a; }

  std::vector<std::string> sent;
  std::optional<uint16_t> close_code;
  std::string close_reason;
  std::string address = "203.0.113.7";
  bool authenticated = false;
};

}  // namespace connecthub::fakes
