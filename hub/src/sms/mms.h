#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sms/form_body.h"
#include "sms/twilio_client.h"
#include "storage/store.h"

namespace connecthub::hub::sms {

// Pictures and files parents send by MMS (issue 17 item 8b).

// Twilio's own limit on one message's media, and what the hub fetches of one file.
inline constexpr size_t kMaxMediaBytes = 5 * 1024 * 1024;

// The media of an inbound webhook: `NumMedia` (0 to 10), then `MediaUrl{i}` and
// `MediaContentType{i}` for each. A URL that is not one of the account's media URLs on the API
// (IsAccountMediaUrl) is not kept, and counted in `*refused`; so is a missing one. A NumMedia
// that is not a number from 0 to 10 counts as 0 items, with `*refused` = 1.
std::vector<storage::MediaItem> InboundMedia(const FormFields& form, const ApiEndpoint& api,
                                             std::string_view account_sid, int* refused);

// What a file is by its first bytes, among the types a caseworker's browser can be given: JPEG,
// PNG, GIF, WebP and PDF ("image/jpeg", ..., "application/pdf"); empty for anything else,
// whatever the provider called it.
std::string_view SniffMediaType(std::string_view bytes);

}  // namespace connecthub::hub::sms
