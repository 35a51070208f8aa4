#include "text.h"

namespace connecthub::bot {
namespace {

constexpr std::string_view kEllipsis = "...";

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if (!IsContinuationByte(c)) ++count;
  }
  return count;
}

std::string FitText(std::string_view text, size_t max_chars) {
  if (CodePoints(text) <= max_chars) return std::string(text);
  if (max_chars <= kEllipsis.size()) return std::string(kEllipsis.substr(0, max_chars));
  // Byte offset where the (max_chars - 3)th code point ends.
  size_t budget = max_chars - kEllipsis.size();
  size_t end = 0;
  for (size_t points = 0; end < text.size(); ++end) {
    if (!IsContinuationByte(text[end])) {
      if (points == budget) break;
      ++points;
    }
  }
  std::string_view head = text.substr(0, end);
  // Prefer a whole line, then a whole word; a cut in the middle of a word only when neither is
  // in the second half (so a long first line is not thrown away).
  size_t cut = head.find_last_of('\n');
  if (cut == std::string_view::npos || cut < head.size() / 2) cut = head.find_last_of(' ');
  if (cut == std::string_view::npos || cut < head.size() / 2) cut = head.size();
  std::string out(head.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == ',')) {
    out.pop_back();
  }
  out += kEllipsis;
  return out;
}

std::string DigitsOf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

std::string SpokenDigits(std::string_view text) {
  std::string out;
  for (char c : DigitsOf(text)) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(c);
  }
  return out;
}

std::string LastFour(std::string_view number) {
  return std::string(number.size() <= 4 ? number : number.substr(number.size() - 4));
}

std::string TitleCaseAscii(std::string_view text) {
  std::string out(text);
  bool start = true;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z' && !start) c = LowerAscii(c);
    if (c >= 'a' && c <= 'z' && start) c = static_cast<char>(c - 'a' + 'A');
    start = !IsAsciiAlnum(c) && c != '\'';
  }
  return out;
}

std::string LabelSuffix(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (IsAsciiAlnum(c)) {
      out.push_back(LowerAscii(c));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace connecthub::bot
