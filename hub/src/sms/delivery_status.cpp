#include "sms/delivery_status.h"

namespace connecthub::hub::sms {

storage::OutboxState DeliveryStateOf(std::string_view twilio_status) {
  if (twilio_status == "delivered" || twilio_status == "read") {
    return storage::OutboxState::kDelivered;
  }
  if (twilio_status == "failed" || twilio_status == "undelivered" || twilio_status == "canceled") {
    return storage::OutboxState::kFailed;
  }
  return storage::OutboxState::kSent;
}

}  // namespace connecthub::hub::sms
