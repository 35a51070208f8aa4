#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "auth/parent_auth.h"
#include "auth/session_policy.h"
#include "chat/frames.h"
#include "chat/limits.h"
#include "clock.h"
#include "conversation/conversation_service.h"
#include "hub_context.h"
#include "metrics.h"
#include "server/registry.h"
#include "server/ws_connection.h"
#include "storage/store.h"

namespace connecthub::hub::chat {

// What every parent chat connection shares (owned by the Hub).
struct ChatDeps {
  storage::Store& store;
  conversation::ConversationService& conversations;
  server::Registry& registry;
  const locales::Catalog& catalog;
  Metrics& metrics;
  Clock clock;
  auth::ParentAuth& parent_auth;  // PIN check, lockouts and the per-address limit
  const ServeOptions& options;
  FrameLimits limits;
};

// The parent chat protocol on one WebSocket (SPEC §4, hub/API.md): login / resume / send / logout,
// replay and live delivery of the thread in seq order, exactly once per connection. Frames are
// handled one at a time in arrival order. A `send` is handed to the store's writer as one turn
// (ConversationService::SubmitParentText); other Store work runs on the blocking pool. Results
// come back to the connection's strand. Not thread-safe except Deliver(): every other method runs
// on the connection's strand.
class ChatSession : public server::WsHandler,
                    public server::EventSink,
                    public std::enable_shared_from_this<ChatSession> {
 public:
  explicit ChatSession(ChatDeps deps);

  void OnOpen(std::weak_ptr<server::WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnClose() override;
  void Deliver(const events::HubEvent& event) override;
  // The session is re-checked at least every ServeOptions::session_recheck_ms and before an
  // event is pushed after a longer pause; an ended session closes the socket with 4401.
  void Recheck() override;
  void SessionEnded(const std::string& token) override;

 private:
  struct Pending {
    ClientFrame frame;
    int64_t received_ms = 0;
  };
  void ProcessNext();
  void Done(const char* type, int64_t received_ms);
  void HandleLogin(const LoginFrame& f, int64_t received_ms);
  void HandleResume(const ResumeFrame& f, int64_t received_ms);
  void HandleSend(const SendFrame& f, int64_t received_ms);
  void HandleLogout(int64_t received_ms);

  // Becomes the live view of `thread`, replaying messages after `after_seq`.
  void Attach(const storage::ThreadRecord& thread, int64_t after_seq);
  void Detach();
  void OnEvent(const events::HubEvent& event);
  void Fetch();
  void StartCheck();
  void EndSession();
  auth::SessionLimits Limits() const;

  void Send(std::string frame);
  // Tells the connection whether a participant is logged in (login deadline, per-address cap).
  void SetAuthenticated(bool authenticated);
  void SendError(std::string_view code, std::string_view key, std::string_view id = {},
                 std::string_view retry_at = {}, int64_t retry_after_ms = 0);

  // Runs `work` on the blocking pool and then `done(result)` on the strand.
  template <typename Work, typename Then>
  void RunBlocking(Work work, Then then);

  ChatDeps deps_;
  std::weak_ptr<server::WsConnection> conn_;
  std::string address_;
  TokenBucket bucket_;
  std::deque<Pending> pending_;
  bool busy_ = false;
  // Read off the strand too: a turn whose socket has gone finishes on the store's writer thread.
  std::atomic<bool> closed_{false};

  // Authenticated state (empty token: not logged in).
  std::string token_;
  std::string participant_id_;
  std::string lang_ = "en";
  int64_t thread_id_ = 0;
  storage::ThreadState state_ = storage::ThreadState::kBot;
  std::string assigned_name_;  // the caseworker's display name (never the login name)

  // Delivery bookkeeping: every seq <= delivered_ has been sent (or is a note); known_ is the
  // newest seq an event announced.
  int64_t delivered_ = 0;
  int64_t known_ = 0;
  bool fetching_ = false;
  uint64_t generation_ = 0;  // bumps on Attach/Detach so stale fetches are ignored

  // Session re-checks: when the session was last found live; events waiting for a check.
  int64_t checked_ms_ = 0;
  bool checking_ = false;
  std::deque<events::HubEvent> held_;
};

}  // namespace connecthub::hub::chat
