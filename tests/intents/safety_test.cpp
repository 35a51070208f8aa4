#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace connecthub::intents
