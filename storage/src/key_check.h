#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "crypto.h"
#include "storage/status.h"

namespace connecthub::storage {

// Every backend's check of a key file against a database, at Open. `stored` holds the database's
// data_keys rows (key id, check value) in key id order. Returns the key ids of the file that the
// database does not know yet (to be recorded with their check values), or kKey when the file
// lacks a key the database uses, a check value differs, or the first keys differ.
Result<std::vector<uint32_t>> KeysToRecord(
    const KeyRing& ring, const std::vector<std::pair<uint32_t, std::string>>& stored);

}  // namespace connecthub::storage
