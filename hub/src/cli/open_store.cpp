#include "cli/open_store.h"

#include <iostream>

namespace connecthub::hub::cli {

std::unique_ptr<storage::Store> OpenStore(const Options& options, std::string_view command,
                                          KeyFile key_file) {
  storage::StoreOptions store_options;
  store_options.db = options.DbPath();
  store_options.key_file = options.KeyFilePath();
  store_options.create_key_if_missing = key_file == KeyFile::kCreateIfMissing;
  auto store = storage::Store::Open(store_options);
  if (!store.ok()) {
    std::cerr << "connecthub " << command << ": " << store.status().message() << "\n";
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace connecthub::hub::cli
