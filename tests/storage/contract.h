#pragma once

// The storage contract suite (issue 15): the same Catch2 tests run against every backend, each
// opened fresh by its factory below. A contract test is written once, as
//   TEMPLATE_TEST_CASE("sessions: ...", "[storage][contract]", SqliteBackend, PostgresBackend)
// and talks only to the narrow interface it tests (backend.sessions(), ...). Backend-specific
// checks (files on disk, SQL details) stay in the other *_test.cpp files.
//
// PostgresBackend needs a server: ctest starts a throwaway cluster (tests/pg/cluster.sh, the
// fixture "pg" in tests/CMakeLists.txt) and names it in CONNECTHUB_TEST_PG; every test gets a
// database of its own, dropped at its end.

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <boost/url.hpp>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "pg_conn.h"
#include "pg_store.h"
#include "test_util.h"

namespace connecthub::storage::testing {

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);

  Sessions& sessions() { return *store; }
  Caseworkers& caseworkers() { return *store; }
  Outbox& outbox() { return *store; }
  SmsLinks& sms_links() { return *store; }
  // Runs raw SQL as someone with the database but not the key file would; false when the
  // database refuses it.
  bool RawSql(const std::string& sql) {
    try {
      SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
      raw.exec(sql);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  // Another process's view of the same database (a second hub, `connecthub import` beside
  // `serve`).
  std::unique_ptr<Store> OpenAnother() { return OpenStore(dir); }
  // Every byte the backend keeps of the sessions table (to show what is not stored).
  std::string RawSessions() { return ReadFile(dir.File("t.db")) + ReadFile(dir.File("t.db-wal")); }
};

struct PostgresBackend {
  static constexpr const char* kName = "postgresql";
  PostgresBackend() : uri_(CreateDatabase()) { store = OpenPg(); }
  ~PostgresBackend() {
    store.reset();
    try {
      pg::Conn admin(AdminUri());
      admin.Script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The cluster is thrown away at the end of the run anyway.
    }
  }
  PostgresBackend(const PostgresBackend&) = delete;
  PostgresBackend& operator=(const PostgresBackend&) = delete;

  TempDir dir;  // the key file
  std::unique_ptr<pg::PgStore> store;

  Sessions& sessions() { return *store; }
  Caseworkers& caseworkers() { return *store; }
  Outbox& outbox() { return *store; }
  SmsLinks& sms_links() { return *store; }
  bool RawSql(const std::string& sql) {
    try {
      pg::Conn c(uri_);
      c.Script(sql);
      return true;
    } catch (const pg::Error&) {
      return false;
    }
  }
  std::unique_ptr<pg::PgStore> OpenAnother() { return OpenPg(); }
  // The libpq URI of this test's database.
  const std::string& uri() const { return uri_; }
  std::string RawSessions() {
    pg::Conn c(uri_);
    pg::Rows r = c.Exec(
        "SELECT coalesce(string_agg(token_hash || convert_to(kind || subject, 'UTF8'), ''), "
        "''::bytea) FROM sessions");
    return r.Bytes(0, 0);
  }

 private:
  static std::string AdminUri() {
    const char* uri = std::getenv("CONNECTHUB_TEST_PG");
    if (!uri || !*uri) {
      throw std::runtime_error(
          "CONNECTHUB_TEST_PG is not set: run the storage tests through ctest, which starts a "
          "throwaway PostgreSQL cluster (tests/pg/cluster.sh)");
    }
    return uri;
  }
  std::string CreateDatabase() {
    static std::atomic<int> counter{0};
    name_ = "chtest_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    pg::Conn admin(AdminUri());
    admin.Script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    admin.Script("CREATE DATABASE " + name_);
    boost::urls::url u(AdminUri());
    u.set_path("/" + name_);
    return std::string(u.buffer());
  }
  std::unique_ptr<pg::PgStore> OpenPg() {
    StoreOptions options;
    options.db = uri_;
    options.key_file = dir.File("t.key");
    auto opened = pg::PgStore::Open(options);
    if (!opened.ok()) throw std::runtime_error(opened.status().message());
    return std::move(opened).value();
  }

  std::string name_;
  std::string uri_;
};

}  // namespace connecthub::storage::testing
