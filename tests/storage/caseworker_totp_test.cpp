#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "crypto.h"
#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

const std::string kSecret = "12345678901234567890";  // RFC 6238's test secret (20 bytes)

std::unique_ptr<Store> WithCaseworker(const TempDir& dir, int64_t* id) {
  auto store = OpenStore(dir);
  auto added = store->AddCaseworker("jdoe", "madera-password-1", "MADERA", false);
  REQUIRE(added.ok());
  *id = *added;
  return store;
}

}  // namespace

TEST_CASE("caseworker TOTP: the secret is sealed, bound to its row, and re-sealed by rotation",
          "[storage]") {
  TempDir dir;
  int64_t id = 0;
  auto store = WithCaseworker(dir, &id);
  REQUIRE(store->SetCaseworkerTotpSecret("jdoe", kSecret).ok());
  {
    SQLite::Database raw(dir.File("t.db"));
    std::string blob =
        raw.execAndGet("SELECT totp_secret FROM caseworkers WHERE id = " + std::to_string(id))
            .getString();
    CHECK(blob.find(kSecret) == std::string::npos);
    CHECK(KeyRing::SealedKeyId(blob) == 1);
  }
  auto rotated = store->RotateKey(10);
  REQUIRE(rotated.ok());
  CHECK(rotated->rows_tampered == 0);
  {
    SQLite::Database raw(dir.File("t.db"));
    std::string blob =
        raw.execAndGet("SELECT totp_secret FROM caseworkers WHERE id = " + std::to_string(id))
            .getString();
    CHECK(KeyRing::SealedKeyId(blob) == rotated->new_key_id);
  }
  CHECK(store->GetCaseworkerTotp(id)->secret == kSecret);

  // Copied to another caseworker's row, the sealed value does not open.
  auto other = store->AddCaseworker("fresno1", "fresno-password-1", "FRESNO", false);
  REQUIRE(other.ok());
  store.reset();
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE caseworkers SET totp_secret = (SELECT totp_secret FROM caseworkers WHERE id = " +
        std::to_string(id) + ") WHERE id = " + std::to_string(*other));
  }
  store = OpenStore(dir);
  CHECK(store->GetCaseworkerTotp(*other).status().code() == Code::kTampered);
  CHECK(store->GetCaseworkerTotp(id)->secret == kSecret);
}
