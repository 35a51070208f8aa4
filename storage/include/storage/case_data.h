#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"
#include "storage/status.h"

namespace connecthub::storage {

struct ImportStats {
  int64_t lines = 0;
  int64_t participants = 0, cases = 0, orders = 0, payments = 0, appointments = 0;
  int64_t deletes = 0;  // `delete` corrections applied (one whose record was already gone too)
  int64_t rejected = 0;
};

struct DemoOptions {
  int64_t participants = 200;  // population size. Default 200.
  uint64_t seed = 1;           // same seed, same population. Default 1.
  int64_t now_ms = 0;          // dates are relative to this
  // Called after each written batch with (participants written, total); may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
  // Called once per participant written with its id and PIN (benchmarks need many logins: see
  // `demo-data --logins-out`); may be empty. Synthetic data only.
  std::function<void(const std::string& participant_id, const std::string& pin)> on_login;
};

struct DemoLogin {
  std::string participant_id;
  std::string pin;
  std::string first_name;
  std::string lang;
  std::string description;  // e.g. "payer, 2 cases, past due, hearing in 9 days"
};

struct DemoSummary {
  std::vector<DemoLogin> logins;  // a few well-chosen ones to print
  std::string caseworker_username, caseworker_password, caseworker_county;
  std::string supervisor_username, supervisor_password;
  int64_t participants = 0, cases = 0, payments = 0, appointments = 0;
};

// The agency's case data: imported records, the demo population, and the facts the bot answers
// from.
class CaseData {
 public:
  virtual ~CaseData() = default;

  // --- case data ---
  virtual Result<ImportStats> Import(
      std::istream& jsonl,
      const std::function<void(int64_t line, const std::string& reason)>& on_rejected) = 0;
  virtual Result<DemoSummary> GenerateDemo(const DemoOptions& options) = 0;
  // The participant's facts as of `now_ms` (payments of the last 24 months, upcoming
  // appointments). kNotFound for an unknown participant. Served from a cache while the case data
  // is unchanged (StoreOptions::facts_cache_*): an import by this process shows at once, one by
  // another process within StoreOptions::case_data_check_ms.
  virtual Result<bot::ParticipantFacts> LoadFacts(const std::string& participant_id,
                                                  int64_t now_ms) = 0;

  // --- parents' authentication ---
  // true when the participant exists and the PIN matches. Costs one Argon2id verification either
  // way (no timing difference for unknown ids).
  virtual Result<bool> CheckPin(const std::string& participant_id, const std::string& pin) = 0;
};

}  // namespace connecthub::storage
