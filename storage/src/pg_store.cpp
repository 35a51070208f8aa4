#include "pg_store.h"

#include <sys/stat.h>

#include <algorithm>

#include "key_check.h"
#include "pg_schema.h"
#include "session_rules.h"

namespace connecthub::storage::pg {
namespace {

// Key checks are read and recorded under the migration's advisory lock's neighbour, so that two
// hubs opening a new database with a new key file at once record each key id once.
constexpr int64_t kKeyCheckLock = 0x436f6e6e48756202;  // "ConnHub\x02"

Status VerifyKeys(Pool& pool, const KeyRing& ring) {
  return pool.Transaction([&](Conn& c) -> Status {
    c.Exec("SELECT pg_advisory_xact_lock($1)", {Param::Int(kKeyCheckLock)});
    Rows rows = c.Exec("SELECT key_id, check_value FROM data_keys ORDER BY key_id");
    std::vector<std::pair<uint32_t, std::string>> stored;
    for (int i = 0; i < rows.size(); ++i) {
      stored.emplace_back(static_cast<uint32_t>(rows.Int(i, 0)), rows.Bytes(i, 1));
    }
    auto fresh = KeysToRecord(ring, stored);
    if (!fresh.ok()) return fresh.status();
    for (uint32_t id : *fresh) {
      c.Exec("INSERT INTO data_keys(key_id, check_value, added_ms) VALUES($1, $2, 0)",
             {Param::Int(id), Param::Bytes(ring.CheckValue(id))});
    }
    return Status::Ok();
  });
}

Session SessionFromRow(const Rows& r) {
  Session session;
  session.kind =
      r.Bytes(0, 0) == "caseworker" ? SessionKind::kCaseworker : SessionKind::kParticipant;
  session.subject = r.Bytes(0, 1);
  session.created_ms = r.Int(0, 2);
  session.last_used_ms = r.Int(0, 3);
  return session;
}

Result<Session> ReadSession(Conn& c, const std::string& hash) {
  Rows r =
      c.Exec("SELECT kind, subject, created_ms, last_used_ms FROM sessions WHERE token_hash = $1",
             {Param::Bytes(hash)});
  if (r.empty()) return Status(Code::kNotFound, "no such session");
  return SessionFromRow(r);
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(const StoreOptions& options) {
  if (options.key_file.empty()) {
    return Status(Code::kInvalid,
                  "a PostgreSQL database needs --key-file: there is no database file to put the "
                  "key next to");
  }
  try {
    auto pool = std::make_unique<Pool>(options.db, options.postgres.connections);
    if (Status s = Migrate(*pool); !s.ok()) return s;
    auto has_keys = pool->Call<bool>([](Conn& c) -> Result<bool> {
      return c.Exec("SELECT count(*) FROM data_keys").Int(0, 0) > 0;
    });
    if (!has_keys.ok()) return has_keys.status();
    struct stat st {};
    if (*has_keys && ::stat(options.key_file.c_str(), &st) != 0) {
      return Status(Code::kKey, "key file " + options.key_file +
                                    " is missing; this database cannot be opened without it");
    }
    auto ring = KeyRing::Load(options.key_file, options.create_key_if_missing);
    if (!ring.ok()) return ring.status();
    std::unique_ptr<KeyRing> keys = std::move(ring).value();
    if (Status s = VerifyKeys(*pool, *keys); !s.ok()) return s;
    return std::unique_ptr<PgStore>(new PgStore(std::move(keys), std::move(pool)));
  } catch (const Error& e) {
    return Status(Code::kIo, std::string("cannot open PostgreSQL database: ") + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Failed-login counters

Result<PinCounter> PgStore::UpdatePinCounter(
    const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) {
  return pool_->Call<PinCounter>([&](Conn& c) -> Result<PinCounter> {
    // The row exists (all zero when new) and is locked until commit: concurrent callers, in any
    // hub, queue here and each sees the one before it.
    c.Exec(
        "INSERT INTO pin_failures(participant_id, failures, window_start_ms, locked_until_ms) "
        "VALUES($1, 0, 0, 0) ON CONFLICT(participant_id) DO NOTHING",
        {Param::Text(key)});
    Rows r = c.Exec(
        "SELECT failures, window_start_ms, locked_until_ms, lockouts, consecutive "
        "FROM pin_failures WHERE participant_id = $1 FOR UPDATE",
        {Param::Text(key)});
    PinCounter old;
    if (!r.empty()) {
      old = PinCounter{r.Int(0, 0), r.Int(0, 1), r.Int(0, 2), r.Int(0, 3), r.Int(0, 4)};
    }
    PinCounter next = update(old);
    if (next.failures == 0 && next.window_start_ms == 0 && next.locked_until_ms == 0 &&
        next.lockouts == 0 && next.consecutive == 0) {
      c.Exec("DELETE FROM pin_failures WHERE participant_id = $1", {Param::Text(key)});
      return next;
    }
    c.Exec(
        "UPDATE pin_failures SET failures = $2, window_start_ms = $3, locked_until_ms = $4, "
        "lockouts = $5, consecutive = $6 WHERE participant_id = $1",
        {Param::Text(key), Param::Int(next.failures), Param::Int(next.window_start_ms),
         Param::Int(next.locked_until_ms), Param::Int(next.lockouts),
         Param::Int(next.consecutive)});
    return next;
  });
}

Result<int64_t> PgStore::PurgePinCounters(int64_t before_ms) {
  return pool_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    return c
        .Exec("DELETE FROM pin_failures WHERE locked_until_ms < $1 AND window_start_ms < $1",
              {Param::Int(before_ms)})
        .Affected();
  });
}

Status PgStore::ClearPinFailures(const std::string& key) {
  return pool_->Transaction([&](Conn& c) -> Status {
    c.Exec("DELETE FROM pin_failures WHERE participant_id = $1", {Param::Text(key)});
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------------------------
// Sessions

Result<std::string> PgStore::CreateSession(SessionKind kind, const std::string& subject,
                                           int64_t now_ms) {
  if (subject.empty()) return Status(Code::kInvalid, "session without subject");
  std::string token = ToBase64Url(RandomBytes(32));
  std::string hash = keys_->TokenHash(token);
  Status s = pool_->Transaction([&](Conn& c) -> Status {
    c.Exec(
        "INSERT INTO sessions(token_hash, kind, subject, created_ms, last_used_ms) "
        "VALUES($1, $2, $3, $4, $4)",
        {Param::Bytes(hash),
         Param::Text(kind == SessionKind::kCaseworker ? "caseworker" : "participant"),
         Param::Text(subject), Param::Int(now_ms)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return token;
}

std::string PgStore::StoredTokenHash(Conn& c, const std::string& token) {
  // New sessions are under the current key; older ones under the key that was current then.
  auto hashes = keys_->TokenHashes(token);
  for (const auto& h : hashes) {
    if (!c.Exec("SELECT 1 FROM sessions WHERE token_hash = $1", {Param::Bytes(h)}).empty()) {
      return h;
    }
  }
  return hashes.front();
}

Result<Session> PgStore::ResolveSession(const std::string& token, int64_t now_ms,
                                        int64_t idle_ttl_ms) {
  auto resolved = pool_->Call<Session>([&](Conn& c) -> Result<Session> {
    std::string hash = StoredTokenHash(c, token);
    auto session = ReadSession(c, hash);
    if (!session.ok() || FreshSession(*session, now_ms, idle_ttl_ms)) return session;
    if (IdleExpired(*session, now_ms, idle_ttl_ms)) {
      c.Exec("DELETE FROM sessions WHERE token_hash = $1", {Param::Bytes(hash)});
      // The deletion must commit, so this is an ok result with an empty subject.
      session->subject.clear();
      return session;
    }
    session->last_used_ms = std::max(now_ms, session->last_used_ms);
    c.Exec("UPDATE sessions SET last_used_ms = GREATEST(last_used_ms, $2) WHERE token_hash = $1",
           {Param::Bytes(hash), Param::Int(now_ms)});
    return session;
  });
  if (resolved.ok() && resolved->subject.empty()) {
    return Status(Code::kNotFound, "session expired");
  }
  return resolved;
}

Result<Session> PgStore::PeekSession(const std::string& token) {
  return pool_->Call<Session>(
      [&](Conn& c) -> Result<Session> { return ReadSession(c, StoredTokenHash(c, token)); });
}

Status PgStore::EndSession(const std::string& token) {
  auto hashes = keys_->TokenHashes(token);
  return pool_->Transaction([&](Conn& c) -> Status {
    for (const auto& hash : hashes) {
      c.Exec("DELETE FROM sessions WHERE token_hash = $1", {Param::Bytes(hash)});
    }
    return Status::Ok();
  });
}

Result<int64_t> PgStore::PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) {
  return pool_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    return c
        .Exec("DELETE FROM sessions WHERE last_used_ms < $1 OR created_ms < $2",
              {Param::Int(used_before_ms), Param::Int(created_before_ms)})
        .Affected();
  });
}

}  // namespace connecthub::storage::pg
