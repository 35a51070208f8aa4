// `connecthub serve`: builds the hub (store, bot, catalog, event bus, conversation service,
// router, server) in one place and runs it until SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "auth/parent_auth.h"
#include "chat/chat_session.h"
#include "chat/echo_session.h"
#include "cli/commands.h"
#include "cli/office_hours_option.h"
#include "hub_context.h"
#include "inbox/inbox_api.h"
#include "inbox/inbox_session.h"
#include "log.h"
#include "readiness.h"
#include "server/registry.h"
#include "server/server.h"
#include "sms/sms_channel.h"
#include "sms/sms_service.h"
#include "sms/twilio_client.h"
#include "sms/twilio_webhook.h"
#include "static_pages.h"
#include "voice/voice_service.h"

namespace connecthub::hub::cli {
namespace {

namespace net = boost::asio;

constexpr int kUsageError = 2;

bool ParseInt(const std::string& text, int64_t min, int64_t max, int64_t* out) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

// --reply-target-hours N: business hours, > 0 and at most a year's worth; fractions allowed
// ("0.5"). Absent: 0, one office day.
bool ParseReplyTarget(const Options& o, double* out, std::string* error) {
  if (!o.Has("reply-target-hours")) return true;
  std::string text = o.Get("reply-target-hours");
  char* end = nullptr;
  double hours = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(hours > 0) || hours > 8760) {
    *error = "--reply-target-hours must be a number of business hours, more than 0 (e.g. 9 or 0.5)";
    return false;
  }
  *out = hours;
  return true;
}

// Reads the serve options; false and *error on a bad value (a usage error).
bool ReadServeOptions(const Options& o, ServeOptions* out, std::string* error) {
  out->listen = o.Get("listen", "127.0.0.1:8080");
  out->allowed_origins = o.GetAll("allowed-origin");
  for (const auto& origin : out->allowed_origins) {
    if (origin.find('*') != std::string::npos) {
      *error = "--allowed-origin must name an origin (scheme://host[:port]); \"*\" is refused";
      return false;
    }
  }
  out->allowed_hosts = o.GetAll("allowed-host");
  int64_t v = 0;
  if (!ParseInt(o.Get("threads", "2"), 1, 64, &v)) {
    *error = "--threads must be 1..64";
    return false;
  }
  out->io_threads = static_cast<int>(v);
  if (!ParseInt(o.Get("session-idle-seconds", "900"), 1, 86400 * 30, &v)) {
    *error = "--session-idle-seconds must be a positive number of seconds";
    return false;
  }
  out->session_idle_ms = v * 1000;
  if (!ParseInt(o.Get("lockout-seconds", "900"), 1, 86400 * 30, &v)) {
    *error = "--lockout-seconds must be a positive number of seconds";
    return false;
  }
  out->lockout_ms = v * 1000;
  if (!ParseInt(o.Get("lockout-max-seconds", "86400"), 1, 86400 * 30, &v)) {
    *error = "--lockout-max-seconds must be a positive number of seconds";
    return false;
  }
  out->lockout_max_ms = std::max(v * 1000, out->lockout_ms);
  if (!ParseInt(o.Get("pin-failure-cap", "100"), 5, 100, &v)) {
    *error = "--pin-failure-cap must be 5..100";
    return false;
  }
  out->pin_failure_cap = static_cast<int>(v);
  if (!ParseInt(o.Get("session-max-seconds", "43200"), 1, 86400 * 30, &v)) {
    *error = "--session-max-seconds must be a positive number of seconds";
    return false;
  }
  out->session_max_age_ms = v * 1000;
  if (!ParseInt(o.Get("session-recheck-seconds", "60"), 1, 3600, &v)) {
    *error = "--session-recheck-seconds must be 1..3600";
    return false;
  }
  out->session_recheck_ms = v * 1000;
  if (!ParseInt(o.Get("retention-days", "0"), 0, 36500, &v)) {
    *error = "--retention-days must be 0 (keep everything) or a number of days";
    return false;
  }
  out->retention_days = v;
  if (!ParseInt(o.Get("ready-outbox-max-seconds", "900"), 1, 86400 * 30, &v)) {
    *error = "--ready-outbox-max-seconds must be a positive number of seconds";
    return false;
  }
  out->ready_outbox_max_ms = v * 1000;
  if (std::string mfa = o.Get("inbox-mfa", "on"); mfa == "on" || mfa == "off") {
    out->inbox_mfa = mfa == "on";
  } else {
    *error = "--inbox-mfa must be on or off";
    return false;
  }
  for (const std::string& list : o.GetAll("triage-county")) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = std::min(list.find(',', start), list.size());
      std::string county = list.substr(start, comma - start);
      while (!county.empty() && county.front() == ' ') county.erase(county.begin());
      while (!county.empty() && county.back() == ' ') county.pop_back();
      if (county.empty() || county.size() > 64) {
        *error = "--triage-county must name counties (NAME[,NAME...])";
        return false;
      }
      out->triage_counties.push_back(county);
      start = comma + 1;
    }
  }
  for (const std::string& list : o.GetAll("trusted-proxy")) {
    std::string why;
    if (!server::ParseCidrList(list, &out->trusted_proxies, &why)) {
      *error = "--trusted-proxy: " + why;
      return false;
    }
  }
  if (!ParseInt(o.Get("blocking-threads", "32"), 1, 256, &v)) {
    *error = "--blocking-threads must be 1..256";
    return false;
  }
  out->blocking_threads = static_cast<int>(v);
  if (!ParseInt(o.Get("ws-rate", "10"), 1, 1'000'000, &v)) {
    *error = "--ws-rate must be 1..1000000 frames per second";
    return false;
  }
  out->ws_rate_per_second = static_cast<double>(v);
  out->ws_rate_burst = 2.0 * static_cast<double>(v);
  if (!ParseInt(o.Get("ws-login-seconds", "60"), 1, 3600, &v)) {
    *error = "--ws-login-seconds must be 1..3600";
    return false;
  }
  out->ws_login_seconds = static_cast<int>(v);
  if (!ParseInt(o.Get("ws-unauthenticated-per-address", "100"), 1, 1'000'000, &v)) {
    *error = "--ws-unauthenticated-per-address must be 1..1000000";
    return false;
  }
  out->ws_unauthenticated_per_address = static_cast<int>(v);
  if (!ParseInt(o.Get("ws-max-queue", "1024"), 16, 1'000'000, &v)) {
    *error = "--ws-max-queue must be 16..1000000 frames";
    return false;
  }
  out->ws_max_queue = static_cast<int>(v);
  out->bench_echo = o.Flag("bench-echo");
  out->public_url = o.Get("public-url");
  out->twilio_account_sid = o.Get("twilio-account-sid");
  out->twilio_auth_token = o.Get("twilio-auth-token");
  out->twilio_from = o.Get("twilio-from");
  out->twilio_messaging_service_sid = o.Get("twilio-messaging-service-sid");
  out->voice_agent_number = o.Get("voice-agent-number");
  if (!out->voice_agent_number.empty() && !sms::IsE164(out->voice_agent_number)) {
    *error = "--voice-agent-number must be an E.164 number (+ and 8 to 15 digits)";
    return false;
  }
  out->sms_api_base = o.Get("sms-api-base", "https://api.twilio.com");
  struct Timing {
    const char* name;
    int64_t min, max, scale;
    int64_t* out;
  };
  int64_t attempts = out->sms_max_attempts;
  const Timing timings[] = {
      {"reminder-interval-seconds", 1, 86400, 1000, &out->reminder_interval_ms},
      {"sms-poll-ms", 10, 60'000, 1, &out->sms_poll_ms},
      {"sms-retry-base-ms", 1, 3'600'000, 1, &out->sms_retry_base_ms},
      {"sms-retry-max-ms", 1, 86'400'000, 1, &out->sms_retry_max_ms},
      {"sms-max-attempts", 1, 100, 1, &attempts},
      {"sms-send-timeout-ms", 100, 120'000, 1, &out->sms_send_timeout_ms},
      {"sms-link-ttl-days", 1, 3650, 24LL * 3600 * 1000, &out->sms_link_ttl_ms},
  };
  for (const Timing& t : timings) {
    if (!o.Has(t.name)) continue;
    if (!ParseInt(o.Get(t.name), t.min, t.max, &v)) {
      *error = "--" + std::string(t.name) + " must be " + std::to_string(t.min) + ".." +
               std::to_string(t.max);
      return false;
    }
    *t.out = v * t.scale;
  }
  out->sms_max_attempts = static_cast<int>(attempts);
  if (!ParseOfficeHours(o.Get("office-hours", ""), o.GetAll("holiday"), &out->office_hours,
                        error)) {
    return false;
  }
  if (!ParseReplyTarget(o, &out->reply_target_hours, error)) return false;
  return true;
}

// The options were checked when read; only an unknown time zone is left, and the default's is
// known.
std::unique_ptr<bot::OfficeHours> MustOfficeHours(const bot::OfficeHoursOptions& options) {
  std::string error;
  auto hours = bot::OfficeHours::Create(options, &error);
  if (hours == nullptr) hours = bot::OfficeHours::Create(bot::OfficeHoursOptions{}, &error);
  return hours;
}

// Opens MMS pictures for the inbox with the account's credentials: one client per request (the
// client is not thread-safe; a picture is opened rarely). Empty when SMS is not configured.
std::function<sms::MediaResult(const std::string&, size_t)> MediaFetcher(const ServeOptions& o) {
  sms::TwilioClientOptions co = sms::ClientOptionsFrom(o);
  if (!sms::TwilioClient::Create(co).ok()) return {};
  return [co](const std::string& url, size_t max_bytes) {
    auto client = sms::TwilioClient::Create(co);
    if (!client.ok()) return sms::MediaResult{};
    return client.value()->FetchMedia(url, max_bytes);
  };
}

// Everything the running hub owns. Members are declared so that whatever a running session may
// still touch (metrics, registry, store) outlives the io_context and the pools.
class Hub {
 public:
  Hub(ServeOptions options, std::unique_ptr<storage::Store> store,
      std::unique_ptr<locales::Catalog> catalog, std::unique_ptr<bot::Bot> bot)
      : options_(std::move(options)),
        store_(std::move(store)),
        catalog_(std::move(catalog)),
        bot_(std::move(bot)),
        office_hours_(MustOfficeHours(options_.office_hours)),
        conversations_(*store_, *bot_, *catalog_, bus_, metrics_,
                       {.office_hours = office_hours_.get()}),
        registry_(bus_),
        chat_limiter_(options_.max_address_failures, options_.lockout_ms),
        inbox_limiter_(options_.max_address_failures, options_.lockout_ms),
        inbox_user_limiter_(options_.max_username_failures, options_.lockout_ms),
        parent_auth_(*store_, *store_, chat_limiter_,
                     {.max_failures = options_.max_pin_failures,
                      .window_ms = options_.lockout_ms,
                      .lock_ms = options_.lockout_ms,
                      .max_lock_ms = options_.lockout_max_ms,
                      .hard_cap = options_.pin_failure_cap}),
        io_(options_.io_threads),
        blocking_(static_cast<size_t>(options_.blocking_threads)),
        context_{*store_,   *bot_,  *catalog_, bus_,     conversations_, router_,  io_,
                 blocking_, clock_, metrics_,  options_, parent_auth_,   registry_} {
    RegisterStaticPages(router_, *catalog_, options_.allowed_origins, options_.public_url);
    RegisterOps(router_, *store_, *store_, metrics_, [this] {
      metrics_.Set("connecthub_chat_subscriptions", {},
                   static_cast<double>(registry_.chat_count()));
    });
    RegisterReadiness(router_, *store_, *store_, clock_,
                      {.sms_enabled = !options_.twilio_account_sid.empty(),
                       .outbox_max_age_ms = options_.ready_outbox_max_ms});
    inbox::RegisterInboxApi(
        router_,
        inbox::InboxDeps{*store_,
                         conversations_,
                         metrics_,
                         clock_,
                         inbox_limiter_,
                         inbox_user_limiter_,
                         {.session_limits = SessionLimits(),
                          .require_mfa = options_.inbox_mfa,
                          .triage_counties = options_.triage_counties},
                         [this](const std::string& token) { registry_.EndSession(token); },
                         [this] { registry_.RecheckAll(); },
                         inbox::MakeReplyTarget(office_hours_.get(), options_.reply_target_hours),
                         MediaFetcher(options_)});

    // SMS channel wiring: POST /sms/twilio(/status), the outbound SMS subscriber, the outbox
    // worker and the reminder scheduler (hub/src/sms, RegisterSmsChannel). Run() starts the
    // worker and the signal handler stops it.
    sms_worker_ = sms::RegisterSmsChannel(context_);
    // The phone line: POST /voice/twilio and its <Gather> answers (hub/src/voice).
    voice::RegisterVoiceChannel(context_, office_hours_.get());

    server::ServerOptions server_options;
    server_options.allowed_origins = options_.allowed_origins;
    server_options.ws_login_timeout_seconds = options_.ws_login_seconds;
    server_options.ws_unauthenticated_per_address =
        static_cast<size_t>(options_.ws_unauthenticated_per_address);
    server_options.ws_max_queue = static_cast<size_t>(options_.ws_max_queue);
    server_options.trusted_proxies = options_.trusted_proxies;
    if (!options_.public_url.empty()) {
      // The hub's own public origin (scheme://host[:port]) is always allowed.
      std::string origin = options_.public_url;
      if (size_t scheme = origin.find("://"); scheme != std::string::npos) {
        if (size_t slash = origin.find('/', scheme + 3); slash != std::string::npos) {
          origin.resize(slash);
        }
        server_options.allowed_origins.push_back(origin);
        server_options.self_origins.push_back(origin);
        std::string host = origin.substr(scheme + 3);
        if (host.starts_with('[')) host = host.substr(0, host.find(']') + 1);
        host = host.substr(0, host.find(':'));
        for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        server_options.allowed_hosts.push_back(host);
      }
      server_options.hsts = options_.public_url.starts_with("https://");
    }
    // DNS rebinding: a page of another domain that resolves to this hub names that domain.
    server_options.allowed_hosts.push_back("localhost");
    for (const auto& h : options_.allowed_hosts) {
      std::string lower = h;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      server_options.allowed_hosts.push_back(lower);
    }
    server_ = std::make_unique<server::Server>(
        io_, blocking_, router_, metrics_, server_options,
        [this](std::string_view path) -> server::WsRoute {
          if (path == "/ws/chat" && options_.bench_echo) {
            return {
                std::make_shared<chat::EchoSession>(clock_, options_.ws_rate_per_second,
                                                    options_.ws_rate_burst, chat::FrameLimits{}),
                "chat"};
          }
          if (path == "/ws/chat") {
            return {std::make_shared<chat::ChatSession>(
                        chat::ChatDeps{*store_, conversations_, registry_, *catalog_, metrics_,
                                       clock_, parent_auth_, options_, chat::FrameLimits{}}),
                    "chat"};
          }
          if (path == "/ws/inbox") {
            return {std::make_shared<inbox::InboxSession>(inbox::InboxSessionDeps{
                        *store_, registry_, clock_, SessionLimits(), options_.session_recheck_ms,
                        inbox::MakeReplyTarget(office_hours_.get(), options_.reply_target_hours),
                        options_.triage_counties}),
                    "inbox"};
          }
          return {};
        });
  }

  int Run() {
    std::string error;
    bool usage_error = false;
    if (!server_->Listen(options_.listen, &error, &usage_error)) {
      std::cerr << "connecthub serve: " << error << "\n";
      return usage_error ? 2 : 1;
    }
    if (auto s = store_->RecoverOutbound(clock_()); !s.ok()) {
      Log(LogLevel::kWarn, "outbox_recover_failed", {{"error", s.message()}});
    }
    // After recovery, so that recovery never resets an item the worker is sending. Its first
    // pass runs once the io_context does.
    sms_worker_->Start();
    Log(LogLevel::kInfo, "listening",
        {{"url", server_->url()},
         {"io_threads", options_.io_threads},
         {"allowed_origins", static_cast<int64_t>(options_.allowed_origins.size())}});
    if (options_.bench_echo) Log(LogLevel::kWarn, "bench_echo_mode_no_routing");
    if (!options_.inbox_mfa) {
      Log(LogLevel::kWarn, "inbox_mfa_off");
      std::cerr << "connecthub serve: WARNING: --inbox-mfa off: caseworkers log in with a "
                   "password only. For demos only; never with real case data.\n";
    }
    ScheduleSessionSweep();
    std::cout << "ConnectHub listening on " << server_->url() << std::endl;

    net::signal_set signals(io_, SIGINT, SIGTERM);
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false, done = false;
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      Log(LogLevel::kInfo, "shutting_down", {{"signal", signo}});
      server_->Shutdown();
      // A send in flight finishes on the blocking pool (joined below); nothing new starts.
      sms_worker_->Stop();
      stopping_sweep_ = true;
      net::post(sweep_strand_, [this] { sweep_timer_.cancel(); });
      std::lock_guard lock(mu);
      stopping = true;
      cv.notify_all();
    });

    // If some connection does not finish within the grace period, stop the loop anyway.
    std::thread watchdog([&] {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopping || done; });
      if (done) return;
      if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; })) {
        Log(LogLevel::kWarn, "shutdown_forced");
        io_.stop();
      }
    });

    std::vector<std::thread> threads;
    for (int i = 0; i < options_.io_threads; ++i) {
      threads.emplace_back([this] {
        for (;;) {
          try {
            io_.run();
            break;
          } catch (const std::exception& e) {
            Log(LogLevel::kError, "io_exception", {{"what", e.what()}});
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    {
      std::lock_guard lock(mu);
      done = true;
      cv.notify_all();
    }
    watchdog.join();
    blocking_.join();
    // Chat turns still queued on the store's writer call back into the conversation service and
    // the registry: let them finish while those exist (the store is destroyed last).
    if (auto s = store_->Drain(); !s.ok()) {
      Log(LogLevel::kWarn, "store_drain_failed", {{"error", s.message()}});
    }
    Log(LogLevel::kInfo, "stopped");
    return 0;
  }

 private:
  auth::SessionLimits SessionLimits() const {
    return {.idle_ms = options_.session_idle_ms, .max_age_ms = options_.session_max_age_ms};
  }

  // Every session_recheck_ms: live sockets re-check their sessions, and expired sessions and
  // stale lockout rows are purged (on the blocking pool).
  void ScheduleSessionSweep() {
    sweep_timer_.expires_after(std::chrono::milliseconds(options_.session_recheck_ms));
    sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_sweep_) return;
      registry_.RecheckAll();
      net::post(blocking_, [this] {
        int64_t now = clock_();
        // A lockout row quiet this long is forgotten (escalation restarts); hard locks stay.
        constexpr int64_t kLockoutMemoryMs = 7LL * 24 * 3600 * 1000;
        auto sessions = store_->PurgeSessions(now - options_.session_idle_ms,
                                              now - options_.session_max_age_ms);
        auto counters =
            store_->PurgePinCounters(now - std::max(kLockoutMemoryMs, options_.lockout_ms));
        if (!sessions.ok() || !counters.ok()) {
          Log(LogLevel::kWarn, "purge_failed");
        } else if (*sessions > 0 || *counters > 0) {
          Log(LogLevel::kInfo, "purged", {{"sessions", *sessions}, {"lockouts", *counters}});
        }
        RetentionPurge(now);
      });
      ScheduleSessionSweep();
    });
  }

  // --retention-days: at the first sweep, then once a day, conversations older than that go
  // (audited by the store). Runs on the blocking pool, one sweep at a time.
  void RetentionPurge(int64_t now) {
    constexpr int64_t kDayMs = 24LL * 3600 * 1000;
    if (options_.retention_days <= 0 ||
        (last_retention_ms_ != 0 && now - last_retention_ms_ < kDayMs)) {
      return;
    }
    last_retention_ms_ = now;
    auto purged = store_->Purge(now - options_.retention_days * kDayMs, 0, now);
    if (!purged.ok()) {
      Log(LogLevel::kWarn, "retention_purge_failed", {{"error", purged.status().message()}});
      return;
    }
    Log(LogLevel::kInfo, "retention_purged",
        {{"threads", purged->threads},
         {"messages", purged->messages},
         {"notes", purged->notes},
         {"outbox", purged->outbox}});
  }

  ServeOptions options_;
  std::atomic<int64_t> last_retention_ms_{0};
  Clock clock_ = SystemNowMs;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<locales::Catalog> catalog_;
  std::unique_ptr<bot::Bot> bot_;
  std::unique_ptr<bot::OfficeHours> office_hours_;
  Metrics metrics_;
  events::LocalEventBus bus_;
  conversation::ConversationService conversations_;
  http::Router router_;
  server::Registry registry_;
  chat::LoginLimiter chat_limiter_;
  chat::LoginLimiter inbox_limiter_;
  chat::LoginLimiter inbox_user_limiter_;  // caseworker logins per username
  auth::ParentAuth parent_auth_;
  net::io_context io_;
  net::thread_pool blocking_;
  HubContext context_;
  std::unique_ptr<server::Server> server_;
  // The outbox worker (RegisterSmsChannel): its strand and timer are on io_, its steps on
  // blocking_. Declared after both, so it goes before them.
  std::shared_ptr<sms::OutboxWorker> sms_worker_;
  net::strand<net::io_context::executor_type> sweep_strand_{io_.get_executor()};
  net::steady_timer sweep_timer_{sweep_strand_};  // runs on sweep_strand_
  std::atomic<bool> stopping_sweep_{false};
};

int RunServe(const Options& o) {
  ServeOptions options;
  std::string error;
  if (!ReadServeOptions(o, &options, &error)) {
    std::cerr << "connecthub serve: " << error << "\n";
    return kUsageError;
  }
  storage::StoreOptions store_options;
  store_options.db = o.DbPath();
  store_options.key_file = o.KeyFilePath();
  auto store = storage::Store::Open(store_options);
  if (!store.ok()) {
    std::cerr << "connecthub serve: cannot open database: " << store.status().message() << "\n";
    return 1;
  }
  auto catalog = locales::Catalog::Create({}, &error);
  if (!catalog) {
    std::cerr << "connecthub serve: catalogs: " << error << "\n";
    return 1;
  }
  auto bot = bot::Bot::Create({}, &error);
  if (!bot) {
    std::cerr << "connecthub serve: bot: " << error << "\n";
    return 1;
  }
  Hub hub(std::move(options), std::move(store).value(), std::move(catalog), std::move(bot));
  return hub.Run();
}

}  // namespace

Command ServeCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  std::vector<OptionSpec> more = {
      {.name = "listen",
       .default_value = "127.0.0.1:8080",
       .help = "address to serve HTTP and WebSocket on (port 0: any free port)"},
      {.name = "config", .help = "config file of `name = value` lines (same names as options)"},
      {.name = "allowed-origin",
       .repeatable = true,
       .help = "an Origin allowed to open /ws/chat, e.g. https://agency.example (same origin "
               "always allowed)"},
      {.name = "allowed-host",
       .repeatable = true,
       .help = "a host name requests may be addressed to (Host header), besides localhost, IP "
               "addresses and --public-url's host; others get 421"},
      {.name = "threads", .default_value = "2", .help = "I/O threads"},
      {.name = "public-url", .help = "the hub's URL as the SMS provider calls it (signatures)"},
      {.name = "twilio-account-sid", .help = "Twilio account SID"},
      {.name = "twilio-auth-token", .secret = true, .help = "Twilio auth token"},
      {.name = "twilio-from", .help = "sender number for outbound SMS (E.164)"},
      {.name = "twilio-messaging-service-sid",
       .help = "Twilio messaging service (instead of from)"},
      {.name = "voice-agent-number",
       .help = "the phone line's agent number (E.164): callers asking for a person in office "
               "hours are connected to it; otherwise they are offered a callback"},
      {.name = "sms-api-base",
       .default_value = "https://api.twilio.com",
       .help = "base URL of the SMS provider's REST API"},
      {.name = "office-hours",
       .default_value = "1-5 08:00-17:00",
       .help = "when caseworkers are in: ISO weekdays and local hours (America/Los_Angeles)"},
      {.name = "holiday",
       .repeatable = true,
       .help = "a date YYYY-MM-DD the office is closed all day"},
      {.name = "reply-target-hours",
       .help = "business hours (office time) a waiting thread has before it is overdue; "
               "default one office day (close minus open)"},
      {.name = "reminder-interval-seconds",
       .default_value = "60",
       .help = "how often due appointment reminders are looked up"},
      {.name = "sms-poll-ms", .default_value = "1000", .help = "outbox poll interval when idle"},
      {.name = "sms-retry-base-ms",
       .default_value = "2000",
       .help = "outbound SMS: first retry delay ceiling (exponential backoff, full jitter)"},
      {.name = "sms-retry-max-ms",
       .default_value = "600000",
       .help = "outbound SMS: ceiling of any retry delay"},
      {.name = "sms-max-attempts",
       .default_value = "8",
       .help = "outbound SMS: sends tried before it is marked failed"},
      {.name = "sms-send-timeout-ms",
       .default_value = "15000",
       .help = "outbound SMS: timeout of one REST request"},
      {.name = "sms-link-ttl-days",
       .default_value = "90",
       .help = "a phone link unused this long expires"},
      {.name = "session-idle-seconds",
       .default_value = "900",
       .help = "sessions expire after this long idle"},
      {.name = "lockout-seconds",
       .default_value = "900",
       .help = "logins refused this long after 5 failed PINs"},
      {.name = "lockout-max-seconds",
       .default_value = "86400",
       .help = "each further lockout doubles, up to this"},
      {.name = "pin-failure-cap",
       .default_value = "100",
       .help = "wrong PINs since the last success (per participant, per phone) before a lock "
               "only `connecthub unlock` or a supervisor lifts (5..100)"},
      {.name = "session-max-seconds",
       .default_value = "43200",
       .help = "sessions end this long after login, however active (absolute lifetime)"},
      {.name = "session-recheck-seconds",
       .default_value = "60",
       .help = "live sockets re-check their session this often (an ended one closes with "
               "4401); expired sessions and stale lockouts are purged as often"},
      {.name = "ready-outbox-max-seconds",
       .default_value = "900",
       .help = "/readyz reports the outbox failing when an unsent SMS is older than this"},
      {.name = "retention-days",
       .default_value = "0",
       .help = "purge conversations (threads, messages, notes, sent SMS) older than this many "
               "days, once a day (audited; audit rows are kept); 0 keeps everything"},
      {.name = "inbox-mfa",
       .default_value = "on",
       .help = "on: caseworkers log in with password and TOTP code (`caseworker mfa-enroll`); "
               "off: password only, for demos only"},
      {.name = "triage-county",
       .repeatable = true,
       .help = "NAME[,NAME...]: the caseworkers of these counties see the triage queue (SMS "
               "threads of numbers linked to no participant, safety escalations among them); "
               "default: every caseworker"},
      {.name = "trusted-proxy",
       .repeatable = true,
       .help = "CIDR[,CIDR...] of TLS proxies whose X-Forwarded-For names the client (the "
               "rightmost hop not in these blocks); requests from elsewhere are taken as is"},
      {.name = "blocking-threads",
       .default_value = "32",
       .help = "threads for database work and Argon2id (off the I/O threads)"},
      {.name = "ws-rate",
       .default_value = "10",
       .help = "frames per second one chat connection may send (burst: twice this)"},
      {.name = "ws-login-seconds",
       .default_value = "60",
       .help = "a WebSocket that has not logged in this long after connecting (or after a "
               "logout) is closed with 4408"},
      {.name = "ws-unauthenticated-per-address",
       .default_value = "100",
       .help = "WebSockets from one address that have not logged in yet; more get HTTP 429"},
      {.name = "ws-max-queue",
       .default_value = "1024",
       .help = "frames queued to a WebSocket client that does not read them; past this the "
               "socket is closed (1008)"},
      {.name = "bench-echo",
       .takes_value = false,
       .help = "benchmarks only: /ws/chat answers each send with an echo, without PIN check, "
               "storage or bot (tests/bench/README.md)"},
  };
  specs.insert(specs.end(), more.begin(), more.end());
  return {.name = "serve",
          .usage =
              "connecthub serve [--listen 127.0.0.1:8080] [--db FILE] [--key-file FILE] "
              "[--config FILE] [--allowed-origin ORIGIN]...",
          .summary = "run the hub (HTTP, WebSocket chat, SMS webhook, caseworker inbox)",
          .options = std::move(specs),
          .min_positional = 0,
          .max_positional = 0,
          .run = RunServe};
}

}  // namespace connecthub::hub::cli
