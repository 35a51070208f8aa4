#include "pg_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace connecthub::storage::pg {
namespace {

// A channel name as an SQL identifier (LISTEN takes no parameters): quoted, quotes doubled.
std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    out += ch;
    if (ch == '"') out += '"';
  }
  return out + "\"";
}

}  // namespace

void Notify(Conn& c, const std::string& channel, const std::string& payload) {
  c.Exec("SELECT pg_notify($1, $2)", {Param::Text(channel), Param::Text(payload)});
}

Listener::Listener(std::string uri, std::vector<std::string> channels, Callbacks callbacks)
    : uri_(std::move(uri)),
      channels_(std::move(channels)),
      callbacks_(std::move(callbacks)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      thread_([this] { Run(); }) {}

Listener::~Listener() {
  stop_ = true;
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool Listener::WaitListening(int times, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return listened_ >= times; });
}

bool Listener::Session(Conn& c) {
  for (const std::string& channel : channels_) c.Script("LISTEN " + QuoteIdent(channel));
  bool resumed;
  {
    std::lock_guard lock(mu_);
    resumed = listened_ > 0;
  }
  // Told before WaitListening sees this session, so a waiter finds the catch-up done.
  if (resumed && callbacks_.resumed) callbacks_.resumed();
  {
    std::lock_guard lock(mu_);
    ++listened_;
  }
  cv_.notify_all();
  PGconn* raw = c.raw();
  while (!stop_) {
    pollfd fds[2] = {{PQsocket(raw), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, 1000);
    if (stop_) return false;
    if (n < 0) continue;  // EINTR
    if (n == 0) {
      // Idle: a cheap round trip, so that a silent cut is noticed (it throws when broken).
      c.Script("SELECT 1");
    } else if (PQconsumeInput(raw) == 0) {
      return true;  // the connection broke: reconnect
    }
    while (PGnotify* note = PQnotifies(raw)) {
      std::unique_ptr<PGnotify, decltype(&PQfreemem)> owned(note, &PQfreemem);
      if (callbacks_.notified) callbacks_.notified(note->relname, note->extra);
    }
  }
  return false;
}

void Listener::Run() {
  auto delay = std::chrono::milliseconds(100);
  while (!stop_) {
    try {
      Conn c(uri_);
      delay = std::chrono::milliseconds(100);
      if (!Session(c)) return;
    } catch (const Error&) {
      // Cannot connect, or the connection broke mid-statement: try again after a while.
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, delay, [&] { return stop_.load(); });
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace connecthub::storage::pg
