#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::sms {

enum class SmsEncoding { kGsm7, kUcs2 };

// How a text travels as SMS: GSM-7 when every character is in the GSM 03.38 basic set or its
// extension table (extension characters such as € { } [ ] ~ \ | ^ cost two septets); UCS-2
// otherwise (one unit per UTF-16 code unit, so an emoji costs two). Spanish á í ó ú are not
// GSM-7 (é ñ ü ¿ ¡ are), so one of them makes the whole text UCS-2.
struct SmsShape {
  SmsEncoding encoding = SmsEncoding::kGsm7;
  size_t characters = 0;  // Unicode code points
  size_t units = 0;       // septets (GSM-7) or UTF-16 code units (UCS-2)
  size_t segments = 0;    // 0 for empty text; 160/70 units fit one, 153/67 per concatenated part
};

// The encoding, size and segment count of `text` (UTF-8). Counts exactly: an escaped extension
// character or a surrogate pair never straddles two segments, as handsets and Twilio split them.
SmsShape MeasureSms(std::string_view text);

struct SplitOptions {
  size_t max_total_chars = 1600;     // the whole reply, in code points; longer is cut at a word
                                     // boundary and ends with "…". Default 1600 (Twilio's limit).
  size_t max_message_chars = 1600;   // one outgoing message's code points. Default 1600.
  size_t max_message_segments = 10;  // one outgoing message's segments. Default 10.
};

// Splits a reply into messages that each fit `max_message_chars` and `max_message_segments`,
// breaking between paragraphs, then sentences, then words (a word longer than a message is cut).
// Parts are trimmed; empty input gives no parts.
std::vector<std::string> SplitSms(std::string_view text, const SplitOptions& options = {});

}  // namespace connecthub::hub::sms
