#include "chat/chat_session.h"

#include <algorithm>
#include <chrono>

#include "log.h"

namespace connecthub::hub::chat {
namespace {

constexpr int kFetchBatch = 200;
constexpr int64_t kLoginReplay = 50;

bool IsNote(const storage::MessageRecord& m) { return m.sender == storage::Sender::kNote; }

}  // namespace

ChatSession::ChatSession(ChatDeps deps)
    : deps_(std::move(deps)),
      bucket_(deps_.options.ws_rate_per_second, deps_.options.ws_rate_burst) {}

template <typename Work, typename Then>
void ChatSession::RunBlocking(Work work, Then then) {
  auto conn = conn_.lock();
  if (!conn) return;
  conn->Blocking(
      [self = shared_from_this(), work = std::move(work), then = std::move(then)]() mutable {
        auto result = work();
        auto c = self->conn_.lock();
        if (!c) return;
        c->Dispatch([self, result = std::move(result), then = std::move(then)]() mutable {
          then(std::move(result));
        });
      });
}

void ChatSession::OnOpen(std::weak_ptr<server::WsConnection> connection) {
  conn_ = std::move(connection);
  if (auto c = conn_.lock()) address_ = c->remote_address();
}

void ChatSession::SetAuthenticated(bool authenticated) {
  if (auto c = conn_.lock()) c->SetAuthenticated(authenticated);
}

void ChatSession::Send(std::string frame) {
  if (auto c = conn_.lock()) c->Send(std::move(frame));
}

void ChatSession::SendError(std::string_view code, std::string_view key, std::string_view id,
                            std::string_view retry_at, int64_t retry_after_ms) {
  Send(ErrorFrame(code, deps_.catalog.Format(lang_, key), id, retry_at, retry_after_ms));
}

void ChatSession::OnText(std::string text) {
  int64_t now = deps_.clock();
  int64_t retry_after = 0;
  if (!bucket_.Take(now, &retry_after)) {
    SendError("rate_limited", "hub.error.rate_limited", {}, {}, retry_after);
    return;
  }
  auto parsed = ParseClientFrame(text, deps_.limits);
  if (auto* err = std::get_if<FrameError>(&parsed)) {
    Send(ErrorFrame(err->code, err->message, err->id));
    return;
  }
  pending_.push_back(Pending{std::get<ClientFrame>(std::move(parsed)), now});
  ProcessNext();
}

void ChatSession::ProcessNext() {
  if (busy_ || closed_ || pending_.empty()) return;
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  busy_ = true;
  std::visit(
      [&](auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, LoginFrame>) {
          HandleLogin(f, p.received_ms);
        } else if constexpr (std::is_same_v<T, ResumeFrame>) {
          HandleResume(f, p.received_ms);
        } else if constexpr (std::is_same_v<T, SendFrame>) {
          HandleSend(f, p.received_ms);
        } else {
          HandleLogout(p.received_ms);
        }
      },
      p.frame);
}

void ChatSession::Done(const char* type, int64_t received_ms) {
  deps_.metrics.Observe("connecthub_ws_frame_duration_seconds", {{"type", type}},
                        static_cast<double>(deps_.clock() - received_ms) / 1000.0);
  busy_ = false;
  ProcessNext();
}

namespace {

struct LoginOutcome {
  std::string error;  // SPEC §4 code, empty on success
  int64_t retry_at_ms = 0;
  std::string token;
  storage::ThreadRecord thread;
  std::string first_name;
  int64_t new_from_seq = 0;  // the first reply given while the parent was away (0: none)
};

// A caseworker answered while the parent was away (sms/reply_notice.h): they are about to be shown
// the thread, so the reply is no longer unseen. Returns its seq (0: none).
int64_t TakeUnseenReply(storage::Store& store, const storage::ThreadRecord& thread) {
  if (thread.unseen_reply_seq <= 0) return 0;
  if (!store.ClearReplyUnseen(thread.id).ok()) {
    Log(LogLevel::kWarn, "reply_unseen_failed", {{"thread_id", thread.id}});
  }
  return thread.unseen_reply_seq;
}

// Where a replay starts: the last kLoginReplay messages, or earlier to include an unseen reply
// (at most replay_limit messages back).
int64_t ReplayFrom(int64_t after_seq, const storage::ThreadRecord& thread, int64_t new_from_seq,
                   int replay_limit) {
  if (new_from_seq <= 0) return after_seq;
  int64_t floor = std::max<int64_t>(0, thread.last_seq - replay_limit);
  return std::max(floor, std::min(after_seq, new_from_seq - 1));
}

}  // namespace

void ChatSession::HandleLogin(const LoginFrame& f, int64_t now) {
  auto& store = deps_.store;
  auto& parent_auth = deps_.parent_auth;
  std::string address = address_;
  RunBlocking(
      [&store, &parent_auth, f, now, address]() {
        LoginOutcome out;
        auto verified = parent_auth.Verify(f.participant_id, f.pin, {.address_key = address}, now);
        using Outcome = auth::ParentAuthResult::Outcome;
        if (verified.outcome == Outcome::kError) {
          out.error = "internal";
          return out;
        }
        if (verified.outcome != Outcome::kOk) {
          out.error = verified.outcome == Outcome::kLockedOut ? "locked_out" : "auth_failed";
          out.retry_at_ms = verified.retry_at_ms == auth::kHardLocked ? 0 : verified.retry_at_ms;
          return out;
        }
        std::string preferred = f.lang;
        if (auto facts = store.LoadFacts(f.participant_id, now); facts.ok()) {
          out.first_name = facts->first_name;
          if (preferred.empty() && (facts->language == "en" || facts->language == "es")) {
            preferred = facts->language;
          }
        }
        auto thread = store.OpenThread(f.participant_id, storage::Channel::kWeb,
                                       preferred.empty() ? "en" : preferred, now);
        if (!thread.ok()) {
          out.error = "internal";
          return out;
        }
        out.thread = *thread;
        if (!f.lang.empty() && thread->lang != f.lang) {
          storage::ThreadUpdate u;
          u.lang = f.lang;
          if (store.UpdateThread(thread->id, u, now).ok()) out.thread.lang = f.lang;
        }
        auto token = store.CreateSession(storage::SessionKind::kParticipant, f.participant_id, now);
        if (!token.ok()) {
          out.error = "internal";
          return out;
        }
        out.token = *token;
        out.new_from_seq = TakeUnseenReply(store, out.thread);
        return out;
      },
      [this, f, now](LoginOutcome out) {
        if (closed_) return;
        deps_.metrics.Inc(
            "connecthub_logins_total",
            {{"kind", "participant"}, {"result", out.error.empty() ? "ok" : out.error}});
        if (!f.lang.empty()) lang_ = f.lang;
        if (!out.error.empty()) {
          Log(LogLevel::kInfo, "chat_login_failed", {{"reason", out.error}});
          SendError(out.error, "hub.error." + out.error, {},
                    out.retry_at_ms > 0 ? IsoTime(out.retry_at_ms) : std::string());
          Done("login", now);
          return;
        }
        Detach();
        token_ = out.token;
        participant_id_ = f.participant_id;
        lang_ = out.thread.lang;
        int64_t new_from = out.new_from_seq;
        Send(WelcomeFrame(token_, participant_id_, out.first_name, lang_, out.thread.state,
                          out.thread.last_seq, new_from));
        SetAuthenticated(true);
        Log(LogLevel::kInfo, "chat_login", {{"thread_id", out.thread.id}});
        Attach(out.thread, ReplayFrom(std::max<int64_t>(0, out.thread.last_seq - kLoginReplay),
                                      out.thread, new_from, deps_.options.ws_max_queue / 2));
        Done("login", now);
      });
}

void ChatSession::HandleResume(const ResumeFrame& f, int64_t now) {
  auto& store = deps_.store;
  auth::SessionLimits limits = Limits();
  RunBlocking(
      [&store, f, now, limits]() {
        LoginOutcome out;
        auto session = auth::ResolveLiveSession(store, f.token, now, limits);
        if (!session.ok() || session->kind != storage::SessionKind::kParticipant) {
          out.error = session.ok() || session.status().code() == storage::Code::kNotFound
                          ? "unauthenticated"
                          : "internal";
          return out;
        }
        auto thread = store.OpenThread(session->subject, storage::Channel::kWeb, "en", now);
        if (!thread.ok()) {
          out.error = "internal";
          return out;
        }
        out.thread = *thread;
        if (auto facts = store.LoadFacts(session->subject, now); facts.ok()) {
          out.first_name = facts->first_name;
        }
        out.token = f.token;
        out.new_from_seq = TakeUnseenReply(store, out.thread);
        return out;
      },
      [this, f, now](LoginOutcome out) {
        if (closed_) return;
        if (!out.error.empty()) {
          SendError(out.error, out.error == "unauthenticated" ? "hub.error.session_expired"
                                                              : "hub.error.internal");
          Done("resume", now);
          return;
        }
        Detach();
        token_ = out.token;
        participant_id_ = out.thread.participant_id;
        lang_ = out.thread.lang;
        int64_t new_from = out.new_from_seq;
        Send(WelcomeFrame(token_, participant_id_, out.first_name, lang_, out.thread.state,
                          out.thread.last_seq, new_from));
        SetAuthenticated(true);
        Attach(out.thread, ReplayFrom(std::min(f.after_seq, out.thread.last_seq), out.thread,
                                      new_from, deps_.options.ws_max_queue / 2));
        Done("resume", now);
      });
}

void ChatSession::HandleSend(const SendFrame& f, int64_t now) {
  if (token_.empty()) {
    SendError("unauthenticated", "hub.error.unauthenticated", f.id);
    Done("send", now);
    return;
  }
  conversation::ParentText msg;
  msg.thread_id = thread_id_;
  msg.text = f.text;
  msg.client_id = f.id;
  msg.session_token = token_;
  msg.session_idle_ms = deps_.options.session_idle_ms;
  std::weak_ptr<server::WsConnection> weak_conn = conn_;
  // No thread waits for the turn: it is decided and written on the store's writer, which hands
  // the outcome to this connection's strand; there the ack goes out (ahead of the message events,
  // so it arrives first), the events are published, and the next frame is taken.
  deps_.conversations.SubmitParentText(
      msg, now,
      [self = shared_from_this(), id = f.id](const storage::Appended& appended) {
        if (!self->closed_) self->Send(AckFrame(id, appended.seq));
      },
      [self = shared_from_this(), id = f.id,
       now](storage::Result<conversation::ParentTextResult> result) {
        if (self->closed_) return;
        if (!result.ok()) {
          self->SendError("internal", "hub.error.internal", id);
        } else if (result->session_ended) {
          self->SendError("unauthenticated", "hub.error.session_expired", id);
          self->Detach();
          self->token_.clear();
          self->SetAuthenticated(false);
        } else if (!result->thread.lang.empty()) {
          self->lang_ = result->thread.lang;
        }
        self->Done("send", now);
      },
      [weak_conn](std::function<void()> finish) {
        // The turn is published even when the socket has gone (the inbox, the parent's other
        // devices): then on the writer thread.
        if (auto c = weak_conn.lock()) {
          c->Dispatch(std::move(finish));
        } else {
          finish();
        }
      });
}

void ChatSession::HandleLogout(int64_t now) {
  if (token_.empty()) {
    Send(LoggedOutFrame());
    Done("logout", now);
    return;
  }
  auto& store = deps_.store;
  std::string token = token_;
  Detach();
  token_.clear();
  participant_id_.clear();
  SetAuthenticated(false);
  RunBlocking([&store, token]() { return store.EndSession(token).ok(); },
              [this, now, token](bool) {
                // The parent's other tabs and devices on this session close too.
                deps_.registry.EndSession(token);
                if (closed_) return;
                Send(LoggedOutFrame());
                Done("logout", now);
              });
}

void ChatSession::Attach(const storage::ThreadRecord& thread, int64_t after_seq) {
  // Attached right after a login or resume checked the session.
  checked_ms_ = deps_.clock();
  thread_id_ = thread.id;
  state_ = thread.state;
  assigned_name_ = thread.assigned_display_name;
  delivered_ = after_seq;
  known_ = thread.last_seq;
  fetching_ = false;
  ++generation_;
  deps_.registry.AddChat(thread_id_, shared_from_this());
  // Replays what the client has not seen; events arriving meanwhile only raise known_.
  if (known_ > delivered_) Fetch();
}

void ChatSession::Detach() {
  if (thread_id_ != 0) deps_.registry.RemoveChat(thread_id_, this);
  thread_id_ = 0;
  ++generation_;
  fetching_ = false;
  held_.clear();
}

void ChatSession::Deliver(const events::HubEvent& event) {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this(), event] {
    if (self->closed_ || self->thread_id_ == 0 || event.thread.id != self->thread_id_) return;
    // Content goes out only under a recently checked session; otherwise it waits for a check.
    if (self->checking_ ||
        self->deps_.clock() - self->checked_ms_ >= self->deps_.options.session_recheck_ms) {
      constexpr size_t kMaxHeld = 1024;
      if (self->held_.size() >= kMaxHeld) return self->EndSession();
      self->held_.push_back(event);
      self->StartCheck();
      return;
    }
    self->OnEvent(event);
  });
}

auth::SessionLimits ChatSession::Limits() const {
  return {.idle_ms = deps_.options.session_idle_ms, .max_age_ms = deps_.options.session_max_age_ms};
}

void ChatSession::Recheck() {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this()] { self->StartCheck(); });
}

void ChatSession::SessionEnded(const std::string& token) {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this(), token] {
    if (!self->token_.empty() && self->token_ == token) self->EndSession();
  });
}

void ChatSession::StartCheck() {
  if (checking_ || closed_ || token_.empty()) return;
  auto conn = conn_.lock();
  if (!conn) return;
  checking_ = true;
  auto& store = deps_.store;
  int64_t now = deps_.clock();
  std::string token = token_;
  auth::SessionLimits limits = Limits();
  RunBlocking(
      [&store, token, now, limits]() {
        auto s = auth::CheckLiveSession(store, token, now, limits);
        // A store failure is not an ended session: the next check decides.
        if (!s.ok() && s.status().code() != storage::Code::kNotFound) return 0;
        return s.ok() && s->kind == storage::SessionKind::kParticipant ? 1 : -1;
      },
      [this, token, now](int live) {
        checking_ = false;
        if (closed_ || token_ != token) return;
        if (live < 0) return EndSession();
        if (live > 0) checked_ms_ = now;
        std::deque<events::HubEvent> held;
        held.swap(held_);
        for (const auto& e : held) OnEvent(e);
      });
}

void ChatSession::EndSession() {
  if (closed_) return;
  Detach();
  token_.clear();
  participant_id_.clear();
  SendError("unauthenticated", "hub.error.session_expired");
  if (auto c = conn_.lock()) c->Close(server::kCloseSessionEnded, "session ended");
}

void ChatSession::OnEvent(const events::HubEvent& event) {
  if (closed_ || thread_id_ == 0 || event.thread.id != thread_id_) return;
  if (event.kind == events::HubEvent::Kind::kThread) {
    if (event.thread.state != state_ || (event.thread.state == storage::ThreadState::kAssigned &&
                                         event.thread.assigned_display_name != assigned_name_)) {
      state_ = event.thread.state;
      assigned_name_ = event.thread.assigned_display_name;
      Send(StateFrame(state_, assigned_name_));
    }
    if (!event.thread.lang.empty()) lang_ = event.thread.lang;
    return;
  }
  const storage::MessageRecord& m = event.message;
  if (m.seq <= delivered_) return;
  if (m.seq == delivered_ + 1 && !fetching_) {
    if (!IsNote(m)) Send(MessageFrame(m));
    delivered_ = m.seq;
    known_ = std::max(known_, m.seq);
    return;
  }
  // Out of order (events from concurrent writers) or a gap: read the thread from the store.
  known_ = std::max(known_, m.seq);
  Fetch();
}

void ChatSession::Fetch() {
  if (fetching_ || thread_id_ == 0) return;
  auto c = conn_.lock();
  if (!c) return;
  fetching_ = true;
  auto& store = deps_.store;
  int64_t thread_id = thread_id_;
  int64_t after = delivered_;
  int64_t target = known_;
  uint64_t generation = generation_;
  // A batch leaves room in the connection's write queue for acks and live frames: the queue's
  // limit is what closes a client that does not read, and a replay must never trip it itself.
  int batch = static_cast<int>(
      std::clamp<size_t>(c->max_queued() / 4, 1, static_cast<size_t>(kFetchBatch)));
  RunBlocking(
      [&store, thread_id, after, batch]() {
        return store.Messages(thread_id, after, batch, /*include_notes=*/false);
      },
      [this, target, generation,
       batch](storage::Result<std::vector<storage::MessageRecord>> result) {
        if (closed_ || generation != generation_) return;
        if (!result.ok()) {
          fetching_ = false;
          Log(LogLevel::kError, "chat_replay_failed",
              {{"thread_id", thread_id_}, {"error", result.status().message()}});
          SendError("internal", "hub.error.internal");
          return;
        }
        for (const auto& m : *result) {
          if (m.seq <= delivered_ || IsNote(m)) continue;
          Send(MessageFrame(m));
          delivered_ = m.seq;
        }
        // Everything up to `target` was committed before the read: a shorter batch covered it
        // (the rest were notes, which are never shown).
        bool full = static_cast<int>(result->size()) == batch;
        if (!full) delivered_ = std::max(delivered_, target);
        auto conn = conn_.lock();
        if (!conn || (known_ <= delivered_ && !full)) {
          fetching_ = false;
          return;
        }
        // The next batch is read once the client has taken this one; meanwhile live events only
        // raise known_ (fetching_ stays set), so frames keep their order.
        conn->WhenDrained([self = shared_from_this(), generation] {
          if (self->closed_ || generation != self->generation_) return;
          self->fetching_ = false;
          self->Fetch();
        });
      });
}

void ChatSession::OnClose() {
  closed_ = true;
  Detach();
  pending_.clear();
}

}  // namespace connecthub::hub::chat
