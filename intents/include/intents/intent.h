#pragma once

#include <optional>
#include <string_view>

namespace connecthub::intents {

// The bot's intent set (SPEC §8). The names are the wire/eval names ("balance",
// "next_appointment").
enum class Intent {
  kBalance,
  kNextAppointment,
  kLastPayment,
  kPaymentHistory,
  kCaseStatus,
  kMakePayment,
  kResetPin,
  kContact,
  kAgent,
  kHelp,
  kGreeting,
  kThanks,
  kGoodbye,
  kSetLanguage,
  kDocuments,
  kUpdateInfo,
  kEnforcement,  // license suspension, tax refund intercept, garnishment, jail (a SPEC §8 addition)
  kUnknown,      // also every out-of-scope question (custody, immigration, other agencies, ...)
};

inline constexpr int kIntentCount = static_cast<int>(Intent::kUnknown) + 1;

// "balance", "next_appointment", ... ("unknown" for kUnknown).
std::string_view IntentName(Intent intent);

// Inverse of IntentName(); nullopt for a name that is not an intent.
std::optional<Intent> ParseIntent(std::string_view name);

// A conversation language. The hub stores it as its code ("en" / "es").
enum class Lang { kEn, kEs };

std::string_view LangCode(Lang lang);  // "en" / "es"
std::optional<Lang> ParseLang(
    std::string_view code);  // "en", "es" (case-insensitive); else nullopt

}  // namespace connecthub::intents
