#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stats.h"

namespace connecthub::bench {

// How one chat connection authenticates: `resume` with a session token when `token` is set
// (cheap: no Argon2id), else `login` with the participant id and PIN.
struct Credential {
  std::string participant_id;
  std::string pin;
  std::string token;
};

// What a measured run of the fleet saw.
struct RunResult {
  double seconds = 0;      // length of the measured window
  int64_t sent = 0;        // sends whose (scheduled) time fell in the window
  int64_t answered = 0;    // answers received in the window
  int64_t errors = 0;      // error frames answering a send
  int64_t unanswered = 0;  // sends still waiting for their answer when the run ended
  LatencySamples latency;  // send (or its schedule) to the answer, sends in the window
  std::map<std::string, int64_t> error_codes;
};

class WsClient;

// N WebSocket clients of /ws/chat on 127.0.0.1 (the load generator's own Beast client code),
// driven by one thread: the caller's, inside each method. Each client logs in (or resumes), then
// sends `send` frames and waits for the bot's `message` (the first bot or system message after
// its ack). Not thread-safe.
class WsFleet {
 public:
  explicit WsFleet(uint16_t port);
  ~WsFleet();
  WsFleet(const WsFleet&) = delete;
  WsFleet& operator=(const WsFleet&) = delete;

  // Opens `n` more connections, client i authenticating with credentials[i % size], at most
  // `inflight` handshakes and logins at a time. Returns how many are logged in; *error says why
  // the first failure failed. Gives up after `timeout_ms`.
  int Connect(int n, const std::vector<Credential>& credentials, int inflight, int timeout_ms,
              std::string* error);

  // Closed loop: every usable client sends its next message as soon as the previous is answered.
  // Measures `seconds` after `warmup_seconds`.
  RunResult RunClosedLoop(double warmup_seconds, double seconds);
  // Open loop: every usable client sends `per_client_rate` messages a second on a fixed schedule
  // (random phase), whatever the answers' delay; latency counts from the scheduled time.
  RunResult RunPaced(double per_client_rate, double warmup_seconds, double seconds);
  // Runs the event loop for `seconds` without sending (idle sockets answer pings, if any).
  void Idle(double seconds);

  int open() const;        // connections logged in and not closed
  int not_usable() const;  // logged in, but their thread is with a caseworker (no bot answers)
  // participant id -> session token, for every client that logged in.
  std::map<std::string, std::string> Tokens() const;
  // Closes every connection (close frame, then the socket), within `timeout_ms`.
  void CloseAll(int timeout_ms);

 private:
  friend class WsClient;
  enum class Mode { kNone, kClosed, kPaced };

  void StartNext();
  void OnLoginDone(bool ok, const std::string& why);
  void OnAnswer(int64_t sent_ns, int64_t now_ns, bool error, const std::string& code);
  bool Sending(int64_t now_ns) const { return mode_ != Mode::kNone && now_ns < stop_ns_; }
  RunResult Run(Mode mode, double rate, double warmup_seconds, double seconds);

  boost::asio::io_context io_;
  uint16_t port_;
  std::vector<std::shared_ptr<WsClient>> clients_;

  // Connect() bookkeeping.
  const std::vector<Credential>* credentials_ = nullptr;
  size_t next_ = 0, end_ = 0;
  int inflight_ = 0, inflight_limit_ = 0, logged_in_ = 0, failed_ = 0;
  std::string first_error_;

  // Run bookkeeping.
  Mode mode_ = Mode::kNone;
  int64_t window_start_ns_ = 0, window_end_ns_ = 0, stop_ns_ = 0;
  RunResult* result_ = nullptr;
};

}  // namespace connecthub::bench
