#pragma once

#include <functional>
#include <string>
#include <vector>

#include "crypto.h"
#include "records.h"
#include "storage/case_data.h"

namespace connecthub::storage {

// Where generated demo data goes: a backend's three writes.
struct DemoSink {
  // Whether the database holds participants or caseworkers (demo data is refused then).
  std::function<Result<bool>()> holds_people;
  // One transaction with every record of the batch (which is consistent by construction).
  std::function<Status(const std::vector<Record>&)> write_records;
  // Creates (or replaces) a caseworker account with an already made password hash.
  std::function<Status(const std::string& username, const std::string& password_hash,
                       const std::string& county, bool supervisor)>
      put_caseworker;
};

// CaseData::GenerateDemo for every backend (store_demo.cpp): a synthetic population made from
// `options.seed`, sealed and hashed with `keys`, written through `sink`. Demo passwords come from
// libsodium, not the seed.
Result<DemoSummary> GenerateDemoData(const DemoOptions& options, KeyRing& keys,
                                     const DemoSink& sink);

}  // namespace connecthub::storage
