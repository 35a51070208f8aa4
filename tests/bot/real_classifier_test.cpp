// The bot as the hub builds it (Bot::Create: the trained classifier and the embedded catalogs),
// driven by what parents actually type.

#include <catch2/catch.hpp>
#include <tuple>

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

TEST_CASE("real classifier: gibberish twice escalates, safety words at once", "[bot][en][es]") {
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

TEST_CASE("real classifier: a case named by its last 4 digits", "[bot][en][es]") {
  // kMany's cases are 200000011 to 200000015.
  Reply en = RealBot().Answer("how much do i owe on case 0013", &kMany, Web("en"), fixture::Now());
  CHECK(en.intent == "balance");
  CHECK(en.text.find("200000013") != std::string::npos);
  CHECK(en.text.find("200000012") == std::string::npos);
  Reply es = RealBot().Answer("cuanto debo en el caso 0013", &kMany, Web("es"), fixture::Now());
  CHECK(es.intent == "balance");
  CHECK(es.text.find("200000013") != std::string::npos);
  CHECK(es.text.find("200000012") == std::string::npos);
}

TEST_CASE("real classifier: several questions in one message get an answer each", "[bot][en][es]") {
  Reply en = RealBot().Answer("how much do I owe and when is my court date", &kPayer, Web("en"),
                              fixture::Now());
  CHECK(en.intent == "balance");
  CHECK(en.text.find("you owe $667.93 past due") != std::string::npos);
  CHECK(en.text.find("December 2, 2026 at 8:00 AM") != std::string::npos);
  CHECK_FALSE(en.escalate);
  Reply es =
      RealBot().Answer("cuánto debo y cuándo es mi cita", &kPayer, Web("es"), fixture::Now());
  CHECK(es.text.find("usted debe $667.93") != std::string::npos);
  CHECK(es.text.find("2 de diciembre de 2026") != std::string::npos);
  // Three, in the order asked.
  Reply three = RealBot().Answer("when was my last payment? how much do i owe? and how do i pay",
                                 &kPayer, Web("en"), fixture::Now());
  CHECK(three.intent == "last_payment");
  size_t last = three.text.find("$83.08 on November 2, 2026");
  size_t owe = three.text.find("you owe $667.93");
  size_t pay = three.text.find("State Disbursement Unit");
  CHECK(last != std::string::npos);
  CHECK(owe != std::string::npos);
  CHECK(pay != std::string::npos);
  CHECK(last < owe);
  CHECK(owe < pay);
  // One question with "and" in it stays one answer.
  Reply one =
      RealBot().Answer("what is your phone number and address", &kPayer, Web("en"), fixture::Now());
  CHECK(one.intent == "contact");
  CHECK(one.text ==
        RealBot().Answer("what is your phone number", &kPayer, Web("en"), fixture::Now()).text);
}

struct Referral {
  const char* text;
  const char* contains;  // a piece of the expected answer
  bool escalate;         // domestic trouble goes to a caseworker at once
};

// Out-of-scope questions: never a case answer; the referral their topic calls for.
void CheckOutOfScope(const std::vector<Referral>& said, const std::string& lang) {
  for (const Referral& s : said) {
    INFO(lang << ": " << s.text);
    Reply reply = RealBot().Answer(s.text, &kPayer, Web(lang), fixture::Now());
    CHECK(reply.intent == "unknown");
    CHECK(reply.lang == lang);
    CHECK(reply.text.find(s.contains) != std::string::npos);
    CHECK(reply.escalate == s.escalate);
    CHECK(reply.priority == bot::Priority::kNormal);
    CHECK(reply.text.find("$667.93") == std::string::npos);
  }
}

TEST_CASE("real classifier: out-of-scope questions get a plain no and the right referral",
          "[bot][en]") {
  CheckOutOfScope(
      {
          {"how do I ask the court for custody of my two boys", "family law facilitator", false},
          {"will child support tell immigration about me", "do not ask about your immigration",
           false},
          {"can you help me pay my gas bill", "I can't help with that here", false},
          {"where can i buy a used car", "Type \"agent\"", false},
          {"i am scared of my ex, he follows me", "1-800-799-7233", true},
      },
      "en");
}

TEST_CASE("real classifier: preguntas fuera de alcance reciben un no claro y a dónde acudir",
          "[bot][es]") {
  CheckOutOfScope(
      {
          {"cómo le pido a la corte la custodia de mis dos niños",
           "facilitador de derecho familiar", false},
          {"child support le avisa a inmigración de mí", "no pregunta por su estatus migratorio",
           false},
          {"me ayudan a pagar el recibo del gas", "No puedo ayudarle con eso aquí", false},
          {"dónde compro un carro usado", "Escriba \"agente\"", false},
          {"le tengo miedo a mi ex, me persigue", "1-800-799-7233", true},
      },
      "es");
}

TEST_CASE("real classifier: a second out-of-scope question in a row offers a caseworker",
          "[bot][en][es]") {
  for (const auto& [lang, first_text, second_text, offer] :
       std::vector<std::tuple<std::string, const char*, const char*, const char*>>{
           {"en", "how do I ask the court for custody of my two boys",
            "can you help me pay my gas bill", "passing your conversation to a caseworker"},
           {"es", "cómo le pido a la corte la custodia de mis dos niños",
            "me ayudan a pagar el recibo del gas", "pasar su conversación a un trabajador"}}) {
    INFO(lang);
    Reply first = RealBot().Answer(first_text, &kPayer, Web(lang), fixture::Now());
    CHECK_FALSE(first.escalate);
    CHECK(first.misses == 1);
    Reply second = RealBot().Answer(second_text, &kPayer, Web(lang, first.misses), fixture::Now());
    CHECK(second.escalate);
    CHECK(second.misses == 0);
    CHECK(second.text.find(offer) != std::string::npos);
  }
}

TEST_CASE("real classifier: safety words outrank an out-of-scope topic", "[bot][en][es]") {
  for (const auto& [lang, text] : std::vector<std::pair<std::string, const char*>>{
           {"en", "he said he will kill me if i ask for custody"},
           {"es", "me amenazó con matarme si pido la custodia"}}) {
    INFO(text);
    Reply reply = RealBot().Answer(text, &kPayer, Web(lang), fixture::Now());
    CHECK(reply.escalate);
    CHECK(reply.priority == bot::Priority::kHigh);
    CHECK(reply.text.find("911") != std::string::npos);
  }
}

TEST_CASE("real classifier: enforcement questions get the notices and the payer's past due",
          "[bot][en][es]") {
  Reply en = RealBot().Answer("can they suspend my license", &kPayer, Web("en"), fixture::Now());
  CHECK(en.intent == "enforcement");
  CHECK(en.text.find("Child Support Warning Notice") != std::string::npos);
  CHECK(en.text.find("State License Release") != std::string::npos);
  CHECK(en.text.find("Your past-due balance: $667.93") != std::string::npos);
  CHECK(en.text.find("caseworker") != std::string::npos);
  Reply es = RealBot().Answer("por qué me quitaron el reembolso de impuestos", &kPayer, Web("es"),
                              fixture::Now());
  CHECK(es.intent == "enforcement");
  CHECK(es.text.find("Aviso de Advertencia de Manutención") != std::string::npos);
  CHECK(es.text.find("Liberación de Licencia Estatal") != std::string::npos);
  CHECK(es.text.find("Su saldo vencido: $667.93") != std::string::npos);
  // The parent who receives support gets the information without a debt of their own.
  Reply receiver =
      RealBot().Answer("can they suspend my license", &kReceiver, Web("en"), fixture::Now());
  CHECK(receiver.intent == "enforcement");
  CHECK(receiver.text.find("past-due balance") == std::string::npos);
  // SMS: the short form, whole, with the figure.
  for (const auto& [lang, text] : std::vector<std::pair<std::string, const char*>>{
           {"en", "will u guys take my license if i dont pay"},
           {"es", "si no pago me quitan la licencia de manejo"}}) {
    INFO(text);
    Reply sms = RealBot().Answer(text, &kPayer, Sms(lang), fixture::Now());
    CHECK(sms.intent == "enforcement");
    CHECK(sms.text.find("$667.93") != std::string::npos);
    CHECK(sms.text.find("...") == std::string::npos);
  }
}

// On a call nothing can be typed or texted, and a caseworker calls back rather than answering
// "here": every kind of answer a caller can reach, in both languages.
TEST_CASE("real classifier: on a call, no answer asks the caller to type or text",
          "[bot][en][es]") {
  const std::vector<std::pair<std::string, std::vector<const char*>>> said = {
      {"en",
       {"what is my balance", "when was my last payment", "what is your phone number",
        "can they suspend my license", "how do I ask the court for custody of my two boys",
        "will child support tell immigration about me", "where can i buy a used car",
        "i am scared of my ex, he follows me", "what can you do", "blorp zzz", "talk to an agent",
        "how can I pay"}},
      {"es",
       {"cuánto debo", "cuándo fue mi último pago", "cuál es su número de teléfono",
        "si no pago me quitan la licencia de manejo",
        "cómo le pido a la corte la custodia de mis dos niños",
        "child support le avisa a inmigración de mí", "dónde compro un carro usado",
        "le tengo miedo a mi ex, me persigue", "qué puedes hacer", "quiero hablar con un agente",
        "cómo puedo pagar"}},
  };
  for (const auto& [lang, texts] : said) {
    for (const char* text : texts) {
      INFO(lang << ": " << text);
      Reply reply = RealBot().Answer(text, &kPayer, Voice(lang), fixture::Now());
      CHECK(reply.lang == lang);
      for (const char* word :
           {"Type ", "type \"", "text your", "Send a", "answer here", "answer you here", "Escriba",
            "escriba", "Envíe", "responderá aquí", "le responderán aquí"}) {
        CHECK(reply.text.find(word) == std::string::npos);
      }
    }
  }
  Reply enforcement =
      RealBot().Answer("can they suspend my license", &kPayer, Voice("en"), fixture::Now());
  CHECK(enforcement.intent == "enforcement");
  CHECK(enforcement.text.find("say agent or press 0") != std::string::npos);
  CHECK(enforcement.text.find("Your past-due balance: $667.93") != std::string::npos);
}

}  // namespace
}  // namespace connecthub::bot_test
