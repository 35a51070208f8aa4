#include <catch2/catch.hpp>
#include <string>

#include "intents/classifier.h"

namespace connecthub::intents {
namespace {

TEST_CASE("Normalize folds case and removes accents", "[intents][es]") {
  CHECK(Normalize("¿Cuánto DEBO?") == "cuanto debo");
  CHECK(Normalize("Próxima CITA, por favor!") == "proxima cita por favor");
  CHECK(Normalize("ÚLTIMO pago — señor") == "ultimo pago senor");
  CHECK(Normalize("INGLÉS") == "ingles");
}

// Regression (tests/fuzz/classify_fuzz): two-byte characters U+0250..U+027F (lead byte 0xC9, IPA
// letters) read past the fast-path table; they now go through ICU like any other letter.
TEST_CASE("Normalize handles IPA letters after Latin Extended-B", "[intents][en]") {
  CHECK(Normalize("name \u0250 test") == "name \u0250 test");
  CHECK(Normalize("\u025E\u027F ments") == "\u025E\u027F ments");
  CHECK(Normalize("\u024F") == "\u024F");  // the table's last entry still takes the fast path
}

TEST_CASE("Normalize composes decomposed accents (NFD input)", "[intents][es]") {
  // "cua" + U+0301 COMBINING ACUTE + "nto": the ICU path must give the same as precomposed.
  CHECK(Normalize("cua\xCC\x81nto debo") == "cuanto debo");
  CHECK(Normalize("Espan\xCC\x83ol") == "espanol");
}

TEST_CASE("Normalize turns punctuation into spaces and drops apostrophes", "[intents][en]") {
  CHECK(Normalize("What's   my balance?!") == "whats my balance");
  CHECK(Normalize("hello...world") == "hello world");
  CHECK(Normalize("  \t\n ") == "");
  CHECK(Normalize("it\xE2\x80\x99s late") == "its late");  // typographic apostrophe
}

TEST_CASE("Normalize maps SMS spellings", "[intents][en]") {
  CHECK(Normalize("wats my bal") == "whats my balance");
  CHECK(Normalize("nxt appt pls") == "next appointment please");
  CHECK(Normalize("when was my last pymt") == "when was my last payment");
  CHECK(Normalize("can u help") == "can you help");
  CHECK(Normalize("thx") == "thanks");
  CHECK(Normalize("pleeeease") == "pleease");
}

TEST_CASE("Normalize maps Spanish SMS spellings", "[intents][es]") {
  CHECK(Normalize("kuanto debo") == "cuanto debo");
  CHECK(Normalize("q dia es mi sita") == "que dia es mi cita");
  CHECK(Normalize("xq no llega") == "porque no llega");
  CHECK(Normalize("pq") == "porque");
  CHECK(Normalize("tmb quiero saber") == "tambien quiero saber");
  CHECK(Normalize("grax x la ayuda") == "gracias por la ayuda");
}

TEST_CASE("Normalize survives garbage", "[intents][en][es]") {
  CHECK(Normalize("") == "");
  CHECK(Normalize(std::string("\xFF\xFE\xC3", 3)) == "");
  CHECK(Normalize(std::string("ab\xC3(cd", 6)) == "ab cd");  // truncated sequence separates
  std::string emoji;
  for (int i = 0; i < 2500; ++i) emoji += "\xF0\x9F\x98\x80";  // 10 KB of U+1F600
  CHECK(Normalize(emoji) == "");
  std::string nul("pago\0saldo", 10);
  CHECK(Normalize(nul) == "pago saldo");
}

}  // namespace
}  // namespace connecthub::intents
