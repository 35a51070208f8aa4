// Issue 16 item 8: `rotate-key --retire ID` removes an old key from the key file once nothing is
// sealed, hashed, indexed or keyed under it; never the current key.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "crypto.h"
#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

std::string KeyIds(const TempDir& dir) {
  std::ifstream in(dir.File("t.db.key"));
  std::string ids, line;
  while (std::getline(in, line)) ids += line.substr(0, line.find(' ')) + ",";
  return ids;
}

}  // namespace

TEST_CASE("retiring a key: only an old one, only once nothing is sealed under it", "[storage]") {
  TempDir dir;
  auto store = OpenNoSettle(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto thread = store->OpenThread("100000001", Channel::kWeb, "es", now);
  REQUIRE(thread.ok());
  REQUIRE(
      store->Append({thread->id, Sender::kParticipant, "c-1", "cuánto debo", "", {}, now}).ok());

  CHECK(store->RetireKey(1).code() == Code::kConflict);  // the only key: current and first
  REQUIRE(store->RotateKey(100).ok());                   // 2 current
  CHECK(store->RetireKey(1).code() == Code::kConflict);  // its pepper: the imported PINs
  CHECK(store->RetireKey(2).code() == Code::kConflict);  // current
  CHECK(store->RetireKey(7).code() == Code::kNotFound);
  REQUIRE(store->RotateKey(100).ok());  // 3 current: nothing is sealed under 2 any more
  CHECK(KeyIds(dir) == "1,2,3,");
  REQUIRE(store->RetireKey(2).ok());
  CHECK(KeyIds(dir) == "1,3,");
  CHECK(store->RetireKey(2).code() == Code::kNotFound);
  {
    SQLite::Database raw(dir.File("t.db"));
    CHECK(raw.execAndGet("SELECT count(*) FROM data_keys WHERE key_id = 2").getInt() == 0);
  }
  // The database opens with the shorter key file, everything readable, and works on.
  store.reset();
  store = OpenNoSettle(dir);
  CHECK(store->Messages(thread->id, 0, 10, false)->front().body == "cuánto debo");
  CHECK(store->LoadFacts("100000001", now)->first_name == "Mariaxq");
  CHECK(*store->CheckPin("100000001", "482913"));
}

TEST_CASE("a key that still seals a value is not retired, and says how many", "[storage]") {
  TempDir dir;
  auto store = OpenNoSettle(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto thread = store->OpenThread("100000001", Channel::kWeb, "es", now);
  REQUIRE(store->Append({thread->id, Sender::kParticipant, "c-1", "hola", "", {}, now}).ok());
  REQUIRE(store->RotateKey(100).ok());  // 2
  REQUIRE(store->Append({thread->id, Sender::kParticipant, "c-2", "otra", "", {}, now}).ok());
  // The message sealed under key 2 is damaged: rotation leaves it (tampered) under key 2.
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE messages SET body = CAST(substr(body, 1, 30) || x'00' || substr(body, 32) AS BLOB) "
        "WHERE seq = 2");
  }
  auto rotated = store->RotateKey(100);  // 3
  REQUIRE(rotated.ok());
  CHECK(rotated->rows_tampered == 1);
  Status refused = store->RetireKey(2);
  CHECK(refused.code() == Code::kConflict);
  CHECK(refused.message().find("1 sealed value(s) still use key 2") != std::string::npos);
  CHECK(KeyIds(dir) == "1,2,3,");
}

TEST_CASE("peppers, sessions and audit links rotate, the first key retires once unused",
          "[storage]") {
  TempDir dir;
  auto store = OpenNoSettle(dir);
  int64_t now = TestNowMs();
  REQUIRE(store->AddCaseworker("kim", "correct horse", "", false).ok());
  auto old_session = store->CreateSession(SessionKind::kCaseworker, "1", now);
  REQUIRE(old_session.ok());
  REQUIRE(store->Audit(1, 0, "read", now).ok());
  REQUIRE(store->RotateKey(100).ok());  // 2 current
  // Made under key 1, still good under 2.
  CHECK(store->ResolveSession(*old_session, now + 1, 3'600'000).ok());
  auto new_session = store->CreateSession(SessionKind::kCaseworker, "1", now);
  REQUIRE(new_session.ok());
  CHECK(store->ResolveSession(*new_session, now + 1, 3'600'000).ok());
  REQUIRE(store->Audit(1, 0, "read", now + 2).ok());
  // Key 1 still peppers the password and keys a session: refused, with counts.
  Status refused = store->RetireKey(1);
  CHECK(refused.code() == Code::kConflict);
  CHECK(refused.message().find("1 PIN/password hash(es) still use key 1") != std::string::npos);
  REQUIRE(store->CheckCaseworkerPassword("kim", "correct horse").ok());  // re-hashed under 2
  refused = store->RetireKey(1);
  CHECK(refused.message().find("1 session(s) still use key 1") != std::string::npos);
  REQUIRE(store->EndSession(*old_session).ok());
  REQUIRE(store->RetireKey(1).ok());
  CHECK(KeyIds(dir) == "1,2,");  // 1 is audit-only now: it verifies links and opens nothing
  std::ifstream in(dir.File("t.db.key"));
  std::string first;
  std::getline(in, first);
  CHECK(first.rfind("1 audit-only ", 0) == 0);
  auto check = store->VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->first_bad_id == 0);
  CHECK(check->rows == 2);
  CHECK(store->CheckCaseworkerPassword("kim", "correct horse").ok());
  CHECK(store->ResolveSession(*new_session, now + 3, 3'600'000).ok());
  store.reset();
  store = OpenNoSettle(dir);  // reopens with the audit-only line
  check = store->VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->first_bad_id == 0);
}
