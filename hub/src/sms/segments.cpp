#include "sms/segments.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "sms/utf8.h"

namespace connecthub::hub::sms {
namespace {

// GSM 03.38 basic character set, as Unicode code points (ESC 0x1B excluded).
constexpr uint32_t kGsmBasic[] = {
    '@',   0xA3, '$',  0xA5,  0xE8, 0xE9,  0xF9,  0xEC,  0xF2,  0xC7,  '\n',  0xD8,  0xF8,
    '\r',  0xC5, 0xE5, 0x394, '_',  0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398,
    0x39E, 0xC6, 0xE6, 0xDF,  0xC9, ' ',   '!',   '"',   '#',   0xA4,  '%',   '&',   '\'',
    '(',   ')',  '*',  '+',   ',',  '-',   '.',   '/',   '0',   '1',   '2',   '3',   '4',
    '5',   '6',  '7',  '8',   '9',  ':',   ';',   '<',   '=',   '>',   '?',   0xA1,  'A',
    'B',   'C',  'D',  'E',   'F',  'G',   'H',   'I',   'J',   'K',   'L',   'M',   'N',
    'O',   'P',  'Q',  'R',   'S',  'T',   'U',   'V',   'W',   'X',   'Y',   'Z',   0xC4,
    0xD6,  0xD1, 0xDC, 0xA7,  0xBF, 'a',   'b',   'c',   'd',   'e',   'f',   'g',   'h',
    'i',   'j',  'k',  'l',   'm',  'n',   'o',   'p',   'q',   'r',   's',   't',   'u',
    'v',   'w',  'x',  'y',   'z',  0xE4,  0xF6,  0xF1,  0xFC,  0xE0};
constexpr uint32_t kGsmExtension[] = {'\f', '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC};

// Septets per code point below 0x400 (Latin-1 and Greek hold every GSM-7 character but €):
// 1 basic, 2 extension, 0 not GSM-7. A table, since replies are measured many times while split.
constexpr size_t kGsmTableSize = 0x400;
using GsmTable = std::array<uint8_t, kGsmTableSize>;

constexpr GsmTable MakeGsmTable() {
  GsmTable t{};
  for (uint32_t c : kGsmBasic) t[c] = 1;
  for (uint32_t c : kGsmExtension) {
    if (c < kGsmTableSize) t[c] = 2;
  }
  return t;
}

constexpr GsmTable kGsmTable = MakeGsmTable();

// Units `cp` costs: 1 or 2; 0 when it is not GSM-7.
int GsmCost(uint32_t cp) {
  if (cp < kGsmTableSize) return kGsmTable[cp];
  return cp == 0x20AC ? 2 : 0;  // €, the one extension character above the table
}

int Ucs2Cost(uint32_t cp) { return cp > 0xFFFF ? 2 : 1; }

// The shape of cps[begin, end): no copy, no allocation.
SmsShape Measure(const std::vector<uint32_t>& cps, size_t begin, size_t end) {
  SmsShape shape;
  shape.characters = end - begin;
  bool gsm = true;
  for (size_t i = begin; i < end && gsm; ++i) gsm = GsmCost(cps[i]) != 0;
  if (!gsm) shape.encoding = SmsEncoding::kUcs2;
  auto cost = [gsm](uint32_t cp) -> size_t { return gsm ? GsmCost(cp) : Ucs2Cost(cp); };
  for (size_t i = begin; i < end; ++i) shape.units += cost(cps[i]);
  size_t single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
  if (shape.units == 0) return shape;
  shape.segments = 1;
  if (shape.units <= single) return shape;
  // An item (an escaped character, a surrogate pair) is never split across segments.
  size_t used = 0;
  for (size_t i = begin; i < end; ++i) {
    size_t c = cost(cps[i]);
    if (used + c > multi) {
      ++shape.segments;
      used = 0;
    }
    used += c;
  }
  return shape;
}

bool IsSpace(uint32_t cp) { return cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t'; }

std::vector<uint32_t> Trim(std::vector<uint32_t> cps) {
  size_t b = 0, e = cps.size();
  while (b < e && IsSpace(cps[b])) ++b;
  while (e > b && IsSpace(cps[e - 1])) --e;
  return std::vector<uint32_t>(cps.begin() + b, cps.begin() + e);
}

bool Fits(const std::vector<uint32_t>& cps, size_t begin, size_t end, const SplitOptions& o) {
  if (end - begin > o.max_message_chars) return false;
  return Measure(cps, begin, end).segments <= o.max_message_segments;
}

// The best place to end a part that starts at `begin` and may not go past `limit` (exclusive):
// after a paragraph break, else after a sentence end, else at a space, else at `limit`.
size_t BreakPoint(const std::vector<uint32_t>& cps, size_t begin, size_t limit) {
  if (limit >= cps.size()) return cps.size();
  size_t min_useful = begin + (limit - begin) / 3;  // avoid tiny parts
  for (size_t k = limit; k > min_useful; --k) {
    if (cps[k - 1] == '\n' && k >= 2 && cps[k - 2] == '\n') return k;
  }
  for (size_t k = limit; k > min_useful; --k) {
    uint32_t p = cps[k - 1];
    if (IsSpace(cps[k]) && (p == '.' || p == '!' || p == '?' || p == '\n')) return k;
  }
  for (size_t k = limit; k > begin + 1; --k) {
    if (IsSpace(cps[k - 1]) || IsSpace(cps[k])) return k;
  }
  return limit;
}

}  // namespace

SmsShape MeasureSms(std::string_view text) {
  std::vector<uint32_t> cps = DecodeUtf8(text);
  return Measure(cps, 0, cps.size());
}

std::vector<std::string> SplitSms(std::string_view text, const SplitOptions& options) {
  std::vector<uint32_t> cps = Trim(DecodeUtf8(text));
  if (cps.size() > options.max_total_chars && options.max_total_chars > 1) {
    size_t cut = BreakPoint(cps, 0, options.max_total_chars - 1);
    cps.resize(cut);
    cps = Trim(std::move(cps));
    cps.push_back(0x2026);  // …
  }
  std::vector<std::string> parts;
  size_t begin = 0;
  while (begin < cps.size()) {
    // Largest prefix that fits (binary search: fitting is monotonic in length).
    size_t lo = begin + 1, hi = std::min(cps.size(), begin + options.max_message_chars);
    auto fits = [&](size_t end) { return Fits(cps, begin, end, options); };
    if (!fits(lo)) return parts;  // options too small to hold even one character
    while (lo < hi) {
      size_t mid = lo + (hi - lo + 1) / 2;
      if (fits(mid)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    size_t end = BreakPoint(cps, begin, lo);
    auto part = Trim(std::vector<uint32_t>(cps.begin() + begin, cps.begin() + end));
    if (!part.empty()) parts.push_back(EncodeUtf8(part));
    begin = end;
    while (begin < cps.size() && IsSpace(cps[begin])) ++begin;
  }
  return parts;
}

}  // namespace connecthub::hub::sms
