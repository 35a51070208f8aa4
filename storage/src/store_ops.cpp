// Operator commands' storage: caseworker accounts, backup, retention purge, records export.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "account_rules.h"
#include "audit_chain.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

struct AccountRow {
  Caseworker caseworker;
  std::string hash;
};

std::optional<AccountRow> LoadAccount(Conn& c, const std::string& username) {
  auto q = c.Prep(
      "SELECT id, username, county, supervisor, display_name, password_hash FROM caseworkers "
      "WHERE username = ?");
  q->bind(1, username);
  if (!q->executeStep()) return std::nullopt;
  AccountRow row;
  row.caseworker = Caseworker{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                              q->getColumn(2).getString(), q->getColumn(3).getInt() != 0,
                              q->getColumn(4).getString()};
  row.hash = q->getColumn(5).getString();
  row.caseworker.disabled = !row.hash.empty() && row.hash[0] == kDisabledMark;
  return row;
}

void SetHash(Conn& c, int64_t id, const std::string& hash) {
  auto q = c.Prep("UPDATE caseworkers SET password_hash = ? WHERE id = ?");
  q->bind(1, hash);
  q->bind(2, id);
  q->exec();
}

void EndSessionsOf(Conn& c, int64_t id) {
  auto q = c.Prep("DELETE FROM sessions WHERE kind = 'caseworker' AND subject = ?");
  q->bind(1, std::to_string(id));
  q->exec();
}

int64_t Changes(Conn& c, const char* sql, int64_t bound) {
  SQLite::Statement q(c.db(), sql);
  q.bind(1, bound);
  return q.exec();
}

}  // namespace

AuditAnchor SqliteStore::LatestAuditAnchor(Conn& c) {
  SQLite::Statement q(c.db(), std::string("SELECT action FROM audit_log WHERE ") + kAuditPurgeRows +
                                  " ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return AuditAnchor{};
  return ParseAuditAnchor(q.getColumn(0).getString());
}

Result<std::vector<Caseworker>> SqliteStore::ListCaseworkers() {
  return readers_->Call<std::vector<Caseworker>>([&](Conn& c) -> Result<std::vector<Caseworker>> {
    auto q = c.Prep(
        "SELECT id, username, county, supervisor, display_name, "
        "substr(password_hash, 1, 1) = '!', totp_secret IS NOT NULL FROM caseworkers "
        "ORDER BY username");
    std::vector<Caseworker> out;
    while (q->executeStep()) {
      out.push_back(Caseworker{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                               q->getColumn(2).getString(), q->getColumn(3).getInt() != 0,
                               q->getColumn(4).getString(), q->getColumn(5).getInt() != 0,
                               q->getColumn(6).getInt() != 0});
    }
    return out;
  });
}

Result<Caseworker> SqliteStore::SetCaseworkerDisabled(const std::string& username, bool disabled,
                                                      int64_t now_ms) {
  return writer_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
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

Result<Caseworker> SqliteStore::ResetCaseworkerPassword(const std::string& username,
                                                        const std::string& password,
                                                        int64_t now_ms) {
  if (Status s = CheckPassword(password); !s.ok()) return s;
  auto hash = keys_->HashSecret(password);  // Argon2id on the caller's thread
  if (!hash.ok()) return hash.status();
  return writer_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto row = LoadAccount(c, username);
    if (!row) return Status(Code::kNotFound, "no caseworker named " + username);
    SetHash(c, row->caseworker.id, row->caseworker.disabled ? kDisabledMark + *hash : *hash);
    EndSessionsOf(c, row->caseworker.id);
    AuditIn(c, row->caseworker.id, 0, "caseworker password reset", now_ms);
    return row->caseworker;
  });
}

Status SqliteStore::Backup(const std::string& out_path) {
  // The copy holds everything the database does: created owner-only before SQLite writes to it
  // (VACUUM INTO accepts an existing empty file).
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kIo, "cannot create " + out_path + ": " + std::strerror(errno));
  }
  ::close(fd);
  Status s = readers_
                 ->Call<bool>([&](Conn& c) -> Result<bool> {
                   SQLite::Statement q(c.db(), "VACUUM INTO ?");
                   q.bind(1, out_path);
                   q.exec();
                   return true;
                 })
                 .status();
  if (!s.ok()) {
    ::unlink(out_path.c_str());
    return s;
  }
  // Checked: SQLite's integrity check, the key file's checks, and one sealed value opened.
  try {
    SQLite::Database copy(out_path, SQLite::OPEN_READONLY);
    std::string integrity = copy.execAndGet("PRAGMA integrity_check").getString();
    if (integrity != "ok") return Status(Code::kIo, "the copy fails its integrity check");
    SQLite::Statement keys(copy, "SELECT key_id, check_value FROM data_keys");
    while (keys.executeStep()) {
      std::string expect = keys_->CheckValue(static_cast<uint32_t>(keys.getColumn(0).getInt64()));
      std::string stored = keys.getColumn(1).getString();
      if (expect.empty() || expect.size() != stored.size() ||
          sodium_memcmp(expect.data(), stored.data(), expect.size()) != 0) {
        return Status(Code::kKey, "the key file does not open the copy");
      }
    }
    SQLite::Statement sealed(copy, "SELECT participant_id, first_name FROM participants LIMIT 1");
    if (sealed.executeStep()) {
      auto opened = keys_->Open(sealed.getColumn(1).getString(), "participants", "first_name",
                                sealed.getColumn(0).getString());
      if (!opened.ok()) return Status(Code::kKey, "the key file does not open the copy's data");
    }
  } catch (const std::exception& e) {
    return Status(Code::kIo, std::string("cannot check the copy: ") + e.what());
  }
  return Status::Ok();
}

Result<PurgeStats> SqliteStore::Purge(int64_t before_ms, int64_t audit_before_ms, int64_t now_ms) {
  return writer_->Call<PurgeStats>([&](Conn& c) -> Result<PurgeStats> {
    PurgeStats stats;
    if (before_ms > 0) {
      stats.notes =
          Changes(c, "DELETE FROM messages WHERE at_ms < ? AND sender = 'note'", before_ms);
      stats.messages = Changes(c, "DELETE FROM messages WHERE at_ms < ?", before_ms);
      (void)Changes(c, "DELETE FROM thread_events WHERE at_ms < ?", before_ms);
      // A thread goes once nothing of it is newer than the date.
      stats.threads = Changes(c,
                              "DELETE FROM threads WHERE created_ms < ?1 AND last_message_ms < ?1 "
                              "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = "
                              "threads.id)",
                              before_ms);
      // Unsent items stay: they are still owed to a parent.
      stats.outbox = Changes(
          c, "DELETE FROM outbox WHERE created_ms < ? AND state NOT IN ('pending', 'sending')",
          before_ms);
    }
    std::string action = "purge before=" + std::to_string(before_ms);
    if (audit_before_ms > 0) {
      // The log keeps rows from `from` on; the purge's own row (appended now, so kept) records
      // `from` and the link of the row before it, so `audit verify` still checks the whole chain.
      int64_t from = 0;
      {
        SQLite::Statement q(c.db(),
                            "SELECT COALESCE((SELECT MIN(id) FROM audit_log WHERE at_ms >= ?), "
                            "(SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log))");
        q.bind(1, audit_before_ms);
        q.executeStep();
        from = q.getColumn(0).getInt64();
      }
      std::string prev;
      {
        SQLite::Statement q(c.db(), "SELECT link FROM audit_log WHERE id = ?");
        q.bind(1, from - 1);
        if (q.executeStep()) {
          if (!q.getColumn(0).isNull()) prev = q.getColumn(0).getString();
        } else if (AuditAnchor earlier = LatestAuditAnchor(c); earlier.from_id == from) {
          prev = earlier.prev_link;  // that row went in an earlier audit purge
        }
      }
      SQLite::Statement count(c.db(), "SELECT COUNT(*) FROM audit_log WHERE id < ?");
      count.bind(1, from);
      count.executeStep();
      stats.audit = count.getColumn(0).getInt64();
      action += " audit-before=" + std::to_string(audit_before_ms) +
                " audit-from=" + std::to_string(from) + " audit-prev=" + ToHex(prev);
      action += " threads=" + std::to_string(stats.threads) +
                " messages=" + std::to_string(stats.messages) +
                " outbox=" + std::to_string(stats.outbox) + " audit=" + std::to_string(stats.audit);
      AuditIn(c, 0, 0, action, now_ms);
      // The append-only trigger is lifted for this transaction only.
      c.db().exec("DROP TRIGGER audit_log_no_delete");
      Changes(c, "DELETE FROM audit_log WHERE id < ?", from);
      c.db().exec(
          "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
          "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END");
    } else {
      action += " threads=" + std::to_string(stats.threads) +
                " messages=" + std::to_string(stats.messages) +
                " outbox=" + std::to_string(stats.outbox);
      AuditIn(c, 0, 0, action, now_ms);
    }
    return stats;
  });
}

Result<ParticipantExport> SqliteStore::ExportParticipant(const std::string& participant_id) {
  return readers_->Call<ParticipantExport>([&](Conn& c) -> Result<ParticipantExport> {
    // One read transaction: every row below comes from the same snapshot, however the hub
    // writes meanwhile (WAL readers never block the writer). Rolled back when left early.
    SQLite::Transaction snapshot(c.db());
    ParticipantExport out;
    auto name = LoadParticipantName(c, participant_id);
    if (!name.ok()) return name.status();
    out.participant_id = participant_id;
    out.first_name = std::move(name->first);
    out.last_name = std::move(name->last);
    out.lang = std::move(name->language);
    std::vector<int64_t> ids;
    {
      auto q = c.Prep("SELECT id FROM threads WHERE participant_id = ? ORDER BY id");
      q->bind(1, participant_id);
      while (q->executeStep()) ids.push_back(q->getColumn(0).getInt64());
    }
    for (int64_t id : ids) {
      ParticipantExport::Thread t;
      auto thread = LoadThread(c, id);
      if (!thread.ok()) return thread.status();
      t.thread = std::move(*thread);
      auto messages = MessagesIn(c, id, 0, std::numeric_limits<int>::max(), true);
      if (!messages.ok()) return messages.status();
      t.messages = std::move(*messages);
      auto q = c.Prep(
          "SELECT a.id, a.caseworker_id, COALESCE(w.username, ''), a.thread_id, a.action, "
          "a.at_ms FROM audit_log a LEFT JOIN caseworkers w ON w.id = a.caseworker_id "
          "WHERE a.thread_id = ? ORDER BY a.id");
      q->bind(1, id);
      while (q->executeStep()) t.audit.push_back(AuditFromRow(*q));
      out.threads.push_back(std::move(t));
    }
    snapshot.commit();
    return out;
  });
}

Result<OutboxHealth> SqliteStore::GetOutboxHealth() {
  return readers_->Call<OutboxHealth>([&](Conn& c) -> Result<OutboxHealth> {
    // updated_ms is the start of an item's last attempt (or its delivery report). An item the
    // provider accepted is a success even when the carrier later failed to deliver it.
    auto q = c.Prep(
        "SELECT "
        "(SELECT COALESCE(MIN(created_ms), 0) FROM outbox WHERE state IN ('pending', 'sending')), "
        "(SELECT COALESCE(MAX(updated_ms), 0) FROM outbox WHERE provider_sid IS NOT NULL), "
        "(SELECT COALESCE(MAX(updated_ms), 0) FROM outbox WHERE provider_sid IS NULL AND "
        "last_error != '' AND attempts > 0 AND state IN ('pending', 'failed'))");
    q->executeStep();
    return OutboxHealth{q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
                        q->getColumn(2).getInt64()};
  });
}

}  // namespace connecthub::storage
