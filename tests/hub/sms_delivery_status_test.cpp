#include <catch2/catch.hpp>

#include "sms/delivery_status.h"

using connecthub::hub::sms::DeliveryStateOf;
using connecthub::storage::OutboxState;

TEST_CASE("Twilio's delivery words become the inbox's sent, delivered or failed", "[hub][sms]") {
  CHECK(DeliveryStateOf("delivered") == OutboxState::kDelivered);
  CHECK(DeliveryStateOf("read") == OutboxState::kDelivered);      // WhatsApp-style read receipts
  CHECK(DeliveryStateOf("undelivered") == OutboxState::kFailed);  // the parent did not get it
  CHECK(DeliveryStateOf("failed") == OutboxState::kFailed);
  CHECK(DeliveryStateOf("canceled") == OutboxState::kFailed);
  for (const char* word : {"accepted", "scheduled", "queued", "sending", "sent",
                           "partially_delivered", "a-word-twilio-adds-later"}) {
    CHECK(DeliveryStateOf(word) == OutboxState::kSent);
  }
}
