// The outbox: what is queued (caseworker and system messages, reply notices) for the worker that
// sends it (outbox_worker.h).
#include "log.h"
#include "sms/reply_notice.h"
#include "sms/segments.h"
#include "sms/sms_internal.h"
#include "sms/sms_service.h"

namespace connecthub::hub::sms {

using storage::Status;
using namespace internal;

void SmsService::OnEvent(const events::HubEvent& event) {
  if (event.kind != events::HubEvent::Kind::kMessage) return;
  if (event.thread.channel == storage::Channel::kVoice) {
    // A caseworker's reply on a phone-line thread is texted to the number that called (the
    // callback queue's "call back or text them"); the line's own system notes are not.
    if (event.message.sender == storage::Sender::kCaseworker)
      EnqueueMessage(event.thread, event.message);
    return;
  }
  if (event.thread.channel == storage::Channel::kWeb) {
    if (NoticeReplyWhileAway(ctx_, event, options_.link_ttl_ms) > 0) Wake();
    return;
  }
  if (event.thread.channel != storage::Channel::kSms) return;
  if (event.message.sender != storage::Sender::kCaseworker &&
      event.message.sender != storage::Sender::kSystem) {
    return;
  }
  if (t_inbound_thread == event.thread.id) return;  // answered in the webhook's TwiML
  EnqueueMessage(event.thread, event.message);
}

void SmsService::EnqueueMessage(const storage::ThreadRecord& thread,
                                const storage::MessageRecord& message) {
  std::string phone = thread.phone;
  if (phone.empty()) {
    auto t = ctx_.store.GetThread(thread.id);
    if (t.ok()) phone = t->phone;
  }
  if (phone.empty()) return;
  // An opted-out number is checked by the worker, at send time: it may opt out or back
  // in before then, and the worker can tell the inbox live (this runs inside an event delivery,
  // which must not publish another).
  int64_t now = ctx_.clock();
  auto parts = SplitSms(message.body, options_.split);
  for (size_t k = 0; k < parts.size(); ++k) {
    storage::OutboundRequest req;
    req.to = phone;
    req.body = parts[k];
    req.thread_id = thread.id;
    req.message_seq = message.seq;
    req.dedupe_key = "msg:" + std::to_string(thread.id) + ":" + std::to_string(message.seq);
    if (k > 0) req.dedupe_key += ":" + std::to_string(k + 1);
    auto id = ctx_.store.EnqueueOutbound(req, now);
    if (!id.ok()) {
      Log(LogLevel::kError, "sms_enqueue_failed", {{"thread_id", thread.id}, {"seq", message.seq}});
    }
  }
  Wake();
}

void SmsService::RunSchedule(int64_t now_ms) {
  RunReminders(now_ms);
  RunPaymentNotices(now_ms);
}

void SmsService::AttachWorker(std::weak_ptr<OutboxWorker> worker) { worker_ = std::move(worker); }

void SmsService::Wake() {
  if (auto worker = worker_.lock()) worker->Wake();
}

}  // namespace connecthub::hub::sms
