#include <iostream>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

// Recomputes the audit log's hash chain with the key file: exit 0 intact, 1 broken or unreadable.
int RunAuditVerify(const Options& options) {
  auto store = OpenStore(options, "audit verify");
  if (!store) return 1;
  auto check = store->VerifyAudit();
  if (!check.ok()) {
    std::cerr << "connecthub audit verify: " << check.status().message() << "\n";
    return 1;
  }
  if (check->first_bad_id != 0) {
    std::cerr << "connecthub audit verify: audit row " << check->first_bad_id << ": "
              << check->problem << " (" << check->rows << " rows before it are intact)\n";
    return 1;
  }
  std::cout << "audit log intact: " << check->rows << " chained rows";
  if (check->unchained > 0) {
    std::cout << ", " << check->unchained << " older rows from before the chain (not checked)";
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

Command AuditVerifyCommand() {
  return {.name = "audit verify",
          .usage = "connecthub audit verify [--db FILE] [--key-file FILE]",
          .summary = "check the audit log's hash chain (exit 1 when a row was changed or removed)",
          .options = DatabaseOptionSpecs(),
          .run = RunAuditVerify};
}

}  // namespace connecthub::hub::cli
