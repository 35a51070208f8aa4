#include "key_check.h"

#include <sodium.h>

#include <algorithm>

namespace connecthub::storage {

Result<std::vector<uint32_t>> KeysToRecord(
    const KeyRing& ring, const std::vector<std::pair<uint32_t, std::string>>& stored) {
  std::vector<uint32_t> known;
  for (const auto& [id, value] : stored) {
    std::string check = ring.CheckValue(id);
    if (check.empty()) {
      return Status(Code::kKey, "the key file lacks key id " + std::to_string(id) +
                                    " used by this database (wrong key file?)");
    }
    if (check.size() != value.size() ||
        sodium_memcmp(check.data(), value.data(), check.size()) != 0) {
      return Status(Code::kKey, "the key file does not match this database (key id " +
                                    std::to_string(id) + ")");
    }
    known.push_back(id);
  }
  std::vector<uint32_t> ids = ring.key_ids();
  if (!known.empty() && ids.front() != known.front()) {
    return Status(Code::kKey, "the key file's first key is not this database's first key");
  }
  std::vector<uint32_t> fresh;
  for (uint32_t id : ids) {
    if (std::find(known.begin(), known.end(), id) == known.end()) fresh.push_back(id);
  }
  return fresh;
}

}  // namespace connecthub::storage
