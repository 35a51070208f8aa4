#pragma once

#include <string>
#include <vector>

#include "auth/parent_auth.h"
#include "bot/bot.h"
#include "clock.h"
#include "conversation/conversation_service.h"
#include "events/event_bus.h"
#include "http/router.h"
#include "locales/catalog.h"
#include "metrics.h"
#include "server/client_address.h"
#include "server/registry.h"
#include "storage/store.h"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace connecthub::hub {

// Options of `connecthub serve` (SPEC §2, §5), parsed once at start-up.
struct ServeOptions {
  std::string listen = "127.0.0.1:8080";     // host:port; port 0 picks a free one
  std::vector<std::string> allowed_origins;  // WebSocket Origin allow-list (same origin always ok)
  std::vector<std::string> allowed_hosts;  // Host names accepted besides localhost and public-url's
  int io_threads = 2;                      // threads running the io_context. Default 2.
  // Store calls and Argon2id. Most of them wait on a group commit (an fsync), so many in flight
  // make big batches; Argon2id is capped by the store itself. Default 32.
  int blocking_threads = 32;
  int64_t session_idle_ms = 15 * 60 * 1000;    // parent and caseworker sessions. Default 15 min.
  int64_t session_max_age_ms = 12 * 3600'000;  // absolute session lifetime. Default 12 h.
  // Live sockets re-check their session this often, and before pushing content when their last
  // check is older; expired sessions and stale lockout rows are purged as often. Default 60 s.
  int64_t session_recheck_ms = 60'000;
  // Conversations older than this many days are purged once a day (Store::Purge; audit rows are
  // kept). 0 keeps everything. Default 0.
  int64_t retention_days = 0;
  // /readyz fails its outbox check when an unsent SMS is older than this. Default 15 min.
  int64_t ready_outbox_max_ms = 15 * 60'000;
  // Caseworker logins need a TOTP code besides the password (`--inbox-mfa`). Default on; off
  // only for demos.
  bool inbox_mfa = true;
  // `--triage-county`: the counties whose caseworkers see threads with no county (unlinked SMS
  // numbers); empty: every caseworker's.
  std::vector<std::string> triage_counties;
  std::vector<server::Cidr> trusted_proxies;  // `--trusted-proxy`: X-Forwarded-For believed
  int64_t lockout_ms = 15 * 60 * 1000;        // after 5 failed PINs. Default 15 min.
  // When caseworkers are in (--office-hours, --holiday). Default Monday to Friday, 8:00-17:00
  // Pacific, no holidays.
  bot::OfficeHoursOptions office_hours;
  // A waiting thread's reply target, in business hours (office time; --reply-target-hours, may
  // be fractional). 0: one office day (close minus open: 9 h with the default hours).
  double reply_target_hours = 0;
  int max_pin_failures = 5;        // per participant id. Default 5.
  int max_address_failures = 20;   // per source address within lockout. Default 20.
  int max_username_failures = 10;  // failed caseworker logins per username within lockout. 10.
  int64_t lockout_max_ms = 24 * 3600'000;  // escalated lockouts (doubling) stop here. 24 h.
  int pin_failure_cap = 100;  // failures since the last success before a hard lock. Default 100.
  double ws_rate_per_second = 10;            // per-connection frame rate. Default 10/s.
  double ws_rate_burst = 20;                 // token bucket size. Default 20.
  int ws_login_seconds = 60;                 // WebSocket login deadline. Default 60 s.
  int ws_unauthenticated_per_address = 100;  // sockets not logged in, per address. Default 100.
  int ws_max_queue = 1024;  // frames queued to a client that does not read; more close it. 1024.
  bool bench_echo = false;  // benchmarks only: /ws/chat echoes instead of routing. Default false.
  std::string public_url;   // the hub's URL as Twilio calls it (signatures)
  std::string twilio_account_sid;
  std::string twilio_auth_token;  // secret: never logged
  std::string twilio_from;
  std::string twilio_messaging_service_sid;
  // The phone line's agent number (--voice-agent-number, E.164): callers who ask for a person in
  // office hours are connected to it (<Dial>); empty: they are offered a callback instead.
  std::string voice_agent_number;
  std::string sms_api_base = "https://api.twilio.com";
  // SMS channel timings (tests shorten them).
  int64_t reminder_interval_ms = 60'000;              // due reminders looked up. Default 60 s.
  int64_t sms_poll_ms = 1000;                         // outbox poll when idle. Default 1 s.
  int64_t sms_retry_base_ms = 2000;                   // first retry's delay ceiling. Default 2 s.
  int64_t sms_retry_max_ms = 10 * 60 * 1000;          // any retry's delay ceiling. Default 10 min.
  int sms_max_attempts = 8;                           // sends before failed. Default 8.
  int64_t sms_send_timeout_ms = 15'000;               // one REST request. Default 15 s.
  int64_t sms_link_ttl_ms = 90LL * 24 * 3600 * 1000;  // unused link expires. Default 90 days.
};

// Everything a channel needs, owned by the Hub in cmd_serve.cpp and alive for the whole run. The
// SMS channel gets this in RegisterSmsChannel(). References are to thread-safe objects.
struct HubContext {
  storage::Store& store;
  const bot::Bot& bot;
  const locales::Catalog& catalog;
  events::EventBus& bus;
  conversation::ConversationService& conversations;
  http::Router& router;
  boost::asio::io_context& io;         // I/O threads: timers, sockets
  boost::asio::thread_pool& blocking;  // blocking work: Store calls, Argon2id, outbound HTTP
  Clock clock;
  Metrics& metrics;
  const ServeOptions& options;
  auth::ParentAuth& parent_auth;  // the one parent-login flow (web chat, SMS linking)
  server::Registry& registry;     // the live sockets of this hub
};

}  // namespace connecthub::hub
