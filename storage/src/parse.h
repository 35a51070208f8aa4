#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace connecthub::storage {

// Parsers for extract values. Each returns nullopt for anything malformed, never throws.

// "-?\d+(\.\d{1,2})?" to integer cents (at most 13 integer digits).
std::optional<int64_t> ParseMoneyCents(std::string_view s);
// "YYYY-MM-DD", a real calendar date, to days since 1970-01-01.
std::optional<int64_t> ParseDateDays(std::string_view s);
// "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)" to UTC seconds since the epoch.
std::optional<int64_t> ParseInstantSeconds(std::string_view s);

}  // namespace connecthub::storage
