// Parents who write in neither English nor Spanish: the bot answers with the interpreter notice in
// their language, then in English and Spanish, and hands the thread to a caseworker.

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "bot_fixture.h"
#include "intents/classifier.h"
#include "locales/other_languages.h"

namespace connecthub::bot_test {
namespace {

using bot::Reply;

const bot::Bot& RealBot() {
  static const std::unique_ptr<bot::Bot> instance = [] {
    std::string error;
    auto b = bot::Bot::Create(bot::BotOptions{}, &error);
    INFO(error);
    REQUIRE(b != nullptr);
    return b;
  }();
  return *instance;
}

std::string NoticeOf(const std::string& code) {
  std::vector<locales::InterpreterNotice> notices;
  std::string error;
  REQUIRE(locales::LoadInterpreterNotices(&notices, &error));
  for (const auto& n : notices) {
    if (n.code == code) return n.notice;
  }
  FAIL("no notice for " << code);
  return {};
}

const std::vector<std::pair<std::string, std::string>> kQuestions = {
    {"vi", "Tôi nợ bao nhiêu tiền"},          {"zh", "我欠多少钱"},
    {"tl", "Magkano ang utang ko?"},          {"ko", "제가 얼마를 빚지고 있나요?"},
    {"ru", "Сколько я должен по алиментам?"}, {"hy", "Որքա՞ն եմ պարտք"},
    {"fa", "چقدر بدهی نفقه دارم؟"},           {"ar", "كم علي من نفقة الأطفال؟"},
};

TEST_CASE("a message in another language gets its notice, then English and Spanish",
          "[bot][interpreter][en][es]") {
  for (const auto& [code, text] : kQuestions) {
    for (const std::string lang : {"en", "es"}) {
      for (bot::Conversation conversation : {Web(lang), Sms(lang), Sms(lang, /*linked=*/false)}) {
        INFO(code << " " << text << " in a " << lang << " conversation");
        Reply reply = RealBot().Answer(text, conversation.linked ? &kPayer : nullptr, conversation,
                                       fixture::Now());
        CHECK(reply.interpreter_lang == code);
        CHECK(reply.intent == "unknown");
        CHECK(reply.escalate);
        CHECK(reply.misses == 0);
        CHECK(reply.priority == bot::Priority::kNormal);
        CHECK(reply.lang == lang);  // the conversation's language does not move
        std::string notice = NoticeOf(code);
        std::string en = "We got your message. A caseworker will contact you with an interpreter.";
        std::string es = "Recibimos su mensaje. Un trabajador de casos se comunicará con usted";
        // In that order, whole (never cut on SMS), with the free interpreter line.
        size_t at_notice = reply.text.find(notice);
        size_t at_en = reply.text.find(en);
        size_t at_es = reply.text.find(es);
        CHECK(at_notice == 0);
        REQUIRE(at_en != std::string::npos);
        REQUIRE(at_es != std::string::npos);
        CHECK(at_notice < at_en);
        CHECK(at_en < at_es);
        CHECK(reply.text.find("Interpreters are free: 1-866-901-3212.") != std::string::npos);
        CHECK(reply.text.find("Los intérpretes son gratis: 1-866-901-3212.") != std::string::npos);
        CHECK(reply.text.find("...") == std::string::npos);
      }
    }
  }
}

TEST_CASE("English or Spanish with one foreign word gets its usual answer",
          "[bot][interpreter][en][es]") {
  Reply en = RealBot().Answer("what is my balance, cảm ơn", &kPayer, Web("en"), fixture::Now());
  CHECK(en.interpreter_lang.empty());
  CHECK(en.intent == "balance");
  CHECK_FALSE(en.escalate);
  Reply es = RealBot().Answer("cuánto debo, salamat", &kPayer, Web("es"), fixture::Now());
  CHECK(es.interpreter_lang.empty());
  CHECK(es.intent == "balance");
  CHECK(es.lang == "es");
}

TEST_CASE("every language the classifier names has a notice with the agency's number",
          "[bot][interpreter]") {
  std::vector<locales::InterpreterNotice> notices;
  std::string error;
  REQUIRE(locales::LoadInterpreterNotices(&notices, &error));
  for (const std::string& code : intents::OtherLanguageCodes()) {
    INFO(code);
    auto it =
        std::find_if(notices.begin(), notices.end(), [&](const auto& n) { return n.code == code; });
    REQUIRE(it != notices.end());
    CHECK(it->notice.find("1-866-901-3212") != std::string::npos);
  }
}

TEST_CASE("interpreter notices are checked when loaded", "[bot][interpreter]") {
  std::vector<locales::InterpreterNotice> notices;
  std::string error;
  using Files = std::vector<std::pair<std::string_view, std::string_view>>;
  Files good = {{"other/vi.properties", "# comment\nnotice=Xin chào\n"}};
  REQUIRE(locales::ParseInterpreterNotices(good, &notices, &error));
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].code == "vi");
  CHECK(notices[0].notice == "Xin chào");
  for (const Files& bad :
       {Files{{"other/vie.properties", "notice=x\n"}},
        Files{{"other/vi.properties", "name=Vietnamese\n"}},
        Files{{"other/vi.properties", "notice=\n"}},
        Files{{"other/vi.properties", "notice=x\nextra=y\n"}},
        Files{{"other/vi.properties", "no equals sign\n"}},
        Files{{"other/vi.properties", "notice=\xFF\n"}}, Files{{"other/vi.txt", "notice=x\n"}}}) {
    INFO(bad[0].first << ": " << bad[0].second);
    error.clear();
    CHECK_FALSE(locales::ParseInterpreterNotices(bad, &notices, &error));
    CHECK_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace connecthub::bot_test
