#include "intents/intent.h"

#include <array>
#include <cctype>

namespace connecthub::intents {
namespace {

constexpr std::array<std::string_view, kIntentCount> kNames = {
    "balance",      "next_appointment", "last_payment", "payment_history", "case_status",
    "make_payment", "reset_pin",        "contact",      "agent",           "help",
    "greeting",     "thanks",           "goodbye",      "set_language",    "documents",
    "update_info",  "enforcement",      "unknown",
};

}  // namespace

std::string_view IntentName(Intent intent) { return kNames[static_cast<size_t>(intent)]; }

std::optional<Intent> ParseIntent(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Intent>(i);
  }
  return std::nullopt;
}

std::string_view LangCode(Lang lang) { return lang == Lang::kEs ? "es" : "en"; }

std::optional<Lang> ParseLang(std::string_view code) {
  if (code.size() != 2) return std::nullopt;
  char a = static_cast<char>(std::tolower(static_cast<unsigned char>(code[0])));
  char b = static_cast<char>(std::tolower(static_cast<unsigned char>(code[1])));
  if (a == 'e' && b == 'n') return Lang::kEn;
  if (a == 'e' && b == 's') return Lang::kEs;
  return std::nullopt;
}

}  // namespace connecthub::intents
