#include "inbox/inbox_session.h"

#include <catch2/catch.hpp>

#include "../storage/test_util.h"
#include "events/event_bus.h"
#include "fakes/fake_ws_connection.h"

using namespace connecthub;

namespace {

constexpr int64_t kMin = 60'000;

struct InboxFixture {
  storage::testing::TempDir dir;
  std::unique_ptr<storage::Store> store = storage::testing::OpenStore(dir);
  hub::events::LocalEventBus bus;
  hub::server::Registry registry{bus};
  int64_t now = storage::testing::TestNowMs();
  std::shared_ptr<fakes::FakeWsConnection> conn = std::make_shared<fakes::FakeWsConnection>();
  std::shared_ptr<hub::inbox::InboxSession> session;
  std::string token;
  int64_t caseworker_id = 0;

  InboxFixture() {
    storage::testing::MustImport(*store, storage::testing::SampleExtract());
    caseworker_id = *store->AddCaseworker("jdoe", "madera-password", "MADERA", false);
    token = *store->CreateSession(storage::SessionKind::kCaseworker, std::to_string(caseworker_id),
                                  now);
    session = std::make_shared<hub::inbox::InboxSession>(
        hub::inbox::InboxSessionDeps{*store,
                                     registry,
                                     [this] { return now; },
                                     {.idle_ms = 15 * kMin, .max_age_ms = 12 * 60 * kMin},
                                     kMin});
    session->OnOpen(conn);
    session->OnText(R"({"type":"auth","token":")" + token + R"("})");
  }

  hub::events::HubEvent ThreadEvent() {
    auto thread = store->OpenThread("100000001", storage::Channel::kWeb, "es", now);
    REQUIRE(thread.ok());
    hub::events::HubEvent e;
    e.kind = hub::events::HubEvent::Kind::kThread;
    e.thread = *thread;
    return e;
  }

  bool SentType(const std::string& type) const {
    for (const auto& f : conn->sent) {
      if (f.find(R"("type":")" + type + "\"") != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("inbox socket: pushes go out under a checked session, audited", "[hub][inbox]") {
  InboxFixture f;
  REQUIRE(f.SentType("ready"));
  REQUIRE(f.conn->authenticated);
  f.conn->sent.clear();
  f.bus.Publish(f.ThreadEvent());
  CHECK(f.SentType("thread"));
  // Two minutes later (past the re-check interval) the session is checked first, then pushed.
  f.now += 2 * kMin;
  f.conn->sent.clear();
  f.bus.Publish(f.ThreadEvent());
  CHECK(f.SentType("thread"));
  CHECK_FALSE(f.conn->close_code);
}

TEST_CASE("inbox socket: an idle session closes with 4401 and pushes nothing", "[hub][inbox]") {
  InboxFixture f;
  f.conn->sent.clear();
  f.now += 16 * kMin;  // idle past 15 min, no touch since login
  f.bus.Publish(f.ThreadEvent());
  CHECK(f.conn->close_code == hub::server::kCloseSessionEnded);
  CHECK_FALSE(f.SentType("thread"));
  CHECK(f.SentType("error"));
  CHECK(f.registry.inbox_count() == 0);
}

TEST_CASE("inbox socket: the absolute lifetime ends a busy session", "[hub][inbox]") {
  InboxFixture f;
  // Used every 10 minutes for 12 hours: never idle.
  for (int i = 0; i < 72; ++i) {
    f.now += 10 * kMin;
    (void)f.store->ResolveSession(f.token, f.now, 15 * kMin);
  }
  f.registry.RecheckAll();
  CHECK(f.conn->close_code == hub::server::kCloseSessionEnded);
}

TEST_CASE("inbox socket: a logout of its token closes it, another token's does not",
          "[hub][inbox]") {
  InboxFixture f;
  f.registry.EndSession("some-other-token");
  CHECK_FALSE(f.conn->close_code);
  REQUIRE(f.store->EndSession(f.token).ok());
  f.registry.EndSession(f.token);
  CHECK(f.conn->close_code == hub::server::kCloseSessionEnded);
}

TEST_CASE("inbox socket: an ended session found by the periodic re-check", "[hub][inbox]") {
  InboxFixture f;
  REQUIRE(f.store->EndSession(f.token).ok());  // e.g. by another hub process
  f.registry.RecheckAll();
  CHECK(f.conn->close_code == hub::server::kCloseSessionEnded);
}
