// connecthub-bench: the hub's load generator (tests/bench/README.md). Starts `connecthub serve` on
// 127.0.0.1 for each mode, drives it with its own Beast clients, and prints one JSON object of
// figures as the last line of stdout. Progress goes to stderr.
#include <sys/resource.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "server_process.h"
#include "sms_load.h"
#include "ws_fleet.h"

#ifndef CONNECTHUB_BINARY
#define CONNECTHUB_BINARY "connecthub"
#endif

namespace connecthub::bench {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: connecthub-bench --db FILE [--logins FILE] [--sessions N] [--seconds S] [--rate R]\n"
    "         [--mode all|bot|echo|sms|voice|idle] [--idle N] [--sms-connections K]\n"
    "         [--warmup S]\n"
    "         [--threads T] [--blocking-threads B] [--connecthub PATH] [--work-dir DIR]\n"
    "       connecthub-bench --smoke\n";

// Made-up credentials the SMS benchmark gives the hub and signs with (loopback only).
constexpr const char* kPublicUrl = "https://bench.connecthub.invalid";
constexpr const char* kAuthToken = "bench-auth-token-not-a-secret";

struct Config {
  std::string db, logins, binary = CONNECTHUB_BINARY, work_dir, mode = "all";
  int sessions = 1000, idle = 10000, sms_connections = 32, threads = 2, blocking_threads = 0;
  double seconds = 10, rate = 10, warmup = 2;
  bool smoke = false;
};

void Progress(const std::string& line) { std::cerr << "[bench] " << line << std::endl; }

// JSON text like json::serialize(), but doubles in plain decimal (shortest round trip: "0.184",
// "4321.5"), not Boost.JSON's "1.84E-1", so the figures read well in a terminal and a README.
std::string ToJson(const json::value& v) {
  if (v.is_double()) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_double(), std::chars_format::fixed);
    if (ec != std::errc()) return json::serialize(v);
    return std::string(buf, end);
  }
  if (v.is_object()) {
    std::string out = "{";
    for (const auto& kv : v.as_object()) {
      if (out.size() > 1) out += ',';
      out += json::serialize(json::value(kv.key())) + ":" + ToJson(kv.value());
    }
    return out + "}";
  }
  return json::serialize(v);
}

// `v` rounded to a multiple of `unit` (0.001, 0.01, 0.1): divides by the exact inverse so the
// result is the double nearest the decimal and prints short.
double Round(double v, double unit = 0.001) {
  double inverse = std::round(1.0 / unit);
  return std::round(v * inverse) / inverse;
}

template <typename T>
bool ParseNumber(const std::string& s, T* out) {
  if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    return end != s.c_str() && *end == '\0';
  } else {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
  }
}

std::optional<Config> ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](auto* out) {
      if (i + 1 >= argc) return false;
      std::string v = argv[++i];
      if constexpr (std::is_same_v<std::remove_pointer_t<decltype(out)>, std::string>) {
        *out = v;
        return true;
      } else {
        return ParseNumber(v, out);
      }
    };
    bool ok = true;
    if (a == "--smoke") {
      c.smoke = true;
    } else if (a == "--db") {
      ok = value(&c.db);
    } else if (a == "--logins") {
      ok = value(&c.logins);
    } else if (a == "--sessions") {
      ok = value(&c.sessions) && c.sessions > 0;
    } else if (a == "--seconds") {
      ok = value(&c.seconds) && c.seconds > 0 && c.seconds <= 600;
    } else if (a == "--rate") {
      ok = value(&c.rate) && c.rate > 0 && c.rate <= 1000;
    } else if (a == "--mode") {
      ok = value(&c.mode) && (c.mode == "all" || c.mode == "bot" || c.mode == "echo" ||
                              c.mode == "sms" || c.mode == "voice" || c.mode == "idle");
    } else if (a == "--idle") {
      ok = value(&c.idle) && c.idle > 0;
    } else if (a == "--sms-connections") {
      ok = value(&c.sms_connections) && c.sms_connections > 0 && c.sms_connections <= 1024;
    } else if (a == "--warmup") {
      ok = value(&c.warmup) && c.warmup >= 0 && c.warmup <= 60;
    } else if (a == "--threads") {
      ok = value(&c.threads) && c.threads > 0 && c.threads <= 64;
    } else if (a == "--blocking-threads") {
      ok = value(&c.blocking_threads) && c.blocking_threads > 0 && c.blocking_threads <= 256;
    } else if (a == "--connecthub") {
      ok = value(&c.binary);
    } else if (a == "--work-dir") {
      ok = value(&c.work_dir);
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "connecthub-bench: bad or incomplete option " << a << "\n" << kUsage;
      return std::nullopt;
    }
  }
  if (c.smoke) {
    c.sessions = 20;
    c.idle = 100;
    c.seconds = 1;
    c.warmup = 0.5;
    c.rate = 5;
    c.sms_connections = 4;
  } else if (c.db.empty()) {
    std::cerr << "connecthub-bench: --db is required\n" << kUsage;
    return std::nullopt;
  }
  if (c.logins.empty() && !c.db.empty()) c.logins = c.db + ".logins";
  return c;
}

// Every `participant_id<TAB>PIN` line of the logins file (demo-data --logins-out), `n` of them
// spread evenly over the population so the run touches the whole database.
std::vector<Credential> ReadLogins(const std::string& path, int n, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path + " (make it with `connecthub demo-data --logins-out`)";
    return {};
  }
  std::vector<Credential> all;
  std::string line;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    all.push_back({line.substr(0, tab), line.substr(tab + 1), {}});
  }
  if (static_cast<int>(all.size()) < n) {
    *error = path + " has " + std::to_string(all.size()) + " logins, fewer than " +
             std::to_string(n) + " sessions";
    return {};
  }
  std::vector<Credential> picked;
  double step = static_cast<double>(all.size()) / n;
  for (int i = 0; i < n; ++i) {
    picked.push_back(all[static_cast<size_t>(i * step)]);
  }
  return picked;
}

double CpuSelfSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> ServeArgs(const Config& c, bool echo) {
  std::vector<std::string> a = {"--db", c.db, "--threads", std::to_string(c.threads),
                                // The default 10 frames/s per connection would cap a closed loop.
                                "--ws-rate", "100000",
                                // Every simulated parent comes from 127.0.0.1: lift the cap on
                                // sockets waiting to log in from one address.
                                "--ws-unauthenticated-per-address", "1000000"};
  if (c.blocking_threads > 0) {
    a.push_back("--blocking-threads");
    a.push_back(std::to_string(c.blocking_threads));
  }
  if (echo) a.push_back("--bench-echo");
  return a;
}

// Figures of one measured WebSocket run, under `prefix`.
void AddRun(json::object& out, const std::string& prefix, RunResult& r, double server_cpu) {
  double per_s = static_cast<double>(r.answered) / r.seconds;
  out[prefix + "_msgs_per_s"] = Round(per_s, 0.1);
  // No answered sample: null, never a misleading 0.
  auto quantile = [&](double q) -> json::value {
    if (r.latency.count() == 0) return nullptr;
    return Round(r.latency.QuantileMs(q));
  };
  out[prefix + "_p50_ms"] = quantile(0.50);
  out[prefix + "_p99_ms"] = quantile(0.99);
  out[prefix + "_p999_ms"] = quantile(0.999);
  out[prefix + "_max_ms"] = quantile(1.0);
  out[prefix + "_errors"] = r.errors;
  out[prefix + "_unanswered"] = r.unanswered;
  if (r.answered > 0 && server_cpu >= 0) {
    out[prefix + "_server_cpu_us_per_msg"] = Round(server_cpu * 1e6 / r.answered, 0.1);
  }
  if (!r.error_codes.empty()) {
    json::object codes;
    for (const auto& [k, v] : r.error_codes) codes[k] = v;
    out[prefix + "_error_codes"] = std::move(codes);
  }
}

class Bench {
 public:
  explicit Bench(Config c) : c_(std::move(c)) {}

  int Run() {
    out_["machine_cores"] = static_cast<int64_t>(::sysconf(_SC_NPROCESSORS_ONLN));
    out_["machine_mem_kib"] = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) *
                              static_cast<int64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
    double load[3] = {0, 0, 0};
    if (::getloadavg(load, 3) > 0) out_["load_avg_1m_at_start"] = Round(load[0], 0.01);
    out_["client_fd_limit"] = RaiseFileLimit();
    if (!Prepare()) return 1;
    out_["sessions"] = c_.sessions;
    out_["seconds"] = c_.seconds;
    out_["rate_per_session"] = c_.rate;
    bool all = c_.mode == "all";
    bool ok = true;
    // A failing mode does not stop the others (the idle mode still uses the bot mode's tokens).
    if (all || c_.mode == "bot") ok = RunBot() && ok;
    if (all || c_.mode == "echo") ok = RunEcho() && ok;
    if (all || c_.mode == "idle") ok = RunIdle() && ok;
    if (all || c_.mode == "sms") ok = RunSms() && ok;
    if (all || c_.mode == "voice") ok = RunVoice() && ok;
    if (out_.contains("bot_msgs_per_s") && out_.contains("echo_msgs_per_s") &&
        out_["echo_msgs_per_s"].to_number<double>() > 0) {
      out_["ratio_bot_to_echo"] = Round(out_["bot_msgs_per_s"].to_number<double>() /
                                        out_["echo_msgs_per_s"].to_number<double>());
    }
    out_["client_cpu_s"] = Round(CpuSelfSeconds(), 0.01);
    out_["ok"] = ok;
    // A passing smoke run leaves nothing behind; a failing one keeps the server logs.
    remove_work_dir_ = c_.smoke && own_work_dir_ && ok;
    std::cout << ToJson(out_) << std::endl;
    return ok ? 0 : 1;
  }

 private:
  bool Prepare() {
    if (c_.work_dir.empty()) {
      std::string tmpl = (fs::temp_directory_path() / "connecthub-bench-XXXXXX").string();
      if (::mkdtemp(tmpl.data()) == nullptr) return Fail("cannot create a temporary directory");
      c_.work_dir = tmpl;
      own_work_dir_ = true;
    } else {
      fs::create_directories(c_.work_dir);
    }
    Progress("work dir " + c_.work_dir + " (server logs), connecthub " + c_.binary);
    if (c_.smoke) {
      c_.db = c_.work_dir + "/smoke.db";
      c_.logins = c_.db + ".logins";
      Progress("smoke: demo-data --participants 200");
      int rc = RunToCompletion(
          c_.binary,
          {"demo-data", "--db", c_.db, "--participants", "200", "--logins-out", c_.logins},
          c_.work_dir + "/demo-data.log");
      if (rc != 0) return Fail("demo-data failed (see " + c_.work_dir + "/demo-data.log)");
    }
    std::string error;
    credentials_ = ReadLogins(c_.logins, c_.sessions, &error);
    if (credentials_.empty()) return Fail(error);
    return true;
  }

  bool Fail(const std::string& why) {
    Progress("FAILED: " + why);
    if (!out_.contains("error")) out_["error"] = why;
    return false;
  }

  std::unique_ptr<ServerProcess> StartServer(const std::string& tag,
                                             std::vector<std::string> args) {
    std::string error;
    auto server = ServerProcess::Start(c_.binary, args, c_.work_dir, tag, 120'000, &error);
    if (!server) {
      Fail(tag + ": " + error);
      return nullptr;
    }
    Progress(tag + ": connecthub serve pid " + std::to_string(server->pid()) + " on port " +
             std::to_string(server->port()) + ", RSS " + std::to_string(server->RssKib()) + " KiB");
    return server;
  }

  // Logs `credentials_` in (PIN, Argon2id on the hub's blocking pool) unless tokens from an
  // earlier mode can resume them; remembers the tokens for later modes.
  bool ConnectSessions(WsFleet& fleet, const std::string& tag, int n, bool use_tokens) {
    std::vector<Credential> creds(credentials_.begin(), credentials_.begin() + n);
    int resumed = 0;
    if (use_tokens) {
      for (auto& cr : creds) {
        if (auto it = tokens_.find(cr.participant_id); it != tokens_.end()) {
          cr.token = it->second;
          ++resumed;
        }
      }
    }
    Progress(tag + ": opening " + std::to_string(n) + " sessions (" + std::to_string(resumed) +
             " resume a token, " + std::to_string(n - resumed) + " log in with a PIN)");
    std::string error;
    int64_t t0 = NowNs();
    int timeout_ms = static_cast<int>(std::min<int64_t>(900'000, 60'000 + int64_t{n} * 200));
    int ok = fleet.Connect(n, creds, 64, timeout_ms, &error);
    double took = static_cast<double>(NowNs() - t0) / 1e9;
    out_[tag + "_login_s"] = Round(took, 0.01);
    Progress(tag + ": " + std::to_string(ok) + " logged in in " + std::to_string(took) + " s");
    if (ok < n)
      return Fail(tag + ": only " + std::to_string(ok) + " of " + std::to_string(n) +
                  " sessions logged in: " + error);
    if (use_tokens) {
      for (auto& [pid, token] : fleet.Tokens()) tokens_[pid] = token;
    }
    return true;
  }

  bool RunBot() {
    auto server = StartServer("bot", ServeArgs(c_, false));
    if (!server) return false;
    int64_t rss0 = server->RssKib();
    WsFleet fleet(server->port());
    if (!ConnectSessions(fleet, "bot", c_.sessions, true)) return false;
    fleet.Idle(0.5);
    int64_t rss1 = server->RssKib();
    out_["bot_rss_kib_per_conn"] = Round(static_cast<double>(rss1 - rss0) / c_.sessions, 0.01);
    if (int unusable = fleet.not_usable(); unusable > 0) {
      Progress("bot: " + std::to_string(unusable) +
               " threads are with a caseworker (no bot answers); they send nothing");
      out_["bot_sessions_with_caseworker"] = unusable;
    }

    Progress("bot: closed loop, " + std::to_string(c_.sessions) + " sessions, " +
             std::to_string(c_.seconds) + " s");
    double cpu0 = server->CpuSeconds();
    RunResult closed = fleet.RunClosedLoop(c_.warmup, c_.seconds);
    double cpu1 = server->CpuSeconds();
    AddRun(out_, "bot_closed", closed, cpu1 - cpu0);
    out_["bot_msgs_per_s"] = out_["bot_closed_msgs_per_s"];
    Progress("bot: " + ToJson(out_["bot_msgs_per_s"]) + " msgs/s closed loop, p99 " +
             ToJson(out_["bot_closed_p99_ms"]) + " ms");

    Progress("bot: paced, " + std::to_string(c_.sessions) + " sessions x " +
             std::to_string(c_.rate) + "/s, " + std::to_string(c_.seconds) + " s");
    RunResult paced = fleet.RunPaced(c_.rate, c_.warmup, c_.seconds);
    json::object p;
    AddRun(p, "x", paced, -1);
    out_["bot_paced_offered_per_s"] = Round(static_cast<double>(paced.sent) / c_.seconds, 0.1);
    out_["bot_paced_answered_per_s"] = p["x_msgs_per_s"];
    out_["bot_p50_ms"] = p["x_p50_ms"];
    out_["bot_p99_ms"] = p["x_p99_ms"];
    out_["bot_p999_ms"] = p["x_p999_ms"];
    out_["bot_paced_max_ms"] = p["x_max_ms"];
    out_["bot_paced_errors"] = paced.errors;
    out_["bot_paced_unanswered"] = paced.unanswered;
    out_["bot_peak_rss_kib"] = server->PeakRssKib();
    Progress("bot: paced p50 " + ToJson(out_["bot_p50_ms"]) + " ms, p99 " +
             ToJson(out_["bot_p99_ms"]) + " ms, p999 " + ToJson(out_["bot_p999_ms"]) + " ms");
    // Offered more than it can answer, the hub queues: the paced figures then measure the queue.
    // Sends not answered within 5 s of the window's end count as unanswered, not as latency.
    bool overloaded = paced.unanswered > paced.sent / 100;
    out_["bot_paced_overloaded"] = overloaded;
    if (overloaded) {
      Progress("bot: paced load over capacity: " + std::to_string(paced.unanswered) + " of " +
               std::to_string(paced.sent) + " sends unanswered 5 s after the window");
    }
    fleet.CloseAll(5000);
    server->Stop();
    return closed.latency.count() > 0 || Fail("bot: no answers (see " + server->log_path() + ")");
  }

  bool RunEcho() {
    auto server = StartServer("echo", ServeArgs(c_, true));
    if (!server) return false;
    WsFleet fleet(server->port());
    if (!ConnectSessions(fleet, "echo", c_.sessions, false)) return false;
    double cpu0 = server->CpuSeconds();
    RunResult closed = fleet.RunClosedLoop(c_.warmup, c_.seconds);
    double cpu1 = server->CpuSeconds();
    AddRun(out_, "echo", closed, cpu1 - cpu0);
    out_["echo_peak_rss_kib"] = server->PeakRssKib();
    Progress("echo: " + ToJson(out_["echo_msgs_per_s"]) + " msgs/s closed loop, p99 " +
             ToJson(out_["echo_p99_ms"]) + " ms");
    fleet.CloseAll(5000);
    server->Stop();
    return closed.latency.count() > 0 || Fail("echo: no answers");
  }

  bool RunIdle() {
    auto server = StartServer("idle", ServeArgs(c_, false));
    if (!server) return false;
    WsFleet fleet(server->port());
    // Distinct participants need a PIN login each (Argon2id, ~0.1 s of a core): at most
    // --sessions of them; the other sockets resume their tokens (a parent's other devices).
    int distinct = std::min(c_.idle, c_.sessions);
    int warm = std::min(distinct, std::max(1, c_.idle / 100));
    if (!ConnectSessions(fleet, "idle_warm", warm, true)) return false;
    if (distinct > warm) {
      std::vector<Credential> rest(credentials_.begin() + warm, credentials_.begin() + distinct);
      WsFleet login_fleet(server->port());
      std::swap(credentials_, rest);
      bool ok = ConnectSessions(login_fleet, "idle_login", distinct - warm, true);
      std::swap(credentials_, rest);
      login_fleet.CloseAll(5000);
      if (!ok) return false;
    }
    fleet.Idle(1.0);
    int64_t before = server->RssKib();
    int more = c_.idle - warm;
    std::vector<Credential> resume;
    for (int i = 0; i < distinct; ++i) {
      Credential cr = credentials_[static_cast<size_t>(i)];
      auto it = tokens_.find(cr.participant_id);
      if (it == tokens_.end()) continue;
      cr.token = it->second;
      resume.push_back(cr);
    }
    if (resume.empty()) return Fail("idle: no session tokens to resume");
    Progress("idle: RSS " + std::to_string(before) + " KiB with " + std::to_string(warm) +
             " sockets; opening " + std::to_string(more) + " more");
    std::string error;
    int64_t t0 = NowNs();
    int ok = fleet.Connect(more, resume, 256, 600'000, &error);
    out_["idle_connect_s"] = Round(static_cast<double>(NowNs() - t0) / 1e9, 0.01);
    if (ok < more) {
      return Fail("idle: only " + std::to_string(ok) + " of " + std::to_string(more) +
                  " sockets logged in: " + error);
    }
    fleet.Idle(std::min(5.0, c_.seconds));
    int64_t after = server->RssKib();
    int open = fleet.open();
    out_["idle_conns"] = open;
    out_["idle_distinct_participants"] = distinct;
    out_["idle_rss_before_kib"] = before;
    out_["idle_rss_after_kib"] = after;
    out_["rss_kib_per_idle_conn"] = Round(static_cast<double>(after - before) / more, 0.01);
    out_["idle_peak_rss_kib"] = server->PeakRssKib();
    Progress("idle: " + std::to_string(open) + " sockets open, RSS " + std::to_string(after) +
             " KiB, " + ToJson(out_["rss_kib_per_idle_conn"]) + " KiB per socket");
    fleet.CloseAll(10000);
    server->Stop();
    return open == c_.idle || Fail("idle: only " + std::to_string(open) + " sockets stayed open");
  }

  bool RunSms() { return RunWebhooks(false); }
  bool RunVoice() { return RunWebhooks(true); }

  // Twilio webhooks, signed, over keep-alive connections: SMS messages, or voice calls that sign
  // in and then ask the menu in a loop (sms_load.h). Figures are prefixed "sms_" or "voice_".
  bool RunWebhooks(bool voice) {
    const std::string name = voice ? "voice" : "sms";
    std::vector<std::string> args = ServeArgs(c_, false);
    for (const char* a :
         {"--public-url", kPublicUrl, "--twilio-account-sid", "ACbench0000000000000000000000000000",
          "--twilio-from", "+15595550100", "--sms-api-base", "http://127.0.0.1:9"}) {
      args.push_back(a);
    }
    // The token is not accepted on the command line (ps shows it): the child inherits it.
    ::setenv("CONNECTHUB_TWILIO_AUTH_TOKEN", kAuthToken, 1);
    auto server = StartServer(name, args);
    if (!server) return false;
    SmsLoadOptions o;
    o.port = server->port();
    o.connections = c_.sms_connections;
    o.warmup_seconds = c_.warmup;
    o.seconds = c_.seconds;
    o.public_url = kPublicUrl;
    o.auth_token = kAuthToken;
    o.voice = voice;
    for (const Credential& cr : credentials_) o.logins.emplace_back(cr.participant_id, cr.pin);
    Progress(name + ": " + std::to_string(o.connections) + " keep-alive connections, " +
             std::to_string(o.seconds) + " s");
    double cpu0 = server->CpuSeconds();
    SmsResult r = RunSmsLoad(o);
    double cpu1 = server->CpuSeconds();
    const std::string k = name + "_";
    out_[k + "req_per_s"] = Round(static_cast<double>(r.ok) / r.seconds, 0.1);
    out_[k + "p50_ms"] = Round(r.latency.QuantileMs(0.5));
    out_[k + "p99_ms"] = Round(r.latency.QuantileMs(0.99));
    out_[k + "p999_ms"] = Round(r.latency.QuantileMs(0.999));
    out_[k + "errors"] = r.errors;
    if (voice) out_["voice_calls_signed_in"] = r.signins;
    if (r.ok > 0) out_[k + "server_cpu_us_per_req"] = Round((cpu1 - cpu0) * 1e6 / r.ok, 0.1);
    if (!r.statuses.empty()) {
      json::object s;
      for (const auto& [code, n] : r.statuses) s[std::to_string(code)] = n;
      out_[k + "error_statuses"] = std::move(s);
    }
    out_[k + "peak_rss_kib"] = server->PeakRssKib();
    Progress(name + ": " + ToJson(out_[k + "req_per_s"]) + " req/s, p99 " +
             ToJson(out_[k + "p99_ms"]) + " ms, errors " + std::to_string(r.errors));
    server->Stop();
    if (voice && r.signins == 0) {
      return Fail("voice: no call reached the main menu (see " + server->log_path() + ")");
    }
    return r.ok > 0 || Fail(name + ": no successful webhook (see " + server->log_path() + ")");
  }

 public:
  ~Bench() {
    if (remove_work_dir_) {
      std::error_code ec;
      fs::remove_all(c_.work_dir, ec);
    }
  }

 private:
  Config c_;
  json::object out_;
  std::vector<Credential> credentials_;
  std::map<std::string, std::string> tokens_;
  bool own_work_dir_ = false;
  bool remove_work_dir_ = false;
};

}  // namespace
}  // namespace connecthub::bench

int main(int argc, char** argv) {
  auto config = connecthub::bench::ParseArgs(argc, argv);
  if (!config) return 2;
  connecthub::bench::Bench bench(std::move(*config));
  return bench.Run();
}
