#include "sqlite_store.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <tuple>

#include "account_rules.h"
#include "audit_chain.h"
#include "records.h"
#include "session_rules.h"
#include "storage/notice_keys.h"
#include "textable.h"

namespace connecthub::storage {
namespace {

constexpr const char* kThreadSelect =
    "SELECT t.id, t.participant_id, t.channel, t.lang, t.state, t.priority, t.misses, "
    "t.assigned_to, cw.username, t.created_ms, t.waiting_since_ms, t.last_message_ms, t.last_seq, "
    "p.first_name, p.last_name, t.phone, 0, cw.display_name, "
    "t.interpreter_lang, t.unseen_reply_seq, t.queue_county, substr(cw.password_hash, 1, 1) = "
    "'!' FROM threads t LEFT JOIN caseworkers cw ON cw.id = t.assigned_to "
    "LEFT JOIN participants p ON p.participant_id = t.participant_id WHERE t.id = ?";

ThreadState ParseState(std::string_view s) {
  if (s == "waiting") return ThreadState::kWaiting;
  if (s == "assigned") return ThreadState::kAssigned;
  if (s == "resolved") return ThreadState::kResolved;
  return ThreadState::kBot;
}

Sender ParseSender(std::string_view s) {
  if (s == "bot") return Sender::kBot;
  if (s == "caseworker") return Sender::kCaseworker;
  if (s == "system") return Sender::kSystem;
  if (s == "note") return Sender::kNote;
  return Sender::kParticipant;
}

void BindBlob(Conn::Query& q, int index, const std::string& blob) {
  q->bind(index, blob.data(), static_cast<int>(blob.size()));
}

std::string NullableText(const SQLite::Column& c) {
  return c.isNull() ? std::string() : c.getString();
}

}  // namespace

std::string MessageRow(int64_t thread_id, int64_t seq) {
  return std::to_string(thread_id) + ":" + std::to_string(seq);
}

// A row of "SELECT a.id, a.caseworker_id, COALESCE(w.username, ''), a.thread_id, a.action,
// a.at_ms FROM audit_log a LEFT JOIN caseworkers w ..." (ListAudit, ExportParticipant).
AuditRecord AuditFromRow(SQLite::Statement& q) {
  return AuditRecord{q.getColumn(0).getInt64(),  q.getColumn(1).getInt64(),
                     q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                     q.getColumn(4).getString(), q.getColumn(5).getInt64()};
}

SqliteStore::SqliteStore(StoreOptions options, std::unique_ptr<KeyRing> keys,
                         std::unique_ptr<Writer> writer, std::unique_ptr<ReadPool> readers)
    : options_(std::move(options)),
      facts_cache_(static_cast<size_t>(std::max(0, options_.facts_cache_entries)),
                   options_.facts_cache_ttl_ms),
      keys_(std::move(keys)),
      readers_(std::move(readers)),
      writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() { writer_.reset(); }

Result<std::vector<std::string>> SqliteStore::PhoneIndexes(const std::string& phone,
                                                           std::string* e164) {
  auto normalized = NormalizeE164(phone);
  if (!normalized) return Status(Code::kInvalid, "not a valid phone number");
  if (e164 != nullptr) *e164 = *normalized;
  return keys_->BlindIndexes(*normalized);
}

bool SqliteStore::OptedOutIn(Conn& c, const std::string& e164) {
  return OptedOutIn(c, keys_->BlindIndexes(e164));
}

bool SqliteStore::OptedOutIn(Conn& c, const std::vector<std::string>& indexes) {
  for (const std::string& index : indexes) {
    auto q = c.Prep("SELECT opted_out FROM sms_optouts WHERE phone_index = ?");
    BindBlob(q, 1, index);
    if (q->executeStep()) return q->getColumn(0).getInt() != 0;
  }
  return false;
}

Status SqliteStore::CheckWritable() {
  return writer_->Run([](Conn& c) -> Status {
    auto q = c.Prep(
        "INSERT INTO meta(name, value) VALUES('health', '1') "
        "ON CONFLICT(name) DO UPDATE SET value = 1 - value");
    q->exec();
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------------------------
// PINs and failures

Result<bool> SqliteStore::CheckPin(const std::string& participant_id, const std::string& pin) {
  auto row = readers_->Call<std::pair<std::string, bool>>(
      [&](Conn& c) -> Result<std::pair<std::string, bool>> {
        auto q = c.Prep("SELECT pin_hash, pin_peppered FROM participants WHERE participant_id = ?");
        q->bind(1, participant_id);
        if (!q->executeStep()) return std::pair<std::string, bool>{};
        return std::pair{q->getColumn(0).getString(), q->getColumn(1).getInt() != 0};
      });
  if (!row.ok()) return row.status();
  if (row->first.empty()) {
    // Unknown participant: spend the same Argon2id time so ids cannot be probed by timing.
    keys_->VerifySecret(keys_->DummyHash(), pin, true);
    return false;
  }
  if (!keys_->VerifySecret(row->first, pin, row->second)) return false;
  RehashIfStale("participants", "pin_hash", "participant_id = ? AND pin_peppered = ?",
                participant_id, row->second, row->first, pin);
  return true;
}

void SqliteStore::RehashIfStale(const char* table, const char* column, const char* where,
                                const std::string& row_id, bool peppered, const std::string& hash,
                                const std::string& secret) {
  // An imported hash has no pepper, and one made under an older key has that key's pepper:
  // re-hashed with the current key's now that the secret is known. Only if the row still holds
  // that hash (an import or a reset meanwhile wins); a failure keeps the old hash usable.
  if (!keys_->NeedsRehash(hash, peppered)) return;
  auto fresh = keys_->HashSecret(secret);
  if (!fresh.ok()) return;
  std::string extra = std::string(table) == "participants" ? ", pin_peppered = 1" : "";
  (void)writer_->Run([&](Conn& c) -> Status {
    SQLite::Statement q(c.db(), std::string("UPDATE ") + table + " SET " + column + " = ?" + extra +
                                    " WHERE " + where + " AND " + column + " = ?");
    q.bind(1, *fresh);
    q.bind(2, row_id);
    if (std::string(table) == "participants") {
      q.bind(3, peppered ? 1 : 0);
      q.bind(4, hash);
    } else {
      q.bind(3, hash);
    }
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::ClearPinFailures(const std::string& participant_id) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep("DELETE FROM pin_failures WHERE participant_id = ?");
    q->bind(1, participant_id);
    q->exec();
    return Status::Ok();
  });
}

Result<PinCounter> SqliteStore::UpdatePinCounter(
    const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) {
  return writer_->Call<PinCounter>([&](Conn& c) -> Result<PinCounter> {
    PinCounter old;
    {
      auto q = c.Prep(
          "SELECT failures, window_start_ms, locked_until_ms, lockouts, consecutive "
          "FROM pin_failures WHERE participant_id = ?");
      q->bind(1, key);
      if (q->executeStep()) {
        old.failures = q->getColumn(0).getInt64();
        old.window_start_ms = q->getColumn(1).getInt64();
        old.locked_until_ms = q->getColumn(2).getInt64();
        old.lockouts = q->getColumn(3).getInt64();
        old.consecutive = q->getColumn(4).getInt64();
      }
    }
    PinCounter next = update(old);
    if (next.failures == 0 && next.window_start_ms == 0 && next.locked_until_ms == 0 &&
        next.lockouts == 0 && next.consecutive == 0) {
      auto d = c.Prep("DELETE FROM pin_failures WHERE participant_id = ?");
      d->bind(1, key);
      d->exec();
      return next;
    }
    auto u = c.Prep(
        "INSERT INTO pin_failures(participant_id, failures, window_start_ms, locked_until_ms, "
        "lockouts, consecutive) VALUES(?,?,?,?,?,?) ON CONFLICT(participant_id) DO UPDATE SET "
        "failures = excluded.failures, window_start_ms = excluded.window_start_ms, "
        "locked_until_ms = excluded.locked_until_ms, lockouts = excluded.lockouts, "
        "consecutive = excluded.consecutive");
    u->bind(1, key);
    u->bind(2, next.failures);
    u->bind(3, next.window_start_ms);
    u->bind(4, next.locked_until_ms);
    u->bind(5, next.lockouts);
    u->bind(6, next.consecutive);
    u->exec();
    return next;
  });
}

Result<int64_t> SqliteStore::PurgePinCounters(int64_t before_ms) {
  return writer_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    auto q = c.Prep("DELETE FROM pin_failures WHERE locked_until_ms < ? AND window_start_ms < ?");
    q->bind(1, before_ms);
    q->bind(2, before_ms);
    return static_cast<int64_t>(q->exec());
  });
}

// ---------------------------------------------------------------------------------------------
// Sessions

Result<std::string> SqliteStore::CreateSession(SessionKind kind, const std::string& subject,
                                               int64_t now_ms) {
  if (subject.empty()) return Status(Code::kInvalid, "session without subject");
  std::string token = ToBase64Url(RandomBytes(32));
  std::string hash = keys_->TokenHash(token);
  Status s = writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep(
        "INSERT INTO sessions(token_hash, kind, subject, created_ms, last_used_ms) "
        "VALUES(?,?,?,?,?)");
    BindBlob(q, 1, hash);
    q->bind(2, kind == SessionKind::kCaseworker ? "caseworker" : "participant");
    q->bind(3, subject);
    q->bind(4, now_ms);
    q->bind(5, now_ms);
    q->exec();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return token;
}

namespace {

Result<Session> ReadSession(Conn& c, const std::string& token_hash) {
  auto q =
      c.Prep("SELECT kind, subject, created_ms, last_used_ms FROM sessions WHERE token_hash = ?");
  BindBlob(q, 1, token_hash);
  if (!q->executeStep()) return Status(Code::kNotFound, "no such session");
  Session session;
  session.kind = q->getColumn(0).getString() == "caseworker" ? SessionKind::kCaseworker
                                                             : SessionKind::kParticipant;
  session.subject = q->getColumn(1).getString();
  session.created_ms = q->getColumn(2).getInt64();
  session.last_used_ms = q->getColumn(3).getInt64();
  return session;
}

}  // namespace

std::string SqliteStore::StoredTokenHash(Conn& c, const std::string& token) {
  // New sessions are under the current key; older ones under the key that was current then.
  // A session another process created under a key added since the key file was read here: its
  // hash is among the ring's once the replaced file is re-read (one stat() per miss).
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto hashes = keys_->TokenHashes(token);
    for (const auto& h : hashes) {
      auto q = c.Prep("SELECT 1 FROM sessions WHERE token_hash = ?");
      BindBlob(q, 1, h);
      if (q->executeStep()) return h;
    }
    if (attempt == 1 || !keys_->ReloadIfReplaced()) return hashes.front();
  }
  return {};
}

Result<Session> SqliteStore::ResolveSession(const std::string& token, int64_t now_ms,
                                            int64_t idle_ttl_ms) {
  std::string hash;
  auto read = readers_->Call<Session>([&](Conn& c) {
    hash = StoredTokenHash(c, token);
    return ReadSession(c, hash);
  });
  if (read.ok() && FreshSession(*read, now_ms, idle_ttl_ms)) return read;
  auto resolved = writer_->Call<Session>(
      [&](Conn& c) { return ResolveSessionIn(c, hash, now_ms, idle_ttl_ms); });
  if (resolved.ok() && resolved->subject.empty()) {
    return Status(Code::kNotFound, "session expired");
  }
  return resolved;
}

Result<Session> SqliteStore::ResolveSessionIn(Conn& c, const std::string& hash, int64_t now_ms,
                                              int64_t idle_ttl_ms) {
  auto session = ReadSession(c, hash);
  if (!session.ok() || FreshSession(*session, now_ms, idle_ttl_ms)) return session;
  if (IdleExpired(*session, now_ms, idle_ttl_ms)) {
    auto d = c.Prep("DELETE FROM sessions WHERE token_hash = ?");
    BindBlob(d, 1, hash);
    d->exec();
    // The deletion must commit, so this is reported as an ok write with an empty subject.
    session->subject.clear();
    return session;
  }
  auto u = c.Prep("UPDATE sessions SET last_used_ms = ? WHERE token_hash = ?");
  u->bind(1, std::max(now_ms, session->last_used_ms));
  BindBlob(u, 2, hash);
  u->exec();
  session->last_used_ms = std::max(now_ms, session->last_used_ms);
  return session;
}

Result<Session> SqliteStore::PeekSession(const std::string& token) {
  return readers_->Call<Session>(
      [&](Conn& c) { return ReadSession(c, StoredTokenHash(c, token)); });
}

Result<int64_t> SqliteStore::PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) {
  return writer_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    auto q = c.Prep("DELETE FROM sessions WHERE last_used_ms < ? OR created_ms < ?");
    q->bind(1, used_before_ms);
    q->bind(2, created_before_ms);
    return static_cast<int64_t>(q->exec());
  });
}

Status SqliteStore::EndSession(const std::string& token) {
  (void)keys_->ReloadIfReplaced();  // a session made under a key added by another process
  auto hashes = keys_->TokenHashes(token);
  return writer_->Run([&](Conn& c) -> Status {
    for (const auto& hash : hashes) {
      auto q = c.Prep("DELETE FROM sessions WHERE token_hash = ?");
      BindBlob(q, 1, hash);
      q->exec();
    }
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------------------------
// Threads and messages

Result<SqliteStore::ParticipantName> SqliteStore::LoadParticipantName(
    Conn& c, const std::string& participant_id) {
  auto q =
      c.Prep("SELECT first_name, last_name, language FROM participants WHERE participant_id = ?");
  q->bind(1, participant_id);
  if (!q->executeStep()) return Status(Code::kNotFound, "no such participant");
  auto first =
      keys_->Open(q->getColumn(0).getString(), "participants", "first_name", participant_id);
  if (!first.ok()) return first.status();
  auto last = keys_->Open(q->getColumn(1).getString(), "participants", "last_name", participant_id);
  if (!last.ok()) return last.status();
  return ParticipantName{std::move(*first), std::move(*last), q->getColumn(2).getString()};
}

Result<ThreadRecord> SqliteStore::LoadThread(Conn& c, int64_t thread_id) {
  ThreadRecord t;
  std::string first, last, phone;
  {
    auto q = c.Prep(kThreadSelect);
    q->bind(1, thread_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such thread");
    t.id = q->getColumn(0).getInt64();
    t.participant_id = NullableText(q->getColumn(1));
    std::string channel = q->getColumn(2).getString();
    t.channel = channel == "sms"     ? Channel::kSms
                : channel == "voice" ? Channel::kVoice
                                     : Channel::kWeb;
    t.lang = q->getColumn(3).getString();
    t.state = ParseState(q->getColumn(4).getString());
    t.priority = q->getColumn(5).getInt();
    t.misses = q->getColumn(6).getInt();
    if (!q->getColumn(7).isNull()) t.assigned_to = q->getColumn(7).getInt64();
    t.assigned_name = NullableText(q->getColumn(8));
    t.created_ms = q->getColumn(9).getInt64();
    t.waiting_since_ms = q->getColumn(10).getInt64();
    t.last_message_ms = q->getColumn(11).getInt64();
    t.last_seq = q->getColumn(12).getInt64();
    first = NullableText(q->getColumn(13));
    last = NullableText(q->getColumn(14));
    phone = NullableText(q->getColumn(15));
    t.assigned_display_name = NullableText(q->getColumn(17));
    t.interpreter_lang = q->getColumn(18).getString();
    t.unseen_reply_seq = q->getColumn(19).getInt64();
    t.queue_county = q->getColumn(20).getString();
    t.assigned_disabled = t.assigned_to.has_value() && q->getColumn(21).getInt() != 0;
  }
  if (!t.participant_id.empty()) {
    auto f = keys_->Open(first, "participants", "first_name", t.participant_id);
    if (!f.ok()) return f.status();
    auto l = keys_->Open(last, "participants", "last_name", t.participant_id);
    if (!l.ok()) return l.status();
    t.first_name = std::move(*f);
    t.last_name = std::move(*l);
    // Sorted and de-duplicated here: DISTINCT/ORDER BY made SQLite build a temporary B-tree for
    // the one to three rows of every call (a chat turn loads its thread each time).
    auto q = c.Prep(
        "SELECT c.county FROM case_roles r JOIN cases c ON c.case_number = r.case_number "
        "WHERE r.participant_id = ?");
    q->bind(1, t.participant_id);
    while (q->executeStep()) t.counties.push_back(q->getColumn(0).getString());
    std::sort(t.counties.begin(), t.counties.end());
    t.counties.erase(std::unique(t.counties.begin(), t.counties.end()), t.counties.end());
  }
  if (!phone.empty()) {
    auto p = keys_->Open(phone, "threads", "phone", std::to_string(t.id));
    if (!p.ok()) return p.status();
    t.phone = std::move(*p);
    t.opted_out = OptedOutIn(c, t.phone);
  }
  return t;
}

Result<ThreadRecord> SqliteStore::OpenThread(const std::string& participant_id, Channel channel,
                                             const std::string& lang, int64_t now_ms) {
  return writer_->Call<ThreadRecord>([&](Conn& c) -> Result<ThreadRecord> {
    {
      auto q = c.Prep("SELECT 1 FROM participants WHERE participant_id = ?");
      q->bind(1, participant_id);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such participant");
    }
    {
      auto q = c.Prep(
          "SELECT id FROM threads WHERE participant_id = ? AND channel = ? "
          "ORDER BY last_message_ms DESC, id DESC LIMIT 1");
      q->bind(1, participant_id);
      q->bind(2, std::string(ChannelName(channel)));
      if (q->executeStep()) {
        int64_t id = q->getColumn(0).getInt64();
        return LoadThread(c, id);
      }
    }
    auto q = c.Prep(
        "INSERT INTO threads(participant_id, channel, lang, state, created_ms) "
        "VALUES(?,?,?,'bot',?)");
    q->bind(1, participant_id);
    q->bind(2, std::string(ChannelName(channel)));
    q->bind(3, lang.empty() ? std::string("en") : lang);
    q->bind(4, now_ms);
    q->exec();
    return LoadThread(c, c.db().getLastInsertRowid());
  });
}

Result<ThreadRecord> SqliteStore::OpenSmsThread(const std::string& phone, const std::string& lang,
                                                int64_t now_ms) {
  return OpenPhoneThread(Channel::kSms, phone, "", lang, now_ms);
}

Result<ThreadRecord> SqliteStore::OpenVoiceThread(const std::string& phone,
                                                  const std::string& participant_id,
                                                  const std::string& lang, int64_t now_ms) {
  return OpenPhoneThread(Channel::kVoice, phone, participant_id, lang, now_ms);
}

Result<ThreadRecord> SqliteStore::OpenPhoneThread(Channel channel, const std::string& phone,
                                                  const std::string& participant_id,
                                                  const std::string& lang, int64_t now_ms) {
  std::string e164;
  auto indexes = PhoneIndexes(phone, &e164);
  if (!indexes.ok()) return indexes.status();
  const std::string channel_name(ChannelName(channel));
  // Prep caches statements by their text's address: one constant per channel.
  const char* find = channel == Channel::kVoice
                         ? "SELECT id, participant_id FROM threads WHERE channel = 'voice' AND "
                           "phone_index = ?"
                         : "SELECT id, participant_id FROM threads WHERE channel = 'sms' AND "
                           "phone_index = ?";
  // The thread's id, under whichever key its phone was indexed (0: none).
  auto thread_of = [&](Conn& c, std::string* owner) -> int64_t {
    for (const std::string& index : *indexes) {
      auto q = c.Prep(find);
      BindBlob(q, 1, index);
      if (q->executeStep()) {
        *owner = NullableText(q->getColumn(1));
        return q->getColumn(0).getInt64();
      }
    }
    return 0;
  };
  // Almost every text or call comes from a number that has a thread: find it on a reader and
  // spare the webhook a group commit. The writer checks again before creating one.
  auto existing = readers_->Call<std::optional<ThreadRecord>>(
      [&](Conn& c) -> Result<std::optional<ThreadRecord>> {
        std::string owner;
        int64_t id = thread_of(c, &owner);
        if (id == 0) return std::optional<ThreadRecord>();
        if (!participant_id.empty() && owner != participant_id) {
          return std::optional<ThreadRecord>();  // the writer sets the participant
        }
        auto t = LoadThread(c, id);
        if (!t.ok()) return t.status();
        return std::optional<ThreadRecord>(std::move(*t));
      });
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return std::move(**existing);
  // Another process may have rotated the key and re-indexed the thread meanwhile.
  if (keys_->ReloadIfReplaced()) indexes = keys_->BlindIndexes(e164);
  return writer_->Call<ThreadRecord>([&](Conn& c) -> Result<ThreadRecord> {
    if (!participant_id.empty()) {
      auto q = c.Prep("SELECT 1 FROM participants WHERE participant_id = ?");
      q->bind(1, participant_id);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such participant");
    }
    {
      std::string owner;
      if (int64_t id = thread_of(c, &owner); id != 0) {
        if (!participant_id.empty() && owner != participant_id) {
          auto u = c.Prep("UPDATE threads SET participant_id = ? WHERE id = ?");
          u->bind(1, participant_id);
          u->bind(2, id);
          u->exec();
        }
        return LoadThread(c, id);
      }
    }
    std::optional<std::string> participant;
    if (!participant_id.empty()) {
      participant = participant_id;
    } else if (channel == Channel::kSms) {
      for (const std::string& index : *indexes) {
        auto q = c.Prep("SELECT participant_id FROM linked_phones WHERE phone_index = ?");
        BindBlob(q, 1, index);
        if (q->executeStep()) {
          participant = q->getColumn(0).getString();
          break;
        }
      }
    }
    // The row id is chosen here (single writer) because it is part of the sealed phone's AD.
    int64_t id = c.db().execAndGet("SELECT COALESCE(MAX(id), 0) + 1 FROM threads").getInt64();
    auto sealed = keys_->SealPhone(e164, "threads", "phone", std::to_string(id));
    auto q = c.Prep(
        "INSERT INTO threads(id, participant_id, channel, phone_index, phone, lang, "
        "state, created_ms) VALUES(?,?,?,?,?,?,'bot',?)");
    q->bind(1, id);
    if (participant) {
      q->bind(2, *participant);
    } else {
      q->bind(2);
    }
    q->bind(3, channel_name);
    BindBlob(q, 4, sealed.index);
    BindBlob(q, 5, sealed.sealed);
    q->bind(6, lang.empty() ? std::string("en") : lang);
    q->bind(7, now_ms);
    q->exec();
    return LoadThread(c, id);
  });
}

Result<ThreadRecord> SqliteStore::GetThread(int64_t thread_id) {
  return readers_->Call<ThreadRecord>(
      [&](Conn& c) -> Result<ThreadRecord> { return LoadThread(c, thread_id); });
}

Status SqliteStore::UpdateThread(int64_t thread_id, const ThreadUpdate& update, int64_t now_ms) {
  // After most bot answers nothing changes (same language, still no misses): checking that on a
  // reader spares the turn a group commit. A concurrent update may land between the read and
  // here; skipping is then the same as this update having committed just before it.
  if (!update.state && !update.priority && !update.assigned_to && !update.audit &&
      !update.interpreter_lang && (update.lang || update.misses)) {
    auto same = readers_->Call<bool>([&](Conn& c) -> Result<bool> {
      auto q = c.Prep("SELECT lang, misses FROM threads WHERE id = ?");
      q->bind(1, thread_id);
      if (!q->executeStep()) return false;
      return (!update.lang || *update.lang == q->getColumn(0).getString()) &&
             (!update.misses || *update.misses == q->getColumn(1).getInt());
    });
    if (same.ok() && *same) return Status::Ok();
  }
  return writer_->Run(
      [&](Conn& c) -> Status { return UpdateThreadIn(c, thread_id, update, now_ms); });
}

Status SqliteStore::UpdateThreadIn(Conn& c, int64_t thread_id, const ThreadUpdate& update,
                                   int64_t now_ms) {
  std::string state;
  int64_t waiting_since = 0;
  {
    auto q = c.Prep("SELECT state, waiting_since_ms FROM threads WHERE id = ?");
    q->bind(1, thread_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such thread");
    state = q->getColumn(0).getString();
    waiting_since = q->getColumn(1).getInt64();
  }
  bool escalated = false;
  if (update.state) {
    std::string next(ThreadStateName(*update.state));
    if (next == "waiting") {
      escalated = state != "waiting";
      if (state != "waiting" || waiting_since == 0) waiting_since = now_ms;
    } else {
      waiting_since = 0;
    }
    state = next;
  }
  if (update.lang && (update.lang->empty() || update.lang->size() > 16)) {
    return Status(Code::kInvalid, "bad language code");
  }
  if (update.interpreter_lang && update.interpreter_lang->size() > 16) {
    return Status(Code::kInvalid, "bad interpreter language code");
  }
  if (update.queue_county && update.queue_county->size() > 64) {
    return Status(Code::kInvalid, "bad county");
  }
  auto q = c.Prep(
      "UPDATE threads SET state = ?, waiting_since_ms = ?, priority = COALESCE(?, priority), "
      "misses = COALESCE(?, misses), lang = COALESCE(?, lang), "
      "interpreter_lang = COALESCE(?, interpreter_lang), "
      "assigned_to = CASE WHEN ? THEN ? ELSE assigned_to END, "
      "queue_county = COALESCE(?, queue_county) WHERE id = ?");
  q->bind(1, state);
  q->bind(2, waiting_since);
  if (update.priority) q->bind(3, *update.priority);
  if (update.misses) q->bind(4, *update.misses);
  if (update.lang) q->bind(5, *update.lang);
  if (update.interpreter_lang) q->bind(6, *update.interpreter_lang);
  q->bind(7, update.assigned_to.has_value() ? 1 : 0);
  if (update.assigned_to && *update.assigned_to) q->bind(8, **update.assigned_to);
  if (update.queue_county) q->bind(9, *update.queue_county);
  q->bind(10, thread_id);
  q->exec();
  if (escalated) {
    // Only the bot hands a thread to the inbox: the trace supervisors' reports count.
    auto e =
        c.Prep("INSERT INTO thread_events (thread_id, kind, at_ms) VALUES (?, 'escalated', ?)");
    e->bind(1, thread_id);
    e->bind(2, now_ms);
    e->exec();
  }
  if (update.audit)
    AuditIn(c, update.audit->caseworker_id, thread_id, update.audit->action, now_ms);
  return Status::Ok();
}

Result<ThreadRecord> SqliteStore::Claim(int64_t thread_id, int64_t caseworker_id, int64_t now_ms) {
  return writer_->Call<ThreadRecord>([&](Conn& c) -> Result<ThreadRecord> {
    {
      auto q = c.Prep("SELECT assigned_to FROM threads WHERE id = ?");
      q->bind(1, thread_id);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such thread");
      if (!q->getColumn(0).isNull() && q->getColumn(0).getInt64() != caseworker_id) {
        return Status(Code::kConflict, "thread is assigned to another caseworker");
      }
    }
    {
      auto q = c.Prep("SELECT 1 FROM caseworkers WHERE id = ?");
      q->bind(1, caseworker_id);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such caseworker");
    }
    auto q = c.Prep(
        "UPDATE threads SET assigned_to = ?, state = 'assigned', waiting_since_ms = 0 "
        "WHERE id = ?");
    q->bind(1, caseworker_id);
    q->bind(2, thread_id);
    q->exec();
    AuditIn(c, caseworker_id, thread_id, "claim", now_ms);
    return LoadThread(c, thread_id);
  });
}

// Threads with a case in the county bound next (the caseworker's scope; see ListThreads).
// Who sees a thread (three parameters, BindScope): a transferred thread is its queue county's;
// else the counties' of its participant's cases; a thread with neither (an unlinked SMS number,
// not transferred) is the triage queue's.
constexpr const char* kCountyScope =
    " AND ((t.queue_county != '' AND t.queue_county = ?) OR (t.queue_county = '' AND "
    "(EXISTS (SELECT 1 FROM case_roles r JOIN cases c ON c.case_number = r.case_number WHERE "
    "r.participant_id = t.participant_id AND c.county = ?) OR (? AND NOT EXISTS (SELECT 1 FROM "
    "case_roles r JOIN cases c ON c.case_number = r.case_number WHERE r.participant_id = "
    "t.participant_id)))))";

int BindScope(SQLite::Statement& q, int i, const std::optional<std::string>& county, bool triage) {
  q.bind(i++, county.value_or(""));
  q.bind(i++, county.value_or(""));
  q.bind(i++, triage ? 1 : 0);
  return i;
}

Result<std::vector<ThreadRecord>> SqliteStore::ListThreads(const ThreadQuery& query) {
  return readers_->Call<std::vector<ThreadRecord>>(
      [&](Conn& c) -> Result<std::vector<ThreadRecord>> {
        std::string sql = "SELECT t.id FROM threads t WHERE 1";
        if (!query.states.empty()) {
          sql += " AND t.state IN (";
          for (size_t i = 0; i < query.states.size(); ++i) sql += i ? ",?" : "?";
          sql += ")";
        }
        if (query.assigned_to) sql += " AND t.assigned_to = ?";
        bool scoped = !query.supervisor;
        if (scoped) {
          // A caseworker without a county sees no thread. A transferred thread is its queue
          // county's; else its cases' counties'; a thread with neither (an unlinked SMS number)
          // is the triage queue's.
          sql += kCountyScope;
        }
        sql +=
            " ORDER BY t.priority DESC, (t.waiting_since_ms = 0), t.waiting_since_ms, "
            "t.last_message_ms DESC, t.id LIMIT ?";
        SQLite::Statement q(c.db(), sql);
        int i = 1;
        for (ThreadState s : query.states) q.bind(i++, std::string(ThreadStateName(s)));
        if (query.assigned_to) q.bind(i++, *query.assigned_to);
        if (scoped) i = BindScope(q, i, query.county, query.triage);
        q.bind(i++, std::max(0, query.limit));
        std::vector<int64_t> ids;
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
        q.reset();
        std::vector<ThreadRecord> out;
        for (int64_t id : ids) {
          auto t = LoadThread(c, id);
          if (!t.ok()) return t.status();
          out.push_back(std::move(*t));
        }
        return out;
      });
}

Result<std::vector<ThreadRecord>> SqliteStore::SearchThreads(const ThreadSearch& search) {
  std::vector<std::string> indexes;  // the phone's under every key
  if (!search.phone.empty()) {
    auto i = PhoneIndexes(search.phone, nullptr);
    if (i.ok()) indexes = std::move(*i);
  }
  size_t limit = static_cast<size_t>(std::max(0, search.limit));
  return readers_->Call<std::vector<ThreadRecord>>(
      [&](Conn& c) -> Result<std::vector<ThreadRecord>> {
        bool scoped = !search.supervisor;
        std::string scope = scoped ? kCountyScope : "";
        std::vector<int64_t> ids;
        auto add = [&](int64_t id) {
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        };
        // One pass per key the phone may be indexed under (one when no phone was given).
        if (indexes.empty() && !search.exact.empty()) indexes.emplace_back();
        for (const std::string& index : indexes) {
          if (ids.size() >= limit) break;
          // Keys with an index: the participant id, a case number, the phone's blind index.
          std::string sql =
              "SELECT t.id FROM threads t WHERE (t.participant_id = ?1 OR EXISTS (SELECT 1 FROM "
              "case_roles k WHERE k.participant_id = t.participant_id AND k.case_number = ?1) "
              "OR t.phone_index = ?2 OR EXISTS (SELECT 1 FROM participant_phones pp WHERE "
              "pp.participant_id = t.participant_id AND pp.phone_index = ?2) OR EXISTS (SELECT 1 "
              "FROM linked_phones lp WHERE lp.participant_id = t.participant_id AND "
              "lp.phone_index = ?2))" +
              scope + " LIMIT ?";
          SQLite::Statement q(c.db(), sql);
          if (!search.exact.empty()) q.bind(1, search.exact);
          if (!index.empty()) q.bind(2, index.data(), static_cast<int>(index.size()));
          int next = 3;
          if (scoped) next = BindScope(q, next, search.county, search.triage);
          q.bind(next, static_cast<int64_t>(limit));
          while (q.executeStep() && ids.size() < limit) add(q.getColumn(0).getInt64());
        }
        if (search.name_matches && ids.size() < limit) {
          // Names are sealed: open each participant's in scope once and ask the predicate.
          std::string sql =
              "SELECT t.id, p.participant_id, p.first_name, p.last_name FROM threads t JOIN "
              "participants p ON p.participant_id = t.participant_id WHERE 1" +
              scope + " ORDER BY p.participant_id";
          SQLite::Statement q(c.db(), sql);
          if (scoped) BindScope(q, 1, search.county, search.triage);
          std::string participant;
          bool matched = false;
          while (q.executeStep() && ids.size() < limit) {
            std::string id = q.getColumn(1).getString();
            if (id != participant) {
              participant = id;
              auto first =
                  keys_->Open(q.getColumn(2).getString(), "participants", "first_name", id);
              if (!first.ok()) return first.status();
              auto last = keys_->Open(q.getColumn(3).getString(), "participants", "last_name", id);
              if (!last.ok()) return last.status();
              matched = search.name_matches(*first, *last);
            }
            if (matched) add(q.getColumn(0).getInt64());
          }
        }
        std::vector<ThreadRecord> out;
        for (int64_t id : ids) {
          auto t = LoadThread(c, id);
          if (!t.ok()) return t.status();
          out.push_back(std::move(*t));
        }
        // ListThreads' order.
        std::sort(out.begin(), out.end(), [](const ThreadRecord& a, const ThreadRecord& b) {
          auto key = [](const ThreadRecord& t) {
            return std::make_tuple(-t.priority, t.waiting_since_ms == 0, t.waiting_since_ms,
                                   -t.last_message_ms, t.id);
          };
          return key(a) < key(b);
        });
        return out;
      });
}

namespace {

Status CheckAppend(const AppendRequest& request) {
  if (request.client_id.size() > 200) return Status(Code::kInvalid, "client id too long");
  if (request.media.size() > AppendRequest::kMaxMedia) {
    return Status(Code::kInvalid, "too many media items");
  }
  for (const MediaItem& m : request.media) {
    if (m.content_type.size() > 128 || m.url.empty() || m.url.size() > 2048) {
      return Status(Code::kInvalid, "malformed media item");
    }
  }
  if (request.sender == Sender::kCaseworker || request.sender == Sender::kNote) {
    if (!request.caseworker_id) return Status(Code::kInvalid, "caseworker message without author");
  }
  return Status::Ok();
}

}  // namespace

Result<Appended> SqliteStore::Append(const AppendRequest& request) {
  if (Status s = CheckAppend(request); !s.ok()) return s;
  return writer_->Call<Appended>([&](Conn& c) -> Result<Appended> { return AppendIn(c, request); });
}

Result<Appended> SqliteStore::AppendIn(Conn& c, const AppendRequest& request) {
  if (auto duplicate = FindDuplicateIn(c, request)) return *duplicate;
  int64_t seq = 0;
  {
    auto q = c.Prep("SELECT last_seq FROM threads WHERE id = ?");
    q->bind(1, request.thread_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such thread");
    seq = q->getColumn(0).getInt64() + 1;
  }
  InsertMessageIn(c, request, seq);
  SetLastSeqIn(c, request.thread_id, seq, request.at_ms);
  if (!request.audit_action.empty()) {
    AuditIn(c, request.caseworker_id.value_or(0), request.thread_id, request.audit_action,
            request.at_ms);
  }
  return Appended{seq, false, request.at_ms};
}

std::optional<Appended> SqliteStore::FindDuplicateIn(Conn& c, const AppendRequest& request) {
  if (request.client_id.empty()) return std::nullopt;
  auto q = c.Prep("SELECT seq, at_ms FROM messages WHERE thread_id = ? AND client_id = ?");
  q->bind(1, request.thread_id);
  q->bind(2, request.client_id);
  if (!q->executeStep()) return std::nullopt;
  return Appended{q->getColumn(0).getInt64(), true, q->getColumn(1).getInt64()};
}

namespace {

std::string MediaJson(const std::vector<MediaItem>& media) {
  boost::json::array a;
  for (const MediaItem& m : media) a.push_back({{"type", m.content_type}, {"url", m.url}});
  return boost::json::serialize(a);
}

Result<std::vector<MediaItem>> ParseMediaJson(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return Status(Code::kTampered, "malformed media column");
  std::vector<MediaItem> out;
  for (const auto& item : v.as_array()) {
    const auto* o = item.if_object();
    const auto* type = o ? o->if_contains("type") : nullptr;
    const auto* url = o ? o->if_contains("url") : nullptr;
    if (!type || !url || !type->is_string() || !url->is_string()) {
      return Status(Code::kTampered, "malformed media column");
    }
    out.push_back({std::string(type->as_string()), std::string(url->as_string())});
  }
  return out;
}

}  // namespace

void SqliteStore::InsertMessageIn(Conn& c, const AppendRequest& request, int64_t seq) {
  std::string sealed =
      keys_->Seal(request.body, "messages", "body", MessageRow(request.thread_id, seq));
  auto q = c.Prep(
      "INSERT INTO messages(thread_id, seq, sender, client_id, body, intent, "
      "caseworker_id, at_ms, media) VALUES(?,?,?,?,?,?,?,?,?)");
  q->bind(1, request.thread_id);
  q->bind(2, seq);
  q->bind(3, std::string(SenderName(request.sender)));
  if (!request.client_id.empty()) q->bind(4, request.client_id);
  BindBlob(q, 5, sealed);
  q->bind(6, request.intent);
  if (request.caseworker_id) q->bind(7, *request.caseworker_id);
  q->bind(8, request.at_ms);
  std::string media;
  if (!request.media.empty()) {
    media = keys_->Seal(MediaJson(request.media), "messages", "media",
                        MessageRow(request.thread_id, seq));
    BindBlob(q, 9, media);
  }
  q->exec();
}

void SqliteStore::SetLastSeqIn(Conn& c, int64_t thread_id, int64_t seq, int64_t at_ms) {
  auto q = c.Prep(
      "UPDATE threads SET last_seq = ?, last_message_ms = MAX(last_message_ms, ?) "
      "WHERE id = ?");
  q->bind(1, seq);
  q->bind(2, at_ms);
  q->bind(3, thread_id);
  q->exec();
}

void SqliteStore::SubmitTurn(TurnRequest request, std::function<void(Result<TurnResult>)> done) {
  if (Status s = CheckAppend(request.parent); !s.ok()) return done(s);
  struct Turn {
    TurnRequest request;
    std::string token_hash;
    TurnResult result;
  };
  auto turn = std::make_shared<Turn>();
  turn->request = std::move(request);
  auto job = [this, turn](Conn& c) -> Status {
    const TurnRequest& req = turn->request;
    TurnResult& out = turn->result;
    int64_t thread_id = req.parent.thread_id;
    if (!req.session_token.empty()) turn->token_hash = StoredTokenHash(c, req.session_token);
    if (!turn->token_hash.empty()) {
      auto session = ResolveSessionIn(c, turn->token_hash, req.now_ms, req.session_idle_ms);
      if (!session.ok() && session.status().code() != Code::kNotFound) return session.status();
      if (!session.ok() || session->subject.empty()) {
        out.session_ended = true;
        return Status::Ok();  // an idle session's deletion commits
      }
    }
    auto before = LoadThread(c, thread_id);
    if (!before.ok()) return before.status();
    out.before = *before;
    if (auto duplicate = FindDuplicateIn(c, req.parent)) {
      out.appended.push_back(*duplicate);
      out.thread = out.before;
      return Status::Ok();
    }
    // The thread row was read just above in this transaction: seqs follow its last_seq, and the
    // thread is updated once for the whole turn.
    int64_t seq = before->last_seq;
    int64_t last_at = req.parent.at_ms;
    InsertMessageIn(c, req.parent, ++seq);
    out.appended.push_back(Appended{seq, false, req.parent.at_ms});
    if (req.decide) {
      std::shared_ptr<const bot::ParticipantFacts> facts;
      Status facts_status;
      if (req.load_facts && !before->participant_id.empty()) {
        auto shared = SharedFacts(before->participant_id, req.now_ms, &c);
        if (shared.ok()) {
          facts = std::move(shared).value();
        } else {
          facts_status = shared.status();
        }
      }
      TurnContext context{*before, facts.get(), facts_status};
      auto decided = req.decide(context);
      if (!decided.ok()) return decided.status();
      out.write = std::move(decided).value();
      for (const auto& m : out.write.messages) {
        if (m.thread_id != thread_id) return Status(Code::kInvalid, "a turn spans threads");
        if (Status s = CheckAppend(m); !s.ok()) return s;
        if (!m.client_id.empty()) return Status(Code::kInvalid, "an answer with a client id");
        InsertMessageIn(c, m, ++seq);
        out.appended.push_back(Appended{seq, false, m.at_ms});
        last_at = std::max(last_at, m.at_ms);
      }
      if (out.write.update) {
        if (Status s = UpdateThreadIn(c, thread_id, *out.write.update, req.now_ms); !s.ok()) {
          return s;
        }
      }
      if (!out.write.inbound_sid.empty()) {
        if (out.write.inbound_sid.size() > 128) return Status(Code::kInvalid, "bad MessageSid");
        RecordInboundReplyIn(
            c, out.write.inbound_sid,
            keys_->Seal(out.write.inbound_reply, "inbound_sms", "reply", out.write.inbound_sid),
            req.now_ms);
      }
    }
    SetLastSeqIn(c, thread_id, seq, last_at);
    // A turn changes only the thread's own columns (never its participant, phone or
    // assignment): re-read those rather than the whole record with its names and counties.
    out.thread = out.before;
    auto q = c.Prep(
        "SELECT lang, state, priority, misses, waiting_since_ms, last_message_ms, last_seq, "
        "interpreter_lang FROM threads WHERE id = ?");
    q->bind(1, thread_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such thread");
    out.thread.lang = q->getColumn(0).getString();
    out.thread.state = ParseState(q->getColumn(1).getString());
    out.thread.priority = q->getColumn(2).getInt();
    out.thread.misses = q->getColumn(3).getInt();
    out.thread.waiting_since_ms = q->getColumn(4).getInt64();
    out.thread.last_message_ms = q->getColumn(5).getInt64();
    out.thread.last_seq = q->getColumn(6).getInt64();
    out.thread.interpreter_lang = q->getColumn(7).getString();
    return Status::Ok();
  };
  writer_->Submit(std::move(job), [turn, done = std::move(done)](Status s) {
    if (!s.ok()) return done(s);
    done(std::move(turn->result));
  });
}

Status SqliteStore::Drain() {
  // The writer runs jobs in order and tells each batch's jobs their outcome in order, so an empty
  // job's outcome comes after every earlier one's.
  return writer_->Run([](Conn&) { return Status::Ok(); });
}

Result<std::vector<MessageRecord>> SqliteStore::Messages(int64_t thread_id, int64_t after_seq,
                                                         int limit, bool include_notes) {
  return readers_->Call<std::vector<MessageRecord>>(
      [&](Conn& c) -> Result<std::vector<MessageRecord>> {
        return MessagesIn(c, thread_id, after_seq, limit, include_notes);
      });
}

Result<std::vector<MessageRecord>> SqliteStore::MessagesIn(Conn& c, int64_t thread_id,
                                                           int64_t after_seq, int limit,
                                                           bool include_notes) {
  auto q = c.Prep(
      "SELECT m.seq, m.sender, m.client_id, m.body, m.intent, m.caseworker_id, cw.username, "
      "m.at_ms, m.delivery, cw.display_name, m.media FROM messages m LEFT JOIN caseworkers "
      "cw ON "
      "cw.id = "
      "m.caseworker_id WHERE m.thread_id = ? AND m.seq > ? AND (? OR m.sender != 'note') "
      "ORDER BY m.seq LIMIT ?");
  q->bind(1, thread_id);
  q->bind(2, after_seq);
  q->bind(3, include_notes ? 1 : 0);
  q->bind(4, std::max(0, limit));
  std::vector<MessageRecord> out;
  while (q->executeStep()) {
    MessageRecord m;
    m.thread_id = thread_id;
    m.seq = q->getColumn(0).getInt64();
    m.sender = ParseSender(q->getColumn(1).getString());
    m.client_id = NullableText(q->getColumn(2));
    auto body =
        keys_->Open(q->getColumn(3).getString(), "messages", "body", MessageRow(thread_id, m.seq));
    if (!body.ok()) return body.status();
    m.body = std::move(*body);
    m.intent = q->getColumn(4).getString();
    if (!q->getColumn(5).isNull()) m.caseworker_id = q->getColumn(5).getInt64();
    m.caseworker_name = NullableText(q->getColumn(6));
    m.at_ms = q->getColumn(7).getInt64();
    m.delivery = q->getColumn(8).getString();
    m.caseworker_display_name = NullableText(q->getColumn(9));
    if (!q->getColumn(10).isNull()) {
      auto media = keys_->Open(q->getColumn(10).getString(), "messages", "media",
                               MessageRow(thread_id, m.seq));
      if (!media.ok()) return media.status();
      auto items = ParseMediaJson(*media);
      if (!items.ok()) return items.status();
      m.media = std::move(*items);
    }
    out.push_back(std::move(m));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Caseworkers and audit

Result<int64_t> SqliteStore::AddCaseworker(const std::string& username, const std::string& password,
                                           const std::string& county, bool supervisor) {
  if (Status s = CheckUsername(username); !s.ok()) return s;
  if (Status s = CheckPassword(password); !s.ok()) return s;
  auto hash = keys_->HashSecret(password);
  if (!hash.ok()) return hash.status();
  return writer_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    {
      auto q = c.Prep("SELECT 1 FROM caseworkers WHERE username = ?");
      q->bind(1, username);
      if (q->executeStep()) return Status(Code::kConflict, "username already taken");
    }
    auto q = c.Prep(
        "INSERT INTO caseworkers(username, password_hash, county, supervisor) VALUES(?,?,?,?)");
    q->bind(1, username);
    q->bind(2, *hash);
    q->bind(3, county);
    q->bind(4, supervisor ? 1 : 0);
    q->exec();
    return c.db().getLastInsertRowid();
  });
}

Result<Caseworker> SqliteStore::CheckCaseworkerPassword(const std::string& username,
                                                        const std::string& password) {
  std::string hash;
  auto row = readers_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto q = c.Prep(
        "SELECT id, username, county, supervisor, password_hash, display_name FROM caseworkers "
        "WHERE username = ?");
    q->bind(1, username);
    if (!q->executeStep()) return Status(Code::kNotFound, "unknown username or wrong password");
    hash = q->getColumn(4).getString();
    return Caseworker{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                      q->getColumn(2).getString(), q->getColumn(3).getInt() != 0,
                      q->getColumn(5).getString()};
  });
  if (!row.ok()) {
    if (row.status().code() == Code::kNotFound)
      keys_->VerifySecret(keys_->DummyHash(), password, true);
    return row.status();
  }
  // A disabled account's hash carries a leading '!' (store_ops.cpp): refused at the same cost.
  bool disabled = !hash.empty() && hash[0] == kDisabledMark;
  if (!keys_->VerifySecret(disabled ? keys_->DummyHash() : hash, password, true) || disabled) {
    return Status(Code::kNotFound, "unknown username or wrong password");
  }
  RehashIfStale("caseworkers", "password_hash", "CAST(id AS TEXT) = ?", std::to_string(row->id),
                true, hash, password);
  return row;
}

Result<Caseworker> SqliteStore::GetCaseworker(int64_t caseworker_id) {
  return readers_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    auto q = c.Prep(
        "SELECT id, username, county, supervisor, display_name, substr(password_hash, 1, 1) = '!', "
        "totp_secret IS NOT NULL FROM caseworkers WHERE id = ?");
    q->bind(1, caseworker_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such caseworker");
    return Caseworker{q->getColumn(0).getInt64(),   q->getColumn(1).getString(),
                      q->getColumn(2).getString(),  q->getColumn(3).getInt() != 0,
                      q->getColumn(4).getString(),  q->getColumn(5).getInt() != 0,
                      q->getColumn(6).getInt() != 0};
  });
}

Status SqliteStore::SetCaseworkerDisplayName(int64_t caseworker_id, const std::string& name) {
  if (Status s = CheckDisplayName(name); !s.ok()) return s;
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep("UPDATE caseworkers SET display_name = ? WHERE id = ?");
    q->bind(1, name);
    q->bind(2, caseworker_id);
    if (q->exec() == 0) return Status(Code::kNotFound, "no such caseworker");
    return Status::Ok();
  });
}

Result<Caseworker> SqliteStore::SetCaseworkerTotpSecret(const std::string& username,
                                                        const std::string& secret) {
  if (Status s = CheckTotpSecret(secret); !s.ok()) return s;
  return writer_->Call<Caseworker>([&](Conn& c) -> Result<Caseworker> {
    Caseworker cw;
    {
      auto q = c.Prep(
          "SELECT id, username, county, supervisor, display_name FROM caseworkers "
          "WHERE username = ?");
      q->bind(1, username);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such caseworker");
      cw = Caseworker{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                      q->getColumn(2).getString(), q->getColumn(3).getInt() != 0,
                      q->getColumn(4).getString()};
    }
    std::string sealed = keys_->Seal(secret, "caseworkers", "totp_secret", std::to_string(cw.id));
    auto q = c.Prep("UPDATE caseworkers SET totp_secret = ?, totp_last_step = 0 WHERE id = ?");
    q->bind(1, sealed.data(), static_cast<int>(sealed.size()));
    q->bind(2, cw.id);
    q->exec();
    return cw;
  });
}

Result<CaseworkerTotp> SqliteStore::GetCaseworkerTotp(int64_t caseworker_id) {
  std::string sealed;
  auto row = readers_->Call<CaseworkerTotp>([&](Conn& c) -> Result<CaseworkerTotp> {
    auto q = c.Prep("SELECT totp_secret, totp_last_step FROM caseworkers WHERE id = ?");
    q->bind(1, caseworker_id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such caseworker");
    if (!q->getColumn(0).isNull()) sealed = q->getColumn(0).getString();
    CaseworkerTotp out;
    out.last_step = q->getColumn(1).getInt64();
    return out;
  });
  if (!row.ok() || sealed.empty()) return row;
  auto secret = keys_->Open(sealed, "caseworkers", "totp_secret", std::to_string(caseworker_id));
  if (!secret.ok()) return secret.status();
  row->secret = std::move(*secret);
  return row;
}

Result<bool> SqliteStore::UseCaseworkerTotpStep(int64_t caseworker_id, int64_t step) {
  return writer_->Call<bool>([&](Conn& c) -> Result<bool> {
    // One statement: two logins racing with the same code cannot both pass.
    auto q =
        c.Prep("UPDATE caseworkers SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?");
    q->bind(1, step);
    q->bind(2, caseworker_id);
    q->bind(3, step);
    if (q->exec() > 0) return true;
    auto e = c.Prep("SELECT 1 FROM caseworkers WHERE id = ?");
    e->bind(1, caseworker_id);
    if (!e->executeStep()) return Status(Code::kNotFound, "no such caseworker");
    return false;
  });
}

void SqliteStore::AuditIn(Conn& c, int64_t caseworker_id, int64_t thread_id,
                          const std::string& action, int64_t now_ms) {
  int64_t id = 1;
  std::string prev;
  {
    auto q = c.Prep("SELECT id, link FROM audit_log ORDER BY id DESC LIMIT 1");
    if (q->executeStep()) {
      id = q->getColumn(0).getInt64() + 1;
      if (!q->getColumn(1).isNull()) prev = q->getColumn(1).getString();
    }
  }
  std::string link =
      keys_->AuditMac(AuditLinkInput(id, caseworker_id, thread_id, action, now_ms, prev));
  auto q = c.Prep(
      "INSERT INTO audit_log(id, caseworker_id, thread_id, action, at_ms, link) "
      "VALUES(?,?,?,?,?,?)");
  q->bind(1, id);
  q->bind(2, caseworker_id);
  q->bind(3, thread_id);
  q->bind(4, action);
  q->bind(5, now_ms);
  BindBlob(q, 6, link);
  q->exec();
}

Status SqliteStore::Audit(int64_t caseworker_id, int64_t thread_id, const std::string& action,
                          int64_t now_ms) {
  return writer_->Run([&](Conn& c) -> Status {
    AuditIn(c, caseworker_id, thread_id, action, now_ms);
    return Status::Ok();
  });
}

Status SqliteStore::AuditThreads(int64_t caseworker_id, const std::vector<int64_t>& thread_ids,
                                 const std::string& action, int64_t now_ms) {
  if (thread_ids.empty()) return Status::Ok();
  return writer_->Run([&](Conn& c) -> Status {
    for (int64_t id : thread_ids) AuditIn(c, caseworker_id, id, action, now_ms);
    return Status::Ok();
  });
}

Result<std::vector<AuditRecord>> SqliteStore::ListAudit(const AuditQuery& query) {
  return readers_->Call<std::vector<AuditRecord>>([&](Conn& c) -> Result<std::vector<AuditRecord>> {
    auto q = c.Prep(
        "SELECT a.id, a.caseworker_id, COALESCE(w.username, ''), a.thread_id, a.action, a.at_ms "
        "FROM audit_log a LEFT JOIN caseworkers w ON w.id = a.caseworker_id "
        "WHERE (?1 IS NULL OR a.thread_id = ?1) AND (?2 IS NULL OR a.caseworker_id = ?2) "
        "AND (?3 <= 0 OR a.id < ?3) ORDER BY a.id DESC LIMIT ?4");
    if (query.thread_id) q->bind(1, *query.thread_id);
    if (query.caseworker_id) q->bind(2, *query.caseworker_id);
    q->bind(3, query.before_id);
    q->bind(4, std::clamp(query.limit, 0, 1000));
    std::vector<AuditRecord> out;
    while (q->executeStep()) out.push_back(AuditFromRow(*q));
    return out;
  });
}

Result<AuditCheck> SqliteStore::VerifyAudit() {
  return readers_->Call<AuditCheck>([&](Conn& c) -> Result<AuditCheck> {
    // One statement, stepped row by row: constant memory however long the log is.
    SQLite::Statement q(c.db(),
                        "SELECT id, caseworker_id, thread_id, action, at_ms, link FROM audit_log "
                        "ORDER BY id");
    AuditChainCheck check(*keys_, LatestAuditAnchor(c));
    while (q.executeStep()) {
      std::optional<std::string> link;
      if (!q.getColumn(5).isNull()) link = q.getColumn(5).getString();
      if (!check.Row(q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                     q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                     q.getColumn(4).getInt64(), std::move(link))) {
        break;
      }
    }
    return check.result();
  });
}

// ---------------------------------------------------------------------------------------------
// SMS

Result<std::optional<std::string>> SqliteStore::LinkedParticipant(const std::string& phone,
                                                                  int64_t now_ms,
                                                                  int64_t link_ttl_ms) {
  std::string e164;
  auto indexes = PhoneIndexes(phone, &e164);
  if (!indexes.ok()) return indexes.status();
  using Out = std::optional<std::string>;
  int64_t last_used = 0;
  std::string index;  // the one the link is stored under
  auto read = [&]() {
    return readers_->Call<Out>([&](Conn& c) -> Result<Out> {
      for (const std::string& i : *indexes) {
        auto q =
            c.Prep("SELECT participant_id, last_used_ms FROM linked_phones WHERE phone_index = ?");
        BindBlob(q, 1, i);
        if (!q->executeStep()) continue;
        index = i;
        last_used = q->getColumn(1).getInt64();
        if (now_ms - last_used > link_ttl_ms) return Out();
        return Out(q->getColumn(0).getString());
      }
      return Out();
    });
  };
  auto found = read();
  // Not found: another process may have rotated the key and re-indexed the link meanwhile.
  if (found.ok() && index.empty() && keys_->ReloadIfReplaced()) {
    indexes = keys_->BlindIndexes(e164);
    found = read();
  }
  if (!found.ok() || !found->has_value()) return found;
  // Links expire after months without use: touching them at most once an hour (or a tenth of a
  // short test TTL) keeps the expiry exact to the hour and spares nearly every text a write.
  int64_t touch_every_ms = std::min<int64_t>(3'600'000, link_ttl_ms / 10);
  if (now_ms - last_used < touch_every_ms) return found;
  return writer_->Call<Out>([&](Conn& c) -> Result<Out> {
    std::string participant;
    {
      auto q = c.Prep(
          "SELECT participant_id, last_used_ms FROM linked_phones "
          "WHERE phone_index = ?");
      BindBlob(q, 1, index);
      if (!q->executeStep()) return found;  // re-indexed by a rotation meanwhile: as read
      if (now_ms - q->getColumn(1).getInt64() > link_ttl_ms) return Out();
      participant = q->getColumn(0).getString();
    }
    auto u = c.Prep(
        "UPDATE linked_phones SET last_used_ms = MAX(last_used_ms, ?) "
        "WHERE phone_index = ?");
    u->bind(1, now_ms);
    BindBlob(u, 2, index);
    u->exec();
    return Out(participant);
  });
}

// Removes `table`'s rows for the number under every key but `keep` (its index under the current
// key): written under a key that was current then, or before a rotation re-indexed them.
void SqliteStore::DeleteOtherIndexesIn(Conn& c, const char* table,
                                       const std::vector<std::string>& indexes,
                                       const std::string& keep) {
  for (const std::string& index : indexes) {
    if (index == keep) continue;
    SQLite::Statement q(c.db(), std::string("DELETE FROM ") + table + " WHERE phone_index = ?");
    q.bind(1, index.data(), static_cast<int>(index.size()));
    q.exec();
  }
}

// Sets the participant of the number's SMS thread (NULL: none), under whichever key it is indexed.
void SqliteStore::SetSmsThreadParticipantIn(Conn& c, const std::vector<std::string>& indexes,
                                            const std::string* participant_id) {
  for (const std::string& index : indexes) {
    auto q = c.Prep(
        "UPDATE threads SET participant_id = ? WHERE channel = 'sms' AND "
        "phone_index = ?");
    if (participant_id != nullptr) {
      q->bind(1, *participant_id);
    } else {
      q->bind(1);
    }
    BindBlob(q, 2, index);
    q->exec();
  }
}

Status SqliteStore::LinkPhone(const std::string& phone, const std::string& participant_id,
                              int64_t now_ms) {
  std::string e164;
  auto indexes = PhoneIndexes(phone, &e164);
  if (!indexes.ok()) return indexes.status();
  auto sealed = keys_->SealPhone(e164, "linked_phones", "phone", "");
  return writer_->Run([&](Conn& c) -> Status {
    {
      auto q = c.Prep("SELECT 1 FROM participants WHERE participant_id = ?");
      q->bind(1, participant_id);
      if (!q->executeStep()) return Status(Code::kNotFound, "no such participant");
    }
    DeleteOtherIndexesIn(c, "linked_phones", *indexes, sealed.index);
    {
      auto q = c.Prep(
          "INSERT INTO linked_phones(phone_index, phone, participant_id, linked_ms, last_used_ms) "
          "VALUES(?,?,?,?,?) ON CONFLICT(phone_index) DO UPDATE SET phone = excluded.phone, "
          "participant_id = excluded.participant_id, linked_ms = excluded.linked_ms, "
          "last_used_ms = excluded.last_used_ms");
      BindBlob(q, 1, sealed.index);
      BindBlob(q, 2, sealed.sealed);
      q->bind(3, participant_id);
      q->bind(4, now_ms);
      q->bind(5, now_ms);
      q->exec();
    }
    SetSmsThreadParticipantIn(c, *indexes, &participant_id);
    return Status::Ok();
  });
}

Result<std::vector<std::string>> SqliteStore::LinkedPhones(const std::string& participant_id) {
  return readers_->Call<std::vector<std::string>>([&](Conn& c) -> Result<std::vector<std::string>> {
    auto q = c.Prep("SELECT phone_index, phone FROM linked_phones WHERE participant_id = ?");
    q->bind(1, participant_id);
    std::vector<std::string> out;
    while (q->executeStep()) {
      std::string index(static_cast<const char*>(q->getColumn(0).getBlob()),
                        static_cast<size_t>(q->getColumn(0).getBytes()));
      auto phone = keys_->Open(q->getColumn(1).getString(), "linked_phones", "phone", ToHex(index));
      if (!phone.ok()) return phone.status();
      out.push_back(std::move(*phone));
    }
    return out;
  });
}

Status SqliteStore::UnlinkPhone(const std::string& phone) {
  auto indexes = PhoneIndexes(phone, nullptr);
  if (!indexes.ok()) return indexes.status();
  return writer_->Run([&](Conn& c) -> Status {
    DeleteOtherIndexesIn(c, "linked_phones", *indexes, "");
    SetSmsThreadParticipantIn(c, *indexes, nullptr);
    return Status::Ok();
  });
}

Status SqliteStore::SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) {
  std::string e164;
  auto indexes = PhoneIndexes(phone, &e164);
  if (!indexes.ok()) return indexes.status();
  // The number is sealed with the row (schema 15), so a rotation can re-index it.
  auto sealed = keys_->SealPhone(e164, "sms_optouts", "phone", "");
  return writer_->Run([&](Conn& c) -> Status {
    DeleteOtherIndexesIn(c, "sms_optouts", *indexes, sealed.index);
    auto q = c.Prep(
        "INSERT INTO sms_optouts(phone_index, opted_out, updated_ms, phone) VALUES(?,?,?,?) "
        "ON CONFLICT(phone_index) DO UPDATE SET opted_out = excluded.opted_out, "
        "updated_ms = excluded.updated_ms, phone = excluded.phone");
    BindBlob(q, 1, sealed.index);
    q->bind(2, opted_out ? 1 : 0);
    q->bind(3, now_ms);
    BindBlob(q, 4, sealed.sealed);
    q->exec();
    return Status::Ok();
  });
}

Result<bool> SqliteStore::IsOptedOut(const std::string& phone) {
  std::string e164;
  auto indexes = PhoneIndexes(phone, &e164);
  if (!indexes.ok()) return indexes.status();
  auto read = [&] {
    return readers_->Call<std::optional<bool>>([&](Conn& c) -> Result<std::optional<bool>> {
      for (const std::string& index : *indexes) {
        auto q = c.Prep("SELECT opted_out FROM sms_optouts WHERE phone_index = ?");
        BindBlob(q, 1, index);
        if (q->executeStep()) return std::optional<bool>(q->getColumn(0).getInt() != 0);
      }
      return std::optional<bool>();
    });
  };
  auto found = read();
  // No row: another process may have rotated the key and re-indexed it meanwhile.
  if (found.ok() && !found->has_value() && keys_->ReloadIfReplaced()) {
    indexes = keys_->BlindIndexes(e164);
    found = read();
  }
  if (!found.ok()) return found.status();
  return found->value_or(false);
}

Result<std::optional<std::string>> SqliteStore::InboundReply(const std::string& message_sid,
                                                             int64_t now_ms) {
  using Out = std::optional<std::string>;
  return readers_->Call<Out>([&](Conn& c) -> Result<Out> {
    auto q = c.Prep("SELECT reply FROM inbound_sms WHERE message_sid = ? AND at_ms > ?");
    q->bind(1, message_sid);
    q->bind(2, now_ms - kInboundReplyTtlMs);
    if (!q->executeStep()) return Out();
    auto reply = keys_->Open(q->getColumn(0).getString(), "inbound_sms", "reply", message_sid);
    if (!reply.ok()) return reply.status();
    return Out(std::move(*reply));
  });
}

Status SqliteStore::RecordInboundReply(const std::string& message_sid, const std::string& reply,
                                       int64_t now_ms) {
  if (message_sid.empty() || message_sid.size() > 128) {
    return Status(Code::kInvalid, "bad MessageSid");
  }
  std::string sealed = keys_->Seal(reply, "inbound_sms", "reply", message_sid);
  return writer_->Run([&](Conn& c) -> Status {
    RecordInboundReplyIn(c, message_sid, sealed, now_ms);
    return Status::Ok();
  });
}

void SqliteStore::RecordInboundReplyIn(Conn& c, const std::string& message_sid,
                                       const std::string& sealed, int64_t now_ms) {
  {
    // Cached replies hold the bot's answers: kept only as long as the provider may redeliver.
    auto purge = c.Prep("DELETE FROM inbound_sms WHERE at_ms <= ?");
    purge->bind(1, now_ms - kInboundReplyTtlMs);
    purge->exec();
  }
  // The first recorded reply wins: a redelivery must get exactly the same answer.
  auto q = c.Prep("INSERT OR IGNORE INTO inbound_sms(message_sid, reply, at_ms) VALUES(?,?,?)");
  q->bind(1, message_sid);
  BindBlob(q, 2, sealed);
  q->bind(3, now_ms);
  q->exec();
}

// ---------------------------------------------------------------------------------------------
// Outbox

Result<int64_t> SqliteStore::EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) {
  auto normalized = NormalizeE164(request.to);
  if (!normalized) return Status(Code::kInvalid, "not a valid phone number");
  const std::string& e164 = *normalized;
  std::string key =
      request.dedupe_key.empty() ? "auto:" + ToHex(RandomBytes(16)) : request.dedupe_key;
  return writer_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    {
      auto q = c.Prep("SELECT id FROM outbox WHERE dedupe_key = ?");
      q->bind(1, key);
      if (q->executeStep()) return q->getColumn(0).getInt64();
    }
    int64_t id = c.db().execAndGet("SELECT COALESCE(MAX(id), 0) + 1 FROM outbox").getInt64();
    std::string row = std::to_string(id);
    auto to = keys_->SealPhone(e164, "outbox", "to_phone", row);
    std::string body = keys_->Seal(request.body, "outbox", "body", row);
    {
      auto q = c.Prep(
          "INSERT INTO outbox(id, dedupe_key, to_index, to_phone, body, thread_id, message_seq, "
          "state, next_attempt_ms, created_ms, updated_ms) VALUES(?,?,?,?,?,?,?,'pending',?,?,?)");
      q->bind(1, id);
      q->bind(2, key);
      BindBlob(q, 3, to.index);
      BindBlob(q, 4, to.sealed);
      BindBlob(q, 5, body);
      q->bind(6, request.thread_id);
      q->bind(7, request.message_seq);
      q->bind(8, now_ms);
      q->bind(9, now_ms);
      q->bind(10, now_ms);
      q->exec();
    }
    if (request.thread_id != 0 && request.message_seq != 0) {
      auto q = c.Prep("UPDATE messages SET delivery = 'queued' WHERE thread_id = ? AND seq = ?");
      q->bind(1, request.thread_id);
      q->bind(2, request.message_seq);
      q->exec();
    }
    return id;
  });
}

Result<std::vector<OutboxItem>> SqliteStore::TakeDueOutbound(int64_t now_ms, int limit) {
  return writer_->Call<std::vector<OutboxItem>>([&](Conn& c) -> Result<std::vector<OutboxItem>> {
    std::vector<OutboxItem> items;
    std::vector<std::pair<int64_t, std::string>> tampered;
    {
      // Attempts past the lease were left by a hub that died: due again, unconfirmed.
      auto q = c.Prep(
          "UPDATE outbox SET state = 'pending', next_attempt_ms = MIN(next_attempt_ms, ?1), "
          "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, updated_ms) "
          "WHERE state = 'sending' AND updated_ms < ?1 - ?2");
      q->bind(1, now_ms);
      q->bind(2, kSendLeaseMs);
      q->exec();
    }
    {
      auto q = c.Prep(
          "SELECT id, to_phone, body, thread_id, message_seq, attempts, next_attempt_ms, "
          "COALESCE(provider_sid, ''), last_error, unconfirmed_since_ms FROM outbox "
          "WHERE state = 'pending' AND "
          "next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?");
      q->bind(1, now_ms);
      q->bind(2, std::max(0, limit));
      while (q->executeStep()) {
        OutboxItem item;
        item.id = q->getColumn(0).getInt64();
        std::string row = std::to_string(item.id);
        auto to = keys_->Open(q->getColumn(1).getString(), "outbox", "to_phone", row);
        auto body = keys_->Open(q->getColumn(2).getString(), "outbox", "body", row);
        if (!to.ok() || !body.ok()) {
          tampered.emplace_back(item.id,
                                !to.ok() ? to.status().message() : body.status().message());
          continue;
        }
        item.to = std::move(*to);
        item.body = std::move(*body);
        item.thread_id = q->getColumn(3).getInt64();
        item.message_seq = q->getColumn(4).getInt64();
        item.attempts = q->getColumn(5).getInt() + 1;
        item.next_attempt_ms = q->getColumn(6).getInt64();
        item.provider_sid = q->getColumn(7).getString();
        item.last_error = q->getColumn(8).getString();
        if (!q->getColumn(9).isNull()) item.unconfirmed_since_ms = q->getColumn(9).getInt64();
        item.state = OutboxState::kSending;
        items.push_back(std::move(item));
      }
    }
    for (const auto& item : items) {
      auto u = c.Prep(
          "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
          "updated_ms = ? WHERE id = ?");
      u->bind(1, now_ms);
      u->bind(2, item.id);
      u->exec();
    }
    // A row that fails authentication is never sent: it is failed, not returned.
    for (const auto& [id, why] : tampered) {
      auto u = c.Prep("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?");
      u->bind(1, why);
      u->bind(2, id);
      u->exec();
    }
    return items;
  });
}

Status SqliteStore::MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep(
        "UPDATE outbox SET state = 'sent', provider_sid = ?, updated_ms = ?, "
        "last_error = '', unconfirmed_since_ms = NULL WHERE id = ? "
        "RETURNING thread_id, message_seq");
    q->bind(1, provider_sid);
    q->bind(2, now_ms);
    q->bind(3, id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such outbox item");
    int64_t thread = q->getColumn(0).getInt64(), seq = q->getColumn(1).getInt64();
    while (q->executeStep()) {
    }
    auto m = c.Prep("UPDATE messages SET delivery = 'sent' WHERE thread_id = ? AND seq = ?");
    m->bind(1, thread);
    m->bind(2, seq);
    m->exec();
    return Status::Ok();
  });
}

Status SqliteStore::MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                                      std::optional<int64_t> unconfirmed_since_ms) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep(
        "UPDATE outbox SET state = 'pending', next_attempt_ms = ?, last_error = ?, "
        "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, ?) WHERE id = ?");
    q->bind(1, next_attempt_ms);
    q->bind(2, error.substr(0, 500));
    if (unconfirmed_since_ms) {
      q->bind(3, *unconfirmed_since_ms);
    } else {
      q->bind(3);
    }
    q->bind(4, id);
    q->exec();
    if (c.db().getChanges() == 0) return Status(Code::kNotFound, "no such outbox item");
    return Status::Ok();
  });
}

Status SqliteStore::MarkOutboundFailed(int64_t id, const std::string& error) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ? "
        "RETURNING thread_id, message_seq");
    q->bind(1, error.substr(0, 500));
    q->bind(2, id);
    if (!q->executeStep()) return Status(Code::kNotFound, "no such outbox item");
    int64_t thread = q->getColumn(0).getInt64(), seq = q->getColumn(1).getInt64();
    while (q->executeStep()) {
    }
    auto m = c.Prep("UPDATE messages SET delivery = 'failed' WHERE thread_id = ? AND seq = ?");
    m->bind(1, thread);
    m->bind(2, seq);
    m->exec();
    return Status::Ok();
  });
}

Status SqliteStore::RecordDeliveryStatus(const std::string& provider_sid, OutboxState outcome,
                                         const std::string& reason_text, int64_t now_ms,
                                         std::vector<std::pair<int64_t, int64_t>>* changed) {
  if (provider_sid.empty()) return Status(Code::kInvalid, "empty provider sid");
  std::string state = outcome == OutboxState::kDelivered ? "delivered"
                      : outcome == OutboxState::kFailed  ? "failed"
                      : outcome == OutboxState::kSent    ? "sent"
                                                         : "";
  if (state.empty()) return Status(Code::kInvalid, "a delivery is sent, delivered or failed");
  std::string reason = reason_text.substr(0, 32);
  return writer_->Run([&](Conn& c) -> Status {
    if (changed != nullptr) changed->clear();  // the job may run again after a busy retry
    auto q = c.Prep(
        "UPDATE outbox SET "
        "last_error = CASE WHEN state NOT IN ('delivered', 'failed') AND ? = 'failed' THEN ? "
        "ELSE last_error END, "
        "state = CASE WHEN state IN ('delivered', 'failed') THEN state ELSE ? END, "
        "updated_ms = ? WHERE provider_sid = ? RETURNING thread_id, message_seq, state");
    q->bind(1, state);
    q->bind(2, reason);
    q->bind(3, state);
    q->bind(4, now_ms);
    q->bind(5, provider_sid);
    struct Row {
      int64_t thread, seq;
      std::string state;
    };
    std::vector<Row> rows;
    while (q->executeStep()) {
      rows.push_back(
          {q->getColumn(0).getInt64(), q->getColumn(1).getInt64(), q->getColumn(2).getString()});
    }
    if (rows.empty()) return Status(Code::kNotFound, "no outbox item with that provider sid");
    for (const Row& r : rows) {
      auto m = c.Prep("UPDATE messages SET delivery = ? WHERE thread_id = ? AND seq = ?");
      m->bind(1, r.state);
      m->bind(2, r.thread);
      m->bind(3, r.seq);
      m->exec();
      if (changed != nullptr && r.thread != 0 && r.seq != 0) changed->emplace_back(r.thread, r.seq);
    }
    return Status::Ok();
  });
}

Status SqliteStore::RecoverOutbound(int64_t now_ms) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep(
        "UPDATE outbox SET state = 'pending', next_attempt_ms = MIN(next_attempt_ms, ?), "
        "unconfirmed_since_ms = COALESCE(unconfirmed_since_ms, updated_ms) "
        "WHERE state = 'sending'");
    q->bind(1, now_ms);
    q->exec();
    return Status::Ok();
  });
}

Result<bool> SqliteStore::ProviderSidKnown(const std::string& provider_sid) {
  return readers_->Call<bool>([&](Conn& c) -> Result<bool> {
    auto q = c.Prep("SELECT 1 FROM outbox WHERE provider_sid = ? LIMIT 1");
    q->bind(1, provider_sid);
    return q->executeStep();
  });
}

Result<int64_t> SqliteStore::OutboxDepth() {
  return readers_->Call<int64_t>([&](Conn& c) -> Result<int64_t> {
    auto q = c.Prep("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')");
    q->executeStep();
    return q->getColumn(0).getInt64();
  });
}

// ---------------------------------------------------------------------------------------------
// Reminders

Result<std::vector<Store::TextableNumber>> SqliteStore::TextableNumbers(
    const std::string& participant_id) {
  return readers_->Call<std::vector<TextableNumber>>(
      [&](Conn& c) -> Result<std::vector<TextableNumber>> {
        return TextableNumbersIn(c, participant_id);
      });
}

Result<bool> SqliteStore::MarkReplyUnseen(int64_t thread_id, int64_t seq) {
  return writer_->Call<bool>([&](Conn& c) -> Result<bool> {
    auto q = c.Prep(
        "UPDATE threads SET unseen_reply_seq = ? WHERE id = ? AND unseen_reply_seq = 0 AND "
        "channel = 'web'");
    q->bind(1, seq);
    q->bind(2, thread_id);
    return q->exec() > 0;
  });
}

Status SqliteStore::ClearReplyUnseen(int64_t thread_id) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q =
        c.Prep("UPDATE threads SET unseen_reply_seq = 0 WHERE id = ? AND unseen_reply_seq != 0");
    q->bind(1, thread_id);
    q->exec();
    return Status::Ok();
  });
}

std::vector<Store::TextableNumber> SqliteStore::TextableNumbersIn(
    Conn& c, const std::string& participant_id, std::vector<std::vector<std::string>>* keys) {
  auto p = c.Prep(
      "SELECT ph.phone, ph.linked, ph.identity, p.language, ph.used FROM ("
      "SELECT phone, 1 AS linked, hex(phone_index) AS identity, last_used_ms AS used FROM "
      "linked_phones WHERE participant_id = ?1 UNION ALL SELECT pp.phone, 0, pp.participant_id "
      "|| ':' || pp.position, 0 FROM participant_phones pp JOIN participants q ON "
      "q.participant_id = pp.participant_id WHERE pp.participant_id = ?1 AND q.sms_reminders = "
      "1) ph JOIN participants p ON p.participant_id = ?1");
  p->bind(1, participant_id);
  std::vector<PhoneRow> rows;
  while (p->executeStep()) {
    rows.push_back(PhoneRow{p->getColumn(0).getString(), p->getColumn(1).getInt() == 1,
                            p->getColumn(2).getString(), p->getColumn(3).getString(),
                            p->getColumn(4).getInt64()});
  }
  return MergeTextable(
      *keys_, rows, [&](const std::vector<std::string>& indexes) { return OptedOutIn(c, indexes); },
      keys);
}

Result<std::vector<Store::ReminderCandidate>> SqliteStore::ReminderCandidates(
    int64_t now_ms, int64_t horizon_ms, const ReminderCursor& after, int limit,
    ReminderCursor* next) {
  return readers_->Call<std::vector<ReminderCandidate>>(
      [&](Conn& c) -> Result<std::vector<ReminderCandidate>> {
        int64_t now_s = now_ms / 1000;
        auto a = c.Prep(
            "SELECT appointment_id, case_number, start_s, end_s, type, location, participant_id, "
            "status FROM appointments WHERE start_s > ?1 AND (start_s <= ?2 OR status IN "
            "('RESCHEDULED', 'CANCELLED')) AND (start_s > ?3 OR (start_s = ?3 AND "
            "appointment_id > ?4)) ORDER BY start_s, appointment_id LIMIT ?5");
        a->bind(1, now_s);
        a->bind(2, now_s + horizon_ms / 1000);
        a->bind(3, after.start_s);
        a->bind(4, after.appointment_id);
        a->bind(5, std::max(0, limit));
        std::vector<bot::Appointment> appointments;
        std::vector<std::string> owners;
        while (a->executeStep()) {
          bot::Appointment x;
          x.appointment_id = a->getColumn(0).getString();
          x.case_number = a->getColumn(1).getString();
          x.start = std::chrono::sys_seconds(std::chrono::seconds(a->getColumn(2).getInt64()));
          x.end = std::chrono::sys_seconds(std::chrono::seconds(a->getColumn(3).getInt64()));
          x.type = a->getColumn(4).getString();
          x.location = a->getColumn(5).getString();
          owners.push_back(a->getColumn(6).getString());
          x.status = ParseAppointmentStatus(a->getColumn(7).getString());
          appointments.push_back(std::move(x));
        }
        std::vector<ReminderCandidate> out;
        for (size_t i = 0; i < appointments.size(); ++i) {
          const bot::Appointment& appt = appointments[i];
          size_t first = out.size();
          // Each number's phone key under every key: a reminder enqueued before a rotation
          // re-indexed its outbox row still counts.
          std::vector<std::vector<std::string>> keys;
          for (TextableNumber& n : TextableNumbersIn(c, owners[i], &keys)) {
            ReminderCandidate r;
            r.appointment = appt;
            r.participant_id = owners[i];
            r.phone = std::move(n.phone);
            r.phone_key = std::move(n.phone_key);
            r.lang = std::move(n.lang);
            r.linked = n.linked;
            r.consent = n.consent;
            out.push_back(std::move(r));
          }
          if (out.size() == first) continue;
          auto k = c.Prep("SELECT dedupe_key FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?");
          k->bind(1, ReminderKeyPrefix(appt.appointment_id));
          k->bind(2, ReminderKeyEnd(appt.appointment_id));
          std::vector<std::string> sent;
          while (k->executeStep()) sent.push_back(k->getColumn(0).getString());
          MarkSentReminders(out, first, keys, sent, appt.appointment_id);
        }
        if (next != nullptr && !appointments.empty()) {
          next->start_s = appointments.back().start.time_since_epoch().count();
          next->appointment_id = appointments.back().appointment_id;
        }
        return out;
      });
}

// ---------------------------------------------------------------------------------------------
// Payment notices

Result<std::vector<Store::PaymentCandidate>> SqliteStore::PaymentCandidates(
    std::chrono::sys_days since, int limit) {
  return readers_->Call<std::vector<PaymentCandidate>>(
      [&](Conn& c) -> Result<std::vector<PaymentCandidate>> {
        auto q = c.Prep(
            "SELECT pay.payment_id, pay.case_number, pay.date, pay.amount_cents, pay.type, "
            "r.participant_id, r.role FROM payments pay JOIN case_roles r ON "
            "r.case_number = pay.case_number WHERE pay.date >= ? AND pay.reversed = 0 "
            "ORDER BY pay.date, pay.payment_id, r.participant_id LIMIT ?");
        q->bind(1, static_cast<int64_t>(since.time_since_epoch().count()));
        q->bind(2, std::max(0, limit));
        struct Row {
          bot::Payment payment;
          std::string participant_id;
          bot::Role role;
        };
        std::vector<Row> rows;
        while (q->executeStep()) {
          Row r;
          r.payment.payment_id = q->getColumn(0).getString();
          r.payment.case_number = q->getColumn(1).getString();
          r.payment.date = std::chrono::sys_days(std::chrono::days(q->getColumn(2).getInt64()));
          r.payment.amount_cents = q->getColumn(3).getInt64();
          r.payment.type = q->getColumn(4).getString();
          r.participant_id = q->getColumn(5).getString();
          r.role = q->getColumn(6).getString() == "RECEIVING" ? bot::Role::kReceiving
                                                              : bot::Role::kPaying;
          rows.push_back(std::move(r));
        }
        std::vector<PaymentCandidate> out;
        for (Row& row : rows) {
          std::vector<std::vector<std::string>> keys;
          auto numbers = TextableNumbersIn(c, row.participant_id, &keys);
          for (size_t m = 0; m < numbers.size(); ++m) {
            TextableNumber& n = numbers[m];
            PaymentCandidate p;
            p.payment = row.payment;
            p.role = row.role;
            p.participant_id = row.participant_id;
            p.phone = std::move(n.phone);
            p.phone_key = std::move(n.phone_key);
            p.lang = std::move(n.lang);
            p.linked = n.linked;
            p.consent = n.consent;
            for (const std::string& phone_key : keys[m]) {
              auto k = c.Prep("SELECT 1 FROM outbox WHERE dedupe_key = ?");
              k->bind(1, PaymentKey(p.payment.payment_id, phone_key));
              if ((p.sent = k->executeStep())) break;
            }
            out.push_back(std::move(p));
          }
        }
        return out;
      });
}

}  // namespace connecthub::storage
