#pragma once

#include <memory>
#include <string_view>

#include "cli/options.h"
#include "storage/store.h"

namespace connecthub::hub::cli {

enum class KeyFile {
  kMustExist,        // operator commands on an existing database: never create a key file
  kCreateIfMissing,  // commands that may set up a new database (import, caseworker add, ...)
};

// Opens the store named by --db and --key-file. On failure prints
// "connecthub <command>: <reason>" on stderr and returns nullptr (the command then exits 1).
std::unique_ptr<storage::Store> OpenStore(const Options& options, std::string_view command,
                                          KeyFile key_file = KeyFile::kMustExist);

}  // namespace connecthub::hub::cli
