#include "sms/keywords.h"

#include <array>
#include <cstdint>

#include "sms/utf8.h"

namespace connecthub::hub::sms {
namespace {

// Base letter of U+00C0..U+00FF; 0 where there is none (×, ÷, ß, Æ, ...).
constexpr char kLatin1Base[] =
    "AAAAAAACEEEEIIII"     // C0-CF
    "DNOOOOO\0OUUUUY\0\0"  // D0-DF
    "aaaaaaaceeeeiiii"     // E0-EF
    "dnooooo\0ouuuuy\0y";  // F0-FF

uint32_t FoldCodePoint(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xFF) {
    char base = kLatin1Base[cp - 0xC0];
    if (base == '\0') return cp;
    cp = static_cast<uint32_t>(base);
  }
  if (cp >= 'a' && cp <= 'z') return cp - 'a' + 'A';
  return cp;
}

bool IsWordChar(uint32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
         (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

struct Entry {
  std::string_view word;
  Keyword keyword;
  std::string_view lang;
};

constexpr std::array<Entry, 17> kKeywords = {{
    {"STOP", Keyword::kStop, ""},
    {"STOPALL", Keyword::kStop, ""},
    {"UNSUBSCRIBE", Keyword::kStop, ""},
    {"CANCEL", Keyword::kStop, ""},
    {"END", Keyword::kStop, ""},
    {"QUIT", Keyword::kStop, ""},
    {"REVOKE", Keyword::kStop, ""},
    {"OPTOUT", Keyword::kStop, ""},
    {"ALTO", Keyword::kStop, "es"},
    {"PARAR", Keyword::kStop, "es"},
    {"START", Keyword::kStart, ""},
    {"UNSTOP", Keyword::kStart, ""},
    {"YES", Keyword::kStart, ""},
    {"HELP", Keyword::kHelp, ""},
    {"INFO", Keyword::kHelp, ""},
    {"AYUDA", Keyword::kHelp, "es"},
    {"UNLINK", Keyword::kUnlink, ""},
}};

}  // namespace

std::string FoldForMatching(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) AppendUtf8(FoldCodePoint(NextCodePoint(text, &i)), &out);
  return out;
}

KeywordMatch DetectKeyword(std::string_view text) {
  std::vector<uint32_t> cps = DecodeUtf8(text);
  size_t b = 0, e = cps.size();
  while (b < e && !IsWordChar(cps[b])) ++b;
  while (e > b && !IsWordChar(cps[e - 1])) --e;
  if (b == e || e - b > 16) return {};
  std::string word;
  for (size_t i = b; i < e; ++i) {
    uint32_t f = FoldCodePoint(cps[i]);
    if (f < 'A' || f > 'Z') return {};  // a second word, a digit, or a non-Latin letter
    word += static_cast<char>(f);
  }
  if (word == "DESVINCULAR") return {Keyword::kUnlink, "es"};
  for (const auto& entry : kKeywords) {
    if (entry.word == word) return {entry.keyword, std::string(entry.lang)};
  }
  return {};
}

}  // namespace connecthub::hub::sms
