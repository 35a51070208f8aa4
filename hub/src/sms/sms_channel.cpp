#include "sms/sms_channel.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <random>

#include "log.h"
#include "sms/sms_service.h"
#include "sms/twilio_signature.h"
#include "sms/twilio_webhook.h"

namespace connecthub::hub::sms {

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

namespace {

// The client that sends the outbox, with the status callback on the hub's public URL; null (and
// a warning) when outbound SMS is not configured.
std::shared_ptr<SmsProvider> OutboundProvider(const ServeOptions& so,
                                              std::chrono::milliseconds timeout) {
  std::string why = "no Twilio account configured";
  if (!so.twilio_account_sid.empty() || !so.twilio_auth_token.empty()) {
    TwilioClientOptions co = ClientOptionsFrom(so);
    if (!so.public_url.empty()) co.status_callback = SignedUrl(so.public_url, "/sms/twilio/status");
    co.timeout = timeout;
    auto client = TwilioClient::Create(co);
    if (client.ok()) return std::shared_ptr<SmsProvider>(std::move(client).value());
    why = client.status().message();
  }
  Log(LogLevel::kWarn, "sms_outbound_disabled", {{"reason", why}});
  return nullptr;
}

}  // namespace

SmsService::SmsService(HubContext& ctx, SmsOptions options)
    : ctx_(ctx), options_(std::move(options)) {
  const ServeOptions& so = ctx_.options;
  if (auto api = ParseApiBase(so.sms_api_base); api && !so.twilio_account_sid.empty()) api_ = *api;
  if (so.public_url.empty() || so.twilio_auth_token.empty()) {
    Log(LogLevel::kWarn, "sms_inbound_disabled",
        {{"reason", "--public-url and --twilio-auth-token are needed to verify webhooks"}});
  }
}

std::mutex& SmsService::PhoneMutex(const std::string& phone) {
  return phone_mutexes_[std::hash<std::string>{}(phone) % phone_mutexes_.size()];
}

bool SmsService::Verified(const http::HttpRequest& request, const FormFields& form) const {
  return WebhookVerified(ctx_.options, request, form);
}

std::shared_ptr<OutboxWorker> RegisterSmsChannel(HubContext& ctx) {
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
  const SmsOptions& so = service->options();
  auto worker = OutboxWorker::Create(
      OutboxWorkerDeps{
          .outbox = ctx.store,
          .opt_outs = ctx.store,
          .provider = OutboundProvider(ctx.options, so.send_timeout),
          .io = ctx.io.get_executor(),
          .blocking = ctx.blocking.get_executor(),
          .clock = ctx.clock,
          .uniform = SeededUniform(std::random_device{}()),
          .metrics = ctx.metrics,
          .delivery_changed = [service](int64_t thread_id,
                                        int64_t seq) { service->PublishDelivery(thread_id, seq); },
          .schedule = [service](int64_t now_ms) { service->RunSchedule(now_ms); },
      },
      OutboxWorkerOptions{.poll_interval_ms = so.poll_interval_ms,
                          .schedule_interval_ms = so.reminder_interval_ms,
                          .backoff = so.backoff});
  service->AttachWorker(worker);
  return worker;
}

}  // namespace connecthub::hub::sms
