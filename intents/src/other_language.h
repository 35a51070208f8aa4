#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lexicon.h"

// Languages other than English and Spanish (data/other-languages.txt): the rules that name the
// language of a text the en/es classifier must not see. Thread-safe.
namespace connecthub::intents::internal {

struct OtherLanguageRules {
  struct Language {
    std::string code;               // ISO 639-1, e.g. "vi"
    std::vector<int32_t> scripts;   // UScriptCode values
    std::vector<char32_t> letters;  // sorted, case-folded
    std::vector<uint64_t> words;    // sorted WordHash() of case-folded words
    bool latin = false;             // written in the Latin script (like English and Spanish)
  };
  std::vector<Language> languages;  // in the file's order (ties go to the first)
  std::string error;  // the first malformed line ("other-languages.txt:12: ..."), or empty

  // Every language's letters and words in one table each, (letter or word hash, index into
  // `languages`) sorted and without duplicates, so that a character or a word costs one binary
  // search whatever the number of languages. Built by the parser from `languages`.
  std::vector<std::pair<char32_t, uint32_t>> letter_index;
  std::vector<std::pair<uint64_t, uint32_t>> word_index;
  HashFilter<8192> word_filter;  // of word_index's hashes: most words are no language's
};

// The embedded rules, parsed once.
const OtherLanguageRules& OtherLanguages();

// The code of the language `text` is written in when it is one of `rules`' (empty otherwise:
// English, Spanish, or too little text to tell). Input beyond 4 KiB is ignored.
std::string_view DetectOtherLanguage(const OtherLanguageRules& rules, std::string_view text);

}  // namespace connecthub::intents::internal
