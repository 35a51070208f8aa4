#include <catch2/catch.hpp>

#include "sms/keywords.h"

using connecthub::hub::sms::DetectKeyword;
using connecthub::hub::sms::FoldForMatching;
using connecthub::hub::sms::Keyword;

TEST_CASE("opt-out keywords, any case, punctuation around", "[hub][sms]") {
  for (const char* t : {"STOP", "stop", "Stop.", "  StopAll ", "unsubscribe", "CANCEL", "end!",
                        "quit", "\"STOP\""}) {
    INFO(t);
    CHECK(DetectKeyword(t).keyword == Keyword::kStop);
    CHECK(DetectKeyword(t).lang.empty());
  }
}

TEST_CASE("Spanish opt-out keywords, accents ignored", "[hub][sms][es]") {
  for (const char* t : {"ALTO", "alto", "¡Alto!", "PARAR", "párar", "Álto"}) {
    INFO(t);
    auto m = DetectKeyword(t);
    CHECK(m.keyword == Keyword::kStop);
    CHECK(m.lang == "es");
  }
}

TEST_CASE("opt-in, help and unlink keywords", "[hub][sms]") {
  CHECK(DetectKeyword("start").keyword == Keyword::kStart);
  CHECK(DetectKeyword("UNSTOP").keyword == Keyword::kStart);
  CHECK(DetectKeyword("Yes").keyword == Keyword::kStart);
  CHECK(DetectKeyword("help?").keyword == Keyword::kHelp);
  CHECK(DetectKeyword("info").keyword == Keyword::kHelp);
  CHECK(DetectKeyword("unlink").keyword == Keyword::kUnlink);
}

TEST_CASE("Spanish help and unlink keywords", "[hub][sms][es]") {
  CHECK(DetectKeyword("AYUDA").keyword == Keyword::kHelp);
  CHECK(DetectKeyword("¿Ayúda?").lang == "es");
  CHECK(DetectKeyword("desvincular").keyword == Keyword::kUnlink);
  CHECK(DetectKeyword("DESVINCULAR").lang == "es");
}

TEST_CASE("keywords inside sentences or glued to other text are not keywords", "[hub][sms]") {
  for (const char* t : {"stop texting me", "please stop", "help me", "no pare", "stop2", "STOPP",
                        "", "   ", "!!!", "necesito ayuda", "alto volumen", "ヘルプ"}) {
    INFO(t);
    CHECK(DetectKeyword(t).keyword == Keyword::kNone);
  }
}

TEST_CASE("folding removes accents and upper-cases", "[hub][sms][es]") {
  CHECK(FoldForMatching("Año Último ñandú ü") == "ANO ULTIMO NANDU U");
}
