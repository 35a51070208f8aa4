#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "bot/bot.h"
#include "bot_impl.h"
#include "fakes/facts_fixture.h"
#include "locales/catalog.h"
#include "scripted_classifier.h"

namespace connecthub::bot_test {

// The bot with the real catalogs and a scripted classifier (see scripted_classifier.h).
inline std::unique_ptr<bot::Bot> MakeScriptedBot(const bot::BotOptions& options = {}) {
  std::string error;
  auto catalog = locales::Catalog::Create(locales::CatalogOptions{}, &error);
  INFO(error);
  REQUIRE(catalog != nullptr);
  auto made =
      bot::NewBot(options, std::make_unique<ScriptedClassifier>(), std::move(catalog), &error);
  INFO(error);
  REQUIRE(made != nullptr);
  return made;
}

inline const bot::Bot& ScriptedBot() {
  static const std::unique_ptr<bot::Bot> instance = MakeScriptedBot();
  return *instance;
}

inline const locales::Catalog& RealCatalog() {
  static const std::unique_ptr<locales::Catalog> catalog = [] {
    std::string error;
    auto c = locales::Catalog::Create(locales::CatalogOptions{}, &error);
    INFO(error);
    REQUIRE(c != nullptr);
    return c;
  }();
  return *catalog;
}

inline bot::Conversation Web(std::string lang, int misses = 0) {
  bot::Conversation c;
  c.channel = bot::Channel::kWeb;
  c.lang = std::move(lang);
  c.misses = misses;
  return c;
}

inline bot::Conversation Sms(std::string lang, bool linked = true) {
  bot::Conversation c;
  c.channel = bot::Channel::kSms;
  c.lang = std::move(lang);
  c.linked = linked;
  return c;
}

// A signed-in phone call: answers for the ear.
inline bot::Conversation Voice(std::string lang) {
  bot::Conversation c;
  c.channel = bot::Channel::kVoice;
  c.lang = std::move(lang);
  c.linked = true;
  return c;
}

// Static facts, so tables can point at them.
inline const bot::ParticipantFacts kPayer = fixture::Payer();
inline const bot::ParticipantFacts kReceiver = fixture::Receiver();
inline const bot::ParticipantFacts kMany = fixture::ManyCases();
inline const bot::ParticipantFacts kMixed = fixture::Mixed();
inline const bot::ParticipantFacts kNoCases = fixture::NoCases();

// One question and its exact answer in each language.
struct Row {
  std::string ask;                     // scripted classifier input; its first word is the intent
  const bot::ParticipantFacts* facts;  // null: an unlinked SMS number
  bot::Channel channel;
  std::string en;
  std::string es;
  std::chrono::sys_seconds now = fixture::Now();
};

// Asks every row in `lang` and checks the answer word for word, the intent and the language; on
// SMS also the length limit and that no full case number leaks.
inline void CheckRows(const std::vector<Row>& rows, const std::string& lang) {
  for (const Row& row : rows) {
    bot::Conversation conversation =
        row.channel == bot::Channel::kSms
            ? Sms(lang, row.facts != nullptr)
            : (row.channel == bot::Channel::kVoice ? Voice(lang) : Web(lang));
    INFO("ask: " << row.ask << " / " << lang);
    bot::Reply reply = ScriptedBot().Answer(row.ask, row.facts, conversation, row.now);
    CHECK(reply.text == (lang == "en" ? row.en : row.es));
    CHECK(reply.intent == row.ask.substr(0, row.ask.find(' ')));
    CHECK(reply.lang == lang);
    CHECK_FALSE(reply.escalate);
    CHECK(reply.misses == 0);
    if (row.channel == bot::Channel::kSms) {
      CHECK(reply.text.size() <= 2 * 320);  // bytes: a loose bound; code points checked below
      size_t points = 0;
      for (char c : reply.text) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      CHECK(points <= 320);
      CHECK(reply.text.find("20000") == std::string::npos);
    }
  }
}

}  // namespace connecthub::bot_test
