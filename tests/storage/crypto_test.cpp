#include "crypto.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "parse.h"
#include "test_util.h"

using namespace connecthub::storage;
using connecthub::storage::testing::TempDir;

TEST_CASE("seal and open round trip, bound to table, column and row", "[storage]") {
  TempDir dir;
  auto ring = KeyRing::Load(dir.File("k.key"), true);
  REQUIRE(ring.ok());
  KeyRing& keys = **ring;
  std::string sealed = keys.Seal("hola, cuánto debo", "messages", "body", "7:3");
  CHECK(sealed.find("hola") == std::string::npos);
  CHECK(KeyRing::SealedKeyId(sealed) == 1);
  auto opened = keys.Open(sealed, "messages", "body", "7:3");
  REQUIRE(opened.ok());
  CHECK(*opened == "hola, cuánto debo");
  // Same plaintext seals differently (random nonce).
  CHECK(keys.Seal("x", "t", "c", "1") != keys.Seal("x", "t", "c", "1"));

  CHECK(keys.Open(sealed, "messages", "body", "7:4").status().code() == Code::kTampered);
  CHECK(keys.Open(sealed, "messages", "intent", "7:3").status().code() == Code::kTampered);
  CHECK(keys.Open(sealed, "outbox", "body", "7:3").status().code() == Code::kTampered);
  for (size_t i : {size_t{4}, size_t{20}, sealed.size() / 2, sealed.size() - 1}) {
    std::string flipped = sealed;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    CHECK(keys.Open(flipped, "messages", "body", "7:3").status().code() == Code::kTampered);
  }
  CHECK(keys.Open(sealed.substr(0, 10), "messages", "body", "7:3").status().code() ==
        Code::kTampered);
  std::string unknown_key = sealed;
  unknown_key[3] = 9;
  CHECK(keys.Open(unknown_key, "messages", "body", "7:3").status().code() == Code::kKey);
}

TEST_CASE("key file is created 0600 and refused when open to others or malformed", "[storage]") {
  TempDir dir;
  std::string path = dir.File("k.key");
  CHECK(KeyRing::Load(path, false).status().code() == Code::kKey);  // absent, not created
  REQUIRE(KeyRing::Load(path, true).ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  ::chmod(path.c_str(), 0644);
  auto refused = KeyRing::Load(path, true);
  CHECK(refused.status().code() == Code::kKey);
  CHECK(refused.status().message().find("group or others") != std::string::npos);
  ::chmod(path.c_str(), 0600);
  CHECK(KeyRing::Load(path, true).ok());

  std::string bad = dir.File("bad.key");
  { std::ofstream(bad) << "1 not-base64!!\n"; }
  ::chmod(bad.c_str(), 0600);
  CHECK(KeyRing::Load(bad, true).status().code() == Code::kKey);
  { std::ofstream(bad) << ""; }
  CHECK(KeyRing::Load(bad, true).status().code() == Code::kKey);
}

TEST_CASE("added keys: old values stay readable, new ones use the new id", "[storage]") {
  TempDir dir;
  auto ring = KeyRing::Load(dir.File("k.key"), true);
  REQUIRE(ring.ok());
  KeyRing& keys = **ring;
  std::string old_sealed = keys.Seal("old", "t", "c", "r");
  std::string index_before = keys.BlindIndex("+15595550101");
  auto id = keys.AddKey();
  REQUIRE(id.ok());
  CHECK(*id == 2);
  CHECK(keys.current_id() == 2);
  std::string new_sealed = keys.Seal("new", "t", "c", "r");
  CHECK(KeyRing::SealedKeyId(new_sealed) == 2);
  CHECK(*keys.Open(old_sealed, "t", "c", "r") == "old");
  CHECK(*keys.Open(new_sealed, "t", "c", "r") == "new");
  // The blind index moves to key 2's; look-ups still try key 1's (current first).
  std::string index_after = keys.BlindIndex("+15595550101");
  CHECK(index_after != index_before);
  CHECK(keys.BlindIndexes("+15595550101") == std::vector<std::string>{index_after, index_before});
  // SealPhone: the index and the sealed number under the same key; identity hex(index) if empty.
  auto phone = keys.SealPhone("+15595550101", "linked_phones", "phone", "");
  CHECK(phone.index == index_after);
  CHECK(KeyRing::SealedKeyId(phone.sealed) == 2);
  CHECK(*keys.Open(phone.sealed, "linked_phones", "phone", ToHex(index_after)) == "+15595550101");
  // A second process's ring sees key 2 on demand (reload on unknown id).
  auto other = KeyRing::Load(dir.File("k.key"), false);
  REQUIRE(other.ok());
  CHECK(*(*other)->Open(new_sealed, "t", "c", "r") == "new");
}

TEST_CASE("blind index is keyed and deterministic, E.164 normalisation", "[storage]") {
  TempDir dir;
  auto a = KeyRing::Load(dir.File("a.key"), true);
  auto b = KeyRing::Load(dir.File("b.key"), true);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a)->BlindIndex("+15595550101") == (*a)->BlindIndex("+15595550101"));
  CHECK((*a)->BlindIndex("+15595550101") != (*a)->BlindIndex("+15595550102"));
  CHECK((*a)->BlindIndex("+15595550101") != (*b)->BlindIndex("+15595550101"));
  CHECK((*a)->BlindIndex("+15595550101").size() == 32);

  CHECK(NormalizeE164("(559) 555-0101") == "+15595550101");
  CHECK(NormalizeE164("559.555.0101") == "+15595550101");
  CHECK(NormalizeE164("1 559 555 0101") == "+15595550101");
  CHECK(NormalizeE164("+44 20 7946 0958") == "+442079460958");
  CHECK_FALSE(NormalizeE164("555-0101").has_value());
  CHECK_FALSE(NormalizeE164("+1559abc0101").has_value());
  CHECK_FALSE(NormalizeE164("").has_value());
  CHECK_FALSE(NormalizeE164("2 559 555 0101").has_value());
  CHECK_FALSE(NormalizeE164("5595550101+").has_value());
}

TEST_CASE("secrets: Argon2id with pepper, plain hashes from an extract", "[storage]") {
  TempDir dir;
  auto a = KeyRing::Load(dir.File("a.key"), true);
  auto b = KeyRing::Load(dir.File("b.key"), true);
  auto hash = (*a)->HashSecret("482913");
  REQUIRE(hash.ok());
  CHECK(hash->rfind("k1:$argon2id$", 0) == 0);  // records the pepper's key id
  CHECK((*a)->VerifySecret(*hash, "482913", true));
  CHECK_FALSE((*a)->VerifySecret(*hash, "482914", true));
  CHECK_FALSE((*a)->VerifySecret(*hash, "482913", false));
  // Another server's pepper does not verify it: a stolen database alone is not enough.
  CHECK_FALSE((*b)->VerifySecret(*hash, "482913", true));
}

TEST_CASE("money, dates and instants parse strictly", "[storage]") {
  CHECK(ParseMoneyCents("10.00") == 1000);
  CHECK(ParseMoneyCents("667.93") == 66793);
  CHECK(ParseMoneyCents("83.5") == 8350);
  CHECK(ParseMoneyCents("0") == 0);
  CHECK(ParseMoneyCents("-12.01") == -1201);
  for (const char* bad :
       {"", "-", "1.", ".5", "1.234", "1,000.00", "12a", "$5", "1e3", " 1", "99999999999999"}) {
    CHECK_FALSE(ParseMoneyCents(bad).has_value());
  }
  CHECK(ParseDateDays("1970-01-02") == 1);
  CHECK(ParseDateDays("2024-02-29").has_value());
  for (const char* bad : {"2023-02-29", "2023-13-01", "2023-1-01", "2023/01/01", "20230101", ""}) {
    CHECK_FALSE(ParseDateDays(bad).has_value());
  }
  CHECK(ParseInstantSeconds("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseInstantSeconds("1970-01-01T00:00:00-08:00") == 8 * 3600);
  CHECK(ParseInstantSeconds("1970-01-01T01:30+01:00") == 1800);
  CHECK(ParseInstantSeconds("1970-01-01T00:00:01.250Z") == 1);
  for (const char* bad : {"1970-01-01T00:00:00", "1970-01-01 00:00:00Z", "1970-01-01T25:00:00Z",
                          "1970-01-01T00:00:00+0800", "1970-01-01T00:00:00Zjunk"}) {
    CHECK_FALSE(ParseInstantSeconds(bad).has_value());
  }
}
