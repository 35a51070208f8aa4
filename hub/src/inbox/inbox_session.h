#pragma once

#include <memory>
#include <optional>
#include <string>

#include "clock.h"
#include "server/registry.h"
#include "server/ws_connection.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

struct InboxSessionDeps {
  storage::Store& store;
  server::Registry& registry;
  Clock clock;
  int64_t session_idle_ms = 15 * 60 * 1000;
};

// The /ws/inbox protocol on one WebSocket: the first frame authenticates
// ({"type":"auth","token":…}); then the hub pushes {"type":"thread"} and {"type":"message"} for
// every thread the caseworker may see (county or supervisor). Callbacks run on the connection's
// strand; Deliver() is thread-safe.
class InboxSession : public server::WsHandler,
                     public server::EventSink,
                     public std::enable_shared_from_this<InboxSession> {
 public:
  explicit InboxSession(InboxSessionDeps deps) : deps_(std::move(deps)) {}

  void OnOpen(std::weak_ptr<server::WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnClose() override;
  void Deliver(const events::HubEvent& event) override;

 private:
  void Send(std::string frame);

  InboxSessionDeps deps_;
  std::weak_ptr<server::WsConnection> conn_;
  bool authenticating_ = false;
  bool closed_ = false;
  std::optional<storage::Caseworker> caseworker_;
};

}  // namespace connecthub::hub::inbox
