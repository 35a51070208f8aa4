// The SMS webhooks: POST /sms/twilio (checks, idempotency by MessageSid, TwiML) and the status
// callback.
#include "log.h"
#include "sms/delivery_status.h"
#include "sms/mms.h"
#include "sms/sms_internal.h"
#include "sms/sms_service.h"
#include "sms/twilio_webhook.h"
#include "sms/twiml.h"

namespace connecthub::hub::sms {

using storage::Status;
using namespace internal;

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
  Status s =
      ctx_.store.RecordDeliveryStatus(sid, DeliveryStateOf(status), status, ctx_.clock(), &changed);
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

}  // namespace connecthub::hub::sms
