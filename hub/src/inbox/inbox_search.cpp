#include "inbox/inbox_search.h"

#include <memory>
#include <vector>

#include "intents/classifier.h"

namespace connecthub::hub::inbox {
namespace {

std::vector<std::string> Words(std::string_view folded) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < folded.size()) {
    size_t end = folded.find(' ', i);
    if (end == std::string_view::npos) end = folded.size();
    if (end > i) out.emplace_back(folded.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

size_t Characters(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::optional<storage::ThreadSearch> ParseSearch(std::string_view q, std::string* error) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = q.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) {
    *error = "q (what to search for) is required";
    return std::nullopt;
  }
  q = q.substr(begin, q.find_last_not_of(kSpace) - begin + 1);
  if (q.size() > kMaxSearchBytes) {
    *error = "q must be at most " + std::to_string(kMaxSearchBytes) + " characters";
    return std::nullopt;
  }
  if (Characters(q) < kMinSearchChars) {
    *error = "q must be at least " + std::to_string(kMinSearchChars) + " characters";
    return std::nullopt;
  }
  storage::ThreadSearch search;
  search.exact = std::string(q);
  bool digit = false;
  for (char c : q) digit = digit || (c >= '0' && c <= '9');
  if (digit) search.phone = std::string(q);
  auto terms = std::make_shared<std::vector<std::string>>(Words(intents::Fold(q)));
  bool letter = false;
  for (const auto& term : *terms) {
    for (char c : term) letter = letter || !(c >= '0' && c <= '9');
  }
  if (letter) {
    search.name_matches = [terms](const std::string& first, const std::string& last) {
      std::vector<std::string> words = Words(intents::Fold(first + " " + last));
      for (const auto& term : *terms) {
        bool found = false;
        for (const auto& w : words) found = found || w.starts_with(term);
        if (!found) return false;
      }
      return true;
    };
  }
  return search;
}

}  // namespace connecthub::hub::inbox
