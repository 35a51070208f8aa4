#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

int RunImport(const Options& options) {
  const std::string& path = options.positional().at(0);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "connecthub import: cannot read " << path << "\n";
    return 1;
  }
  auto store = OpenStore(options, "import", KeyFile::kCreateIfMissing);
  if (!store) return 1;
  auto stats = store->Import(in, [](int64_t line, const std::string& reason) {
    std::cerr << "line " << line << ": " << reason << "\n";
  });
  if (!stats.ok()) {
    std::cerr << "connecthub import: " << stats.status().message() << "\n";
    return 1;
  }
  std::cout << "lines " << stats->lines << ", participants " << stats->participants << ", cases "
            << stats->cases << ", orders " << stats->orders << ", payments " << stats->payments
            << ", appointments " << stats->appointments << ", deletes " << stats->deletes
            << ", rejected " << stats->rejected << "\n";
  if (stats->rejected > 0) {
    std::cerr << "connecthub import: " << stats->rejected << " line(s) rejected\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command ImportCommand() {
  return {.name = "import",
          .usage = "connecthub import [--db FILE] [--key-file FILE] EXTRACT.jsonl",
          .summary = "import a case-data extract (JSON Lines, idempotent upsert)",
          .options = DatabaseOptionSpecs(),
          .min_positional = 1,
          .max_positional = 1,
          .run = RunImport};
}

}  // namespace connecthub::hub::cli
