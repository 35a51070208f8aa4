#include "inbox/inbox_session.h"

#include <boost/json.hpp>
#include <utility>

#include "inbox/inbox_api.h"
#include "inbox/inbox_json.h"
#include "log.h"

namespace connecthub::hub::inbox {
namespace {

namespace json = boost::json;

std::string Error(std::string_view code, std::string_view message) {
  return json::serialize(json::object{{"type", "error"}, {"code", code}, {"message", message}});
}

}  // namespace

void InboxSession::OnOpen(std::weak_ptr<server::WsConnection> connection) {
  conn_ = std::move(connection);
}

void InboxSession::Send(std::string frame) {
  if (auto c = conn_.lock()) c->Send(std::move(frame));
}

void InboxSession::OnText(std::string text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    Send(Error("bad_request", "frame must be a JSON object"));
    return;
  }
  const json::object& o = v.as_object();
  const json::value* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    Send(Error("bad_request", "missing \"type\""));
    return;
  }
  if (type->as_string() == "ping") {
    Send(R"({"type":"pong"})");
    return;
  }
  if (type->as_string() != "auth") {
    Send(Error("bad_request", "unknown frame type"));
    return;
  }
  const json::value* token = o.if_contains("token");
  if (token == nullptr || !token->is_string() || token->as_string().empty() ||
      token->as_string().size() > 256) {
    Send(Error("bad_request", "\"token\" must be a string"));
    return;
  }
  if (authenticating_ || caseworker_) {
    Send(Error("bad_request", "already authenticated"));
    return;
  }
  authenticating_ = true;
  auto conn = conn_.lock();
  if (!conn) return;
  auto& store = deps_.store;
  int64_t now = deps_.clock();
  auth::SessionLimits limits = deps_.session_limits;
  std::string tok(token->as_string());
  conn->Blocking([self = shared_from_this(), &store, tok, now, limits] {
    auto cw = AuthenticateCaseworker(store, tok, now, limits);
    auto c = self->conn_.lock();
    if (!c) return;
    c->Dispatch([self, cw, tok, now] {
      self->authenticating_ = false;
      if (self->closed_) return;
      if (!cw.ok()) {
        self->recheck_again_ = false;
        self->Send(Error("unauthenticated", "invalid or expired token"));
        if (auto c2 = self->conn_.lock()) c2->Close(4401, "unauthenticated");
        return;
      }
      self->caseworker_ = *cw;
      self->token_ = tok;
      self->checked_ms_ = now;
      if (auto c2 = self->conn_.lock()) c2->SetAuthenticated(true);
      self->deps_.registry.AddInbox(self);
      self->Send(
          json::serialize(json::object{{"type", "ready"}, {"caseworker", CaseworkerJson(*cw)}}));
      if (std::exchange(self->recheck_again_, false)) self->StartCheck();
    });
  });
}

void InboxSession::Deliver(const events::HubEvent& event) {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this(), event] {
    if (self->closed_ || !self->caseworker_) return;
    if (!Visible(*self->caseworker_, event.thread, self->deps_.triage_counties)) {
      // A thread transferred to another county's queue leaves this caseworker's lists: the id
      // only, once (nothing of its content).
      if (event.kind == events::HubEvent::Kind::kThread && !event.thread.queue_county.empty() &&
          self->gone_.insert(event.thread.id).second) {
        self->Send(json::serialize(json::object{{"type", "gone"}, {"thread_id", event.thread.id}}));
      }
      return;
    }
    self->gone_.erase(event.thread.id);
    constexpr size_t kMaxHeld = 1024;
    if (self->held_.size() >= kMaxHeld) return self->End();
    self->held_.push_back(event);
    self->Pump();
  });
}

// One event at a time, in order: content goes out only under a recently checked session (else
// the check comes first), and only once its read is audited (else the client gets the ids only
// and fetches through the audited API).
void InboxSession::Pump() {
  if (closed_ || !caseworker_ || checking_ || auditing_ || held_.empty()) return;
  if (deps_.clock() - checked_ms_ >= deps_.recheck_ms) return StartCheck();
  auto conn = conn_.lock();
  if (!conn) return;
  events::HubEvent event = std::move(held_.front());
  held_.pop_front();
  while (!Visible(*caseworker_, event.thread, deps_.triage_counties)) {
    if (held_.empty()) return;
    event = std::move(held_.front());
    held_.pop_front();
  }
  auditing_ = true;
  auto& store = deps_.store;
  int64_t caseworker_id = caseworker_->id;
  int64_t now = deps_.clock();
  conn->Blocking([self = shared_from_this(), &store, caseworker_id, now, event] {
    bool audited = store.Audit(caseworker_id, event.thread.id, "read", now).ok();
    auto c = self->conn_.lock();
    if (!c) return;
    c->Dispatch([self, audited, event] {
      self->auditing_ = false;
      if (self->closed_ || !self->caseworker_) return;
      if (audited) {
        self->Push(event);
      } else {
        self->Send(
            json::serialize(json::object{{"type", "changed"}, {"thread_id", event.thread.id}}));
      }
      self->Pump();
    });
  });
}

void InboxSession::Push(const events::HubEvent& event) {
  if (event.kind != events::HubEvent::Kind::kDelivery) {
    Send(json::serialize(json::object{
        {"type", "thread"},
        {"thread", ThreadSummaryJson(event.thread, deps_.reply_target, deps_.clock())}}));
  }
  if (event.kind != events::HubEvent::Kind::kThread) {
    Send(json::serialize(json::object{{"type", "message"},
                                      {"thread_id", event.thread.id},
                                      {"message", MessageJson(event.message)}}));
  }
}

void InboxSession::Recheck() {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this()] { self->StartCheck(); });
}

void InboxSession::SessionEnded(const std::string& token) {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this(), token] {
    if (!self->token_.empty() && self->token_ == token) self->End();
  });
}

void InboxSession::StartCheck() {
  if (closed_) return;
  // A re-check asked while a check (or the login) is under way may follow a change that one did
  // not see: it runs again once that one is done.
  if (checking_ || authenticating_) {
    recheck_again_ = true;
    return;
  }
  if (!caseworker_) return;
  auto conn = conn_.lock();
  if (!conn) return;
  checking_ = true;
  auto& store = deps_.store;
  int64_t now = deps_.clock();
  auth::SessionLimits limits = deps_.session_limits;
  conn->Blocking([self = shared_from_this(), &store, tok = token_, now, limits] {
    auto cw = CheckCaseworkerSession(store, tok, now, limits);
    auto c = self->conn_.lock();
    if (!c) return;
    c->Dispatch([self, cw, now] {
      self->checking_ = false;
      if (self->closed_ || !self->caseworker_) return;
      const storage::Caseworker& was = *self->caseworker_;
      if (!cw.ok() || cw->id != was.id || cw->county != was.county ||
          cw->supervisor != was.supervisor) {
        return self->End();
      }
      self->checked_ms_ = now;
      if (std::exchange(self->recheck_again_, false)) return self->StartCheck();
      self->Pump();
    });
  });
}

void InboxSession::End() {
  if (closed_) return;
  held_.clear();
  caseworker_.reset();
  token_.clear();
  deps_.registry.RemoveInbox(this);
  Send(Error("session_ended", "the session has ended; log in again"));
  if (auto c = conn_.lock()) c->Close(server::kCloseSessionEnded, "session ended");
}

void InboxSession::OnClose() {
  closed_ = true;
  deps_.registry.RemoveInbox(this);
}

}  // namespace connecthub::hub::inbox
