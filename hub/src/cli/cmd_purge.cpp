#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "clock.h"
#include "inbox/inbox_json.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

// "YYYY-MM-DD" as the Unix ms of that day's 00:00 UTC; nullopt when it is not a real date.
std::optional<int64_t> ParseDateMs(const std::string& text) {
  auto date = inbox::ParseIsoDate(text);
  if (!date) return std::nullopt;
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days{*date}.time_since_epoch()).count();
}

int RunPurge(const Options& options) {
  auto before = ParseDateMs(options.Get("before"));
  if (!before) {
    std::cerr << "connecthub purge: --before YYYY-MM-DD is required\n";
    return 2;
  }
  int64_t audit_before = 0;
  if (options.Has("audit-before")) {
    auto a = ParseDateMs(options.Get("audit-before"));
    if (!a) {
      std::cerr << "connecthub purge: --audit-before must be a date YYYY-MM-DD\n";
      return 2;
    }
    if (*a > *before) {
      std::cerr << "connecthub purge: --audit-before must not be later than --before (audit "
                   "rows are kept longer than the data they describe)\n";
      return 2;
    }
    audit_before = *a;
  }
  int64_t now = SystemNowMs();
  if (*before > now) {
    std::cerr << "connecthub purge: --before is in the future\n";
    return 2;
  }
  auto store = OpenStore(options, "purge");
  if (!store) return 1;
  auto stats = store->Purge(*before, audit_before, now);
  if (!stats.ok()) {
    std::cerr << "connecthub purge: " << stats.status().message() << "\n";
    return 1;
  }
  std::cout << "purged " << stats->threads << " threads, " << stats->messages << " messages, "
            << stats->notes << " notes, " << stats->outbox << " outbox rows, " << stats->audit
            << " audit rows\n";
  return 0;
}

}  // namespace

Command PurgeCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "before",
                   .help = "YYYY-MM-DD (UTC): delete messages, notes, threads and sent outbox "
                           "rows older than this (required)"});
  specs.push_back({.name = "audit-before",
                   .help = "YYYY-MM-DD (UTC), not after --before: delete audit rows older than "
                           "this too (default: keep every audit row)"});
  return {.name = "purge",
          .usage = "connecthub purge [--db FILE] --before DATE [--audit-before DATE]",
          .summary = "delete conversations older than a date (retention; audited)",
          .options = specs,
          .run = RunPurge};
}

}  // namespace connecthub::hub::cli
