#pragma once

#include <SQLiteCpp/Database.h>

#include <string>

#include "storage/status.h"

namespace connecthub::storage {

// The schema version this binary writes (SQLite's PRAGMA user_version).
inline constexpr int kSchemaVersion = 15;

// Brings the database to `target` (default: kSchemaVersion), one migration per transaction, in
// order. kVersion when the database is newer than `target`; kIo when SQLite fails.
Status Migrate(SQLite::Database& db, int target = kSchemaVersion);

// The database's current schema version (0 for a new file).
int SchemaVersion(SQLite::Database& db);

// The canned replies a new database starts with (migration 14's INSERT), for a backend that
// creates its schema another way.
std::string CannedDefaultsSql();

}  // namespace connecthub::storage
