#include "sms/link_message.h"

#include <vector>

#include "sms/keywords.h"
#include "sms/utf8.h"

namespace connecthub::hub::sms {
namespace {

constexpr std::string_view kMask = "••••••";

// Words a parent might put around the numbers. Folded (upper case, no accents).
constexpr std::string_view kLabels[] = {
    "ID",  "PIN",  "NIP",      "CLAVE", "PARTICIPANT", "PARTICIPANTE", "NUMBER", "NUMERO",
    "NUM", "NO",   "MY",       "MI",    "IS",          "ES",           "DE",     "AND",
    "Y",   "LINK", "VINCULAR", "CODE",  "CODIGO",      "PASSWORD"};
constexpr std::string_view kPinLabels[] = {"PIN", "NIP", "CLAVE", "CODE", "CODIGO", "PASSWORD"};

struct DigitRun {
  size_t begin = 0;  // byte offsets in the original text
  size_t end = 0;
  bool after_pin_label = false;
};

// Whether every code point of `chunk` is Latin-1 or general punctuation (U+00A0..U+00BF,
// U+2000..U+206F), which may surround the numbers like ASCII punctuation does.
bool IsPunctuation(std::string_view chunk) {
  size_t i = 0;
  while (i < chunk.size()) {
    uint32_t cp = NextCodePoint(chunk, &i);
    if (!((cp >= 0xA0 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F))) return false;
  }
  return true;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view word) {
  for (auto w : list) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

std::optional<LinkAttempt> ParseLinkMessage(std::string_view text,
                                            const LinkMessageOptions& options) {
  if (text.size() > 200) return std::nullopt;
  std::vector<DigitRun> runs;
  bool seen_pin_label = false;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsAsciiDigit(text[i])) {
      size_t b = i;
      while (i < text.size() && IsAsciiDigit(text[i])) ++i;
      runs.push_back({b, i, seen_pin_label});
    } else if (IsAsciiLetter(text[i]) || c >= 0x80) {
      // A word: letters, possibly accented (any non-ASCII byte belongs to a word or is
      // punctuation; both are judged after folding).
      size_t b = i;
      while (i < text.size() &&
             (IsAsciiLetter(text[i]) || static_cast<unsigned char>(text[i]) >= 0x80)) {
        ++i;
      }
      std::string_view chunk = text.substr(b, i - b);
      if (IsPunctuation(chunk)) continue;  // "¿", "•", "—", "«»"
      std::string word = FoldForMatching(chunk);
      if (!Contains(kLabels, word)) return std::nullopt;
      const std::string& letters = word;
      if (Contains(kPinLabels, letters)) seen_pin_label = true;
    } else {
      ++i;  // whitespace or ASCII punctuation
    }
  }
  if (runs.size() < 2) return std::nullopt;

  auto digits = [&](size_t from, size_t to) {
    std::string out;
    for (size_t k = from; k < to; ++k)
      out.append(text.substr(runs[k].begin, runs[k].end - runs[k].begin));
    return out;
  };

  // Where the PIN starts: after an explicit PIN label, else the last run when there are exactly
  // two, else wherever the ID reaches its fixed length.
  size_t pin_start = runs.size();
  for (size_t k = 0; k < runs.size(); ++k) {
    if (runs[k].after_pin_label) {
      pin_start = k;
      break;
    }
  }
  if (pin_start == runs.size()) {
    if (runs.size() == 2) {
      pin_start = 1;
    } else {
      size_t len = 0;
      for (size_t k = 0; k < runs.size(); ++k) {
        len += runs[k].end - runs[k].begin;
        if (len == options.participant_id_digits) {
          pin_start = k + 1;
          break;
        }
      }
    }
  }
  if (pin_start == 0 || pin_start >= runs.size()) return std::nullopt;

  LinkAttempt attempt;
  attempt.participant_id = digits(0, pin_start);
  attempt.pin = digits(pin_start, runs.size());
  if (runs.size() > 2 && attempt.participant_id.size() != options.participant_id_digits) {
    return std::nullopt;
  }
  if (attempt.participant_id.size() < 6 || attempt.participant_id.size() > 12) return std::nullopt;
  if (attempt.pin.size() < options.min_pin_digits || attempt.pin.size() > options.max_pin_digits) {
    return std::nullopt;
  }
  attempt.redacted = std::string(text.substr(0, runs[pin_start].begin));
  attempt.redacted += kMask;
  attempt.redacted += text.substr(runs.back().end);
  return attempt;
}

std::string RedactPin(std::string_view text, const LinkMessageOptions& options) {
  auto attempt = ParseLinkMessage(text, options);
  if (attempt) return attempt->redacted;
  // Not a link message, but it may still carry a PIN among other words ("hi, my pin is 482913,
  // why can't I log in?", "100000001 y mi clave 482913 gracias"): a number of PIN length right
  // after a PIN label or a Participant ID (at most 3 words between) is masked.
  std::string out;
  size_t i = 0;
  int pin_label_words = -1;  // words since a PIN label; -1: none pending
  int id_words = -1;         // words since a Participant ID
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsAsciiDigit(text[i])) {
      size_t b = i;
      while (i < text.size() && IsAsciiDigit(text[i])) ++i;
      // Part of something else: a word ("A123456"), money ("$1000", "1,000.00"), a date.
      auto joined = [&](size_t at) {
        return IsAsciiLetter(text[at]) || text[at] == '$' || text[at] == '.' || text[at] == ',' ||
               text[at] == '/' || text[at] == '-';
      };
      bool part_of_other =
          (b > 0 && joined(b - 1) && (text[b - 1] != '-' || b < 2 || IsAsciiDigit(text[b - 2]))) ||
          (i < text.size() && (IsAsciiLetter(text[i]) ||
                               (joined(i) && i + 1 < text.size() && IsAsciiDigit(text[i + 1]))));
      size_t len = i - b;
      bool pin_length = len >= options.min_pin_digits && len <= options.max_pin_digits;
      if (pin_length && !part_of_other && (pin_label_words >= 0 || id_words >= 0)) {
        out += kMask;
        pin_label_words = id_words = -1;
        continue;
      }
      out.append(text.substr(b, len));
      id_words = len == options.participant_id_digits ? 0 : -1;
      continue;
    }
    if (IsAsciiLetter(text[i]) || c >= 0x80) {
      size_t b = i;
      while (i < text.size() &&
             (IsAsciiLetter(text[i]) || static_cast<unsigned char>(text[i]) >= 0x80)) {
        ++i;
      }
      std::string_view chunk = text.substr(b, i - b);
      out.append(chunk);
      if (IsPunctuation(chunk)) continue;
      if (Contains(kPinLabels, FoldForMatching(chunk))) {
        pin_label_words = 0;
        continue;
      }
      if (pin_label_words >= 0 && ++pin_label_words > 3) pin_label_words = -1;
      if (id_words >= 0 && ++id_words > 3) id_words = -1;
      continue;
    }
    out += text[i++];
  }
  return out;
}

}  // namespace connecthub::hub::sms
