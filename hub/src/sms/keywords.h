#pragma once

#include <string>
#include <string_view>

namespace connecthub::hub::sms {

enum class Keyword {
  kNone,    // not a keyword: an ordinary message
  kStop,    // STOP STOPALL UNSUBSCRIBE CANCEL END QUIT REVOKE OPTOUT, Spanish ALTO PARAR
  kStart,   // START UNSTOP YES (an opt-in only from an opted-out number)
  kHelp,    // HELP INFO, Spanish AYUDA
  kUnlink,  // UNLINK, Spanish DESVINCULAR
};

struct KeywordMatch {
  Keyword keyword = Keyword::kNone;
  std::string lang;  // "es" for a Spanish keyword, "" when the word is not language-specific
};

// Recognizes a keyword sent alone: one word, any case, accents ignored, surrounding whitespace
// and punctuation allowed ("Stop.", " ¡ALTO! ", "Ayúda"). Anything more ("stop texting me") is
// kNone, as carriers treat it.
KeywordMatch DetectKeyword(std::string_view text);

// `text` with Latin letters' accents removed (á→a, Ñ→N, ü→u, ...) and ASCII letters upper-cased.
std::string FoldForMatching(std::string_view text);

}  // namespace connecthub::hub::sms
