// The two backends' schemas are written in two SQL dialects (storage/src/schema.cpp and
// pg_schema.cpp). This keeps them the same: the same tables, the same columns, the same version.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "contract.h"
#include "schema.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

TEST_CASE("the PostgreSQL schema has SQLite's tables, columns and version", "[storage][contract]") {
  SqliteBackend sqlite;
  PostgresBackend postgres;
  using Tables = std::map<std::string, std::set<std::string>>;

  Tables lite;
  SQLite::Database raw(sqlite.dir.File("t.db"));
  SQLite::Statement tables(raw,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                           "'sqlite_%'");
  while (tables.executeStep()) {
    std::string table = tables.getColumn(0).getString();
    SQLite::Statement columns(raw, "SELECT name FROM pragma_table_info(?)");
    columns.bind(1, table);
    while (columns.executeStep()) lite[table].insert(columns.getColumn(0).getString());
  }

  Tables pg;
  pg::Conn c(postgres.uri());
  pg::Rows rows = c.Exec(
      "SELECT table_name::text, column_name::text FROM information_schema.columns "
      "WHERE table_schema = 'public'");
  for (int i = 0; i < rows.size(); ++i) pg[rows.Bytes(i, 0)].insert(rows.Bytes(i, 1));

  CHECK(lite.size() >= 20);
  CHECK(pg == lite);
  CHECK(SchemaVersion(raw) == kSchemaVersion);
  CHECK(c.Exec("SELECT value FROM meta WHERE name = 'schema_version'").Bytes(0, 0) ==
        std::to_string(kSchemaVersion));
  // Both start with the same canned replies.
  CHECK(c.Exec("SELECT count(*) FROM canned_replies").Int(0, 0) ==
        raw.execAndGet("SELECT count(*) FROM canned_replies").getInt64());
}
