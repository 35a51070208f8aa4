// A running process seals under a key another process made current, without a restart.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "crypto.h"
#include "storage/test_util.h"

namespace connecthub::storage {
namespace {

TEST_CASE("Seal picks up a key file replaced by another process", "[storage][keys]") {
  testing::TempDir dir;
  std::string path = dir.File("k.key");
  auto running = KeyRing::Load(path, true);
  REQUIRE(running.ok());
  CHECK(KeyRing::SealedKeyId((*running)->Seal("a", "t", "c", "1")) == 1);
  std::string phone_index = (*running)->BlindIndex("+15595550101");

  auto rotating = KeyRing::Load(path, false);  // as `connecthub rotate-key` does
  REQUIRE(rotating.ok());
  REQUIRE((*rotating)->AddKey().value() == 2);

  // Without opening any value under the new key: the running ring looks at the file at most once
  // a second, so within a few seconds its seals move to key 2.
  std::string sealed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    sealed = (*running)->Seal("b", "t", "c", "2");
    if (KeyRing::SealedKeyId(sealed) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  CHECK(KeyRing::SealedKeyId(sealed) == 2);
  CHECK((*running)->current_id() == 2);
  CHECK((*rotating)->Open(sealed, "t", "c", "2").value() == "b");
  // New blind indexes are key 2's too; look-ups still find the one made under key 1.
  CHECK((*running)->BlindIndex("+15595550101") != phone_index);
  CHECK((*running)->BlindIndexes("+15595550101").back() == phone_index);
}

}  // namespace
}  // namespace connecthub::storage
