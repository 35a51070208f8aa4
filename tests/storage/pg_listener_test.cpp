// PostgreSQL LISTEN/NOTIFY between hubs (storage/src/pg_listener.h), against the test cluster.
#include "pg_listener.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;
using namespace std::chrono_literals;

namespace {

// What a listener was told, and a way to wait for it.
struct Heard {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> notes;
  int resumed = 0;

  pg::Listener::Callbacks Callbacks() {
    return {[this](const std::string& channel, const std::string& payload) {
              std::lock_guard lock(mu);
              notes.push_back(channel + "|" + payload);
              cv.notify_all();
            },
            [this] {
              std::lock_guard lock(mu);
              ++resumed;
              cv.notify_all();
            }};
  }
  bool WaitFor(const std::string& note) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 30s,
                       [&] { return std::find(notes.begin(), notes.end(), note) != notes.end(); });
  }
};

void Send(const std::string& uri, const std::string& payload, bool commit) {
  pg::Conn c(uri);
  c.Script("BEGIN");
  pg::Notify(c, "thread", payload);
  c.Script(commit ? "COMMIT" : "ROLLBACK");
}

}  // namespace

TEST_CASE("LISTEN/NOTIFY: a committed notification reaches every listener, a rolled back one none",
          "[storage][pg]") {
  PostgresBackend db;
  Heard a, b;
  pg::Listener la(db.uri(), {"thread", "case_data"}, a.Callbacks());
  pg::Listener lb(db.uri(), {"thread"}, b.Callbacks());
  REQUIRE(la.WaitListening(1, 30s));
  REQUIRE(lb.WaitListening(1, 30s));
  Send(db.uri(), "rolled-back", false);
  Send(db.uri(), "t:12:s:4", true);
  REQUIRE(a.WaitFor("thread|t:12:s:4"));
  REQUIRE(b.WaitFor("thread|t:12:s:4"));
  // Notifications arrive in commit order: the rolled-back one would have come first.
  std::lock_guard lock(a.mu);
  CHECK(a.notes == std::vector<std::string>{"thread|t:12:s:4"});
}

TEST_CASE("LISTEN/NOTIFY: after a lost connection the listener resumes and says so",
          "[storage][pg]") {
  PostgresBackend db;
  Heard heard;
  pg::Listener listener(db.uri(), {"thread"}, heard.Callbacks());
  REQUIRE(listener.WaitListening(1, 30s));
  // The server ends every other session of this database (as a restart or a failover would),
  // the store's pooled connections included.
  int64_t now = TestNowMs();
  auto token = db.sessions().CreateSession(SessionKind::kParticipant, "100000001", now);
  REQUIRE(token.ok());
  {
    pg::Conn admin(db.uri());
    admin.Script(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND pid <> pg_backend_pid()");
  }
  REQUIRE(listener.WaitListening(2, 30s));
  {
    std::lock_guard lock(heard.mu);
    CHECK(heard.resumed == 1);
  }
  Send(db.uri(), "t:1:s:2", true);
  REQUIRE(heard.WaitFor("thread|t:1:s:2"));
  // The store's pool replaced its broken connections.
  CHECK(db.sessions().PeekSession(*token).ok());
}
