#include "intents/classifier.h"

#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

using testing::Shared;

struct Sample {
  Intent intent;
  const char* text;
};

// Sentences written for these tests; none of them is in intents/data (checked below).
constexpr Sample kEnglish[] = {
    {Intent::kBalance, "how much money do i still owe on support"},
    {Intent::kBalance, "am i behind on my child support"},
    {Intent::kNextAppointment, "when do i have to show up in court"},
    {Intent::kNextAppointment, "what time is my appt on thursday"},
    {Intent::kLastPayment, "did my last pymt go thru"},
    {Intent::kLastPayment, "when did the other parent last pay"},
    {Intent::kPaymentHistory, "show every payment from 2023"},
    {Intent::kPaymentHistory, "what payments came in during march"},
    {Intent::kCaseStatus, "is my child support case still open"},
    {Intent::kMakePayment, "can i pay my support with a debit card online"},
    {Intent::kResetPin, "i forgot the pin for my account"},
    {Intent::kContact, "what number should i call for the office"},
    {Intent::kAgent, "let me talk to a real human"},
    {Intent::kAgent, "can i speak with a representativ"},  // fuzzy keyword
    {Intent::kHelp, "what kind of questions can you answer"},
    {Intent::kGreeting, "hiya, good morning"},
    {Intent::kThanks, "thanks so much for the help"},
    {Intent::kGoodbye, "ok bye have a good one"},
    {Intent::kSetLanguage, "can you switch to spanish please"},
    {Intent::kDocuments, "i need a copy of my support order"},
    {Intent::kUpdateInfo, "i moved and need to update my address"},
    {Intent::kEnforcement, "will child support suspend my license"},
    {Intent::kEnforcement, "why did they take my whole tax refund"},
    {Intent::kUnknown, "what is the best pizza in town"},
    {Intent::kUnknown, "how do i get custody of my son"},
    {Intent::kUnknown, "can you help me with my light bill"},
};

constexpr Sample kSpanish[] = {
    {Intent::kBalance, "cuánto dinero debo todavía de la manutención"},
    {Intent::kBalance, "kuanto le debo a la manutension"},
    {Intent::kNextAppointment, "cuándo tengo que presentarme en la corte"},
    {Intent::kNextAppointment, "a q hora es la sita del martes"},
    {Intent::kLastPayment, "cuándo pagó el otro padre por última vez"},
    {Intent::kPaymentHistory, "muéstrame todos los pagos del 2023"},
    {Intent::kCaseStatus, "mi caso de manutención sigue abierto"},
    {Intent::kMakePayment, "cómo puedo pagar con tarjeta en línea"},
    {Intent::kResetPin, "no me acuerdo de mi contraseña"},
    {Intent::kContact, "a qué número llamo para la oficina"},
    {Intent::kAgent, "quiero hablar con una persona de verdad"},
    {Intent::kHelp, "qué tipo de preguntas contestas"},
    {Intent::kGreeting, "hola muy buenos días señora"},
    {Intent::kThanks, "muchas gracias por todo"},
    {Intent::kGoodbye, "bueno adiós que esté bien"},
    {Intent::kSetLanguage, "me puedes hablar en español"},
    {Intent::kDocuments, "necesito una copia de mi orden de manutención"},
    {Intent::kUpdateInfo, "me cambié de casa y necesito actualizar la dirección"},
    {Intent::kEnforcement, "me van a suspender la licencia por no pagar"},
    {Intent::kEnforcement, "por qué me embargan el sueldo"},
    {Intent::kUnknown, "cuál es la mejor pizza del pueblo"},
    {Intent::kUnknown, "quiero la custodia de mi hija"},
    {Intent::kUnknown, "me van a deportar si pido manutención"},
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CheckSamples(std::span<const Sample> samples, Lang lang) {
  const Classifier& c = Shared();
  for (const Sample& s : samples) {
    INFO(s.text);
    Classification r = c.Classify(s.text, std::nullopt);
    CHECK(IntentName(r.intent) == IntentName(s.intent));
    CHECK(r.text_lang == lang);
    CHECK(r.confidence >= 0.0);
    CHECK(r.confidence <= 1.0);
  }
}

TEST_CASE("every intent in English on unseen sentences", "[intents][en]") {
  CheckSamples(kEnglish, Lang::kEn);
}

TEST_CASE("every intent in Spanish on unseen sentences", "[intents][es]") {
  CheckSamples(kSpanish, Lang::kEs);
}

TEST_CASE("the test sentences cover every intent and are not training lines", "[intents][en][es]") {
  std::map<std::string, bool> training;
  for (const char* file :
       {"/intents/data/en.tsv", "/intents/data/es.tsv", "/intents/data/parents-en.tsv",
        "/intents/data/parents-es.tsv", "/intents/data/out-of-scope-en.tsv",
        "/intents/data/out-of-scope-es.tsv"}) {
    std::istringstream in(ReadFile(std::string(CONNECTHUB_SOURCE_DIR) + file));
    std::string line;
    while (std::getline(in, line)) {
      size_t tab = line.find('\t');
      if (tab != std::string::npos) training[Normalize(line.substr(tab + 1))] = true;
    }
  }
  REQUIRE(!training.empty());
  for (auto samples : {std::span<const Sample>(kEnglish), std::span<const Sample>(kSpanish)}) {
    std::array<bool, kIntentCount> seen{};
    for (const Sample& s : samples) {
      INFO(s.text);
      CHECK_FALSE(training.count(Normalize(s.text)));
      seen[static_cast<size_t>(s.intent)] = true;
    }
    for (int i = 0; i < kIntentCount; ++i) {
      INFO(IntentName(static_cast<Intent>(i)));
      CHECK(seen[static_cast<size_t>(i)]);
    }
  }
}

TEST_CASE("training files parse and have >= 30 lines per intent per language",
          "[intents][en][es]") {
  for (const char* file : {"/intents/data/en.tsv", "/intents/data/es.tsv"}) {
    INFO(file);
    std::istringstream in(ReadFile(std::string(CONNECTHUB_SOURCE_DIR) + file));
    std::array<int, kIntentCount> counts{};
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      INFO("line " << n << ": " << line);
      size_t tab = line.find('\t');
      REQUIRE(tab != std::string::npos);
      std::optional<Intent> intent = ParseIntent(line.substr(0, tab));
      REQUIRE(intent.has_value());
      CHECK_FALSE(Normalize(line.substr(tab + 1)).empty());
      ++counts[static_cast<size_t>(*intent)];
    }
    for (int i = 0; i < kIntentCount; ++i) {
      INFO(IntentName(static_cast<Intent>(i)));
      CHECK(counts[static_cast<size_t>(i)] >= 30);
    }
  }
}

TEST_CASE("CreateFromTsv reports a bad line", "[intents][en]") {
  std::string error;
  auto c =
      Classifier::CreateFromTsv({}, "balance\thow much\nnot_an_intent\thello\n", "saldo\n", &error);
  CHECK(c == nullptr);
  CHECK(error.find("en.tsv line 2") != std::string::npos);
  c = Classifier::CreateFromTsv({}, "", "", &error);
  CHECK(c == nullptr);
}

TEST_CASE("CreateFromTsv trains on the given data", "[intents][en][es]") {
  std::string error;
  auto c = Classifier::CreateFromTsv({},
                                     "balance\thow much do i owe\nbalance\twhat is my balance\n"
                                     "thanks\tthank you\nthanks\tthanks a lot\n",
                                     "balance\tcuanto debo\nthanks\tgracias\n", &error);
  REQUIRE(c);
  CHECK(c->Classify("what do i owe", std::nullopt).intent == Intent::kBalance);
}

TEST_CASE("below the threshold the intent is unknown", "[intents][en]") {
  std::string error;
  ClassifierOptions options;
  options.threshold = 1.01;  // nothing is that sure
  auto c = Classifier::Create(options, &error);
  REQUIRE(c);
  CHECK(c->Classify("how much do i still owe on support", std::nullopt).intent == Intent::kUnknown);
}

TEST_CASE("garbage input never crashes and is unknown", "[intents][en][es]") {
  const Classifier& c = Shared();
  std::string emoji;
  for (int i = 0; i < 2500; ++i) emoji += "\xF0\x9F\x98\xA1";
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "pago ";
  std::string binary;
  for (int i = 0; i < 512; ++i) binary.push_back(static_cast<char>(i * 37));
  for (const std::string& text :
       {std::string(), std::string("   "), emoji, std::string("\xC3\x28\xA0\xA1\xFF", 5),
        std::string("\xE2\x82", 2), std::string("%%%%&&&&****"), binary, long_text}) {
    Classification r = c.Classify(text, std::nullopt);
    CHECK(r.confidence >= 0.0);
    CHECK(r.confidence <= 1.0);
    if (text != long_text && text != binary) CHECK(r.intent == Intent::kUnknown);
  }
  CHECK(c.Classify(emoji, Lang::kEs).lang == Lang::kEs);
}

TEST_CASE("Classify is thread-safe and deterministic", "[intents][en][es]") {
  const Classifier& c = Shared();
  const std::vector<std::string> texts = {"cuánto debo", "next appt?", "hablar con alguien",
                                          "reset my pin", "gracias"};
  std::vector<Intent> expected;
  for (const auto& t : texts) expected.push_back(c.Classify(t, std::nullopt).intent);
  std::vector<std::thread> threads;
  std::array<int, 4> mismatches{};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        size_t k = static_cast<size_t>(i) % texts.size();
        if (c.Classify(texts[k], std::nullopt).intent != expected[k]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

}  // namespace
}  // namespace connecthub::intents

namespace connecthub::intents {
namespace {

TEST_CASE("Explain gives the top three intents and the deciding words", "[intents][en][es]") {
  const Classifier& c = Shared();
  for (const auto& [text, intent, word] : std::vector<std::tuple<const char*, Intent, const char*>>{
           {"how much money do i still owe on support", Intent::kBalance, "owe"},
           {"cuándo tengo que presentarme en la corte", Intent::kNextAppointment, "corte"},
           {"how do i get custody of my son", Intent::kUnknown, "custody"}}) {
    INFO(text);
    Explanation e = c.Explain(text, std::nullopt);
    CHECK(e.result.intent == intent);
    CHECK(e.result.intent == c.Classify(text, std::nullopt).intent);
    REQUIRE(e.top.size() == 3);
    CHECK(e.top[0].intent == intent);
    CHECK(e.top[0].probability >= e.top[1].probability);
    CHECK(e.top[1].probability >= e.top[2].probability);
    CHECK(e.rule.empty());
    REQUIRE(!e.deciding.empty());
    CHECK(e.deciding.size() <= 5);
    bool found = false;
    for (const Explanation::Word& w : e.deciding) {
      if (w.word == word) found = w.weight > 0;
    }
    CHECK(found);
  }
  // A word-list rule that overrides the model says so.
  Explanation agent = c.Explain("trabajador de caso", std::nullopt);
  CHECK(agent.result.intent == Intent::kAgent);
  CHECK(agent.rule.find("agent-phrases.txt") != std::string::npos);
  CHECK(agent.normalized == "trabajador de caso");
}

}  // namespace
}  // namespace connecthub::intents
