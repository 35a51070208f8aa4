#pragma once

#include <string>

#include "storage/status.h"
#include "storage/supervision.h"

namespace connecthub::storage {

// What every backend checks of a canned reply (supervision.h), one rule each.

inline bool KnownCannedLang(const std::string& lang) { return lang == "en" || lang == "es"; }

// The label (1..kMaxLabelChars code points of valid UTF-8, not only white space) and the text
// (1..kMaxTextBytes bytes, not only white space).
inline Status CheckCannedContent(const std::string& label, const std::string& text) {
  auto blank = [](const std::string& s) {
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
  };
  // Code points of valid UTF-8: every byte that does not continue a sequence starts one.
  size_t chars = 0;
  for (char c : label) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (blank(label) || chars > CannedReply::kMaxLabelChars) {
    return {Code::kInvalid, "the label must have 1 to " +
                                std::to_string(CannedReply::kMaxLabelChars) + " characters"};
  }
  if (blank(text) || text.size() > CannedReply::kMaxTextBytes) {
    return {Code::kInvalid,
            "the text must have 1 to " + std::to_string(CannedReply::kMaxTextBytes) + " bytes"};
  }
  return Status::Ok();
}

inline Status TooManyCanned() {
  return Status(Code::kInvalid, "at most " + std::to_string(CannedReply::kMaxPerLanguage) +
                                    " canned replies per language");
}

}  // namespace connecthub::storage
