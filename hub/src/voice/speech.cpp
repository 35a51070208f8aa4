#include "voice/speech.h"

#include <array>
#include <vector>

#include "intents/classifier.h"

namespace connecthub::hub::voice {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "$1,234.56" at `i` (the '$'): its cents and the length matched; 0 when it is not an amount.
size_t MatchMoney(std::string_view text, size_t i, int64_t* cents) {
  size_t j = i + 1;
  int64_t dollars = 0;
  size_t digits = 0;
  while (j < text.size() && (IsDigit(text[j]) || (text[j] == ',' && digits > 0 &&
                                                  j + 1 < text.size() && IsDigit(text[j + 1])))) {
    if (text[j] != ',') {
      if (++digits > 15) return 0;
      dollars = dollars * 10 + (text[j] - '0');
    }
    ++j;
  }
  if (digits == 0) return 0;
  int64_t c = 0;
  if (j + 2 < text.size() + 0 && text[j] == '.' && IsDigit(text[j + 1]) && IsDigit(text[j + 2]) &&
      (j + 3 >= text.size() || !IsDigit(text[j + 3]))) {
    c = (text[j + 1] - '0') * 10 + (text[j + 2] - '0');
    j += 3;
  }
  *cents = dollars * 100 + c;
  return j - i;
}

std::vector<std::string> Words(const std::string& folded) {
  std::vector<std::string> out;
  std::string word;
  for (char c : folded) {
    bool letter = (c >= 'a' && c <= 'z') || IsDigit(c) || (static_cast<unsigned char>(c) >= 0x80);
    if (letter) {
      word.push_back(c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

struct Phrase {
  std::string_view words;
  Word word;
  bool spanish = false;  // Spanish only
};

// Whole answers, folded (lower case, no accents). Longer phrases first where one contains another.
constexpr std::array kPhrases = {
    Phrase{"no thanks", Word::kDone},
    Phrase{"no thank you", Word::kDone},
    Phrase{"thats all", Word::kDone},
    Phrase{"that is all", Word::kDone},
    Phrase{"nothing else", Word::kDone},
    Phrase{"nothing", Word::kDone},
    Phrase{"goodbye", Word::kDone},
    Phrase{"bye", Word::kDone},
    Phrase{"no gracias", Word::kDone, true},
    Phrase{"nada mas", Word::kDone, true},
    Phrase{"nada", Word::kDone, true},
    // Spanish "(eso) es todo" means "that's all": a caller's goodbye, not a placeholder.
    Phrase{"es todo", Word::kDone, true},
    Phrase{"eso es todo", Word::kDone, true},
    Phrase{"adios", Word::kDone, true},
    Phrase{"yes", Word::kYes},
    Phrase{"yes please", Word::kYes},
    Phrase{"yeah", Word::kYes},
    Phrase{"yep", Word::kYes},
    Phrase{"correct", Word::kYes},
    Phrase{"thats right", Word::kYes},
    Phrase{"that is right", Word::kYes},
    Phrase{"right", Word::kYes},
    Phrase{"sure", Word::kYes},
    Phrase{"okay", Word::kYes},
    Phrase{"ok", Word::kYes},
    Phrase{"si", Word::kYes, true},
    Phrase{"si por favor", Word::kYes, true},
    Phrase{"claro", Word::kYes, true},
    Phrase{"correcto", Word::kYes, true},
    Phrase{"esta bien", Word::kYes, true},
    Phrase{"no", Word::kNo},
    Phrase{"nope", Word::kNo},
    Phrase{"wrong", Word::kNo},
    Phrase{"incorrect", Word::kNo},
    Phrase{"incorrecto", Word::kNo, true},
    Phrase{"no es correcto", Word::kNo, true},
    Phrase{"agent", Word::kAgent},
    Phrase{"an agent", Word::kAgent},
    Phrase{"representative", Word::kAgent},
    Phrase{"a person", Word::kAgent},
    Phrase{"person", Word::kAgent},
    Phrase{"operator", Word::kAgent},
    Phrase{"caseworker", Word::kAgent},
    Phrase{"agente", Word::kAgent, true},
    Phrase{"un agente", Word::kAgent, true},
    Phrase{"representante", Word::kAgent, true},
    Phrase{"una persona", Word::kAgent, true},
    Phrase{"persona", Word::kAgent, true},
    Phrase{"operador", Word::kAgent, true},
    Phrase{"operadora", Word::kAgent, true},
    Phrase{"espanol", Word::kSpanish, true},
    Phrase{"en espanol", Word::kSpanish, true},
    Phrase{"spanish", Word::kSpanish},
    Phrase{"more", Word::kMore},
    Phrase{"mas", Word::kMore, true},
    Phrase{"payments", Word::kPayments},
    Phrase{"payment", Word::kPayments},
    Phrase{"pagos", Word::kPayments, true},
    Phrase{"pago", Word::kPayments, true},
    Phrase{"menu", Word::kMenu},
    Phrase{"main menu", Word::kMenu},
    Phrase{"menu principal", Word::kMenu, true},
};

}  // namespace

std::string ForTheEar(std::string_view text, std::string_view lang,
                      const locales::Catalog& catalog) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    // A list's bullet ("- " at the start of a line) is not read out as "dash" or "minus".
    if (c == '-' && i + 1 < text.size() && text[i + 1] == ' ' && (i == 0 || text[i - 1] == '\n')) {
      ++i;
      continue;
    }
    int64_t cents = 0;
    if (c == '$') {
      if (size_t n = MatchMoney(text, i, &cents); n > 0) {
        // "$0.50" is "50 cents", not "0 dollars and 50 cents".
        out += cents > 0 && cents < 100
                   ? catalog.Format(lang, "voice.cents", {{"cents", cents}})
                   : catalog.Format(lang, "voice.money",
                                    {{"dollars", cents / 100}, {"cents", cents % 100}});
        i += n - 1;
        continue;
      }
    }
    if (c == '\n') {
      // A line of a list: its own sentence.
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!out.empty() && out.back() != '.' && out.back() != '?' && out.back() != '!' &&
          out.back() != ':') {
        out.push_back('.');
      }
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

namespace {

const Phrase* Find(std::string_view speech) {
  std::vector<std::string> words = Words(intents::Fold(speech));
  if (words.empty() || words.size() > 4) return nullptr;
  std::string joined;
  for (const auto& w : words) {
    if (!joined.empty()) joined.push_back(' ');
    joined += w;
  }
  for (const Phrase& p : kPhrases) {
    if (joined == p.words) return &p;
  }
  return nullptr;
}

}  // namespace

Word ReadSpeech(std::string_view speech) {
  const Phrase* p = Find(speech);
  return p == nullptr ? Word::kNone : p->word;
}

bool SaidInSpanish(std::string_view speech) {
  const Phrase* p = Find(speech);
  return p != nullptr && p->spanish;
}

}  // namespace connecthub::hub::voice
