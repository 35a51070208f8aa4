#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto.h"
#include "records.h"
#include "storage/case_data.h"

namespace connecthub::storage {

// One non-blank line of an extract: the record it holds (validated, sealed and hashed), or why it
// is rejected (`line N: reason` carries no values from the line, so no personal data).
struct ExtractLine {
  int64_t number = 0;
  std::optional<Record> record;
  std::string rejected;
};

// Reads an extract (JSON Lines, hub/API.md) in constant memory: a 64 KiB buffer, lines capped
// at 1 MiB (longer: rejected), a UTF-8 BOM skipped. Parses with Boost.JSON, validates (money,
// calendar dates, instants with an offset, roles, E.164 phones, languages, Argon2id caps), seals
// and hashes with `keys` on the caller's thread. Knows no database.
class ExtractReader {
 public:
  ExtractReader(std::istream& in, KeyRing& keys);
  ~ExtractReader();
  // The next non-blank line; false at the end of the input.
  bool Next(ExtractLine* line);
  // The input failed (not its end).
  bool failed() const;

 private:
  struct Lines;
  std::istream& in_;
  KeyRing& keys_;
  std::unique_ptr<Lines> lines_;
  int64_t number_ = 0;
};

// What a backend reports of one batch it wrote: lines rejected by the database (unknown case,
// say), and how many records of each kind (Record's index order) it wrote.
struct ImportBatchOutcome {
  std::vector<std::pair<int64_t, std::string>> rejected;
  int64_t counts[6] = {0, 0, 0, 0, 0, 0};
};

// CaseData::Import for every backend: reads `jsonl` and hands `write` batches of valid records
// (20,000 lines at most), each to be written in one transaction with a savepoint per line;
// reports every rejection to `on_rejected` in line order, batch by batch.
Result<ImportStats> RunImport(
    std::istream& jsonl, KeyRing& keys,
    const std::function<void(int64_t line, const std::string& reason)>& on_rejected,
    const std::function<Result<ImportBatchOutcome>(const std::vector<ExtractLine>&)>& write);

}  // namespace connecthub::storage
