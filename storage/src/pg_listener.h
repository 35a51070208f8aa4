#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pg_conn.h"

namespace connecthub::storage::pg {

// Sends a notification on `channel` from the caller's transaction: PostgreSQL delivers it to every
// listening session when (and only if) that transaction commits. Payloads carry ids only (a
// thread id and a seq, say), never names or text: anyone who can LISTEN on the database sees them.
void Notify(Conn& c, const std::string& channel, const std::string& payload);

// PostgreSQL LISTEN/NOTIFY for a hub: one dedicated connection, on a thread of its own, listening
// on `channels`. A lost connection (the server restarted, a network cut) is reconnected with a
// growing delay (0.1 s to 5 s); once it listens again, `resumed` runs, because notifications sent
// meanwhile are gone: the subscriber re-reads what changed since it last looked. Callbacks run on
// the listener's thread, one at a time; they must not block for long.
class Listener {
 public:
  struct Callbacks {
    std::function<void(const std::string& channel, const std::string& payload)> notified;
    std::function<void()> resumed;  // listening again after a lost connection
  };
  Listener(std::string uri, std::vector<std::string> channels, Callbacks callbacks);
  ~Listener();  // stops and joins the thread
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Waits until the listener has listened `times` times in all (1: the first connection; 2: after
  // one reconnection; `resumed` has returned by then). False when `timeout` passes first.
  bool WaitListening(int times, std::chrono::milliseconds timeout);

 private:
  void Run();
  // Listens until the connection breaks or Stop; false when stopping.
  bool Session(Conn& c);

  std::string uri_;
  std::vector<std::string> channels_;
  Callbacks callbacks_;
  int wake_fd_ = -1;  // an eventfd: written by the destructor to end poll()
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int listened_ = 0;
  std::thread thread_;
};

}  // namespace connecthub::storage::pg
