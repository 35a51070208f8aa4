#include "chat/frames.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

using namespace connecthub::hub::chat;

namespace {

FrameError Err(std::string_view text, FrameLimits limits = {}) {
  auto r = ParseClientFrame(text, limits);
  REQUIRE(std::holds_alternative<FrameError>(r));
  return std::get<FrameError>(r);
}

template <typename T>
T Ok(std::string_view text) {
  auto r = ParseClientFrame(text);
  REQUIRE(std::holds_alternative<ClientFrame>(r));
  const auto& frame = std::get<ClientFrame>(r);
  REQUIRE(std::holds_alternative<T>(frame));
  return std::get<T>(frame);
}

}  // namespace

TEST_CASE("good frames parse", "[hub][frames]") {
  auto login = Ok<LoginFrame>(R"({"type":"login","participant_id":"100000001","pin":"482913",
                                  "lang":"es"})");
  CHECK(login.participant_id == "100000001");
  CHECK(login.pin == "482913");
  CHECK(login.lang == "es");
  CHECK(Ok<LoginFrame>(R"({"type":"login","participant_id":"1","pin":"2"})").lang.empty());
  auto resume = Ok<ResumeFrame>(R"({"type":"resume","token":"abc","after_seq":41})");
  CHECK(resume.token == "abc");
  CHECK(resume.after_seq == 41);
  auto send = Ok<SendFrame>(R"({"type":"send","id":"c-7","text":"cuánto debo"})");
  CHECK(send.id == "c-7");
  CHECK(send.text == "cuánto debo");
  Ok<LogoutFrame>(R"({"type":"logout"})");
}

TEST_CASE("malformed frames are bad_request", "[hub][frames]") {
  for (std::string_view text :
       {"", "not json", "[1,2]", "\"login\"", "{}", R"({"type":5})", R"({"type":"fly"})",
        R"({"type":"login"})", R"({"type":"login","participant_id":1,"pin":"2"})",
        R"({"type":"login","participant_id":"1","pin":""})",
        R"({"type":"login","participant_id":"1","pin":"2","lang":"fr"})",
        R"({"type":"resume","after_seq":1})", R"({"type":"resume","token":"t","after_seq":-1})",
        R"({"type":"resume","token":"t","after_seq":1.5})",
        R"({"type":"resume","token":"t","after_seq":"3"})", R"({"type":"send","text":"hi"})",
        R"({"type":"send","id":"","text":"hi"})", "{\"type\":\"send\",\"id\":\"a\"",
        "{\"type\":\"login\",\"participant_id\":\"\xff\xfe\",\"pin\":\"1\"}"}) {
    INFO(text);
    CHECK(Err(text).code == "bad_request");
  }
}

TEST_CASE("send errors carry the id when it could be read", "[hub][frames]") {
  auto missing = Err(R"({"type":"send","id":"c-1"})");
  CHECK(missing.code == "bad_request");
  CHECK(missing.id == "c-1");
  auto wrong = Err(R"({"type":"send","id":"c-2","text":42})");
  CHECK(wrong.id == "c-2");
  auto blank = Err(R"({"type":"send","id":"c-3","text":"  \n"})");
  CHECK(blank.code == "bad_request");
}

TEST_CASE("oversized text is too_large, oversized ids bad_request", "[hub][frames]") {
  FrameLimits limits;
  limits.max_text_bytes = 10;
  std::string ok = R"({"type":"send","id":"a","text":"0123456789"})";
  CHECK(std::holds_alternative<ClientFrame>(ParseClientFrame(ok, limits)));
  auto big = Err(R"({"type":"send","id":"a","text":"01234567890"})", limits);
  CHECK(big.code == "too_large");
  CHECK(big.id == "a");
  std::string long_id(65, 'x');
  CHECK(Err(R"({"type":"send","id":")" + long_id + R"(","text":"hi"})").code == "bad_request");
}

TEST_CASE("hub frames serialise as JSON with the wire fields", "[hub][frames]") {
  namespace json = boost::json;
  auto ack = json::parse(AckFrame("c-7", 42)).as_object();
  CHECK(ack.at("type") == "ack");
  CHECK(ack.at("seq") == 42);

  connecthub::storage::MessageRecord m;
  m.seq = 43;
  m.sender = connecthub::storage::Sender::kCaseworker;
  m.body = "Quote \" and \\ and \n newline <b>";
  m.caseworker_name = "jdoe";
  m.caseworker_display_name = "Ms. Doe";
  m.at_ms = 1795972800000;  // 2026-11-29T17:20:00Z
  auto msg = json::parse(MessageFrame(m)).as_object();
  CHECK(msg.at("text") == "Quote \" and \\ and \n newline <b>");
  CHECK(msg.at("from") == "caseworker");
  // Parents see the display name, never the login name; none set: no name at all.
  CHECK(msg.at("caseworker") == "Ms. Doe");
  m.caseworker_display_name.clear();
  CHECK_FALSE(json::parse(MessageFrame(m)).as_object().contains("caseworker"));
  CHECK(msg.at("at") == "2026-11-29T17:20:00Z");
  CHECK_FALSE(msg.contains("intent"));

  auto state = json::parse(StateFrame(connecthub::storage::ThreadState::kAssigned, "jdoe"));
  CHECK(state.at("state") == "assigned");
  CHECK(state.at("caseworker") == "jdoe");
  auto waiting = json::parse(StateFrame(connecthub::storage::ThreadState::kWaiting, "x"));
  CHECK_FALSE(waiting.as_object().contains("caseworker"));

  auto err = json::parse(ErrorFrame("locked_out", "m", "", "2026-11-23T17:05:00Z")).as_object();
  CHECK(err.at("retry_at") == "2026-11-23T17:05:00Z");
  CHECK_FALSE(err.contains("id"));
  CHECK_FALSE(err.contains("retry_after_ms"));
  auto rl = json::parse(ErrorFrame("rate_limited", "m", "c-1", "", 250)).as_object();
  CHECK(rl.at("id") == "c-1");
  CHECK(rl.at("retry_after_ms") == 250);
}

TEST_CASE("welcome names the first reply given while the parent was away", "[hub][frames]") {
  namespace json = boost::json;
  using connecthub::storage::ThreadState;
  auto plain = json::parse(WelcomeFrame("t", "100000001", "Maria", "es", ThreadState::kAssigned, 9))
                   .as_object();
  CHECK(plain.at("last_seq") == 9);
  CHECK_FALSE(plain.contains("new_from_seq"));
  auto away =
      json::parse(WelcomeFrame("t", "100000001", "Maria", "es", ThreadState::kAssigned, 9, 7))
          .as_object();
  CHECK(away.at("new_from_seq") == 7);
}
