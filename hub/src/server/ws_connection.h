#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "events/event_bus.h"

namespace connecthub::hub::server {

// One WebSocket connection as a protocol handler sees it, without Beast: queue a text frame, close,
// run work on the connection's strand or on the blocking pool. Implemented by WebsocketSession.
// Every method is thread-safe and non-blocking.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text frame; frames go out in the order queued. Ignored once closing.
  virtual void Send(std::string text) = 0;
  // Sends a close frame with `code` after the queued frames.
  virtual void Close(uint16_t code, std::string reason) = 0;
  // Runs `fn` on the connection's strand (serialised with the handler's callbacks).
  virtual void Dispatch(std::function<void()> fn) = 0;
  // Runs `fn` on the connection's strand once every frame queued before this call has been
  // written (at once when nothing is queued); never when the connection closes first.
  virtual void WhenDrained(std::function<void()> fn) = 0;
  // Frames the connection queues for a client that does not read before closing it (1008).
  virtual size_t max_queued() const = 0;
  // Runs `fn` on the blocking pool (Store calls, Argon2id). Exceptions are caught and logged.
  virtual void Blocking(std::function<void()> fn) = 0;
  virtual const std::string& remote_address() const = 0;
  // The protocol's login state. While false, the connection counts against its address's cap of
  // unauthenticated sockets and is closed with kCloseLoginTimeout once the login deadline passes;
  // true stops both. Connections start unauthenticated; a logout sets it back to false.
  virtual void SetAuthenticated(bool authenticated) = 0;
};

// The protocol spoken on a WebSocket (parent chat, inbox push). Callbacks run on the connection's
// strand, one at a time.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // Gets the connection once, right after the handshake; keep it as a weak_ptr.
  virtual void OnOpen(std::weak_ptr<WsConnection> connection) = 0;
  virtual void OnText(std::string text) = 0;
  // The connection is gone; release subscriptions.
  virtual void OnClose() = 0;
};

// A receiver of hub events (a live chat or inbox connection). Deliver() is called on the
// publisher's thread: it must be thread-safe and only post work.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Deliver(const events::HubEvent& event) = 0;
  // Re-check the session this sink is bound to (Registry::RecheckAll); a sink whose session has
  // ended closes its socket with kCloseSessionEnded. Thread-safe, only posts work.
  virtual void Recheck() {}
  // The session of `token` has ended (a logout): a sink bound to it closes its socket with
  // kCloseSessionEnded. Thread-safe, only posts work.
  virtual void SessionEnded(const std::string& token) { (void)token; }
};

// Close code of a WebSocket whose session ended: logout, expiry, a removed account or a changed
// county (hub/API.md).
inline constexpr uint16_t kCloseSessionEnded = 4401;

}  // namespace connecthub::hub::server
