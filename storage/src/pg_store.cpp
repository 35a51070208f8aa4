#include "pg_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "account_rules.h"
#include "audit_chain.h"
#include "canned_rules.h"
#include "key_check.h"
#include "pg_schema.h"
#include "report_builder.h"
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

// ---------------------------------------------------------------------------------------------
// Caseworkers and audit

namespace connecthub::storage::pg {
namespace {

constexpr const char* kAccountColumns =
    "id, username, county, supervisor, display_name, password_hash, "
    "(totp_secret IS NOT NULL)::int";
constexpr int64_t kAuditLock = 0x436f6e6e48756203;  // "ConnHub\x03": one audit writer at a time

struct AccountRow {
  Caseworker caseworker;
  std::string hash;
};

AccountRow AccountFromRow(const Rows& r, int row) {
  AccountRow out;
  out.caseworker = Caseworker{r.Int(row, 0), r.Bytes(row, 1), r.Bytes(row, 2), r.Int(row, 3) != 0,
                              r.Bytes(row, 4)};
  out.hash = r.Bytes(row, 5);
  out.caseworker.disabled = !out.hash.empty() && out.hash[0] == kDisabledMark;
  out.caseworker.mfa_enrolled = r.Int(row, 6) != 0;
  return out;
}

std::optional<AccountRow> LoadAccount(Conn& c, const std::string& username) {
  Rows r = c.Exec(
      (std::string("SELECT ") + kAccountColumns + " FROM caseworkers WHERE username = $1").c_str(),
      {Param::Text(username)});
  if (r.empty()) return std::nullopt;
  return AccountFromRow(r, 0);
}

void SetHash(Conn& c, int64_t id, const std::string& hash) {
  c.Exec("UPDATE caseworkers SET password_hash = $2 WHERE id = $1",
         {Param::Int(id), Param::Text(hash)});
}

void EndSessionsOf(Conn& c, int64_t id) {
  c.Exec("DELETE FROM sessions WHERE kind = 'caseworker' AND subject = $1",
         {Param::Text(std::to_string(id))});
}

}  // namespace

Result<int64_t> PgStore::AddCaseworker(const std::string& username, const std::string& password,
                                       const std::string& county, bool supervisor) {
  if (Status s = CheckUsername(username); !s.ok()) return s;
  if (Status s = CheckPassword(password); !s.ok()) return s;
  auto hash = keys_->HashSecret(password);
  if (!hash.ok()) return hash.status();
  return pool_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    Rows r = c.Exec(
        "INSERT INTO caseworkers(username, password_hash, county, supervisor) "
        "VALUES($1, $2, $3, $4) ON CONFLICT(username) DO NOTHING RETURNING id",
        {Param::Text(username), Param::Text(*hash), Param::Text(county),
         Param::Int(supervisor ? 1 : 0)});
    if (r.empty()) return Status(Code::kConflict, "username already taken");
    return r.Int(0, 0);
  });
}

Result<Caseworker> PgStore::CheckCaseworkerPassword(const std::string& username,
                                                    const std::string& password) {
  auto row = pool_->Call<AccountRow>([&](Conn& c) -> Result<AccountRow> {
    auto account = LoadAccount(c, username);
    if (!account) return Status(Code::kNotFound, "unknown username or wrong password");
    return *account;
  });
  if (!row.ok()) {
    if (row.status().code() == Code::kNotFound)
      keys_->VerifySecret(keys_->DummyHash(), password, true);
    return row.status();
  }
  // A disabled account is refused at the same cost.
  bool disabled = row->caseworker.disabled;
  if (!keys_->VerifySecret(disabled ? keys_->DummyHash() : row->hash, password, true) || disabled) {
    return Status(Code::kNotFound, "unknown username or wrong password");
  }
  // Made under an older key's pepper: re-hashed under the current one, only if the row still
  // holds that hash (a reset meanwhile wins); a failure keeps the old hash usable.
  if (keys_->NeedsRehash(row->hash, true)) {
    if (auto fresh = keys_->HashSecret(password); fresh.ok()) {
      (void)pool_->Transaction([&](Conn& c) -> Status {
        c.Exec("UPDATE caseworkers SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
               {Param::Int(row->caseworker.id), Param::Text(row->hash), Param::Text(*fresh)});
        return Status::Ok();
      });
    }
  }
  return row->caseworker;
}

Result<Caseworker> PgStore::GetCaseworker(int64_t caseworker_id) {
  return pool_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    Rows r = c.Exec(
        (std::string("SELECT ") + kAccountColumns + " FROM caseworkers WHERE id = $1").c_str(),
        {Param::Int(caseworker_id)});
    if (r.empty()) return Status(Code::kNotFound, "no such caseworker");
    return AccountFromRow(r, 0).caseworker;
  });
}

Status PgStore::SetCaseworkerDisplayName(int64_t caseworker_id, const std::string& name) {
  if (Status s = CheckDisplayName(name); !s.ok()) return s;
  return pool_->Transaction([&](Conn& c) -> Status {
    Rows r = c.Exec("UPDATE caseworkers SET display_name = $2 WHERE id = $1",
                    {Param::Int(caseworker_id), Param::Text(name)});
    if (r.Affected() == 0) return Status(Code::kNotFound, "no such caseworker");
    return Status::Ok();
  });
}

Result<Caseworker> PgStore::SetCaseworkerTotpSecret(const std::string& username,
                                                    const std::string& secret) {
  if (Status s = CheckTotpSecret(secret); !s.ok()) return s;
  return pool_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto account = LoadAccount(c, username);
    if (!account) return Status(Code::kNotFound, "no such caseworker");
    Caseworker cw = account->caseworker;
    std::string sealed = keys_->Seal(secret, "caseworkers", "totp_secret", std::to_string(cw.id));
    c.Exec("UPDATE caseworkers SET totp_secret = $2, totp_last_step = 0 WHERE id = $1",
           {Param::Int(cw.id), Param::Bytes(sealed)});
    return cw;
  });
}

Result<CaseworkerTotp> PgStore::GetCaseworkerTotp(int64_t caseworker_id) {
  std::string sealed;
  auto row = pool_->Call<CaseworkerTotp>([&](Conn& c) -> Result<CaseworkerTotp> {
    Rows r = c.Exec("SELECT totp_secret, totp_last_step FROM caseworkers WHERE id = $1",
                    {Param::Int(caseworker_id)});
    if (r.empty()) return Status(Code::kNotFound, "no such caseworker");
    if (!r.IsNull(0, 0)) sealed = r.Bytes(0, 0);
    CaseworkerTotp out;
    out.last_step = r.Int(0, 1);
    return out;
  });
  if (!row.ok() || sealed.empty()) return row;
  auto secret = keys_->Open(sealed, "caseworkers", "totp_secret", std::to_string(caseworker_id));
  if (!secret.ok()) return secret.status();
  row->secret = std::move(*secret);
  return row;
}

Result<bool> PgStore::UseCaseworkerTotpStep(int64_t caseworker_id, int64_t step) {
  return pool_->Call<bool>([&](Conn& c) -> Result<bool> {
    // One statement: two logins racing with the same code, on any hubs, cannot both pass.
    Rows r =
        c.Exec("UPDATE caseworkers SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
               {Param::Int(caseworker_id), Param::Int(step)});
    if (r.Affected() > 0) return true;
    if (c.Exec("SELECT 1 FROM caseworkers WHERE id = $1", {Param::Int(caseworker_id)}).empty()) {
      return Status(Code::kNotFound, "no such caseworker");
    }
    return false;
  });
}

void PgStore::AuditIn(Conn& c, int64_t caseworker_id, int64_t thread_id, const std::string& action,
                      int64_t now_ms) {
  c.Exec("SELECT pg_advisory_xact_lock($1)", {Param::Int(kAuditLock)});
  int64_t id = 1;
  std::string prev;
  Rows last = c.Exec("SELECT id, link FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last.empty()) {
    id = last.Int(0, 0) + 1;
    if (!last.IsNull(0, 1)) prev = last.Bytes(0, 1);
  }
  std::string link =
      keys_->AuditMac(AuditLinkInput(id, caseworker_id, thread_id, action, now_ms, prev));
  c.Exec(
      "INSERT INTO audit_log(id, caseworker_id, thread_id, action, at_ms, link) "
      "VALUES($1, $2, $3, $4, $5, $6)",
      {Param::Int(id), Param::Int(caseworker_id), Param::Int(thread_id), Param::Text(action),
       Param::Int(now_ms), Param::Bytes(link)});
}

Status PgStore::Audit(int64_t caseworker_id, int64_t thread_id, const std::string& action,
                      int64_t now_ms) {
  return pool_->Transaction([&](Conn& c) -> Status {
    AuditIn(c, caseworker_id, thread_id, action, now_ms);
    return Status::Ok();
  });
}

Status PgStore::AuditThreads(int64_t caseworker_id, const std::vector<int64_t>& thread_ids,
                             const std::string& action, int64_t now_ms) {
  if (thread_ids.empty()) return Status::Ok();
  return pool_->Transaction([&](Conn& c) -> Status {
    for (int64_t id : thread_ids) AuditIn(c, caseworker_id, id, action, now_ms);
    return Status::Ok();
  });
}

Result<std::vector<AuditRecord>> PgStore::ListAudit(const AuditQuery& query) {
  return pool_->Call<std::vector<AuditRecord>>([&](Conn& c) -> Result<std::vector<AuditRecord>> {
    Rows r = c.Exec(
        "SELECT a.id, a.caseworker_id, COALESCE(w.username, ''), a.thread_id, a.action, a.at_ms "
        "FROM audit_log a LEFT JOIN caseworkers w ON w.id = a.caseworker_id "
        "WHERE ($1::bigint IS NULL OR a.thread_id = $1) AND ($2::bigint IS NULL OR "
        "a.caseworker_id = $2) AND ($3 <= 0 OR a.id < $3) ORDER BY a.id DESC LIMIT $4",
        {query.thread_id ? Param::Int(*query.thread_id) : Param::NullInt(),
         query.caseworker_id ? Param::Int(*query.caseworker_id) : Param::NullInt(),
         Param::Int(query.before_id), Param::Int(std::clamp(query.limit, 0, 1000))});
    std::vector<AuditRecord> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(AuditRecord{r.Int(i, 0), r.Int(i, 1), r.Bytes(i, 2), r.Int(i, 3), r.Bytes(i, 4),
                                r.Int(i, 5)});
    }
    return out;
  });
}

Result<AuditCheck> PgStore::VerifyAudit() {
  return pool_->Call<AuditCheck>([&](Conn& c) -> Result<AuditCheck> {
    // One snapshot for the whole check; rows are read in pages by id (a server-side cursor
    // would need a text protocol here), so memory stays constant however long the log is.
    c.Script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    Rows purge = c.Exec((std::string("SELECT action FROM audit_log WHERE ") + kAuditPurgeRows +
                         " ORDER BY id DESC LIMIT 1")
                            .c_str());
    AuditChainCheck check(*keys_,
                          purge.empty() ? AuditAnchor{} : ParseAuditAnchor(purge.Bytes(0, 0)));
    constexpr int64_t kPage = 1000;
    int64_t after = std::numeric_limits<int64_t>::min();
    for (;;) {
      Rows r = c.Exec(
          "SELECT id, caseworker_id, thread_id, action, at_ms, link FROM audit_log WHERE id > $1 "
          "ORDER BY id LIMIT $2",
          {Param::Int(after), Param::Int(kPage)});
      for (int i = 0; i < r.size(); ++i) {
        std::optional<std::string> link;
        if (!r.IsNull(i, 5)) link = r.Bytes(i, 5);
        if (!check.Row(r.Int(i, 0), r.Int(i, 1), r.Int(i, 2), r.Bytes(i, 3), r.Int(i, 4),
                       std::move(link))) {
          return check.result();
        }
        after = r.Int(i, 0);
      }
      if (r.size() < kPage) return check.result();
    }
  });
}

Result<std::vector<Caseworker>> PgStore::ListCaseworkers() {
  return pool_->Call<std::vector<Caseworker>>([&](Conn& c) -> Result<std::vector<Caseworker>> {
    Rows r = c.Exec(
        (std::string("SELECT ") + kAccountColumns + " FROM caseworkers ORDER BY username").c_str());
    std::vector<Caseworker> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(AccountFromRow(r, i).caseworker);
    return out;
  });
}

Result<Caseworker> PgStore::SetCaseworkerDisabled(const std::string& username, bool disabled,
                                                  int64_t now_ms) {
  return pool_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto row = LoadAccount(c, username);
    if (!row) return Status(Code::kNotFound, "no caseworker named " + username);
    if (row->caseworker.disabled != disabled) {
      SetHash(c, row->caseworker.id, disabled ? kDisabledMark + row->hash : row->hash.substr(1));
      row->caseworker.disabled = disabled;
    }
    if (disabled) EndSessionsOf(c, row->caseworker.id);
    AuditIn(c, row->caseworker.id, 0, disabled ? "caseworker disabled" : "caseworker enabled",
            now_ms);
    return row->caseworker;
  });
}

Result<Caseworker> PgStore::ResetCaseworkerPassword(const std::string& username,
                                                    const std::string& password, int64_t now_ms) {
  if (Status s = CheckPassword(password); !s.ok()) return s;
  auto hash = keys_->HashSecret(password);  // Argon2id on the caller's thread
  if (!hash.ok()) return hash.status();
  return pool_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto row = LoadAccount(c, username);
    if (!row) return Status(Code::kNotFound, "no caseworker named " + username);
    SetHash(c, row->caseworker.id, row->caseworker.disabled ? kDisabledMark + *hash : *hash);
    EndSessionsOf(c, row->caseworker.id);
    AuditIn(c, row->caseworker.id, 0, "caseworker password reset", now_ms);
    return row->caseworker;
  });
}

}  // namespace connecthub::storage::pg

// ---------------------------------------------------------------------------------------------
// Outbox

namespace connecthub::storage::pg {
namespace {

// Sets the delivery label of the thread message an outbox item sends (none: thread 0).
void LabelMessage(Conn& c, int64_t thread_id, int64_t seq, const std::string& delivery) {
  if (thread_id == 0 || seq == 0) return;
  c.Exec("UPDATE messages SET delivery = $3 WHERE thread_id = $1 AND seq = $2",
         {Param::Int(thread_id), Param::Int(seq), Param::Text(delivery)});
}

}  // namespace

Result<int64_t> PgStore::EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) {
  auto e164 = NormalizeE164(request.to);
  if (!e164) return Status(Code::kInvalid, "not a valid phone number");
  std::string key =
      request.dedupe_key.empty() ? "auto:" + ToHex(RandomBytes(16)) : request.dedupe_key;
  return pool_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    Rows existing = c.Exec("SELECT id FROM outbox WHERE dedupe_key = $1", {Param::Text(key)});
    if (!existing.empty()) return existing.Int(0, 0);
    // The id first: it is the sealed values' row identity.
    int64_t id = c.Exec("SELECT nextval(pg_get_serial_sequence('outbox', 'id'))").Int(0, 0);
    std::string row = std::to_string(id);
    // The index and the sealed number under one key (rotation re-indexes both together).
    auto to = keys_->SealPhone(*e164, "outbox", "to_phone", row);
    Rows inserted = c.Exec(
        "INSERT INTO outbox(id, dedupe_key, to_index, to_phone, body, thread_id, message_seq, "
        "state, next_attempt_ms, created_ms, updated_ms) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, $8) "
        "ON CONFLICT(dedupe_key) DO NOTHING RETURNING id",
        {Param::Int(id), Param::Text(key), Param::Bytes(to.index), Param::Bytes(to.sealed),
         Param::Bytes(keys_->Seal(request.body, "outbox", "body", row)),
         Param::Int(request.thread_id), Param::Int(request.message_seq), Param::Int(now_ms)});
    if (inserted.empty()) {
      // Another hub enqueued the same key meanwhile (this insert waited for its commit).
      return c.Exec("SELECT id FROM outbox WHERE dedupe_key = $1", {Param::Text(key)}).Int(0, 0);
    }
    LabelMessage(c, request.thread_id, request.message_seq, "queued");
    return id;
  });
}

Result<std::vector<OutboxItem>> PgStore::TakeDueOutbound(int64_t now_ms, int limit) {
  return pool_->Call<std::vector<OutboxItem>>([&](Conn& c) -> Result<std::vector<OutboxItem>> {
    // Attempts past the lease were left by a hub that died: due again, unconfirmed. A row another
    // hub is reclaiming or taking right now is skipped, not waited for.
    c.Exec(
        "UPDATE outbox SET state = 'pending', next_attempt_ms = LEAST(next_attempt_ms, $1), "
        "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, updated_ms) WHERE id IN (SELECT id "
        "FROM outbox WHERE state = 'sending' AND updated_ms < $1 - $2 FOR UPDATE SKIP LOCKED)",
        {Param::Int(now_ms), Param::Int(kSendLeaseMs)});
    Rows r = c.Exec(
        "SELECT id, to_phone, body, thread_id, message_seq, attempts, next_attempt_ms, "
        "COALESCE(provider_sid, ''), last_error, unconfirmed_since_ms FROM outbox "
        "WHERE state = 'pending' AND next_attempt_ms <= $1 ORDER BY next_attempt_ms, id "
        "LIMIT $2 FOR UPDATE SKIP LOCKED",
        {Param::Int(now_ms), Param::Int(std::max(0, limit))});
    std::vector<OutboxItem> items;
    for (int i = 0; i < r.size(); ++i) {
      OutboxItem item;
      item.id = r.Int(i, 0);
      std::string row = std::to_string(item.id);
      auto to = keys_->Open(r.Bytes(i, 1), "outbox", "to_phone", row);
      auto body = keys_->Open(r.Bytes(i, 2), "outbox", "body", row);
      if (!to.ok() || !body.ok()) {
        // A row that fails authentication is never sent: it is failed, not returned.
        c.Exec("UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1",
               {Param::Int(item.id),
                Param::Text(!to.ok() ? to.status().message() : body.status().message())});
        continue;
      }
      item.to = std::move(*to);
      item.body = std::move(*body);
      item.thread_id = r.Int(i, 3);
      item.message_seq = r.Int(i, 4);
      item.attempts = static_cast<int>(r.Int(i, 5)) + 1;
      item.next_attempt_ms = r.Int(i, 6);
      item.provider_sid = r.Bytes(i, 7);
      item.last_error = r.Bytes(i, 8);
      if (!r.IsNull(i, 9)) item.unconfirmed_since_ms = r.Int(i, 9);
      item.state = OutboxState::kSending;
      c.Exec(
          "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_ms = $2 "
          "WHERE id = $1",
          {Param::Int(item.id), Param::Int(now_ms)});
      items.push_back(std::move(item));
    }
    return items;
  });
}

Status PgStore::MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) {
  return pool_->Transaction([&](Conn& c) -> Status {
    Rows r = c.Exec(
        "UPDATE outbox SET state = 'sent', provider_sid = $2, updated_ms = $3, last_error = '', "
        "unconfirmed_since_ms = NULL WHERE id = $1 RETURNING thread_id, message_seq",
        {Param::Int(id), Param::Text(provider_sid), Param::Int(now_ms)});
    if (r.empty()) return Status(Code::kNotFound, "no such outbox item");
    LabelMessage(c, r.Int(0, 0), r.Int(0, 1), "sent");
    return Status::Ok();
  });
}

Status PgStore::MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                                  std::optional<int64_t> unconfirmed_since_ms) {
  return pool_->Transaction([&](Conn& c) -> Status {
    Rows r = c.Exec(
        "UPDATE outbox SET state = 'pending', next_attempt_ms = $2, last_error = $3, "
        "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, $4) WHERE id = $1",
        {Param::Int(id), Param::Int(next_attempt_ms), Param::Text(error.substr(0, 500)),
         unconfirmed_since_ms ? Param::Int(*unconfirmed_since_ms) : Param::NullInt()});
    if (r.Affected() == 0) return Status(Code::kNotFound, "no such outbox item");
    return Status::Ok();
  });
}

Status PgStore::MarkOutboundFailed(int64_t id, const std::string& error) {
  return pool_->Transaction([&](Conn& c) -> Status {
    Rows r = c.Exec(
        "UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1 "
        "RETURNING thread_id, message_seq",
        {Param::Int(id), Param::Text(error.substr(0, 500))});
    if (r.empty()) return Status(Code::kNotFound, "no such outbox item");
    LabelMessage(c, r.Int(0, 0), r.Int(0, 1), "failed");
    return Status::Ok();
  });
}

Status PgStore::RecordDeliveryStatus(const std::string& provider_sid, OutboxState outcome,
                                     const std::string& reason_text, int64_t now_ms,
                                     std::vector<std::pair<int64_t, int64_t>>* changed) {
  if (provider_sid.empty()) return Status(Code::kInvalid, "empty provider sid");
  std::string state = outcome == OutboxState::kDelivered ? "delivered"
                      : outcome == OutboxState::kFailed  ? "failed"
                      : outcome == OutboxState::kSent    ? "sent"
                                                         : "";
  if (state.empty()) return Status(Code::kInvalid, "a delivery is sent, delivered or failed");
  std::string reason = reason_text.substr(0, 32);
  return pool_->Transaction([&](Conn& c) -> Status {
    if (changed != nullptr) changed->clear();  // the transaction may run again
    // Delivered and failed are final: a late "sent" never undoes them.
    Rows r = c.Exec(
        "UPDATE outbox SET "
        "last_error = CASE WHEN state NOT IN ('delivered', 'failed') AND $2 = 'failed' THEN $3 "
        "ELSE last_error END, "
        "state = CASE WHEN state IN ('delivered', 'failed') THEN state ELSE $2 END, "
        "updated_ms = $4 WHERE provider_sid = $1 RETURNING thread_id, message_seq, state",
        {Param::Text(provider_sid), Param::Text(state), Param::Text(reason), Param::Int(now_ms)});
    if (r.empty()) return Status(Code::kNotFound, "no outbox item with that provider sid");
    for (int i = 0; i < r.size(); ++i) {
      int64_t thread = r.Int(i, 0), seq = r.Int(i, 1);
      LabelMessage(c, thread, seq, r.Bytes(i, 2));
      if (changed != nullptr && thread != 0 && seq != 0) changed->emplace_back(thread, seq);
    }
    return Status::Ok();
  });
}

Status PgStore::RecoverOutbound(int64_t now_ms) {
  return pool_->Transaction([&](Conn& c) -> Status {
    c.Exec(
        "UPDATE outbox SET state = 'pending', next_attempt_ms = LEAST(next_attempt_ms, $1), "
        "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, updated_ms) "
        "WHERE state = 'sending'",
        {Param::Int(now_ms)});
    return Status::Ok();
  });
}

Result<bool> PgStore::ProviderSidKnown(const std::string& provider_sid) {
  return pool_->Call<bool>([&](Conn& c) -> Result<bool> {
    return !c.Exec("SELECT 1 FROM outbox WHERE provider_sid = $1 LIMIT 1",
                   {Param::Text(provider_sid)})
                .empty();
  });
}

Result<int64_t> PgStore::OutboxDepth() {
  return pool_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    return c.Exec("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')").Int(0, 0);
  });
}

Result<OutboxHealth> PgStore::GetOutboxHealth() {
  return pool_->Call<OutboxHealth>([&](Conn& c) -> Result<OutboxHealth> {
    // updated_ms is the start of an item's last attempt (or its delivery report). An item the
    // provider accepted is a success even when the carrier later failed to deliver it.
    Rows r = c.Exec(
        "SELECT "
        "(SELECT COALESCE(MIN(created_ms), 0) FROM outbox WHERE state IN ('pending', 'sending')), "
        "(SELECT COALESCE(MAX(updated_ms), 0) FROM outbox WHERE provider_sid IS NOT NULL), "
        "(SELECT COALESCE(MAX(updated_ms), 0) FROM outbox WHERE provider_sid IS NULL AND "
        "last_error != '' AND attempts > 0 AND state IN ('pending', 'failed'))");
    return OutboxHealth{r.Int(0, 0), r.Int(0, 1), r.Int(0, 2)};
  });
}

}  // namespace connecthub::storage::pg

// ---------------------------------------------------------------------------------------------
// Supervision: reports and canned replies

namespace connecthub::storage::pg {
namespace {

constexpr const char* kCannedColumns = "id, lang, label, body, position, updated_by, updated_ms";

CannedReply CannedFromRow(const Rows& r, int i) {
  return CannedReply{r.Int(i, 0), r.Bytes(i, 1), r.Bytes(i, 2), r.Bytes(i, 3),
                     r.Int(i, 4), r.Int(i, 5),   r.Int(i, 6)};
}

}  // namespace

Result<std::vector<ReportRow>> PgStore::Report(const ReportQuery& query) {
  if (!query.day_of) return Status(Code::kInvalid, "a report needs its calendar (day_of)");
  if (query.to_ms <= query.from_ms) return std::vector<ReportRow>{};
  return pool_->Call<std::vector<ReportRow>>([&](Conn& c) -> Result<std::vector<ReportRow>> {
    // One snapshot for all the queries: an escalation and its reply, or a resolve, committed
    // between two of them would otherwise be counted half.
    c.Script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ReportBuilder b(query, [&](int64_t id) {
      ReportThread key;
      Rows t = c.Exec("SELECT lang, participant_id FROM threads WHERE id = $1", {Param::Int(id)});
      if (t.empty()) return key;
      key.lang = t.Bytes(0, 0);
      if (!t.IsNull(0, 1)) {
        Rows counties = c.Exec(
            "SELECT DISTINCT c.county FROM case_roles r JOIN cases c ON c.case_number = "
            "r.case_number WHERE r.participant_id = $1 ORDER BY c.county",
            {Param::Text(t.Bytes(0, 1))});
        for (int i = 0; i < counties.size(); ++i) key.counties.push_back(counties.Bytes(i, 0));
      }
      return key;
    });
    std::vector<Param> range{Param::Int(query.from_ms), Param::Int(query.to_ms)};
    Rows answers = c.Exec(
        "SELECT thread_id, intent, at_ms FROM messages WHERE sender = 'bot' AND at_ms >= $1 AND "
        "at_ms < $2 AND intent != ''",
        range);
    for (int i = 0; i < answers.size(); ++i) {
      b.BotAnswer(answers.Int(i, 0), answers.Bytes(i, 1), answers.Int(i, 2));
    }
    // Each escalation with the first caseworker reply at or after it, before the thread's next
    // escalation.
    Rows escalations = c.Exec(
        "SELECT e.thread_id, e.at_ms, (SELECT MIN(m.at_ms) FROM messages m WHERE m.thread_id = "
        "e.thread_id AND m.sender = 'caseworker' AND m.at_ms >= e.at_ms AND m.at_ms < "
        "COALESCE((SELECT MIN(n.at_ms) FROM thread_events n WHERE n.thread_id = e.thread_id AND "
        "n.kind = 'escalated' AND n.at_ms > e.at_ms), 9223372036854775807)) FROM thread_events e "
        "WHERE e.kind = 'escalated' AND e.at_ms >= $1 AND e.at_ms < $2",
        range);
    for (int i = 0; i < escalations.size(); ++i) {
      std::optional<int64_t> reply;
      if (!escalations.IsNull(i, 2)) reply = escalations.Int(i, 2);
      b.Escalation(escalations.Int(i, 0), escalations.Int(i, 1), reply);
    }
    Rows resolves = c.Exec(
        "SELECT thread_id, at_ms FROM audit_log WHERE action = 'resolve' AND at_ms >= $1 AND "
        "at_ms < $2",
        range);
    for (int i = 0; i < resolves.size(); ++i) b.Resolve(resolves.Int(i, 0), resolves.Int(i, 1));
    return b.Rows();
  });
}

Result<std::vector<CannedReply>> PgStore::ListCanned(const std::string& lang) {
  if (!KnownCannedLang(lang)) return Status(Code::kInvalid, "lang must be en or es");
  return pool_->Call<std::vector<CannedReply>>([&](Conn& c) -> Result<std::vector<CannedReply>> {
    Rows r = c.Exec((std::string("SELECT ") + kCannedColumns +
                     " FROM canned_replies WHERE lang = $1 ORDER BY position, id")
                        .c_str(),
                    {Param::Text(lang)});
    std::vector<CannedReply> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(CannedFromRow(r, i));
    return out;
  });
}

Result<CannedReply> PgStore::AddCanned(int64_t caseworker_id, const std::string& lang,
                                       const std::string& label, const std::string& text,
                                       int64_t now_ms) {
  if (!KnownCannedLang(lang)) return Status(Code::kInvalid, "lang must be en or es");
  if (Status s = CheckCannedContent(label, text); !s.ok()) return s;
  return pool_->Call<CannedReply>([&](Conn& c) -> Result<CannedReply> {
    // Supervisors on two hubs adding at once: one after the other, so the count and the
    // position hold (the audit chain's lock serialises these writes anyway; taken first here).
    c.Exec("SELECT pg_advisory_xact_lock($1)", {Param::Int(kAuditLock)});
    Rows n =
        c.Exec("SELECT COUNT(*), COALESCE(MAX(position), 0) FROM canned_replies WHERE lang = $1",
               {Param::Text(lang)});
    if (n.Int(0, 0) >= CannedReply::kMaxPerLanguage) return TooManyCanned();
    int64_t position = n.Int(0, 1) + 1;
    Rows r = c.Exec(
        "INSERT INTO canned_replies(lang, label, body, position, created_by, created_ms, "
        "updated_by, updated_ms) VALUES($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
        {Param::Text(lang), Param::Text(label), Param::Text(text), Param::Int(position),
         Param::Int(caseworker_id), Param::Int(now_ms)});
    AuditIn(c, caseworker_id, 0, "canned_add", now_ms);
    return CannedReply{r.Int(0, 0), lang, label, text, position, caseworker_id, now_ms};
  });
}

Result<CannedReply> PgStore::UpdateCanned(int64_t caseworker_id, int64_t id,
                                          const std::string& label, const std::string& text,
                                          int64_t now_ms) {
  if (Status s = CheckCannedContent(label, text); !s.ok()) return s;
  return pool_->Call<CannedReply>([&](Conn& c) -> Result<CannedReply> {
    Rows r = c.Exec((std::string("UPDATE canned_replies SET label = $2, body = $3, updated_by = "
                                 "$4, updated_ms = $5 WHERE id = $1 RETURNING ") +
                     kCannedColumns)
                        .c_str(),
                    {Param::Int(id), Param::Text(label), Param::Text(text),
                     Param::Int(caseworker_id), Param::Int(now_ms)});
    if (r.empty()) return Status(Code::kNotFound, "no such canned reply");
    AuditIn(c, caseworker_id, 0, "canned_edit", now_ms);
    return CannedFromRow(r, 0);
  });
}

Status PgStore::DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) {
  return pool_->Transaction([&](Conn& c) -> Status {
    Rows r = c.Exec("DELETE FROM canned_replies WHERE id = $1", {Param::Int(id)});
    if (r.Affected() == 0) return Status(Code::kNotFound, "no such canned reply");
    AuditIn(c, caseworker_id, 0, "canned_delete", now_ms);
    return Status::Ok();
  });
}

}  // namespace connecthub::storage::pg
