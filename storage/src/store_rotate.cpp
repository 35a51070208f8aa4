#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <optional>
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
  // The blind index column recomputed with columns[0] (a phone number), or null. The index is
  // under the key its number is sealed under (KeyRing::SealPhone).
  const char* index = nullptr;
  bool identity_is_index = false;  // the row identity is hex(index): it changes with the index
};

const std::vector<SealedTable>& SealedTables() {
  static const std::vector<SealedTable> kTables = {
      // First: an opt-out from before schema 15 has no number, and finds it in the tables below
      // while they are still indexed under the old key.
      {"sms_optouts", "hex(phone_index)", {"phone"}, "phone_index", true},
      {"participants", "participant_id", {"first_name", "last_name", "email"}},
      {"participant_phones", "participant_id || ':' || position", {"phone"}, "phone_index"},
      {"threads", "id", {"phone"}, "phone_index"},
      {"messages", "thread_id || ':' || seq", {"body", "media"}},
      {"linked_phones", "hex(phone_index)", {"phone"}, "phone_index", true},
      {"inbound_sms", "message_sid", {"reply"}},
      {"outbox", "id", {"to_phone", "body"}, "to_index"},
      {"caseworkers", "id", {"totp_secret"}},
  };
  return kTables;
}

struct BatchResult {
  int64_t last_rowid = 0;
  int64_t rows = 0;
  int64_t rewritten = 0;
  int64_t tampered = 0;
  int64_t kept = 0;
};

std::string Blob(const SQLite::Column& col) {
  return {static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes())};
}

// The number of a legacy opt-out (no number stored) from another row indexed the same way, or
// nullopt when no row has it.
std::optional<std::string> NumberByIndex(Conn& c, KeyRing& keys, const std::string& index) {
  SQLite::Statement q(
      c.db(),
      "SELECT phone, 'threads', 'phone', id FROM threads WHERE phone_index = ?1 AND phone IS NOT "
      "NULL UNION ALL SELECT phone, 'linked_phones', 'phone', hex(phone_index) FROM "
      "linked_phones WHERE phone_index = ?1 UNION ALL SELECT phone, 'participant_phones', "
      "'phone', participant_id || ':' || position FROM participant_phones WHERE phone_index = ?1 "
      "UNION ALL SELECT to_phone, 'outbox', 'to_phone', id FROM outbox WHERE to_index = ?1");
  q.bind(1, index.data(), static_cast<int>(index.size()));
  while (q.executeStep()) {
    auto number = keys.Open(q.getColumn(0).getString(), q.getColumn(1).getString(),
                            q.getColumn(2).getString(), q.getColumn(3).getString());
    if (!number.ok()) continue;
    auto all = keys.BlindIndexes(*number);
    if (std::find(all.begin(), all.end(), index) != all.end()) return *number;
  }
  return std::nullopt;
}

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
    if (t.index != nullptr) select += std::string(", ") + t.index;
    select += std::string(" FROM ") + t.table + " WHERE rowid > ? ORDER BY rowid LIMIT ?";
    bool outbox = std::string_view(t.table) == "outbox";
    int64_t after = 0;
    for (;;) {
      // Each batch is its own transaction on the writer, so the hub keeps writing in between and
      // a row is never rewritten from a stale read.
      auto r = writer_->Call<BatchResult>([&](Conn& c) -> Result<BatchResult> {
        BatchResult out;
        out.last_rowid = after;
        struct Update {
          int64_t rowid;
          std::vector<std::pair<const char*, std::string>> sealed;  // column, new value
          std::string index;                                        // new blind index, or empty
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
            Update u{out.last_rowid, {}, {}};
            for (size_t i = 0; i < t.columns.size(); ++i) {
              const auto& col = q.getColumn(static_cast<int>(i) + 2);
              bool phone = i == 0 && t.index != nullptr;
              std::optional<std::string> plain;
              if (col.isNull()) {
                if (!phone) continue;
                // An index without a number: an opt-out from before schema 15. Its number, if
                // another row has it. (Neither: a web thread.)
                const auto& index = q.getColumn(static_cast<int>(t.columns.size()) + 2);
                if (index.isNull()) continue;
                plain = NumberByIndex(c, *keys_, Blob(index));
                if (!plain) {
                  ++out.kept;
                  continue;
                }
              } else {
                std::string blob = col.getString();
                if (KeyRing::SealedKeyId(blob) == stats.new_key_id) continue;
                auto opened = keys_->Open(blob, t.table, t.columns[i], identity);
                if (!opened.ok()) {
                  ++out.tampered;
                  continue;
                }
                plain = std::move(*opened);
              }
              if (phone) {
                auto sealed = keys_->SealPhone(*plain, t.table, t.columns[i],
                                               t.identity_is_index ? "" : identity);
                u.index = std::move(sealed.index);
                u.sealed.emplace_back(t.columns[i], std::move(sealed.sealed));
              } else {
                u.sealed.emplace_back(t.columns[i],
                                      keys_->Seal(*plain, t.table, t.columns[i], identity));
              }
            }
            if (!u.sealed.empty()) updates.push_back(std::move(u));
          }
        }
        // A dedupe key ending in the number's phone key (`rem:`, `pay:`, `away:`) follows the
        // index, so what was sent before the rotation is still found after a retire.
        auto update = [&](const Update& u, bool dedupe) {
          std::string sql = std::string("UPDATE ") + t.table + " SET ";
          for (const auto& entry : u.sealed) sql += std::string(entry.first) + " = ?, ";
          if (!u.index.empty()) sql += std::string(t.index) + " = ?, ";
          if (dedupe) {
            sql +=
                "dedupe_key = CASE WHEN substr(dedupe_key, -65) = ':' || hex(to_index) THEN "
                "substr(dedupe_key, 1, length(dedupe_key) - 64) || ? ELSE dedupe_key END, ";
          }
          sql.resize(sql.size() - 2);
          SQLite::Statement q(c.db(), sql + " WHERE rowid = ?");
          int n = 1;
          for (const auto& entry : u.sealed) {
            q.bind(n++, entry.second.data(), static_cast<int>(entry.second.size()));
          }
          if (!u.index.empty()) q.bind(n++, u.index.data(), static_cast<int>(u.index.size()));
          if (dedupe) q.bind(n++, ToHex(u.index));
          q.bind(n, u.rowid);
          q.exec();
        };
        for (const auto& u : updates) {
          try {
            update(u, outbox && !u.index.empty());
          } catch (const SQLite::Exception& e) {
            if ((e.getErrorCode() & 0xff) != SQLITE_CONSTRAINT || u.index.empty()) throw;
            // The number already has a row under the new index, written under the new key
            // since it became current: that one is newer.
            if (t.identity_is_index) {
              SQLite::Statement d(c.db(),
                                  std::string("DELETE FROM ") + t.table + " WHERE rowid = ?");
              d.bind(1, u.rowid);
              d.exec();
            } else if (outbox) {
              update(u, false);  // its dedupe key is another item's now: left as it was
            } else {
              ++out.kept;  // a second thread for the number: left under the old key
              continue;
            }
          }
          ++out.rewritten;
        }
        return out;
      });
      if (!r.ok()) return r.status();
      stats.rows_rewritten += r->rewritten;
      stats.rows_tampered += r->tampered;
      stats.indexes_kept += r->kept;
      if (r->rows < batch_rows) break;
      after = r->last_rowid;
    }
  }
  // Every index from before schema 15 was recomputed with its number (or is counted above).
  s = writer_->Run([](Conn& c) -> Status {
    c.db().exec("DELETE FROM meta WHERE name = 'blind_index_legacy'");
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return stats;
}

Status SqliteStore::RetireKey(uint32_t key_id) {
  // Refused before any wait: the current key, or an unknown one.
  auto ids = keys_->key_ids();
  if (std::find(ids.begin(), ids.end(), key_id) == ids.end()) {
    return {Code::kNotFound, "no key " + std::to_string(key_id) + " in the key file"};
  }
  if (key_id == keys_->current_id()) {
    return keys_->RemoveKey(key_id, false);  // its kConflict says why
  }
  bool first = key_id == keys_->first_id();
  // Blind indexes without a recorded key (from before schema 15) are the first full key's.
  bool legacy_blind = key_id == ids.front();
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
    int64_t legacy_index = 0, optouts = 0, hashes = 0, sessions = 0, audit = 0;
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
    // Any other index is under the key its row's number is sealed under (counted above).
    if (legacy_blind) {
      u.legacy_index =
          count("SELECT count(*) FROM meta WHERE name = 'blind_index_legacy'", false, false);
      u.optouts = count("SELECT count(*) FROM sms_optouts WHERE phone IS NULL", false, false);
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
  if (uses->legacy_index > 0) {
    return {Code::kConflict, "phone blind indexes written before schema 15 still use key " + id +
                                 ": run rotate-key first"};
  }
  if (uses->optouts > 0) {
    return {Code::kConflict,
            std::to_string(uses->optouts) +
                " SMS opt-out(s) recorded before schema 15 still use key " + id +
                " and hold no number to re-index them by: each moves when its number next texts "
                "STOP or START; until then keep the key"};
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
