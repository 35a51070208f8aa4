// Appointment reminders and payment notices, queued through the outbox by the worker.
#include <chrono>

#include "log.h"
#include "sms/segments.h"
#include "sms/sms_internal.h"
#include "sms/sms_service.h"
#include "storage/notice_keys.h"

namespace connecthub::hub::sms {

using storage::Status;
using namespace internal;

void SmsService::RunReminders(int64_t now_ms) {
  // The store fetches (appointments within 10 days, or moved/cancelled ones; the numbers that may
  // be texted about each, and what they already got); the bot decides what is due and says it.
  constexpr int64_t kHorizonMs = 10LL * 24 * 3600 * 1000;
  constexpr int kPage = 200;
  SplitOptions whole = options_.split;
  whole.max_message_segments = 1000;  // one message; the provider concatenates the segments
  auto now = std::chrono::sys_seconds(std::chrono::seconds(now_ms / 1000));
  storage::Store::ReminderCursor cursor;
  for (;;) {
    storage::Store::ReminderCursor next = cursor;
    auto page = ctx_.store.ReminderCandidates(now_ms, kHorizonMs, cursor, kPage, &next);
    if (!page.ok()) {
      Log(LogLevel::kWarn, "sms_reminders_failed",
          {{"code", static_cast<int>(page.status().code())}});
      return;
    }
    for (const auto& c : *page) {
      // Case details go to a number on file with consent, or to a number whose link is live; an
      // expired link gets a notice without them (never silence).
      bool details = c.consent;
      if (!details && c.linked) {
        auto linked = ctx_.store.LinkedParticipant(c.phone, now_ms, options_.link_ttl_ms);
        details = linked.ok() && linked->has_value() && **linked == c.participant_id;
      }
      auto due = ctx_.bot.Reminder(c.appointment, c.sent, details, c.lang, now);
      if (!due) continue;
      auto parts = SplitSms(due->text, whole);
      if (parts.empty()) continue;
      storage::OutboundRequest req;
      req.to = c.phone;
      req.body = parts.front();
      req.dedupe_key = storage::ReminderKey(c.appointment.appointment_id, due->kind, c.phone_key);
      if (!ctx_.store.EnqueueOutbound(req, now_ms).ok()) {
        Log(LogLevel::kError, "sms_enqueue_failed",
            {{"appointment_id", c.appointment.appointment_id}});
        continue;
      }
      Log(LogLevel::kInfo, "sms_reminder_queued",
          {{"appointment_id", c.appointment.appointment_id}, {"kind", due->kind}});
    }
    if (next.appointment_id == cursor.appointment_id && next.start_s == cursor.start_s) break;
    cursor = next;
  }
  Wake();
}

void SmsService::RunPaymentNotices(int64_t now_ms) {
  // The store fetches the payments of the last days with the numbers of their case's parents;
  // the bot decides (new, not a correction, recent enough) and says it. The dedupe key makes it
  // once per payment and number, across restarts and re-imports.
  constexpr int kLimit = 5000;
  auto now = std::chrono::sys_seconds(std::chrono::seconds(now_ms / 1000));
  // One day more than the policy's window: the bot counts days in the agency's zone, not UTC.
  auto since =
      std::chrono::floor<std::chrono::days>(now) - std::chrono::days(bot::kPaymentNoticeDays + 1);
  auto candidates = ctx_.store.PaymentCandidates(since, kLimit);
  if (!candidates.ok()) {
    Log(LogLevel::kWarn, "sms_payment_notices_failed",
        {{"code", static_cast<int>(candidates.status().code())}});
    return;
  }
  if (candidates->size() == static_cast<size_t>(kLimit)) {
    Log(LogLevel::kWarn, "sms_payment_notices_truncated", {{"limit", kLimit}});
  }
  SplitOptions whole = options_.split;
  whole.max_message_segments = 1000;
  bool queued = false;
  for (const auto& c : *candidates) {
    if (c.sent) continue;
    // Amounts go to a number on file with consent or to a live link, never to an expired one.
    bool details = c.consent;
    if (!details && c.linked) {
      auto linked = ctx_.store.LinkedParticipant(c.phone, now_ms, options_.link_ttl_ms);
      details = linked.ok() && linked->has_value() && **linked == c.participant_id;
    }
    if (!details) continue;
    auto text = ctx_.bot.PaymentNotice(c.payment, c.role, c.sent, c.lang, now);
    if (!text) continue;
    auto parts = SplitSms(*text, whole);
    if (parts.empty()) continue;
    storage::OutboundRequest req;
    req.to = c.phone;
    req.body = parts.front();
    req.dedupe_key = storage::PaymentKey(c.payment.payment_id, c.phone_key);
    if (!ctx_.store.EnqueueOutbound(req, now_ms).ok()) {
      Log(LogLevel::kError, "sms_enqueue_failed", {{"payment_id", c.payment.payment_id}});
      continue;
    }
    queued = true;
    Log(LogLevel::kInfo, "sms_payment_notice_queued", {{"payment_id", c.payment.payment_id}});
  }
  if (queued) Wake();
}

}  // namespace connecthub::hub::sms
