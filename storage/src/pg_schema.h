#pragma once

#include "pg_conn.h"
#include "storage/status.h"

namespace connecthub::storage::pg {

// Brings the database to kSchemaVersion (schema.h): the same version numbers as SQLite, one
// transaction, serialised between hubs by an advisory lock. kVersion when the database is newer
// than this binary; kIo when PostgreSQL fails. The version is meta's 'schema_version'.
Status Migrate(Pool& pool);

}  // namespace connecthub::storage::pg
