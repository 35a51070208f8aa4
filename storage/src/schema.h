#pragma once

#include <SQLiteCpp/Database.h>

#include "storage/status.h"

namespace connecthub::storage {

// The schema version this binary writes (SQLite's PRAGMA user_version).
inline constexpr int kSchemaVersion = 15;

// Brings the database to `target` (default: kSchemaVersion), one migration per transaction, in
// order. kVersion when the database is newer than `target`; kIo when SQLite fails.
Status Migrate(SQLite::Database& db, int target = kSchemaVersion);

// The database's current schema version (0 for a new file).
int SchemaVersion(SQLite::Database& db);

}  // namespace connecthub::storage
