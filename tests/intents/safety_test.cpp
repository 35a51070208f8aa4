#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

using testing::Shared;

TEST_CASE("safety words in English", "[intents][en]") {
  const Classifier& c = Shared();
  for (const char* text :
       {"I want to kill him", "im going to hurt myself", "thinking about suicide",
        "he has a gun and said he would use it", "I'll beat her if she shows up",
        "i just want to die", "she threatened me", "he hits me when he's drunk",
        "I WANT TO KILL MYSELF"}) {
    INFO(text);
    CHECK(c.Classify(text, std::nullopt).safety);
  }
}

TEST_CASE("safety words in Spanish", "[intents][es]") {
  const Classifier& c = Shared();
  for (const char* text : {"me quiero morir", "voy a matarlo", "quiero suicidarme",
                           "voy a hacerme daño", "me amenazó con una pistola", "lo voy a golpear",
                           "ya no quiero vivir", "mi ex me pega", "tiene un cuchillo"}) {
    INFO(text);
    CHECK(c.Classify(text, std::nullopt).safety);
  }
}

TEST_CASE("ordinary messages are not safety events", "[intents][en][es]") {
  const Classifier& c = Shared();
  for (const char* text :
       {"what is my balance", "cuánto debo", "i am killing time until my hearing", "qué lástima",
        "my payment is late", "la cita es mañana", "thanks bye"}) {
    INFO(text);
    CHECK_FALSE(c.Classify(text, std::nullopt).safety);
  }
}

// The reviewed list itself (intents/data/safety-phrases.txt) is what the classifier applies: every
// entry, alone or inside a sentence, is a safety event, and every exception is not.
std::vector<std::string> ListEntries(const char* name) {
  std::ifstream in(std::string(CONNECTHUB_SOURCE_DIR) + "/intents/data/" + name);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

TEST_CASE("every entry of safety-phrases.txt is a safety event, the exceptions are not",
          "[intents][en][es]") {
  const Classifier& c = Shared();
  std::vector<std::string> phrases = ListEntries("safety-phrases.txt");
  REQUIRE(phrases.size() >= 100);
  for (const std::string& phrase : phrases) {
    INFO(phrase);
    CHECK(c.Classify(phrase, std::nullopt).safety);
    CHECK(c.Classify("about my case " + phrase + " today", std::nullopt).safety);
  }
  std::vector<std::string> exceptions = ListEntries("safety-exceptions.txt");
  REQUIRE(!exceptions.empty());
  for (const std::string& phrase : exceptions) {
    INFO(phrase);
    CHECK_FALSE(c.Classify("just " + phrase + " before my hearing", std::nullopt).safety);
  }
}

}  // namespace
}  // namespace connecthub::intents
