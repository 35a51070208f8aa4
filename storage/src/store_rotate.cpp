#include <algorithm>
#include <chrono>
#include <thread>

#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

// Every sealed column, with the SQL that recomputes the row identity used in its associated
// data (must match what the writers pass to KeyRing::Seal).
struct SealedTable {
  const char* table;
  const char* identity;
  std::vector<const char*> columns;
};

const std::vector<SealedTable>& SealedTables() {
  static const std::vector<SealedTable> kTables = {
      {"participants", "participant_id", {"first_name", "last_name", "email"}},
      {"participant_phones", "participant_id || ':' || position", {"phone"}},
      {"threads", "id", {"phone"}},
      {"messages", "thread_id || ':' || seq", {"body", "media"}},
      {"linked_phones", "hex(phone_index)", {"phone"}},
      {"inbound_sms", "message_sid", {"reply"}},
      {"outbox", "id", {"to_phone", "body"}},
      {"caseworkers", "id", {"totp_secret"}},
  };
  return kTables;
}

struct BatchResult {
  int64_t last_rowid = 0;
  int64_t rows = 0;
  int64_t rewritten = 0;
  int64_t tampered = 0;
};

}  // namespace

Result<RotateStats> SqliteStore::RotateKey(int batch_rows) {
  if (batch_rows < 1) batch_rows = 1;
  auto added = keys_->AddKey();
  if (!added.ok()) return added.status();
  RotateStats stats;
  stats.new_key_id = *added;
  std::string check = keys_->CheckValue(stats.new_key_id);
  Status s = writer_->Run([&](Conn& c) -> Status {
    SQLite::Statement q(c.db(),
                        "INSERT OR REPLACE INTO data_keys(key_id, check_value) VALUES(?,?)");
    q.bind(1, static_cast<int64_t>(stats.new_key_id));
    q.bind(2, check.data(), static_cast<int>(check.size()));
    q.exec();
    return Status::Ok();
  });
  if (!s.ok()) return s;

  for (const auto& t : SealedTables()) {
    std::string select = std::string("SELECT rowid, ") + t.identity;
    for (const char* col : t.columns) select += std::string(", ") + col;
    select += std::string(" FROM ") + t.table + " WHERE rowid > ? ORDER BY rowid LIMIT ?";
    int64_t after = 0;
    for (;;) {
      // Each batch is its own transaction on the writer, so the hub keeps writing in between and
      // a row is never rewritten from a stale read.
      auto r = writer_->Call<BatchResult>([&](Conn& c) -> Result<BatchResult> {
        BatchResult out;
        out.last_rowid = after;
        struct Update {
          int64_t rowid;
          const char* column;
          std::string sealed;
        };
        std::vector<Update> updates;
        {
          SQLite::Statement q(c.db(), select);
          q.bind(1, after);
          q.bind(2, batch_rows);
          while (q.executeStep()) {
            ++out.rows;
            out.last_rowid = q.getColumn(0).getInt64();
            std::string identity = q.getColumn(1).getString();
            for (size_t i = 0; i < t.columns.size(); ++i) {
              const auto& col = q.getColumn(static_cast<int>(i) + 2);
              if (col.isNull()) continue;
              std::string blob = col.getString();
              if (KeyRing::SealedKeyId(blob) == stats.new_key_id) continue;
              auto plain = keys_->Open(blob, t.table, t.columns[i], identity);
              if (!plain.ok()) {
                ++out.tampered;
                continue;
              }
              updates.push_back({out.last_rowid, t.columns[i],
                                 keys_->Seal(*plain, t.table, t.columns[i], identity)});
            }
          }
        }
        for (const auto& u : updates) {
          SQLite::Statement q(c.db(), std::string("UPDATE ") + t.table + " SET " + u.column +
                                          " = ? WHERE rowid = ?");
          q.bind(1, u.sealed.data(), static_cast<int>(u.sealed.size()));
          q.bind(2, u.rowid);
          q.exec();
          ++out.rewritten;
        }
        return out;
      });
      if (!r.ok()) return r.status();
      stats.rows_rewritten += r->rewritten;
      stats.rows_tampered += r->tampered;
      if (r->rows < batch_rows) break;
      after = r->last_rowid;
    }
  }
  return stats;
}

Status SqliteStore::RetireKey(uint32_t key_id) {
  // Refused before any wait: the current or first key, or an unknown one.
  auto ids = keys_->key_ids();
  if (std::find(ids.begin(), ids.end(), key_id) == ids.end()) {
    return {Code::kNotFound, "no key " + std::to_string(key_id) + " in the key file"};
  }
  if (key_id == keys_->current_id()) {
    return keys_->RemoveKey(key_id, false);  // its kConflict says why
  }
  bool first = key_id == keys_->first_id();
  // A hub re-reads a replaced key file within a second of its next seal: after the settle time
  // nothing new is sealed under an old key.
  for (;;) {
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    int64_t wait = keys_->replaced_ms() + options_.retire_settle_ms - now;
    if (wait <= 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(wait, 1000)));
  }
  std::string prefix = {static_cast<char>(key_id >> 24), static_cast<char>(key_id >> 16),
                        static_cast<char>(key_id >> 8), static_cast<char>(key_id)};
  auto in_use = readers_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    int64_t n = 0;
    for (const auto& t : SealedTables()) {
      for (const char* col : t.columns) {
        SQLite::Statement q(c.db(), std::string("SELECT count(*) FROM ") + t.table + " WHERE " +
                                        col + " IS NOT NULL AND substr(CAST(" + col +
                                        " AS BLOB), 1, 4) = ?");
        q.bind(1, prefix.data(), static_cast<int>(prefix.size()));
        q.executeStep();
        n += q.getColumn(0).getInt64();
      }
    }
    return n;
  });
  if (!in_use.ok()) return in_use.status();
  if (*in_use > 0) {
    return {Code::kConflict, std::to_string(*in_use) + " sealed value(s) still use key " +
                                 std::to_string(key_id) + ": run rotate-key first"};
  }
  // Everything else keyed from it. Values without a recorded key id are the first key's.
  struct Uses {
    int64_t blind = 0, hashes = 0, sessions = 0, audit = 0;
  };
  std::string k = "k" + std::to_string(key_id) + ":%";
  auto uses = readers_->Call<Uses>([&](Conn& c) -> Result<Uses> {
    Uses u;
    auto count = [&](const std::string& sql, bool bind_prefix, bool bind_k) {
      SQLite::Statement q(c.db(), sql);
      if (bind_prefix) q.bind(1, prefix.data(), static_cast<int>(prefix.size()));
      if (bind_k) q.bind(bind_prefix ? 2 : 1, k);
      q.executeStep();
      return q.getColumn(0).getInt64();
    };
    if (first) {
      // Phone blind indexes are still keyed from the first key (they do not rotate yet).
      for (const char* t : {"participant_phones", "threads", "linked_phones", "sms_optouts"}) {
        u.blind +=
            count(std::string("SELECT count(*) FROM ") + t + " WHERE phone_index IS NOT NULL",
                  false, false);
      }
      u.blind += count("SELECT count(*) FROM outbox", false, false);
    }
    std::string legacy_pin = first ? " OR pin_hash NOT LIKE 'k%'" : "";
    std::string legacy_pw =
        first ? " OR (password_hash NOT LIKE 'k%' AND password_hash NOT LIKE '!k%')" : "";
    u.hashes =
        count("SELECT count(*) FROM participants WHERE pin_peppered = 1 AND (pin_hash LIKE ?1" +
                  legacy_pin + ")",
              false, true) +
        count(
            "SELECT count(*) FROM caseworkers WHERE password_hash LIKE ?1 OR "
            "password_hash LIKE '!' || ?1" +
                legacy_pw,
            false, true);
    // A session hash or an audit link is the key id (4 bytes) || a 32-byte BLAKE2b; a legacy one
    // (32 bytes, no id) is the first key's.
    auto keyed = [&](const std::string& table, const std::string& column, const std::string& also) {
      std::string legacy = first ? " OR length(" + column + ") = 32" : "";
      return count("SELECT count(*) FROM " + table + " WHERE " + also + "((substr(" + column +
                       ", 1, 4) = ?1 AND length(" + column + ") = 36)" + legacy + ")",
                   true, false);
    };
    u.sessions = keyed("sessions", "token_hash", "");
    u.audit = keyed("audit_log", "link", "link IS NOT NULL AND ");
    return u;
  });
  if (!uses.ok()) return uses.status();
  std::string id = std::to_string(key_id);
  if (uses->blind > 0) {
    return {Code::kConflict, std::to_string(uses->blind) + " phone blind index(es) still use key " +
                                 id + ": phone look-ups do not rotate yet, so the first key stays"};
  }
  if (uses->hashes > 0) {
    return {Code::kConflict,
            std::to_string(uses->hashes) + " PIN/password hash(es) still use key " + id +
                "'s pepper: each is re-hashed at its holder's next login; until then reset those "
                "PINs/passwords or keep the key"};
  }
  if (uses->sessions > 0) {
    return {Code::kConflict, std::to_string(uses->sessions) + " session(s) still use key " + id +
                                 ": they end within the 12 h session lifetime (or purge them)"};
  }
  // Audit links under it stay verifiable: its line becomes audit-only (the MAC subkey, which
  // opens nothing).
  if (Status s = keys_->RemoveKey(key_id, uses->audit > 0); !s.ok()) return s;
  return writer_->Run([&](Conn& c) -> Status {
    SQLite::Statement q(c.db(), "DELETE FROM data_keys WHERE key_id = ?");
    q.bind(1, static_cast<int64_t>(key_id));
    q.exec();
    return Status::Ok();
  });
}

}  // namespace connecthub::storage
