#include "sms/sms_channel.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <functional>

#include "log.h"
#include "sms/keywords.h"
#include "sms/mms.h"
#include "sms/reply_notice.h"
#include "sms/sms_service.h"
#include "sms/twilio_signature.h"
#include "sms/twilio_webhook.h"
#include "sms/twiml.h"

namespace connecthub::hub::sms {
namespace {

using storage::Status;

// The thread whose inbound webhook is being handled on this OS thread. The event bus calls
// subscribers synchronously, so replies produced while answering a webhook (sent back as TwiML)
// are told apart from caseworker and system messages that must go through the outbox.
thread_local int64_t t_inbound_thread = 0;

class InboundScope {
 public:
  explicit InboundScope(int64_t thread_id) : saved_(t_inbound_thread) {
    t_inbound_thread = thread_id;
  }
  ~InboundScope() { t_inbound_thread = saved_; }
  InboundScope(const InboundScope&) = delete;
  InboundScope& operator=(const InboundScope&) = delete;

 private:
  int64_t saved_;
};

bool IsStatusWord(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string FirstOf(const FormFields& form, std::string_view a, std::string_view b) {
  std::string v = form.Get(a);
  return v.empty() ? form.Get(b) : v;
}

}  // namespace

SmsOptions SmsOptionsFrom(const ServeOptions& serve) {
  SmsOptions o;
  o.reminder_interval_ms = serve.reminder_interval_ms;
  o.poll_interval_ms = serve.sms_poll_ms;
  o.backoff.base_ms = serve.sms_retry_base_ms;
  o.backoff.max_ms = serve.sms_retry_max_ms;
  o.backoff.min_ms = std::min(o.backoff.min_ms, o.backoff.base_ms);
  o.backoff.max_attempts = serve.sms_max_attempts;
  o.send_timeout = std::chrono::milliseconds(serve.sms_send_timeout_ms);
  o.link_ttl_ms = serve.sms_link_ttl_ms;
  return o;
}

TwilioClientOptions ClientOptionsFrom(const ServeOptions& serve) {
  TwilioClientOptions co;
  co.api_base = serve.sms_api_base;
  co.account_sid = serve.twilio_account_sid;
  co.auth_token = serve.twilio_auth_token;
  co.from = serve.twilio_from;
  co.messaging_service_sid = serve.twilio_messaging_service_sid;
  co.timeout = std::chrono::milliseconds(serve.sms_send_timeout_ms);
  return co;
}

SmsService::SmsService(HubContext& ctx, SmsOptions options)
    : ctx_(ctx),
      options_(std::move(options)),
      backoff_(options_.backoff,
               [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }),
      random_(std::random_device{}()) {
  const ServeOptions& so = ctx_.options;
  if (auto api = ParseApiBase(so.sms_api_base); api && !so.twilio_account_sid.empty()) api_ = *api;
  if (!so.twilio_account_sid.empty() || !so.twilio_auth_token.empty()) {
    TwilioClientOptions co = ClientOptionsFrom(so);
    if (!so.public_url.empty()) co.status_callback = SignedUrl(so.public_url, "/sms/twilio/status");
    co.timeout = options_.send_timeout;
    auto client = TwilioClient::Create(co);
    if (client.ok()) {
      client_ = std::move(client).value();
    } else {
      client_error_ = client.error();
    }
  } else {
    client_error_ = "no Twilio account configured";
  }
  if (!client_) {
    Log(LogLevel::kWarn, "sms_outbound_disabled", {{"reason", client_error_}});
  }
  if (so.public_url.empty() || so.twilio_auth_token.empty()) {
    Log(LogLevel::kWarn, "sms_inbound_disabled",
        {{"reason", "--public-url and --twilio-auth-token are needed to verify webhooks"}});
  }
}

SmsService::~SmsService() { Stop(); }

std::mutex& SmsService::PhoneMutex(const std::string& phone) {
  return phone_mutexes_[std::hash<std::string>{}(phone) % phone_mutexes_.size()];
}

bool SmsService::Verified(const http::HttpRequest& request, const FormFields& form) const {
  return WebhookVerified(ctx_.options, request, form);
}

http::HttpResponse SmsService::HandleInbound(const http::HttpRequest& request) {
  auto form = ParseForm(request.body);
  if (!form) {
    ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "malformed"}});
    return http::ErrorResponse(400, "malformed form body");
  }
  if (!Verified(request, *form)) {
    ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "forbidden"}});
    Log(LogLevel::kWarn, "sms_signature_rejected", {{"remote", request.remote_address}});
    return http::ErrorResponse(403, "invalid signature");
  }
  const ServeOptions& so = ctx_.options;
  std::string account = form->Get("AccountSid");
  if (!so.twilio_account_sid.empty() && !account.empty() && account != so.twilio_account_sid) {
    ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "forbidden"}});
    return http::ErrorResponse(403, "unknown account");
  }
  std::string sid = FirstOf(*form, "MessageSid", "SmsSid");
  std::string from = form->Get("From");
  std::string body = form->Get("Body");
  if (!IsTwilioSid(sid) || !IsE164(from)) {
    ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "malformed"}});
    return http::ErrorResponse(400, "missing or malformed MessageSid or From");
  }

  std::vector<storage::MediaItem> media;
  if (form->Has("NumMedia") && api_) {
    int refused = 0;
    media = InboundMedia(*form, *api_, so.twilio_account_sid, &refused);
    if (refused > 0) {
      Log(LogLevel::kWarn, "sms_media_refused", {{"items", refused}});
      ctx_.metrics.Inc("connecthub_sms_media_refused_total", {}, refused);
    }
  }

  std::lock_guard lock(PhoneMutex(from));
  auto prior = ctx_.store.InboundReply(sid, ctx_.clock());
  if (!prior.ok()) {
    Log(LogLevel::kError, "sms_store_failed", {{"step", "inbound_reply"}});
    return http::ErrorResponse(500, "storage unavailable");
  }
  if (prior->has_value()) {
    ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "duplicate"}});
    return TwimlResponse(**prior);
  }
  int64_t now = ctx_.clock();
  auto reply = Process(from, body, sid, now, media);
  if (!reply.ok()) {
    Log(LogLevel::kError, "sms_store_failed",
        {{"step", "process"}, {"code", static_cast<int>(reply.status().code())}});
    return http::ErrorResponse(500, "storage unavailable");
  }
  size_t parts = reply->parts;
  std::string twiml = std::move(reply->twiml);
  if (twiml.empty()) {
    twiml = TwimlFor(reply->texts, &parts);
    if (auto s = ctx_.store.RecordInboundReply(sid, twiml, now); !s.ok()) {
      Log(LogLevel::kWarn, "sms_store_failed", {{"step", "record_reply"}});
    }
  }
  ctx_.metrics.Inc("connecthub_sms_webhooks_total", {{"result", "ok"}});
  ctx_.metrics.Inc("connecthub_sms_messages_total", {{"direction", "out"}, {"path", "twiml"}},
                   static_cast<double>(parts));
  return TwimlResponse(std::move(twiml));
}

std::string SmsService::TwimlFor(const std::vector<std::string>& texts, size_t* parts) const {
  std::vector<std::string> messages;
  for (const auto& text : texts) {
    for (auto& part : SplitSms(text, options_.split)) messages.push_back(std::move(part));
  }
  *parts = messages.size();
  return BuildTwiml(messages);
}

Status SmsService::StoreParent(const storage::ThreadRecord& thread, const std::string& text,
                               const std::string& sid, int64_t now_ms,
                               const std::vector<storage::MediaItem>& media) {
  storage::AppendRequest req;
  req.media = media;
  req.thread_id = thread.id;
  req.sender = storage::Sender::kParticipant;
  req.client_id = sid;
  req.body = text;
  req.at_ms = now_ms;
  auto appended = ctx_.store.Append(req);
  if (!appended.ok()) return appended.status();
  if (appended->duplicate) return Status::Ok();
  ctx_.metrics.Inc("connecthub_messages_total", {{"channel", "sms"}, {"sender", "participant"}});
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kMessage;
  event.thread = thread;
  event.thread.last_seq = std::max(thread.last_seq, appended->seq);
  event.thread.last_message_ms = std::max(thread.last_message_ms, appended->at_ms);
  event.message.thread_id = thread.id;
  event.message.seq = appended->seq;
  event.message.sender = storage::Sender::kParticipant;
  event.message.client_id = sid;
  event.message.body = text;
  event.message.media = media;
  event.message.at_ms = appended->at_ms;
  ctx_.bus.Publish(event);
  return Status::Ok();
}

Status SmsService::PostSystem(int64_t thread_id, const std::string& text, int64_t now_ms) {
  auto posted = ctx_.conversations.PostSystemMessage(thread_id, text, now_ms);
  return posted.ok() ? Status::Ok() : posted.status();
}

void SmsService::PublishDelivery(int64_t thread_id, int64_t seq) {
  if (thread_id == 0 || seq == 0) return;
  auto thread = ctx_.store.GetThread(thread_id);
  auto messages = ctx_.store.Messages(thread_id, seq - 1, 1, false);
  if (!thread.ok() || !messages.ok() || messages->empty() || messages->front().seq != seq) return;
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kDelivery;
  event.thread = *thread;
  event.message = messages->front();
  ctx_.bus.Publish(event);
}

void SmsService::PublishThread(int64_t thread_id) {
  auto thread = ctx_.store.GetThread(thread_id);
  if (!thread.ok()) return;
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kThread;
  event.thread = *thread;
  ctx_.bus.Publish(event);
}

storage::Result<SmsService::Reply> SmsService::Process(
    const std::string& from, const std::string& body, const std::string& sid, int64_t now_ms,
    const std::vector<storage::MediaItem>& media) {
  auto opted_out = ctx_.store.IsOptedOut(from);
  if (!opted_out.ok()) return opted_out.status();
  KeywordMatch keyword = DetectKeyword(body);
  auto thread = ctx_.store.OpenSmsThread(from, keyword.lang.empty() ? "en" : keyword.lang, now_ms);
  if (!thread.ok()) return thread.status();
  InboundScope scope(thread->id);
  std::string lang = keyword.lang.empty() ? thread->lang : keyword.lang;
  Reply reply;

  auto answer = [&](const std::string& text) -> Status {
    if (Status s = PostSystem(thread->id, text, now_ms); !s.ok()) return s;
    reply.texts.push_back(text);
    return Status::Ok();
  };

  switch (keyword.keyword) {
    case Keyword::kStop: {
      if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
      if (*opted_out) return reply;  // one confirmation only
      if (Status s = ctx_.store.SetOptOut(from, true, now_ms); !s.ok()) return s;
      Log(LogLevel::kInfo, "sms_opted_out", {{"thread_id", thread->id}});
      if (Status s = answer(ctx_.catalog.Format(lang, "sms.opted_out")); !s.ok()) return s;
      PublishThread(thread->id);
      return reply;
    }
    case Keyword::kStart: {
      // Only an opted-out number opts in; from any other, "yes" answers the bot.
      if (!*opted_out) break;
      if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
      if (Status s = ctx_.store.SetOptOut(from, false, now_ms); !s.ok()) return s;
      Log(LogLevel::kInfo, "sms_opted_in", {{"thread_id", thread->id}});
      if (Status s = answer(ctx_.catalog.Format(lang, "sms.opted_in")); !s.ok()) return s;
      PublishThread(thread->id);
      return reply;
    }
    default:
      break;
  }

  if (*opted_out) {
    // Kept for the caseworker, never answered: nothing is sent to an opted-out number.
    auto link = ParseLinkMessage(body, options_.link);
    if (Status s = StoreParent(*thread, link ? link->redacted : body, sid, now_ms, media);
        !s.ok()) {
      return s;
    }
    return reply;
  }

  if (keyword.keyword == Keyword::kHelp) {
    if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
    if (Status s = answer(ctx_.catalog.Format(lang, "sms.help")); !s.ok()) return s;
    return reply;
  }
  if (keyword.keyword == Keyword::kUnlink) {
    if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
    auto linked = ctx_.store.LinkedParticipant(from, now_ms, options_.link_ttl_ms);
    if (!linked.ok()) return linked.status();
    if (Status s = ctx_.store.UnlinkPhone(from); !s.ok()) return s;
    Log(LogLevel::kInfo, "sms_unlinked", {{"thread_id", thread->id}});
    std::string key = linked->has_value() ? "sms.unlinked" : "sms.not_linked";
    if (Status s = answer(ctx_.catalog.Format(lang, key)); !s.ok()) return s;
    PublishThread(thread->id);
    return reply;
  }
  if (auto link = ParseLinkMessage(body, options_.link)) {
    return HandleLink(*thread, *link, sid, now_ms);
  }

  auto linked = ctx_.store.LinkedParticipant(from, now_ms, options_.link_ttl_ms);
  if (!linked.ok()) return linked.status();
  conversation::ParentText text;
  text.thread_id = thread->id;
  text.text = body;
  text.client_id = sid;
  text.media = media;
  text.linked = linked->has_value() && **linked == thread->participant_id;
  if (text.linked) text.participant_id = thread->participant_id;
  // The webhook's reply is recorded in the turn's own transaction: one commit per text.
  std::string twiml;
  size_t parts = 0;
  text.receipt = [&](const std::vector<std::string>& texts) {
    return twiml = TwimlFor(texts, &parts);
  };
  auto handled = ctx_.conversations.HandleParentText(text, now_ms);
  if (!handled.ok()) return handled.status();
  for (const auto& m : handled->replies) {
    if (m.sender == storage::Sender::kBot || m.sender == storage::Sender::kSystem) {
      reply.texts.push_back(m.body);
    }
  }
  if (handled->receipt_recorded) {
    reply.twiml = std::move(twiml);
    reply.parts = parts;
  }
  return reply;
}

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

http::HttpResponse SmsService::HandleStatus(const http::HttpRequest& request) {
  auto form = ParseForm(request.body);
  if (!form) return http::ErrorResponse(400, "malformed form body");
  if (!Verified(request, *form)) {
    Log(LogLevel::kWarn, "sms_signature_rejected", {{"remote", request.remote_address}});
    return http::ErrorResponse(403, "invalid signature");
  }
  std::string sid = FirstOf(*form, "MessageSid", "SmsSid");
  std::string status = FirstOf(*form, "MessageStatus", "SmsStatus");
  if (!IsTwilioSid(sid) || !IsStatusWord(status)) {
    return http::ErrorResponse(400, "missing or malformed MessageSid or MessageStatus");
  }
  std::vector<std::pair<int64_t, int64_t>> changed;
  Status s = ctx_.store.RecordDeliveryStatus(sid, status, ctx_.clock(), &changed);
  if (!s.ok() && s.code() != storage::Code::kNotFound) {
    return http::ErrorResponse(500, "storage unavailable");
  }
  for (auto [thread_id, seq] : changed) PublishDelivery(thread_id, seq);
  ctx_.metrics.Inc("connecthub_sms_status_callbacks_total",
                   {{"status", std::string(DeliveryStatusLabel(status))}});
  http::HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

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
    NoticeReplyWhileAway(ctx_, event, options_.link_ttl_ms);
    if (event.message.sender == storage::Sender::kCaseworker) Wake();
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
      req.dedupe_key = "rem:" + c.appointment.appointment_id + ":" + due->kind + ":" + c.phone_key;
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
    req.dedupe_key = "pay:" + c.payment.payment_id + ":" + c.phone_key;
    if (!ctx_.store.EnqueueOutbound(req, now_ms).ok()) {
      Log(LogLevel::kError, "sms_enqueue_failed", {{"payment_id", c.payment.payment_id}});
      continue;
    }
    queued = true;
    Log(LogLevel::kInfo, "sms_payment_notice_queued", {{"payment_id", c.payment.payment_id}});
  }
  if (queued) Wake();
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

void RegisterSmsChannel(HubContext& ctx) {
  auto service = std::make_shared<SmsService>(ctx, SmsOptionsFrom(ctx.options));
  http::RouteOptions limits{.max_body = service->max_webhook_body()};
  ctx.router.Add(
      "POST", "/sms/twilio",
      [service](const http::HttpRequest& r, const http::PathParams&) {
        return service->HandleInbound(r);
      },
      limits);
  ctx.router.Add(
      "POST", "/sms/twilio/status",
      [service](const http::HttpRequest& r, const http::PathParams&) {
        return service->HandleStatus(r);
      },
      limits);
  ctx.bus.Subscribe([service](const events::HubEvent& e) { service->OnEvent(e); });
  // The worker stops with the hub: on the same signals `serve` drains on (each signal_set gets
  // its own notification), so the io_context is not kept alive by it.
  auto signals = std::make_shared<boost::asio::signal_set>(ctx.io, SIGINT, SIGTERM);
  signals->async_wait([service, signals](const boost::system::error_code& ec, int) {
    if (!ec) service->Stop();
  });
  // Started once the io_context runs, i.e. after `serve` has recovered the outbox, so that
  // recovery never resets an item this worker is sending.
  boost::asio::post(ctx.io, [service] { service->Start(); });
}

}  // namespace connecthub::hub::sms
