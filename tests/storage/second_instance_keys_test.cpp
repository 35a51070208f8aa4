// Issue 16 item 8: a hub that did not rotate verifies what another process made under the new key
// (a PIN re-hashed under its pepper, a session hashed under its token key) without a restart.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

TEST_CASE("a second instance verifies PINs and sessions made under a key it has not loaded",
          "[storage][keys]") {
  TempDir dir;
  auto rotating = OpenStore(dir);
  MustImport(*rotating, SampleExtract());
  auto other = OpenStore(dir);  // the same database and key file, opened before the rotation
  int64_t now = TestNowMs();
  auto old_session = rotating->CreateSession(SessionKind::kParticipant, "100000001", now);
  REQUIRE(old_session.ok());
  // The other instance has just looked at the key file (its once-a-second check is spent), so
  // only a re-read on an unknown key finds what follows.
  REQUIRE(other->ResolveSession(*old_session, now, 3'600'000).ok());

  REQUIRE(rotating->RotateKey(100).ok());  // key 2 current in `rotating` and in the file
  auto new_session = rotating->CreateSession(SessionKind::kParticipant, "100000002", now);
  REQUIRE(new_session.ok());
  auto resolved = other->ResolveSession(*new_session, now + 1, 3'600'000);
  REQUIRE(resolved.ok());
  CHECK(resolved->subject == "100000002");

  REQUIRE(*rotating->CheckPin("100000001", "482913"));  // re-hashed under key 2's pepper
  {
    SQLite::Database raw(dir.File("t.db"));
    CHECK(raw.execAndGet("SELECT pin_hash FROM participants WHERE participant_id = '100000001'")
              .getString()
              .rfind("k2:", 0) == 0);
  }
  CHECK(*other->CheckPin("100000001", "482913"));
  CHECK_FALSE(*other->CheckPin("100000001", "482914"));
  REQUIRE(other->EndSession(*new_session).ok());
  CHECK(rotating->ResolveSession(*new_session, now + 2, 3'600'000).status().code() ==
        Code::kNotFound);
}
