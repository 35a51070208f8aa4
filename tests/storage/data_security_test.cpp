// Issue 16 storage items: cached SMS replies expire, demo data only into a new database.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

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

int Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

TEST_CASE("the database, -wal and -shm are 0600, new or narrowed at open", "[storage][files]") {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    testing::MustImport(*store, testing::SampleExtract());
    CHECK(Mode(dir.File("t.db")) == 0600);
    CHECK(Mode(dir.File("t.db-wal")) == 0600);
    CHECK(Mode(dir.File("t.db-shm")) == 0600);
  }
  for (const char* f : {"t.db", "t.db-wal", "t.db-shm"}) {
    if (Mode(dir.File(f)) >= 0) ::chmod(dir.File(f).c_str(), 0644);
  }
  auto store = OpenStore(dir);
  for (const char* f : {"t.db", "t.db-wal", "t.db-shm"}) {
    if (Mode(dir.File(f)) >= 0) CHECK(Mode(dir.File(f)) == 0600);
  }
}

std::string ParticipantWithHash(const std::string& hash) {
  return R"({"participant":{"participant_id":"100000007","first_name":"Anaqx","last_name":"Diazqz","pin_hash":")" +
         hash + "\"}}\n";
}

TEST_CASE("an imported pin_hash is re-hashed with the pepper at the first good PIN",
          "[storage][pin]") {
  TempDir dir;
  auto store = OpenStore(dir);
  char plain[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(plain, "246810", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
  testing::MustImport(*store, ParticipantWithHash(plain));
  SQLite::Database raw(dir.File("t.db"));
  auto peppered = [&] {
    return raw
        .execAndGet(
            "SELECT pin_peppered FROM participants WHERE participant_id = "
            "'100000007'")
        .getInt();
  };
  CHECK(peppered() == 0);
  CHECK_FALSE(*store->CheckPin("100000007", "246811"));
  CHECK(peppered() == 0);  // a wrong PIN changes nothing
  CHECK(*store->CheckPin("100000007", "246810"));
  CHECK(peppered() == 1);
  std::string stored =
      raw.execAndGet("SELECT pin_hash FROM participants WHERE participant_id = '100000007'")
          .getString();
  CHECK(stored != plain);
  // The plain hash no longer opens it without the pepper; the PIN still does, with it.
  CHECK(crypto_pwhash_str_verify(stored.c_str(), "246810", 6) != 0);
  CHECK(*store->CheckPin("100000007", "246810"));
  CHECK_FALSE(*store->CheckPin("100000007", "246811"));
}

}  // namespace
}  // namespace connecthub::storage
