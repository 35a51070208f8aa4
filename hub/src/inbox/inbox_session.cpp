#include "inbox/inbox_session.h"

#include <boost/json.hpp>

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
  int64_t idle = deps_.session_idle_ms;
  std::string tok(token->as_string());
  conn->Blocking([self = shared_from_this(), &store, tok, now, idle] {
    auto cw = AuthenticateCaseworker(store, tok, now, idle);
    auto c = self->conn_.lock();
    if (!c) return;
    c->Dispatch([self, cw] {
      self->authenticating_ = false;
      if (self->closed_) return;
      if (!cw.ok()) {
        self->Send(Error("unauthenticated", "invalid or expired token"));
        if (auto c2 = self->conn_.lock()) c2->Close(4401, "unauthenticated");
        return;
      }
      self->caseworker_ = *cw;
      if (auto c2 = self->conn_.lock()) c2->SetAuthenticated(true);
      self->deps_.registry.AddInbox(self);
      self->Send(
          json::serialize(json::object{{"type", "ready"}, {"caseworker", CaseworkerJson(*cw)}}));
    });
  });
}

void InboxSession::Deliver(const events::HubEvent& event) {
  auto c = conn_.lock();
  if (!c) return;
  c->Dispatch([self = shared_from_this(), event] {
    if (self->closed_ || !self->caseworker_ || !Visible(*self->caseworker_, event.thread)) return;
    if (event.kind != events::HubEvent::Kind::kDelivery) {
      self->Send(json::serialize(
          json::object{{"type", "thread"}, {"thread", ThreadSummaryJson(event.thread)}}));
    }
    if (event.kind != events::HubEvent::Kind::kThread) {
      self->Send(json::serialize(json::object{{"type", "message"},
                                              {"thread_id", event.thread.id},
                                              {"message", MessageJson(event.message)}}));
    }
  });
}

void InboxSession::OnClose() {
  closed_ = true;
  deps_.registry.RemoveInbox(this);
}

}  // namespace connecthub::hub::inbox
