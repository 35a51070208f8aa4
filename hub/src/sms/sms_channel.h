#pragma once

#include "hub_context.h"

namespace connecthub::hub::sms {

// Plugs the SMS channel into the hub (SPEC §5): adds POST /sms/twilio and /sms/twilio/status to
// ctx.router, subscribes to ctx.bus to enqueue outbound SMS for caseworker/system messages on SMS
// threads, and starts the outbox worker and the reminder scheduler. Called once from `serve`,
// before the server starts; everything it starts stops when ctx.io stops. Implemented in
// sms_channel.cpp (the SMS engineer's).
void RegisterSmsChannel(HubContext& ctx);

}  // namespace connecthub::hub::sms
