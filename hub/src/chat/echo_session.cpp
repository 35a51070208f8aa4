#include "chat/echo_session.h"

#include <variant>

namespace connecthub::hub::chat {

void EchoSession::OnOpen(std::weak_ptr<server::WsConnection> connection) {
  conn_ = std::move(connection);
}

void EchoSession::OnText(std::string text) {
  auto conn = conn_.lock();
  if (!conn) return;
  int64_t now = clock_();
  int64_t retry_after = 0;
  if (!bucket_.Take(now, &retry_after)) {
    conn->Send(ErrorFrame("rate_limited", "too many frames", {}, {}, retry_after));
    return;
  }
  auto parsed = ParseClientFrame(text, limits_);
  if (auto* err = std::get_if<FrameError>(&parsed)) {
    conn->Send(ErrorFrame(err->code, err->message, err->id));
    return;
  }
  auto& frame = std::get<ClientFrame>(parsed);
  if (auto* login = std::get_if<LoginFrame>(&frame)) {
    logged_in_ = true;
    conn->SetAuthenticated(true);
    conn->Send(WelcomeFrame("echo", login->participant_id, "Echo",
                            login->lang.empty() ? "en" : login->lang, storage::ThreadState::kBot,
                            seq_));
  } else if (auto* send = std::get_if<SendFrame>(&frame)) {
    if (!logged_in_) {
      conn->Send(ErrorFrame("unauthenticated", "log in first", send->id));
      return;
    }
    conn->Send(AckFrame(send->id, ++seq_));
    storage::MessageRecord m;
    m.seq = ++seq_;
    m.sender = storage::Sender::kBot;
    m.body = std::move(send->text);
    m.intent = "echo";
    m.at_ms = now;
    conn->Send(MessageFrame(m));
  } else if (std::holds_alternative<LogoutFrame>(frame)) {
    logged_in_ = false;
    conn->SetAuthenticated(false);
    conn->Send(LoggedOutFrame());
  } else {
    conn->Send(ErrorFrame("unauthenticated", "resume is not supported in echo mode"));
  }
}

}  // namespace connecthub::hub::chat
