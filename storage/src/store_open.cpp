#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key_check.h"
#include "schema.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

// Compares the key file with the key checks recorded in the database, recording new key ids.
Status VerifyKeys(Conn& conn, KeyRing& ring, int64_t now_ms) {
  auto& db = conn.db();
  SQLite::Statement select(db, "SELECT key_id, check_value FROM data_keys ORDER BY key_id");
  std::vector<std::pair<uint32_t, std::string>> stored;
  while (select.executeStep()) {
    stored.emplace_back(static_cast<uint32_t>(select.getColumn(0).getInt64()),
                        select.getColumn(1).getString());
  }
  auto fresh = KeysToRecord(ring, stored);
  if (!fresh.ok()) return fresh.status();
  for (uint32_t id : *fresh) {
    SQLite::Statement insert(db,
                             "INSERT INTO data_keys(key_id, check_value, added_ms) VALUES(?,?,?)");
    std::string check = ring.CheckValue(id);
    insert.bind(1, static_cast<int64_t>(id));
    insert.bind(2, check.data(), static_cast<int>(check.size()));
    insert.bind(3, now_ms);
    insert.exec();
  }
  return Status::Ok();
}

// The database, its -wal and -shm hold everything (sealed or not, e.g. case data): owner only.
// A new database file is created 0600 (SQLite gives its -wal and -shm the database's mode); an
// existing one that is more open is narrowed to 0600. ":memory:" and URIs are left alone.
Status OwnerOnly(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:" || db_path.starts_with("file:")) {
    return Status::Ok();
  }
  int fd = ::open(db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kIo, "cannot open database file " + db_path);
  ::close(fd);
  for (const std::string& path : {db_path, db_path + "-wal", db_path + "-shm"}) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), st.st_mode & 0700) != 0) {
      return Status(Code::kIo, "cannot make " + path + " private (chmod 600)");
    }
  }
  return Status::Ok();
}

}  // namespace

Backend BackendOf(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://") ? Backend::kPostgres
                                                                          : Backend::kSqlite;
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (BackendOf(options.db) == Backend::kPostgres) {
    return Status(
        Code::kInvalid,
        "the PostgreSQL backend is not complete yet (storage/README.md): use a SQLite file");
  }
  StoreOptions opts = options;
  if (opts.key_file.empty()) opts.key_file = opts.db + ".key";
  if (Status s = OwnerOnly(opts.db); !s.ok()) return s;
  try {
    auto conn = std::make_unique<Conn>(opts.db, /*read_only=*/false, opts.sqlite.busy_timeout_ms);
    Status s = Migrate(conn->db());
    if (!s.ok()) return s;
    bool has_keys = conn->db().execAndGet("SELECT count(*) FROM data_keys").getInt64() > 0;
    struct stat st {};
    if (has_keys && ::stat(opts.key_file.c_str(), &st) != 0) {
      return Status(Code::kKey, "key file " + opts.key_file +
                                    " is missing; this database cannot be opened without it");
    }
    auto ring = KeyRing::Load(opts.key_file, opts.create_key_if_missing);
    if (!ring.ok()) return ring.status();
    std::unique_ptr<KeyRing> keys = std::move(ring).value();
    conn->db().exec("BEGIN IMMEDIATE");
    try {
      s = VerifyKeys(*conn, *keys, 0);
      conn->db().exec(s.ok() ? "COMMIT" : "ROLLBACK");
    } catch (...) {
      conn->db().exec("ROLLBACK");
      throw;
    }
    if (!s.ok()) return s;
    auto readers = std::make_unique<ReadPool>(opts.db, opts.sqlite.read_connections,
                                              opts.sqlite.busy_timeout_ms);
    auto writer = std::make_unique<Writer>(std::move(conn), opts.sqlite.max_write_batch);
    return std::unique_ptr<Store>(
        new SqliteStore(opts, std::move(keys), std::move(writer), std::move(readers)));
  } catch (const std::exception& e) {
    return Status(Code::kIo, "cannot open database " + opts.db + ": " + e.what());
  }
}

}  // namespace connecthub::storage
