#pragma once

#include <string_view>

#include "storage/outbox.h"

namespace connecthub::hub::sms {

// What a Twilio delivery status word means for the parent's message, as the inbox shows it:
// "delivered" and "read" are delivered; "failed", "undelivered" and "canceled" failed; every other
// word (queued, sending, sent, accepted, partially_delivered, ...) is sent. The store keeps
// delivered and failed final, so a late "sent" callback never undoes them.
storage::OutboxState DeliveryStateOf(std::string_view twilio_status);

}  // namespace connecthub::hub::sms
