#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connecthub::hub::sms {

struct LinkMessageOptions {
  size_t participant_id_digits = 9;  // length of a Participant ID. Default 9 (e.g. 100000001).
  size_t min_pin_digits = 4;         // shortest PIN accepted. Default 4.
  size_t max_pin_digits = 12;        // longest PIN accepted (as import). Default 12.
};

// A text that asks to link the sending number to a participant.
struct LinkAttempt {
  std::string participant_id;
  std::string pin;
  std::string redacted;  // the text as sent, with the PIN's digits replaced by "••••••"
};

// Recognizes `<Participant ID> <PIN>` with any reasonable spacing or punctuation and optional
// labels, in English or Spanish: "100000001 482913", "100000001-482913", "ID 100000001 PIN
// 482913", "id: 100 000 001, pin: 482913", "Participante 100000001 NIP 482913". Returns nullopt
// for anything else (other words, one number, wrong lengths), so an ordinary question is never
// taken for a PIN.
std::optional<LinkAttempt> ParseLinkMessage(std::string_view text,
                                            const LinkMessageOptions& options = {});

// `text` with the PIN removed: the link message's PIN, or else any number of PIN length right
// after a PIN label (PIN, NIP, clave, código, code, password) or a Participant ID with at most 3
// words between (money like "$1000" or "10.00" is kept). What every parent text is stored as.
std::string RedactPin(std::string_view text, const LinkMessageOptions& options = {});

}  // namespace connecthub::hub::sms
