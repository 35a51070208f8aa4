#include "other_language.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <span>
#include <utility>

#include "intents/classifier.h"
#include "lexicon.h"

namespace connecthub::intents {
namespace data {
// Generated from intents/data by connecthub_embed() (intents/CMakeLists.txt).
std::span<const std::pair<std::string_view, std::string_view>> EmbeddedFiles();
}  // namespace data

namespace internal {
namespace {

constexpr std::string_view kFile = "other-languages.txt";
constexpr size_t kMaxInput = 4096;  // as Normalize()

char32_t Fold(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

bool IsWordChar(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  // Marks belong to their letter: Devanagari and Gurmukhi vowel signs, combining accents.
  return u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

// Scripts written without spaces between words: each letter counts as a word, so that a few
// characters weigh against a few English words as a few words do.
bool IsUnspaced(UScriptCode script) {
  switch (script) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

UScriptCode ScriptOf(UChar32 c) {
  if (c < 0x80) return USCRIPT_LATIN;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &status);
  return U_FAILURE(status) ? USCRIPT_COMMON : script;
}

// Splits `items` on spaces.
template <typename Fn>
void ForEachItem(std::string_view items, Fn fn) {
  while (!items.empty()) {
    size_t sp = items.find(' ');
    std::string_view item = items.substr(0, sp);
    items = sp == std::string_view::npos ? std::string_view() : items.substr(sp + 1);
    if (!item.empty()) fn(item);
  }
}

// The case-folded UTF-8 of `word`.
std::string FoldWord(std::string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size();) {
    UChar32 c;
    U8_NEXT(word.data(), i, word.size(), c);
    if (c < 0) continue;
    char buf[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(Fold(static_cast<char32_t>(c))));
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool ValidCode(std::string_view code) {
  return code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
}

template <typename T>
void SortUnique(std::vector<T>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

OtherLanguageRules Parse(std::string_view text) {
  OtherLanguageRules rules;
  int line_number = 0;
  auto fail = [&](const std::string& reason) {
    if (rules.error.empty()) {
      rules.error = std::string(kFile) + ":" + std::to_string(line_number) + ": " + reason;
    }
  };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    size_t tab1 = line.find('\t');
    size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      fail("expected code<TAB>kind<TAB>items");
      continue;
    }
    std::string_view code = line.substr(0, tab1);
    std::string_view kind = line.substr(tab1 + 1, tab2 - tab1 - 1);
    std::string_view items = line.substr(tab2 + 1);
    if (!ValidCode(code)) {
      fail("'" + std::string(code) + "' is not a two-letter ISO 639-1 code");
      continue;
    }
    if (code == "en" || code == "es") {
      fail("English and Spanish belong to the classifier, not here");
      continue;
    }
    auto it = std::find_if(rules.languages.begin(), rules.languages.end(),
                           [&](const auto& l) { return l.code == code; });
    if (it == rules.languages.end()) {
      rules.languages.push_back({});
      rules.languages.back().code = std::string(code);
      it = rules.languages.end() - 1;
    }
    OtherLanguageRules::Language& language = *it;
    if (kind == "script") {
      ForEachItem(items, [&](std::string_view name) {
        int32_t script = u_getPropertyValueEnum(UCHAR_SCRIPT, std::string(name).c_str());
        if (script == UCHAR_INVALID_CODE) {
          fail("unknown script '" + std::string(name) + "'");
        } else {
          language.scripts.push_back(script);
          if (script == USCRIPT_LATIN) language.latin = true;
        }
      });
    } else if (kind == "letters") {
      ForEachItem(items, [&](std::string_view letter) {
        std::string folded = FoldWord(letter);
        size_t i = 0;
        UChar32 c;
        U8_NEXT(folded.data(), i, folded.size(), c);
        if (c < 0 || i != folded.size()) {
          fail("'" + std::string(letter) + "' is not one letter");
        } else {
          language.letters.push_back(static_cast<char32_t>(c));
        }
      });
    } else if (kind == "words") {
      ForEachItem(items, [&](std::string_view word) {
        language.words.push_back(WordHash(FoldWord(word)));
      });
    } else {
      fail("unknown kind '" + std::string(kind) + "' (script, letters or words)");
    }
  }
  for (auto& language : rules.languages) {
    if (language.scripts.empty()) {
      line_number = 0;
      fail(language.code + " has no script line");
    }
    std::sort(language.letters.begin(), language.letters.end());
    std::sort(language.words.begin(), language.words.end());
  }
  for (uint32_t l = 0; l < rules.languages.size(); ++l) {
    for (char32_t letter : rules.languages[l].letters) rules.letter_index.push_back({letter, l});
    for (uint64_t word : rules.languages[l].words) rules.word_index.push_back({word, l});
  }
  SortUnique(&rules.letter_index);
  SortUnique(&rules.word_index);
  for (const auto& entry : rules.word_index) rules.word_filter.Add(entry.first);
  return rules;
}

std::string_view EmbeddedRules() {
  for (const auto& [path, contents] : data::EmbeddedFiles()) {
    if (path == kFile) return contents;
  }
  return {};
}

bool Contains(const std::vector<int32_t>& scripts, UScriptCode script) {
  return std::find(scripts.begin(), scripts.end(), static_cast<int32_t>(script)) != scripts.end();
}

// The entries of `index` (sorted (key, language) pairs) whose key is `key`.
template <typename Key>
std::span<const std::pair<Key, uint32_t>> Lookup(const std::vector<std::pair<Key, uint32_t>>& index,
                                                 Key key) {
  // Most characters (ASCII) sort before every listed letter: no search for them.
  if (index.empty() || key < index.front().first) return {};
  auto lo = std::lower_bound(index.begin(), index.end(), key,
                             [](const auto& entry, Key k) { return entry.first < k; });
  auto hi = lo;
  while (hi != index.end() && hi->first == key) ++hi;
  return {lo, hi};
}

// Counts gathered over a text: words by script, and each language's own letters and words. One
// per thread, reset for each text, so that a call allocates nothing once its buffers have grown.
struct Tally {
  void Reset(size_t languages) {
    total = 0;
    scripts.clear();
    evidence.assign(languages, 0);
    word.clear();
    credited.clear();
  }
  int total = 0;                                     // words (letters in unspaced scripts)
  std::vector<std::pair<UScriptCode, int>> scripts;  // words per script other than Latin
  std::vector<int> evidence;                         // per language
  std::string composed;                              // the text in NFC, when it needed composing
  std::string word;                                  // the current word, case-folded UTF-8
  std::vector<uint32_t> credited;  // languages the current word's letters or the word belong to
  void AddScript(UScriptCode script, int weight) {
    total += weight;
    if (script == USCRIPT_LATIN) return;
    for (auto& [s, n] : scripts) {
      if (s == script) {
        n += weight;
        return;
      }
    }
    scripts.push_back({script, weight});
  }
  int ScriptWords(const OtherLanguageRules::Language& language) const {
    int n = 0;
    for (const auto& [s, count] : scripts) {
      if (Contains(language.scripts, s)) n += count;
    }
    return n;
  }
};

}  // namespace

const OtherLanguageRules& OtherLanguages() {
  static const OtherLanguageRules rules = Parse(EmbeddedRules());
  return rules;
}

std::string_view DetectOtherLanguage(const OtherLanguageRules& rules, std::string_view text) {
  if (rules.languages.empty()) return {};
  thread_local Tally tally;
  tally.Reset(rules.languages.size());
  text = text.substr(0, std::min(text.size(), kMaxInput));
  // Letters typed as a base and combining accents (some keyboards) are composed first, so that
  // "ơ" is one letter whichever way it came.
  if (std::any_of(text.begin(), text.end(), [](char c) { return c == '\xCC' || c == '\xCD'; })) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_SUCCESS(status)) {
      icu::UnicodeString s = icu::UnicodeString::fromUTF8(
          icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
      icu::UnicodeString n = nfc->normalize(s, status);
      if (U_SUCCESS(status)) {
        tally.composed.clear();
        n.toUTF8String(tally.composed);
        text = tally.composed;
      }
    }
  }

  std::string& word = tally.word;
  std::vector<uint32_t>& credited = tally.credited;
  UScriptCode word_script = USCRIPT_COMMON;
  // A word counts once for each language of its script that has one of its letters or the word.
  auto end_word = [&] {
    if (word.empty()) return;
    UScriptCode script = word_script == USCRIPT_COMMON ? USCRIPT_LATIN : word_script;
    if (!IsUnspaced(script)) tally.AddScript(script, 1);
    uint64_t hash = WordHash(word);
    if (rules.word_filter.MayContain(hash)) {
      for (const auto& entry : Lookup(rules.word_index, hash)) credited.push_back(entry.second);
    }
    if (!credited.empty()) {
      SortUnique(&credited);
      for (uint32_t l : credited) {
        if (Contains(rules.languages[l].scripts, script)) ++tally.evidence[l];
      }
      credited.clear();
    }
    word.clear();
    word_script = USCRIPT_COMMON;
  };
  for (size_t i = 0; i < text.size();) {
    UChar32 c;
    U8_NEXT(text.data(), i, text.size(), c);
    if (c < 0 || !IsWordChar(c)) {
      end_word();
      continue;
    }
    UScriptCode script = ScriptOf(c);
    bool real_script = script != USCRIPT_COMMON && script != USCRIPT_INHERITED;
    if (real_script && word_script != USCRIPT_COMMON && script != word_script) end_word();
    if (real_script && word_script == USCRIPT_COMMON) word_script = script;
    char32_t folded = Fold(static_cast<char32_t>(c));
    for (const auto& entry : Lookup(rules.letter_index, folded)) credited.push_back(entry.second);
    char buf[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(folded));
    word.append(buf, static_cast<size_t>(n));
    if (IsUnspaced(script)) {
      tally.AddScript(script, 1);
      end_word();
    }
  }
  end_word();
  if (tally.total == 0) return {};

  // Mostly a script other than Latin: the language of that script (its own letters and words,
  // then the file's order, decide between languages sharing it).
  const OtherLanguageRules::Language* best = nullptr;
  int best_words = 0, best_evidence = 0;
  for (size_t l = 0; l < rules.languages.size(); ++l) {
    const auto& language = rules.languages[l];
    int words = tally.ScriptWords(language);
    if (words > best_words ||
        (words == best_words && words > 0 && tally.evidence[l] > best_evidence)) {
      best = &language;
      best_words = words;
      best_evidence = tally.evidence[l];
    }
  }
  if (best != nullptr && best_words * 2 > tally.total) return best->code;

  // Latin script: enough of the words must be the language's own.
  best = nullptr;
  best_evidence = 0;
  for (size_t l = 0; l < rules.languages.size(); ++l) {
    if (rules.languages[l].latin && tally.evidence[l] > best_evidence) {
      best = &rules.languages[l];
      best_evidence = tally.evidence[l];
    }
  }
  if (best != nullptr && best_evidence >= 2 && best_evidence * 2 >= tally.total) return best->code;
  return {};
}

}  // namespace internal

std::string_view OtherLanguage(std::string_view text) {
  return internal::DetectOtherLanguage(internal::OtherLanguages(), text);
}

std::vector<std::string> OtherLanguageCodes() {
  std::vector<std::string> codes;
  for (const auto& language : internal::OtherLanguages().languages) codes.push_back(language.code);
  return codes;
}

}  // namespace connecthub::intents
