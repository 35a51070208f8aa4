#include "sms/reply_notice.h"

#include "log.h"

namespace connecthub::hub::sms {

int NoticeReplyWhileAway(HubContext& ctx, const events::HubEvent& event, int64_t link_ttl_ms) {
  const storage::ThreadRecord& thread = event.thread;
  if (event.kind != events::HubEvent::Kind::kMessage ||
      event.message.sender != storage::Sender::kCaseworker ||
      thread.channel != storage::Channel::kWeb || thread.participant_id.empty()) {
    return 0;
  }
  if (ctx.registry.HasChat(thread.id)) return 0;  // delivered live
  auto first = ctx.store.MarkReplyUnseen(thread.id, event.message.seq);
  if (!first.ok()) {
    Log(LogLevel::kWarn, "reply_unseen_failed", {{"thread_id", thread.id}});
    return 0;
  }
  if (!*first) return 0;  // this absence already has its notice
  auto numbers = ctx.store.TextableNumbers(thread.participant_id);
  if (!numbers.ok()) {
    Log(LogLevel::kWarn, "reply_notice_failed", {{"thread_id", thread.id}});
    return 0;
  }
  int64_t now = ctx.clock();
  int queued = 0;
  for (const auto& n : *numbers) {
    bool live_link = n.linked && now - n.link_last_used_ms <= link_ttl_ms;
    if (!n.consent && !live_link) continue;
    storage::OutboundRequest notice;
    notice.to = n.phone;
    notice.body = ctx.catalog.Format(thread.lang, "sms.reply_waiting");
    notice.dedupe_key = "away:" + std::to_string(thread.id) + ":" +
                        std::to_string(event.message.seq) + ":" + n.phone_key;
    if (!ctx.store.EnqueueOutbound(notice, now).ok()) {
      Log(LogLevel::kError, "sms_enqueue_failed", {{"thread_id", thread.id}});
      continue;
    }
    ++queued;
  }
  Log(LogLevel::kInfo, "reply_notice", {{"thread_id", thread.id}, {"queued", queued}});
  return queued;
}

}  // namespace connecthub::hub::sms
