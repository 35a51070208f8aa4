#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "intents/classifier.h"
#include "intents/intent.h"

// Word lists: SMS spellings, high-precision keywords, safety words (data/*.txt, data/*.tsv,
// embedded at build time) and entity words.
// Every function takes normalised tokens (see normalize.h) and is thread-safe.
namespace connecthub::intents::internal {

// 64-bit FNV-1a of a word: the key of every word table here.
inline uint64_t WordHash(std::string_view word) {
  uint64_t h = 14695981039346656037ull;
  for (char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// A filter of word hashes (Bits bits, from the hash's top bits): most words of a message are in
// no list, and one bit test turns them away before the binary search.
template <size_t Bits>
class HashFilter {
 public:
  void Add(uint64_t hash) { bits_[Bit(hash) / 64] |= uint64_t{1} << (Bit(hash) % 64); }
  bool MayContain(uint64_t hash) const { return (bits_[Bit(hash) / 64] >> (Bit(hash) % 64)) & 1; }

 private:
  static_assert(Bits >= 64 && (Bits & (Bits - 1)) == 0, "a power of two");
  static size_t Bit(uint64_t hash) {
    return static_cast<size_t>(hash >> (64 - std::countr_zero(Bits)));
  }
  std::array<uint64_t, Bits / 64> bits_{};
};

// A normalised word with its WordHash(), hashed once when the message is split so that the many
// word-list lookups of one message do not hash it again.
struct Token {
  explicit Token(std::string_view word) : text(word), hash(WordHash(word)) {}
  std::string_view text;
  uint64_t hash;
};

using Tokens = std::span<const Token>;

// The canonical spelling of an SMS abbreviation or common typo ("pymt" -> "payment"), possibly
// several words; empty when `token` is not one.
std::string_view SmsReplacement(std::string_view token);

// Keywords that an edit-distance-1 typo of an unknown word (5 letters or more) is mapped to.
std::span<const std::string_view> FuzzyKeywords();

// True when the tokens mention threats, violence or self-harm.
bool HasSafetyWords(Tokens tokens);

// The language the text asks for ("en español", "english please", "no hablo ingles" -> es).
// *only_request is set when every word is part of the request (the message is nothing else).
std::optional<Lang> RequestedLanguage(Tokens tokens, bool* only_request);

// greeting / thanks / goodbye when the message is made only of such pleasantries.
std::optional<Intent> SocialIntent(Tokens tokens);

// True when the text asks for a person ("human", "representative", "hablar con alguien").
bool HasAgentKeyword(Tokens tokens);

// True when the text is nothing but a request for a person ("trabajador de caso", "i want a real
// person please"): agent phrases and their filler (data/agent-request-words.txt).
bool OnlyAgentRequest(Tokens tokens);

// The sensitive topic an out-of-scope message names (data/topic-*.txt), if any.
std::optional<Topic> SensitiveTopic(Tokens tokens);

// Case number, year and month mentioned by the tokens (language is filled in by the caller).
void ExtractEntities(Tokens tokens, Entities* entities);

}  // namespace connecthub::intents::internal
