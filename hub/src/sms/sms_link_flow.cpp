// Linking a number to a participant by Participant ID and PIN (the shared parent authentication).
#include "log.h"
#include "sms/link_message.h"
#include "sms/sms_internal.h"
#include "sms/sms_service.h"

namespace connecthub::hub::sms {

using storage::Status;
using namespace internal;

storage::Result<SmsService::Reply> SmsService::HandleLink(const storage::ThreadRecord& thread,
                                                          const LinkAttempt& link,
                                                          const std::string& sid, int64_t now_ms) {
  Reply reply;
  // The PIN is never stored: only the redacted text is.
  if (Status s = StoreParent(thread, link.redacted, sid, now_ms); !s.ok()) return s;
  std::string lang = thread.lang;
  std::string text;

  auto locked_text = [&](int64_t until_ms) {
    int64_t minutes = std::max<int64_t>(1, (until_ms - now_ms + 59'999) / 60'000);
    return ctx_.catalog.Format(lang, "sms.locked", {{"minutes", minutes}});
  };

  // Counted per participant and per phone (its thread), reserved before the PIN is checked.
  auto verified =
      ctx_.parent_auth.Verify(link.participant_id, link.pin,
                              {.counter_key = auth::ParentAuth::SmsThreadKey(thread.id)}, now_ms);
  using Outcome = auth::ParentAuthResult::Outcome;
  if (verified.outcome == Outcome::kError) return verified.status;
  if (verified.outcome == Outcome::kLockedOut) {
    ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "sms"}, {"result", "locked_out"}});
    Log(LogLevel::kInfo, "sms_link_locked", {{"thread_id", thread.id}});
    text = verified.retry_at_ms == auth::kHardLocked ? ctx_.catalog.Format(lang, "sms.locked_hard")
                                                     : locked_text(verified.retry_at_ms);
  } else if (verified.outcome == Outcome::kOk) {
    auto already = ctx_.store.LinkedPhones(link.participant_id);
    if (Status s = ctx_.store.LinkPhone(thread.phone, link.participant_id, now_ms); !s.ok()) {
      return s;
    }
    std::string first_name;
    auto facts = ctx_.store.LoadFacts(link.participant_id, now_ms);
    if (facts.ok()) {
      first_name = facts->first_name;
      if (facts->language == "es" || facts->language == "en") lang = facts->language;
    }
    storage::ThreadUpdate update;
    update.lang = lang;
    (void)ctx_.store.UpdateThread(thread.id, update, now_ms);
    ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "sms"}, {"result", "ok"}});
    Log(LogLevel::kInfo, "sms_linked", {{"thread_id", thread.id}});
    // The parent hears of a new phone on the phones already linked (a stranger who guessed the
    // PIN is noticed).
    std::string last4 =
        thread.phone.size() >= 4 ? thread.phone.substr(thread.phone.size() - 4) : "";
    int n = 0;
    for (const std::string& other : already.ok() ? *already : std::vector<std::string>{}) {
      if (other == thread.phone) continue;
      storage::OutboundRequest notice;
      notice.to = other;
      notice.body = ctx_.catalog.Format(lang, "sms.new_phone_linked", {{"last4", last4}});
      notice.dedupe_key = "new-link:" + sid + ":" + std::to_string(n++);
      if (!ctx_.store.EnqueueOutbound(notice, now_ms).ok()) {
        Log(LogLevel::kError, "sms_enqueue_failed", {{"thread_id", thread.id}});
      }
    }
    text = ctx_.catalog.Format(lang, "sms.linked", {{"first_name", first_name}});
  } else {
    ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "sms"}, {"result", "bad_pin"}});
    Log(LogLevel::kInfo, "sms_link_failed", {{"thread_id", thread.id}});
    text = ctx_.catalog.Format(lang, "sms.link_failed");
  }
  if (Status s = PostSystem(thread.id, text, now_ms); !s.ok()) return s;
  PublishThread(thread.id);
  reply.texts.push_back(text);
  return reply;
}

}  // namespace connecthub::hub::sms
