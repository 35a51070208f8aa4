#pragma once

#include "hub_context.h"

namespace connecthub::hub::sms {

// Plugs the SMS channel into the hub (SPEC §5): adds POST /sms/twilio and /sms/twilio/status to
// ctx.router, subscribes to ctx.bus to enqueue outbound SMS for caseworker/system messages on SMS
// threads, and starts the outbox worker and the reminder scheduler. Called once from `serve`,
// before the server starts; everything it starts stops when ctx.io stops. SmsService
// (sms_service.h) is split by job: sms_channel.cpp (options, wiring), sms_inbound.cpp (the
// webhooks), sms_flow.cpp (keywords and the bot turn), sms_link_flow.cpp (linking by ID and PIN),
// sms_outbox.cpp (queueing and the worker), sms_reminders.cpp (reminders, payment notices).
void RegisterSmsChannel(HubContext& ctx);

}  // namespace connecthub::hub::sms
