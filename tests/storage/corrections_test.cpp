// Extract corrections: a payment the agency reversed, and `delete` records, reach the facts at
// once; a bad correction is rejected with its reason and nothing else is lost.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace connecthub::storage {
namespace {

using testing::MustImport;
using testing::OpenStore;
using testing::SampleExtract;
using testing::TempDir;
using testing::TestNowMs;

// Imports `text`; the reasons of the rejected lines.
std::vector<std::string> Rejections(Store& store, const std::string& text, ImportStats* stats) {
  std::istringstream in(text);
  std::vector<std::string> reasons;
  auto r = store.Import(in, [&](int64_t, const std::string& why) { reasons.push_back(why); });
  REQUIRE(r.ok());
  *stats = *r;
  return reasons;
}

}  // namespace

TEST_CASE("a participant with conversations on record is not deleted", "[storage][import]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  REQUIRE(store->OpenThread("100000001", Channel::kWeb, "es", TestNowMs()).ok());
  ImportStats stats;
  auto reasons = Rejections(*store, "{\"delete\":{\"participant_id\":\"100000001\"}}\n", &stats);
  REQUIRE(reasons.size() == 1);
  CHECK(reasons[0].find("conversations on record") != std::string::npos);
  CHECK(stats.deletes == 0);
  CHECK(store->LoadFacts("100000001", TestNowMs()).ok());
}

}  // namespace connecthub::storage
