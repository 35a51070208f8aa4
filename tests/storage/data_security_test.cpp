// Issue 16 storage items: cached SMS replies expire, demo data only into a new database.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/test_util.h"

namespace connecthub::storage {
namespace {

using testing::OpenStore;
using testing::TempDir;
using testing::TestNowMs;

TEST_CASE("a cached inbound SMS reply is served for 48 h, then purged", "[storage][sms]") {
  TempDir dir;
  auto store = OpenStore(dir);
  int64_t t0 = TestNowMs();
  int64_t ttl = Store::kInboundReplyTtlMs;
  CHECK(ttl == 48LL * 3600 * 1000);
  REQUIRE(store->RecordInboundReply("SMold", "<Response/>", t0).ok());
  CHECK(store->InboundReply("SMold", t0 + ttl - 1)->value() == "<Response/>");
  CHECK_FALSE(store->InboundReply("SMold", t0 + ttl)->has_value());
  SQLite::Database raw(dir.File("t.db"));
  REQUIRE(store->RecordInboundReply("SMnew", "<Response/>", t0 + ttl - 1).ok());
  CHECK(raw.execAndGet("SELECT count(*) FROM inbound_sms").getInt() == 2);
  REQUIRE(store->RecordInboundReply("SMnewer", "<Response/>", t0 + ttl).ok());
  CHECK(raw.execAndGet("SELECT count(*) FROM inbound_sms WHERE message_sid = 'SMold'").getInt() ==
        0);
  CHECK(raw.execAndGet("SELECT count(*) FROM inbound_sms").getInt() == 2);
}

TEST_CASE("demo data refuses a database with participants or caseworkers", "[storage][demo]") {
  DemoOptions options;
  options.participants = 3;
  options.now_ms = TestNowMs();
  SECTION("participants") {
    TempDir dir;
    auto store = OpenStore(dir);
    testing::MustImport(*store, testing::SampleExtract());
    auto demo = store->GenerateDemo(options);
    REQUIRE_FALSE(demo.ok());
    CHECK(demo.status().code() == Code::kConflict);
    CHECK(store->CheckPin("100000001", "482913").value());
  }
  SECTION("caseworkers") {
    TempDir dir;
    auto store = OpenStore(dir);
    REQUIRE(store->AddCaseworker("jdoe", "password-123", "MADERA", false).ok());
    CHECK(store->GenerateDemo(options).status().code() == Code::kConflict);
  }
}

}  // namespace
}  // namespace connecthub::storage
