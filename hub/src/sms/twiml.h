#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::sms {

// Escapes text for XML element content and attribute values (& < > " '), dropping characters
// XML 1.0 does not allow (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) and replacing
// invalid UTF-8 with U+FFFD, so the result is always well-formed.
std::string XmlEscape(std::string_view text);

// A TwiML messaging response: `<?xml version="1.0" encoding="UTF-8"?><Response>` with one
// `<Message>` per entry of `messages` (empty entries skipped), or `<Response/>` when none.
std::string BuildTwiml(const std::vector<std::string>& messages);

}  // namespace connecthub::hub::sms
