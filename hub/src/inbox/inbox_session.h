#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/session_policy.h"
#include "clock.h"
#include "inbox/reply_target.h"
#include "server/registry.h"
#include "server/ws_connection.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

struct InboxSessionDeps {
  storage::Store& store;
  server::Registry& registry;
  Clock clock;
  auth::SessionLimits session_limits;
  int64_t recheck_ms = 60'000;  // content is pushed only within this long of a session check
  ReplyTarget reply_target;     // due times in the pushed thread summaries
  std::vector<std::string> triage_counties;  // see Visible (inbox_json.h)
};

// The /ws/inbox protocol on one WebSocket: the first frame authenticates
// ({"type":"auth","token":…}); then the hub pushes {"type":"thread"} and {"type":"message"} for
// every thread the caseworker may see (county or supervisor). The session is re-checked (still
// live, account still there, same county and role) at least every `recheck_ms` and before content
// is pushed after a longer pause; an ended one closes the socket with 4401. Callbacks run on the
// connection's strand; Deliver(), Recheck() and SessionEnded() are thread-safe.
class InboxSession : public server::WsHandler,
                     public server::EventSink,
                     public std::enable_shared_from_this<InboxSession> {
 public:
  explicit InboxSession(InboxSessionDeps deps) : deps_(std::move(deps)) {}

  void OnOpen(std::weak_ptr<server::WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnClose() override;
  void Deliver(const events::HubEvent& event) override;
  void Recheck() override;
  void SessionEnded(const std::string& token) override;

 private:
  void Send(std::string frame);
  void Push(const events::HubEvent& event);
  void Pump();
  void StartCheck();
  void End();

  InboxSessionDeps deps_;
  std::weak_ptr<server::WsConnection> conn_;
  bool authenticating_ = false;
  bool closed_ = false;
  std::optional<storage::Caseworker> caseworker_;
  std::string token_;
  int64_t checked_ms_ = 0;  // when the session was last found live
  bool checking_ = false;
  bool recheck_again_ = false;  // a Recheck() came while checking_ or authenticating_
  bool auditing_ = false;
  std::deque<events::HubEvent> held_;  // events waiting for a session check or their audit
  // Transferred threads this caseworker no longer sees, already told as "gone" (ids only).
  std::set<int64_t> gone_;
};

}  // namespace connecthub::hub::inbox
