#pragma once

#include <string>
#include <string_view>

namespace connecthub::bot {

// Small text helpers for composing replies. Pure functions; thread-safe.

// Number of Unicode code points in UTF-8 `text` (what an SMS length limit counts).
size_t CodePoints(std::string_view text);

// `text` if it has at most `max_chars` code points; otherwise cut at the last line break or space
// that leaves room for "..." and ended with it (never in the middle of a UTF-8 sequence).
std::string FitText(std::string_view text, size_t max_chars);

// The digits of `text` ("case #2000-0001" -> "20000001").
std::string DigitsOf(std::string_view text);

// The last four characters of a case number (all of it when shorter).
std::string LastFour(std::string_view number);

// "SAN LUIS OBISPO" -> "San Luis Obispo" (ASCII letters; other bytes unchanged).
std::string TitleCaseAscii(std::string_view text);

// The catalog suffix for a data value: "INCOME WITHHOLDING ORDER" -> "income_withholding_order".
std::string LabelSuffix(std::string_view value);

}  // namespace connecthub::bot
