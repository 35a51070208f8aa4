#include <catch2/catch.hpp>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

using testing::Shared;

TEST_CASE("language of a first message comes from the text, English by default",
          "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("where do I send the check", std::nullopt).lang == Lang::kEn);
  CHECK(c.Classify("a dónde mando el cheque", std::nullopt).lang == Lang::kEs);
  CHECK(c.Classify("necesito hablar con mi trabajadora", std::nullopt).lang == Lang::kEs);
  CHECK(c.Classify("100000001", std::nullopt).lang == Lang::kEn);
  CHECK(c.Classify("", std::nullopt).lang == Lang::kEn);
  CHECK(c.Classify("ok", std::nullopt).lang == Lang::kEn);
}

TEST_CASE("uncertain text keeps the conversation's language", "[intents][en][es]") {
  const Classifier& c = Shared();
  for (const char* text : {"ok", "100000001", "hi", "pin", "?", "ok 👍", "balance"}) {
    INFO(text);
    CHECK(c.Classify(text, Lang::kEs).lang == Lang::kEs);
    CHECK(c.Classify(text, Lang::kEn).lang == Lang::kEn);
  }
}

TEST_CASE("clear text in the other language switches the conversation", "[intents][en][es]") {
  const Classifier& c = Shared();
  Classification es = c.Classify("cuándo fue la última vez que me pagaron", Lang::kEn);
  CHECK(es.lang == Lang::kEs);
  CHECK(es.lang_confidence >= 0.8);
  Classification en = c.Classify("when did they last send money for my kids", Lang::kEs);
  CHECK(en.lang == Lang::kEn);
  CHECK(en.text_lang == Lang::kEn);
}

TEST_CASE("a stricter switch threshold keeps the conversation language", "[intents][en][es]") {
  std::string error;
  ClassifierOptions options;
  options.lang_switch_confidence = 1.01;  // never switch on evidence alone
  auto c = Classifier::Create(options, &error);
  REQUIRE(c);
  CHECK(c->Classify("cuándo fue la última vez que me pagaron", Lang::kEn).lang == Lang::kEn);
  // An explicit request still switches.
  CHECK(c->Classify("en español por favor", Lang::kEn).lang == Lang::kEs);
}

TEST_CASE("explicit requests switch the language whatever the text's language",
          "[intents][en][es]") {
  const Classifier& c = Shared();
  struct Case {
    const char* text;
    Lang from;
    Lang to;
  };
  for (const Case& k :
       {Case{"español", Lang::kEn, Lang::kEs}, Case{"en español", Lang::kEn, Lang::kEs},
        Case{"hablo español", Lang::kEn, Lang::kEs}, Case{"Spanish please!", Lang::kEn, Lang::kEs},
        Case{"i don't speak english", Lang::kEn, Lang::kEs}, Case{"english", Lang::kEs, Lang::kEn},
        Case{"in english please", Lang::kEs, Lang::kEn},
        Case{"en inglés por fa", Lang::kEs, Lang::kEn},
        Case{"no hablo español", Lang::kEs, Lang::kEn}}) {
    INFO(k.text);
    Classification r = c.Classify(k.text, k.from);
    CHECK(r.lang == k.to);
    REQUIRE(r.entities.language.has_value());
    CHECK(*r.entities.language == k.to);
    CHECK(r.intent == Intent::kSetLanguage);
  }
}

TEST_CASE("text_lang is the text's language, lang the conversation's", "[intents][en][es]") {
  const Classifier& c = Shared();
  Classification r = c.Classify("can you speak spanish", std::nullopt);
  CHECK(r.text_lang == Lang::kEn);
  CHECK(r.lang == Lang::kEs);
  r = c.Classify("puedes hablar en inglés", std::nullopt);
  CHECK(r.text_lang == Lang::kEs);
  CHECK(r.lang == Lang::kEn);
}

}  // namespace
}  // namespace connecthub::intents
