#include "chat/frames.h"

#include <boost/json.hpp>

#include "log.h"

namespace connecthub::hub::chat {
namespace {

namespace json = boost::json;

FrameError Bad(std::string message, std::string id = {}) {
  return FrameError{"bad_request", std::move(message), std::move(id)};
}

// The string member `key`: nullopt when absent, error when not a string.
bool GetString(const json::object& o, std::string_view key, std::optional<std::string>* out,
               std::string* error) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    out->reset();
    return true;
  }
  if (!v->is_string()) {
    *error = "\"" + std::string(key) + "\" must be a string";
    return false;
  }
  *out = std::string(v->as_string());
  return true;
}

}  // namespace

std::variant<ClientFrame, FrameError> ParseClientFrame(std::string_view text,
                                                       const FrameLimits& limits) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 8;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return Bad("frame is not valid JSON");
  if (!v.is_object()) return Bad("frame must be a JSON object");
  const json::object& o = v.as_object();
  std::optional<std::string> type;
  std::string error;
  if (!GetString(o, "type", &type, &error)) return Bad(error);
  if (!type) return Bad("missing \"type\"");

  if (*type == "login") {
    std::optional<std::string> pid, pin, lang;
    if (!GetString(o, "participant_id", &pid, &error) || !GetString(o, "pin", &pin, &error) ||
        !GetString(o, "lang", &lang, &error)) {
      return Bad(error);
    }
    if (!pid || pid->empty() || pid->size() > 32) return Bad("bad \"participant_id\"");
    if (!pin || pin->empty() || pin->size() > 64) return Bad("bad \"pin\"");
    if (lang && !lang->empty() && *lang != "en" && *lang != "es") {
      return Bad("\"lang\" must be \"en\" or \"es\"");
    }
    return ClientFrame{LoginFrame{*pid, *pin, lang.value_or("")}};
  }
  if (*type == "resume") {
    std::optional<std::string> token;
    if (!GetString(o, "token", &token, &error)) return Bad(error);
    if (!token || token->empty() || token->size() > 256) return Bad("bad \"token\"");
    int64_t after = 0;
    if (const json::value* a = o.if_contains("after_seq"); a != nullptr && !a->is_null()) {
      if (a->is_int64() && a->as_int64() >= 0) {
        after = a->as_int64();
      } else if (a->is_uint64() && a->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
        after = static_cast<int64_t>(a->as_uint64());
      } else {
        return Bad("\"after_seq\" must be a non-negative integer");
      }
    }
    return ClientFrame{ResumeFrame{*token, after}};
  }
  if (*type == "send") {
    std::optional<std::string> id, body;
    if (!GetString(o, "id", &id, &error)) return Bad(error);
    if (!id || id->empty() || id->size() > limits.max_id_bytes) return Bad("bad \"id\"");
    if (!GetString(o, "text", &body, &error)) return Bad(error, *id);
    if (!body) return Bad("missing \"text\"", *id);
    bool blank = body->find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) return Bad("\"text\" is empty", *id);
    if (body->size() > limits.max_text_bytes) {
      return FrameError{"too_large", "\"text\" is too long", *id};
    }
    return ClientFrame{SendFrame{*id, *body}};
  }
  if (*type == "logout") return ClientFrame{LogoutFrame{}};
  return Bad("unknown frame type");
}

std::string WelcomeFrame(const std::string& token, const std::string& participant_id,
                         const std::string& first_name, const std::string& lang,
                         storage::ThreadState state, int64_t last_seq, int64_t new_from_seq) {
  json::object o;
  o["type"] = "welcome";
  o["token"] = token;
  o["participant_id"] = participant_id;
  o["first_name"] = first_name;
  o["lang"] = lang;
  o["state"] = storage::ThreadStateName(state);
  o["last_seq"] = last_seq;
  if (new_from_seq > 0) o["new_from_seq"] = new_from_seq;
  return json::serialize(o);
}

std::string AckFrame(const std::string& id, int64_t seq) {
  json::object o;
  o["type"] = "ack";
  o["id"] = id;
  o["seq"] = seq;
  return json::serialize(o);
}

std::string MessageFrame(const storage::MessageRecord& m) {
  json::object o;
  o["type"] = "message";
  o["seq"] = m.seq;
  o["from"] = storage::SenderName(m.sender);
  o["text"] = m.body;
  o["at"] = IsoTime(m.at_ms);
  if (!m.intent.empty()) o["intent"] = m.intent;
  // Parents see the caseworker's display name, never the login name (none set: no name).
  if (m.sender == storage::Sender::kCaseworker && !m.caseworker_display_name.empty()) {
    o["caseworker"] = m.caseworker_display_name;
  }
  return json::serialize(o);
}

std::string StateFrame(storage::ThreadState state, const std::string& caseworker) {
  json::object o;
  o["type"] = "state";
  o["state"] = storage::ThreadStateName(state);
  if (state == storage::ThreadState::kAssigned && !caseworker.empty()) {
    o["caseworker"] = caseworker;
  }
  return json::serialize(o);
}

std::string ErrorFrame(std::string_view code, std::string_view message, std::string_view id,
                       std::string_view retry_at, int64_t retry_after_ms) {
  json::object o;
  o["type"] = "error";
  o["code"] = code;
  o["message"] = message;
  if (!id.empty()) o["id"] = id;
  if (!retry_at.empty()) o["retry_at"] = retry_at;
  if (retry_after_ms > 0) o["retry_after_ms"] = retry_after_ms;
  return json::serialize(o);
}

std::string LoggedOutFrame() { return R"({"type":"logged_out"})"; }

}  // namespace connecthub::hub::chat
