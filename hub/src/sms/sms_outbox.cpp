// The outbox: what is queued (caseworker and system messages, reply notices) and the worker that
// sends it.
#include <algorithm>
#include <chrono>

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
  // An opted-out number is checked by the worker, at send time (SendOne): it may opt out or back
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

std::string_view SmsService::MarkSent(const storage::OutboxItem& item, const std::string& sid,
                                      int64_t now_ms) {
  (void)ctx_.store.MarkOutboundSent(item.id, sid, now_ms);
  ctx_.metrics.Inc("connecthub_sms_messages_total", {{"direction", "out"}, {"path", "api"}});
  PublishDelivery(item.thread_id, item.message_seq);
  return "sent";
}

std::string_view SmsService::RetryLater(const storage::OutboxItem& item, int64_t now_ms,
                                        const std::string& error,
                                        std::optional<int64_t> retry_after_ms,
                                        std::optional<int64_t> unconfirmed_since_ms) {
  if (auto delay = backoff_.NextDelayMs(item.attempts, retry_after_ms)) {
    (void)ctx_.store.MarkOutboundRetry(item.id, now_ms + *delay, error, unconfirmed_since_ms);
    return "retry";
  }
  std::string why = "gave up after " + std::to_string(item.attempts) + " attempts: " + error;
  if (unconfirmed_since_ms) why += " (may have been sent once)";
  MarkFailed(item, why);
  return "gave_up";
}

std::string_view SmsService::MarkFailed(const storage::OutboxItem& item, const std::string& why) {
  (void)ctx_.store.MarkOutboundFailed(item.id, why);
  PublishDelivery(item.thread_id, item.message_seq);
  return "failed";
}

void SmsService::LogOutbound(const storage::OutboxItem& item, std::string_view outcome,
                             const std::string& error) {
  ctx_.metrics.Inc("connecthub_sms_outbound_total", {{"result", std::string(outcome)}});
  Log(LogLevel::kInfo, "sms_outbound",
      {{"outbox_id", item.id}, {"result", outcome}, {"attempt", item.attempts}, {"error", error}});
}

bool SmsService::Reconcile(const storage::OutboxItem& item) {
  auto known = [this](const std::string& sid) {
    auto k = ctx_.store.ProviderSidKnown(sid);
    return !k.ok() || *k;  // when unsure, never claim a message
  };
  LookupResult found = client_->FindSent(item.to, item.body, *item.unconfirmed_since_ms, known);
  int64_t now = ctx_.clock();
  std::string_view outcome;
  switch (found.outcome) {
    case LookupResult::Outcome::kNotFound:
      Log(LogLevel::kInfo, "sms_outbound_unconfirmed", {{"outbox_id", item.id}, {"found", false}});
      return false;  // the earlier attempt created nothing: send
    case LookupResult::Outcome::kFound:
      MarkSent(item, found.sid, now);
      outcome = "reconciled";
      break;
    case LookupResult::Outcome::kError:
      outcome = RetryLater(item, now, found.error, std::nullopt, item.unconfirmed_since_ms);
      break;
  }
  LogOutbound(item, outcome, found.error);
  return true;
}

void SmsService::SendOne(const storage::OutboxItem& item) {
  // Never text a number that said STOP: when the store cannot tell, wait and ask again.
  auto opted_out = ctx_.store.IsOptedOut(item.to);
  if (!opted_out.ok() || *opted_out) {
    std::string error = opted_out.ok() ? "opted out" : "opt-out check failed";
    LogOutbound(item,
                opted_out.ok() ? MarkFailed(item, error)
                               : RetryLater(item, ctx_.clock(), error, std::nullopt, std::nullopt),
                error);
    return;
  }
  if (item.unconfirmed_since_ms && Reconcile(item)) return;
  int64_t started = ctx_.clock();
  SendResult result = client_->Send(item.to, item.body);
  int64_t now = ctx_.clock();
  std::string_view outcome;
  switch (result.outcome) {
    case SendResult::Outcome::kSent:
      outcome = MarkSent(item, result.sid, now);
      break;
    case SendResult::Outcome::kFailed:
      outcome = MarkFailed(item, result.error);
      break;
    case SendResult::Outcome::kRetry:
      outcome =
          RetryLater(item, now, result.error, result.retry_after_ms,
                     result.may_have_reached ? std::optional<int64_t>(started) : std::nullopt);
      break;
  }
  LogOutbound(item, outcome, result.error);
}

void SmsService::DrainOutbox(int64_t now_ms) {
  if (!client_) return;  // items wait until the hub runs with a provider configured
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    // One at a time, so a stop or a crash leaves at most one item in "sending".
    auto items = ctx_.store.TakeDueOutbound(now_ms, 1);
    if (!items.ok() || items->empty()) break;
    for (const auto& item : *items) SendOne(item);
  }
  if (auto depth = ctx_.store.OutboxDepth(); depth.ok()) {
    ctx_.metrics.Set("connecthub_outbox_depth", {}, static_cast<double>(*depth));
  }
}

void SmsService::RunOnce(int64_t now_ms) {
  if (now_ms >= next_reminders_ms_) {
    RunReminders(now_ms);
    RunPaymentNotices(now_ms);
    next_reminders_ms_ = now_ms + options_.reminder_interval_ms;
    // Completed runs, observable: after one, every reminder and notice then due is queued.
    ctx_.metrics.Inc("connecthub_sms_scheduler_runs_total", {});
  }
  DrainOutbox(now_ms);
  // Completed passes: after one, every outbox item due when it began has been attempted.
  ctx_.metrics.Inc("connecthub_sms_worker_passes_total", {});
}

void SmsService::WorkerLoop() {
  if (auto s = ctx_.store.RecoverOutbound(ctx_.clock()); !s.ok()) {
    Log(LogLevel::kWarn, "outbox_recover_failed", {{"code", static_cast<int>(s.code())}});
  }
  for (;;) {
    try {
      RunOnce(ctx_.clock());
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "sms_worker_exception", {{"what", e.what()}});
    }
    std::unique_lock lock(mu_);
    if (stop_) return;
    int64_t wait_ms = options_.poll_interval_ms;
    int64_t until_reminders = next_reminders_ms_ - ctx_.clock();
    wait_ms = std::clamp<int64_t>(std::min(wait_ms, until_reminders), 1, wait_ms);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stop_ || wake_; });
    wake_ = false;
    if (stop_) return;
  }
}

void SmsService::Wake() {
  std::lock_guard lock(mu_);
  wake_ = true;
  cv_.notify_all();
}

void SmsService::Start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable() || stop_) return;
  worker_ = std::thread([this] { WorkerLoop(); });
}

void SmsService::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

}  // namespace connecthub::hub::sms
