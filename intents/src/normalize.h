#pragma once

#include <string>
#include <string_view>

namespace connecthub::intents::internal {

// Inputs longer than this many bytes are cut (at a character boundary) before normalisation, so a
// pasted novel or 10 KB of emoji costs no more than a long message.
inline constexpr size_t kMaxInputBytes = 4096;

// Appends the normalised form of `text` to *out: words of lower-case letters and digits without
// accents, separated by single spaces, SMS spellings replaced by their canonical words. Apostrophes
// inside words are dropped ("what's" -> "whats"); every other non-alphanumeric character separates
// words. Invalid UTF-8 becomes a separator. Thread-safe.
void NormalizeInto(std::string_view text, std::string* out);

// Same as NormalizeInto() without the SMS spelling map (only folding and segmentation).
void FoldInto(std::string_view text, std::string* out);

}  // namespace connecthub::intents::internal
