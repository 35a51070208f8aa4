#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::sms {

// Decodes the code point at text[*i] and advances *i past it. Invalid UTF-8 yields U+FFFD and
// advances by one byte, so a loop over any input always terminates.
uint32_t NextCodePoint(std::string_view text, size_t* i);

// Appends `cp` to *out as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// The code points of `text` (invalid bytes as U+FFFD).
std::vector<uint32_t> DecodeUtf8(std::string_view text);

// UTF-8 for a sequence of code points.
std::string EncodeUtf8(const std::vector<uint32_t>& cps);

}  // namespace connecthub::hub::sms
