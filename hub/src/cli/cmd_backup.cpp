#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

// A consistent copy while the hub runs, then checked (integrity, key file).
int RunBackup(const Options& options) {
  std::string out = options.Get("out");
  if (out.empty()) {
    std::cerr << "connecthub backup: --out FILE is required\n";
    return 2;
  }
  auto store = OpenStore(options, "backup");
  if (!store) return 1;
  if (auto s = store->Backup(out); !s.ok()) {
    std::cerr << "connecthub backup: " << s.message() << "\n";
    return 1;
  }
  std::cout << "backup written to " << out
            << " and checked (integrity ok, opened with the key file); back up the key file "
               "separately\n";
  return 0;
}

}  // namespace

Command BackupCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "out", .help = "the copy to write (must not exist; created 0600)"});
  return {.name = "backup",
          .usage = "connecthub backup [--db FILE] [--key-file FILE] --out FILE",
          .summary = "copy the database while the hub runs, then check the copy",
          .options = specs,
          .run = RunBackup};
}

}  // namespace connecthub::hub::cli
