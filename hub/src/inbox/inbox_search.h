#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace connecthub::hub::inbox {

inline constexpr size_t kMinSearchChars = 2;    // characters of a search, spaces trimmed
inline constexpr size_t kMaxSearchBytes = 100;  // bytes of a search

// The keys of a caseworker's search `q` (GET /api/inbox/search): the trimmed text as a participant
// id or case number (exact), as a phone number when it has a digit (the store normalizes it like
// inbound numbers: E.164, US by default), and as a name when it has a letter (every word of it
// begins a word of the participant's first or last name; case and accents ignored). Scope and
// limit are left to the caller. nullopt and *error for an empty, too short or too long query.
std::optional<storage::ThreadSearch> ParseSearch(std::string_view q, std::string* error);

}  // namespace connecthub::hub::inbox
