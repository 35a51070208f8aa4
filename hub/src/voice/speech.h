#pragma once

#include <string>
#include <string_view>

#include "locales/catalog.h"

namespace connecthub::hub::voice {

// A bot answer rewritten for the ear (text-to-speech on a phone call), in `lang`: each line
// becomes a sentence, and amounts ("$1,234.50") are spoken naturally from the catalog's
// `voice.money` ("1234 dollars and 50 cents", "1234 dólares con 50 centavos"). Case numbers come
// from the bot already read digit by digit (bot::Channel::kVoice). Pure.
std::string ForTheEar(std::string_view text, std::string_view lang,
                      const locales::Catalog& catalog);

// What a caller said or pressed at a yes-or-no step, a menu or anywhere.
enum class Word {
  kNone,      // nothing the call flow itself handles (at the menu: ask the bot)
  kYes,       // "yes", "sí", "correct", key 1 at a yes-or-no step
  kNo,        // "no", key 2 at a yes-or-no step
  kAgent,     // "agent", "a person", "representante", key 0
  kSpanish,   // "español", "Spanish", key 9 at the greeting
  kMore,      // "more", "más" (after the last payment)
  kPayments,  // "payments", "pagos" (the guide's main-menu word)
  kMenu,      // "menu", "menú", key *
  kDone,      // "no thanks", "that's all", "nada más", "goodbye"
};

// Reads recognised speech (any language of the two; case and accents folded, punctuation
// ignored) for the call flow's own words. Only a whole short answer counts ("yes please", "no");
// a sentence that merely contains "no" is kNone.
Word ReadSpeech(std::string_view speech);

// True when `speech` is one of those short answers in Spanish only ("sí", "claro", "agente"):
// the caller answered the English greeting in Spanish.
bool SaidInSpanish(std::string_view speech);

}  // namespace connecthub::hub::voice
