#include "normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <array>
#include <string>

#include "intents/classifier.h"
#include "lexicon.h"

namespace connecthub::intents {
namespace internal {
namespace {

constexpr char32_t kFastTableEnd = 0x250;  // Latin-1 Supplement, Latin Extended-A and -B

bool IsApostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x2BC || c == 0xB4; }

// The reference pipeline: NFC, case folding, NFD, drop nonspacing marks, NFC; apostrophes kept
// as ASCII "'" (removed later), every other non-alphanumeric character becomes a space.
std::string IcuFold(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return " ";
  // fromUTF8 replaces ill-formed sequences with U+FFFD, which then becomes a separator.
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString composed = nfc->normalize(s, status);
  composed.foldCase();
  icu::UnicodeString decomposed = nfd->normalize(composed, status);
  if (U_FAILURE(status)) return " ";
  icu::UnicodeString kept;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (IsApostrophe(c)) {
      kept.append(static_cast<UChar32>('\''));
    } else if (u_isalnum(c)) {
      kept.append(c);
    } else {
      kept.append(static_cast<UChar32>(' '));
    }
  }
  icu::UnicodeString result = nfc->normalize(kept, status);
  if (U_FAILURE(status)) return " ";
  std::string out;
  result.toUTF8String(out);
  return out;
}

// Folded forms of U+0080..U+024F, computed once with IcuFold() so that the fast path and the ICU
// path agree by construction. Most Spanish text needs nothing beyond this table.
struct FastTable {
  std::array<std::string, kFastTableEnd> folded;
  FastTable() {
    for (char32_t cp = 0x80; cp < kFastTableEnd; ++cp) {
      char buf[3] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F)), 0};
      folded[cp] = IcuFold(std::string_view(buf, 2));
    }
  }
};

const FastTable& Table() {
  static const FastTable table;
  return table;
}

// ASCII folded: letters lower-cased, digits and the apostrophe kept, anything else a space. A
// table rather than branches: which branch a character takes is as good as random.
constexpr std::array<char, 0x80> kAsciiFold = [] {
  std::array<char, 0x80> table{};
  for (size_t b = 0; b < table.size(); ++b) {
    char c = static_cast<char>(b);
    if (c >= 'A' && c <= 'Z') {
      table[b] = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      table[b] = c;
    } else {
      table[b] = ' ';
    }
  }
  return table;
}();

// Folds ASCII and two-byte Latin characters without ICU. Returns false (leaving *out in an
// unspecified state) when the text needs the full ICU pipeline.
bool FastFold(std::string_view text, std::string* out) {
  const FastTable& table = Table();
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out->push_back(kAsciiFold[b]);
      continue;
    }
    if (b < 0xC2 || b > 0xC9 || i + 1 >= text.size()) return false;
    unsigned char b2 = static_cast<unsigned char>(text[i + 1]);
    if ((b2 & 0xC0) != 0x80) return false;
    // A following combining mark (U+0300..) would change the character: let ICU compose it.
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i + 2]) == 0xCC) return false;
    char32_t cp = (static_cast<char32_t>(b & 0x1F) << 6) | (b2 & 0x3F);
    // Lead byte 0xC9 reaches U+027F, past the table (found by tests/fuzz/classify_fuzz).
    if (cp >= kFastTableEnd) return false;
    out->append(table.folded[cp]);
    ++i;
  }
  return true;
}

std::string_view Truncate(std::string_view text) {
  if (text.size() <= kMaxInputBytes) return text;
  size_t end = kMaxInputBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Splits folded text into words (dropping apostrophes, squeezing letter runs of 3+ to 2 as in
// "pleeeease"), maps SMS spellings when `map_sms`, and appends them space-separated.
void Segment(std::string_view folded, bool map_sms, std::string* out) {
  thread_local std::string word;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    if (i >= folded.size()) break;
    word.clear();
    while (i < folded.size() && folded[i] != ' ') {
      char c = folded[i++];
      if (c == '\'') continue;
      size_t n = word.size();
      if (n >= 2 && c >= 'a' && c <= 'z' && word[n - 1] == c && word[n - 2] == c) continue;
      word.push_back(c);
    }
    if (word.empty()) continue;
    std::string_view replacement = map_sms ? SmsReplacement(word) : std::string_view();
    if (!out->empty() && out->back() != ' ') out->push_back(' ');
    out->append(replacement.empty() ? std::string_view(word) : replacement);
  }
}

void Fold(std::string_view text, bool map_sms, std::string* out) {
  thread_local std::string folded;
  text = Truncate(text);
  folded.clear();
  if (!FastFold(text, &folded)) folded = IcuFold(text);
  Segment(folded, map_sms, out);
}

}  // namespace

void NormalizeInto(std::string_view text, std::string* out) { Fold(text, true, out); }

void FoldInto(std::string_view text, std::string* out) { Fold(text, false, out); }

}  // namespace internal

std::string Normalize(std::string_view text) {
  std::string out;
  internal::NormalizeInto(text, &out);
  return out;
}

std::string Fold(std::string_view text) {
  std::string out;
  internal::FoldInto(text, &out);
  return out;
}

}  // namespace connecthub::intents
