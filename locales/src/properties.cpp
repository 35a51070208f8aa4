#include "properties.h"

#include <unicode/utf8.h>

#include <cstdint>

namespace connecthub::locales {
namespace {

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == '\\')) {
      out.push_back(s[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

bool ParseProperties(std::string_view path, std::string_view contents,
                     std::map<std::string, std::string, std::less<>>* entries, std::string* error) {
  if (!IsValidUtf8(contents)) {
    *error = std::string(path) + ": not valid UTF-8";
    return false;
  }
  // A UTF-8 byte-order mark is tolerated because some editors add one.
  if (contents.starts_with("\xEF\xBB\xBF")) contents.remove_prefix(3);
  int line_number = 0;
  while (!contents.empty()) {
    ++line_number;
    size_t end = contents.find('\n');
    std::string_view line = contents.substr(0, end);
    contents = end == std::string_view::npos ? std::string_view() : contents.substr(end + 1);
    std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == '!') continue;
    size_t eq = trimmed.find('=');
    std::string where = std::string(path) + ":" + std::to_string(line_number) + ": ";
    if (eq == std::string_view::npos) {
      *error = where + "expected key=pattern";
      return false;
    }
    std::string_view key = Trim(trimmed.substr(0, eq));
    if (key.empty()) {
      *error = where + "empty key";
      return false;
    }
    if (entries->contains(key)) {
      *error = where + "key '" + std::string(key) + "' defined twice";
      return false;
    }
    entries->emplace(std::string(key), Unescape(Trim(trimmed.substr(eq + 1))));
  }
  return true;
}

}  // namespace connecthub::locales
