#include "sms/sms_channel.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <functional>

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
      client_error_ = client.status().message();
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
