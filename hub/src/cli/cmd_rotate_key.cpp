#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

using storage::Status;

int RunRotateKey(const Options& options) {
  int batch = 0;
  std::string text = options.Get("batch-rows", "1000");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), batch);
  if (ec != std::errc() || end != text.data() + text.size() || batch < 1) {
    std::cerr << "connecthub rotate-key: --batch-rows must be a positive number\n";
    return 2;
  }
  auto store = OpenStore(options, "rotate-key");
  if (!store) return 1;
  if (options.Has("retire")) {
    // Retire an old key instead: only once nothing is sealed under it.
    std::string id_text = options.Get("retire", "");
    uint32_t id = 0;
    auto [id_end, id_ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (id_ec != std::errc() || id_end != id_text.data() + id_text.size() || id == 0) {
      std::cerr << "connecthub rotate-key: --retire takes a key id (a positive number)\n";
      return 2;
    }
    if (Status s = store->RetireKey(id); !s.ok()) {
      std::cerr << "connecthub rotate-key: cannot retire key " << id << ": " << s.message() << "\n";
      return 1;
    }
    std::cout << "key id " << id << " retired: removed from the key file\n";
    return 0;
  }
  auto stats = store->RotateKey(batch);
  if (!stats.ok()) {
    std::cerr << "connecthub rotate-key: " << stats.status().message() << "\n";
    return 1;
  }
  std::cout << "key id " << stats->new_key_id << " is current; " << stats->rows_rewritten
            << " sealed values re-encrypted\n";
  if (stats->indexes_kept > 0) {
    std::cout << stats->indexes_kept
              << " phone index(es) stay under an older key, still found by look-ups (SMS "
                 "opt-outs recorded before schema 15 whose number is not stored)\n";
  }
  if (stats->rows_tampered > 0) {
    std::cerr << "connecthub rotate-key: " << stats->rows_tampered
              << " sealed value(s) failed authentication (tampered) and were left as they were\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command RotateKeyCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back(
      {.name = "batch-rows", .default_value = "1000", .help = "rows re-encrypted per transaction"});
  specs.push_back({.name = "retire",
                   .help = "ID: instead of rotating, remove old key ID from the key file, once no "
                           "stored value is sealed under it (not the current or first key)"});
  return {.name = "rotate-key",
          .usage = "connecthub rotate-key [--db FILE] [--key-file FILE] [--retire ID]",
          .summary = "make a new data key current and re-encrypt stored values under it",
          .options = specs,
          .run = RunRotateKey};
}

}  // namespace connecthub::hub::cli
