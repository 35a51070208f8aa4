// libFuzzer target: `connecthub import` on hostile extracts (SPEC §6). Each input is a JSON Lines
// extract imported into one real store (SQLite + key file in a temporary directory); the value
// parsers (money, dates, instants) also see the raw input. Invariants: no crash, every line is
// either imported or rejected with its line number (never both, never a line number out of range),
// and the store still answers afterwards.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "parse.h"
#include "storage/store.h"

namespace storage = connecthub::storage;

namespace {

storage::Store* OpenStore() {
  static std::unique_ptr<storage::Store> store = [] {
    char dir_template[] = "/tmp/connecthub-fuzz-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (dir == nullptr) std::abort();
    storage::StoreOptions options;
    options.db = std::string(dir) + "/fuzz.db";
    auto opened = storage::Store::Open(options);
    if (!opened.ok()) std::abort();
    return std::move(opened).value();
  }();
  return store.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)storage::ParseMoneyCents(text);
  (void)storage::ParseDateDays(text);
  (void)storage::ParseInstantSeconds(text);

  storage::Store* store = OpenStore();
  std::istringstream in(text);
  int64_t lines = 1;
  for (char c : text) lines += c == '\n';
  int64_t rejected = 0;
  auto stats = store->Import(in, [&](int64_t line, const std::string& reason) {
    if (line < 1 || line > lines || reason.empty()) std::abort();
    ++rejected;
  });
  if (stats.ok()) {
    if (stats->rejected != rejected) std::abort();
    int64_t imported =
        stats->participants + stats->cases + stats->orders + stats->payments + stats->appointments;
    if (imported + stats->rejected > stats->lines) std::abort();
  }
  if (!store->CheckWritable().ok()) std::abort();
  return 0;
}
