// The bot as the hub builds it (Bot::Create: the trained classifier and the embedded catalogs),
// driven by what parents actually type.

#include <catch2/catch.hpp>

#include "bot_fixture.h"

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

struct Said {
  const char* text;
  const char* intent;
  const char* contains;  // a piece of the expected answer
};

void CheckSaid(const std::vector<Said>& said, const std::string& lang) {
  for (const Said& s : said) {
    INFO(lang << ": " << s.text);
    Reply reply = RealBot().Answer(s.text, &kPayer, Web(lang), fixture::Now());
    CHECK(reply.intent == s.intent);
    CHECK(reply.lang == lang);
    CHECK(reply.text.find(s.contains) != std::string::npos);
  }
}

TEST_CASE("real classifier: parents' English questions get their answers", "[bot][en]") {
  CheckSaid(
      {
          {"how much do I owe", "balance", "you owe $667.93 past due"},
          {"when is my next appointment", "next_appointment", "December 2, 2026 at 8:00 AM"},
          {"when was my last payment", "last_payment", "$83.08 on November 2, 2026"},
          {"show my payment history", "payment_history", "Your last 3 payments:"},
          {"what is the status of my case", "case_status", "status open"},
          {"how can I make a payment", "make_payment", "State Disbursement Unit"},
          {"I forgot my PIN", "reset_pin", "Customer Connect"},
          {"what is your phone number", "contact", "1-866-901-3212"},
          {"I want to talk to a person", "agent", "caseworker"},
          {"hello", "greeting", "Hi Maria!"},
          {"thank you", "thanks", "You're welcome"},
      },
      "en");
}

TEST_CASE("real classifier: parents' Spanish questions get their answers", "[bot][es]") {
  CheckSaid(
      {
          {"cuánto debo", "balance", "usted debe $667.93"},
          {"cuándo es mi próxima cita", "next_appointment", "2 de diciembre de 2026"},
          {"cuál fue mi último pago", "last_payment", "$83.08 el 2 de noviembre de 2026"},
          {"cómo puedo hacer un pago", "make_payment", "State Disbursement Unit"},
          {"olvidé mi PIN", "reset_pin", "Customer Connect"},
          {"quiero hablar con una persona", "agent", "trabajador de casos"},
          {"hola", "greeting", "¡Hola, Maria!"},
          {"gracias", "thanks", "¡De nada!"},
      },
      "es");
}

TEST_CASE("real classifier: switching language by asking", "[bot][en][es]") {
  Reply reply = RealBot().Answer("en español por favor", &kPayer, Web("en"), fixture::Now());
  CHECK(reply.intent == "set_language");
  CHECK(reply.lang == "es");
  CHECK(reply.text == "De acuerdo, a partir de ahora le responderé en español.");
  reply = RealBot().Answer("english please", &kPayer, Web("es"), fixture::Now());
  CHECK(reply.lang == "en");
  CHECK(reply.text == "OK, I will answer in English from now on.");
}

TEST_CASE("real classifier: gibberish twice escalates; safety words at once", "[bot][en][es]") {
  Reply first = RealBot().Answer("qwzx vlorp grimble", &kPayer, Web("en"), fixture::Now());
  CHECK(first.intent == "unknown");
  CHECK(first.misses == 1);
  bot::Conversation conversation = Web("en", first.misses);
  Reply second = RealBot().Answer("zzkq plimf", &kPayer, conversation, fixture::Now());
  CHECK(second.escalate);
  Reply danger = RealBot().Answer("I want to kill myself", &kPayer, Web("en"), fixture::Now());
  CHECK(danger.escalate);
  CHECK(danger.priority == bot::Priority::kHigh);
  CHECK(danger.text.find("988") != std::string::npos);
}

TEST_CASE("real classifier: the extract's payment types read naturally in both languages",
          "[bot][en][es]") {
  // The values demo-data and agency extracts use: none may reach a parent as raw upper case.
  const std::vector<std::pair<const char*, std::pair<const char*, const char*>>> types = {
      {"EMPLOYER PAYMENT", {"employer payment", "pago del empleador"}},
      {"TAX INTERCEPT", {"tax refund intercept", "intercepción de reembolso de impuestos"}},
      {"PERSONAL PAYMENT", {"personal payment", "pago personal"}},
      {"INCOME WITHHOLDING ORDER", {"income withholding", "retención de ingresos"}},
  };
  for (const auto& [type, words] : types) {
    bot::ParticipantFacts facts = kPayer;
    facts.cases.resize(1);
    facts.cases[0].payments = {fixture::MakePayment("T-1", facts.cases[0].case_number,
                                                    fixture::Day(2026, 11, 2), 23200, type)};
    INFO(type);
    Reply en = RealBot().Answer("when was my last payment", &facts, Web("en"), fixture::Now());
    CHECK(en.text.find(words.first) != std::string::npos);
    Reply es = RealBot().Answer("cuál fue mi último pago", &facts, Web("es"), fixture::Now());
    CHECK(es.text.find(words.second) != std::string::npos);
    CHECK(es.text.find(type) == std::string::npos);
  }
}

}  // namespace
}  // namespace connecthub::bot_test
