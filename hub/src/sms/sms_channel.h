#pragma once

#include <memory>

#include "hub_context.h"
#include "sms/outbox_worker.h"

namespace connecthub::hub::sms {

// Plugs the SMS channel into the hub (SPEC §5): adds POST /sms/twilio and /sms/twilio/status to
// ctx.router, subscribes to ctx.bus to enqueue outbound SMS for caseworker/system messages on SMS
// threads, and makes the outbox worker (outbox_worker.h: it sends the outbox and runs the reminder
// scheduler on ctx.io, its blocking steps on ctx.blocking). Called once from `serve`, before the
// server starts; `serve` starts the returned worker after outbox recovery and stops it on
// shutdown, and holds the only strong reference to it. SmsService (sms_service.h) is split by
// job: sms_channel.cpp (options, wiring), sms_inbound.cpp (the webhooks), sms_flow.cpp (keywords
// and the bot turn), sms_link_flow.cpp (linking by ID and PIN), sms_outbox.cpp (queueing),
// sms_reminders.cpp (reminders, payment notices); outbox_worker.cpp sends.
std::shared_ptr<OutboxWorker> RegisterSmsChannel(HubContext& ctx);

}  // namespace connecthub::hub::sms
