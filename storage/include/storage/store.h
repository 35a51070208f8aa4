#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/case_data.h"
#include "storage/caseworkers.h"
#include "storage/conversations.h"
#include "storage/notices.h"
#include "storage/operations.h"
#include "storage/outbox.h"
#include "storage/sessions.h"
#include "storage/sms_links.h"
#include "storage/status.h"
#include "storage/supervision.h"

namespace connecthub::storage {

// All times are Unix epoch milliseconds (UTC), passed in by the caller: the store never reads the
// clock, so tests control time.
//
// The store's contracts are narrow interfaces, one per concern, each in its own header:
//   CaseData       case_data.h      imported records, demo data, the bot's facts, PIN checks
//   Conversations  conversations.h  threads, messages and parents' turns
//   Sessions       sessions.h       login sessions and failed-login counters
//   Caseworkers    caseworkers.h    accounts, second factor, the audit log
//   SmsLinks       sms_links.h      linked phones, opt-outs, inbound idempotency
//   Notices        notices.h        what reminders and payment notices are about
//   Outbox         outbox.h         outbound SMS and what the provider said
//   Supervision    supervision.h    reports and canned replies
//   Operations     operations.h     health, keys, backup, purge, export
// A component takes the interfaces it uses; `Store` is a backend that implements them all.

enum class Backend { kSqlite, kPostgres };
// The backend a database string names: "postgresql://..." or "postgres://..." (a libpq URI)
// PostgreSQL, anything else a SQLite file.
Backend BackendOf(std::string_view db);

// What only the SQLite backend uses.
struct SqliteOptions {
  int busy_timeout_ms = 5000;  // SQLite busy timeout. Default 5000.
  int max_write_batch = 512;   // writes committed together (group commit). Default 512.
  int read_connections = 4;    // pooled read-only connections. Default 4.
};

// What only the PostgreSQL backend uses.
struct PostgresOptions {
  int connections = 8;  // pooled connections per hub process. Default 8.
};

struct StoreOptions {
  // Which database, and so which backend: a file path opens the SQLite backend (WAL mode).
  // Default "connecthub.db". A "postgresql://" URI names the PostgreSQL backend, which Open
  // refuses (kInvalid) until it implements every interface (storage/README.md).
  std::string db = "connecthub.db";
  std::string key_file;               // master key file. Default (SQLite): db + ".key".
  bool create_key_if_missing = true;  // create the key file (0600) when absent. Default true.
  // Participants' facts kept in memory between questions (see LoadFacts). Default 10,000
  // participants, each for up to 10 minutes; 0 turns the cache off.
  int facts_cache_entries = 10'000;
  int64_t facts_cache_ttl_ms = 10 * 60 * 1000;
  // How often the hub looks for case data changed by another process (`connecthub import`
  // running next to `serve`): answers reflect an import at most this long after it commits.
  // Default 1000 ms.
  int64_t case_data_check_ms = 1000;
  // RetireKey first waits until the key file has been unchanged this long, so that every running
  // hub has re-read it (a hub looks at it at most a second before it seals). Default 5000 ms.
  int64_t retire_settle_ms = 5000;
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

// A backend: every contract above, sealed columns (XChaCha20-Poly1305), blind phone index (keyed
// BLAKE2b), Argon2id PINs and passwords (the key ring in storage/src/crypto.h, which every backend
// uses). Thread-safe: every method may be called from any thread. A method that writes returns
// only after its transaction is durable. Argon2id checks (CheckPin, CheckCaseworkerPassword) take
// tens of milliseconds: never call them on an I/O thread.
class Store : public CaseData,
              public Conversations,
              public Sessions,
              public Caseworkers,
              public SmsLinks,
              public Notices,
              public Outbox,
              public Supervision,
              public Operations {
 public:
  // Opens (creating if needed) the database `options.db` names, applies migrations, loads or
  // creates the key file. kKey: key file unreadable, readable by others, or not the key of this
  // database; kVersion: the database was written by a newer ConnectHub; kIo: the database failed;
  // kInvalid: a backend this build does not have.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  ~Store() override = default;

  // Returns once every turn submitted (SubmitTurn) before the call is written and its `done` has
  // returned (e.g. before the objects those callbacks use are destroyed at shutdown).
  virtual Status Drain() = 0;
};

}  // namespace connecthub::storage
