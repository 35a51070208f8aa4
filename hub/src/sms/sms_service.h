#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hub_context.h"
#include "sms/backoff.h"
#include "sms/form_body.h"
#include "sms/link_message.h"
#include "sms/outbox_worker.h"
#include "sms/segments.h"
#include "sms/twilio_client.h"

namespace connecthub::hub::sms {

// Limits and timings of the SMS channel, with documented defaults. The timings come from the
// `serve` options (SmsOptionsFrom) so tests can shorten them.
struct SmsOptions {
  int64_t link_ttl_ms = 90LL * 24 * 3600 * 1000;  // a link unused this long expires. Default 90 d.
  int64_t reminder_interval_ms = 60'000;  // how often due reminders are looked up. Default 60 s.
  int64_t poll_interval_ms = 1000;        // outbox poll when idle (new items wake it). Default 1 s.
  BackoffOptions backoff;                 // outbound retries (see BackoffOptions defaults)
  std::chrono::milliseconds send_timeout{15000};  // one REST request. Default 15 s.
  size_t max_webhook_body = 16 * 1024;            // SPEC §3. Default 16 KiB.
  SplitOptions split;                             // reply splitting (see SplitOptions defaults)
  LinkMessageOptions link;                        // Participant ID / PIN shapes
};

// The SMS options from `serve`'s (--reminder-interval-seconds, --sms-*; each also
// CONNECTHUB_<NAME> in the environment or the config file).
SmsOptions SmsOptionsFrom(const ServeOptions& serve);
// The provider client's options from `serve`'s (--sms-api-base, --twilio-*; the REST timeout
// --sms-send-timeout-ms). No status callback: the sender adds its own.
TwilioClientOptions ClientOptionsFrom(const ServeOptions& serve);

// The SMS channel (SPEC §5): the inbound webhook and status callback handlers, the outbound
// subscriber that queues caseworker and system messages, and the reminder and payment-notice
// scheduler; the outbox worker (outbox_worker.h) sends what is queued and runs the scheduler.
// Handlers run on the hub's blocking pool and may run concurrently: messages from one number are
// handled one at a time. Thread-safe.
class SmsService : public std::enable_shared_from_this<SmsService> {
 public:
  SmsService(HubContext& ctx, SmsOptions options);
  SmsService(const SmsService&) = delete;
  SmsService& operator=(const SmsService&) = delete;

  // POST /sms/twilio: 400 malformed, 403 bad signature (nothing stored), 500 store failure (the
  // provider retries; the MessageSid keeps it idempotent), else 200 TwiML.
  http::HttpResponse HandleInbound(const http::HttpRequest& request);
  // POST /sms/twilio/status: 400 malformed, 403 bad signature, 500 store failure, else 204.
  http::HttpResponse HandleStatus(const http::HttpRequest& request);
  // Event bus subscriber: enqueues caseworker and system messages of SMS threads.
  void OnEvent(const events::HubEvent& event);

  // The worker's `schedule`: queues the reminders and payment notices due at `now_ms`.
  void RunSchedule(int64_t now_ms);
  // The worker that new items wake (weakly held: the hub owns it). Set once, before the hub runs.
  void AttachWorker(std::weak_ptr<OutboxWorker> worker);
  // Tells the outbox's delivery state of a thread message to the inbox (queued -> sent ->
  // delivered / failed).
  void PublishDelivery(int64_t thread_id, int64_t seq);

  size_t max_webhook_body() const { return options_.max_webhook_body; }
  const SmsOptions& options() const { return options_; }

 private:
  struct Reply {
    std::vector<std::string> texts;
    std::string twiml;  // set when already recorded with the turn (the bot's path)
    size_t parts = 0;   // the number of SMS messages in `twiml`
  };
  // The TwiML answering with `texts`, each split into SMS-sized messages (counted in `parts`).
  std::string TwimlFor(const std::vector<std::string>& texts, size_t* parts) const;
  bool Verified(const http::HttpRequest& request, const FormFields& form) const;
  storage::Result<Reply> Process(const std::string& from, const std::string& body,
                                 const std::string& sid, int64_t now_ms,
                                 const std::vector<storage::MediaItem>& media = {});
  storage::Result<Reply> HandleLink(const storage::ThreadRecord& thread, const LinkAttempt& link,
                                    const std::string& sid, int64_t now_ms);
  storage::Status StoreParent(const storage::ThreadRecord& thread, const std::string& text,
                              const std::string& sid, int64_t now_ms,
                              const std::vector<storage::MediaItem>& media = {});
  storage::Status PostSystem(int64_t thread_id, const std::string& text, int64_t now_ms);
  void PublishThread(int64_t thread_id);
  void EnqueueMessage(const storage::ThreadRecord& thread, const storage::MessageRecord& message);
  void RunReminders(int64_t now_ms);
  // Payment notices (issue 23): one SMS per new payment and number, through the outbox.
  void RunPaymentNotices(int64_t now_ms);
  void Wake();
  std::mutex& PhoneMutex(const std::string& phone);

  HubContext& ctx_;
  SmsOptions options_;
  std::optional<ApiEndpoint> api_;  // the provider's API (MMS media URLs are checked on it)
  std::array<std::mutex, 64> phone_mutexes_;
  std::weak_ptr<OutboxWorker> worker_;
};

}  // namespace connecthub::hub::sms
