#pragma once

#include <cstdint>

#include "events/event_bus.h"
#include "hub_context.h"

namespace connecthub::hub::sms {

// A caseworker's reply to a web chat whose parent has no chat socket open on this hub (they left
// before the answer came). The first such reply of an absence is marked unseen, so the parent's
// next login shows it first, marked new (chat/chat_session.cpp); and a short notice, without the
// reply's content, is queued to each number the parent may be texted at: linked to them by a link
// still live, or on file with their "sms_reminders" consent (opted-out numbers are skipped here
// and again at send time). Later replies of the same absence queue nothing. Returns the number of
// notices queued. Called from the event delivery of the reply (a Store call: not on an I/O thread).
int NoticeReplyWhileAway(HubContext& ctx, const events::HubEvent& event, int64_t link_ttl_ms);

}  // namespace connecthub::hub::sms
