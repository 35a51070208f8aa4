#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/caseworkers.h"
#include "storage/conversations.h"
#include "storage/status.h"

namespace connecthub::storage {

// What Store::Purge removed (rows), and the audit row that records it.
struct PurgeStats {
  int64_t threads = 0, messages = 0, notes = 0, outbox = 0, audit = 0;
};

// Everything the hub holds about a participant's conversations (`connecthub export`, issue 19),
// decrypted: each thread (web, and the SMS and voice threads linked to the participant) with its
// messages and notes in seq order (media included) and the audit rows about it, oldest first.
struct ParticipantExport {
  std::string participant_id;
  std::string first_name, last_name;  // decrypted
  std::string lang;                   // the case data's language ("en", "es", ...)
  struct Thread {
    ThreadRecord thread;
    std::vector<MessageRecord> messages;  // notes included (sender kNote)
    std::vector<AuditRecord> audit;       // by id, oldest first
  };
  std::vector<Thread> threads;  // by id
};

struct RotateStats {
  uint32_t new_key_id = 0;
  int64_t rows_rewritten = 0;
  int64_t rows_tampered = 0;  // sealed values that failed authentication: left as they were
  // Phone blind indexes left under an older key (look-ups still find them): SMS opt-outs from
  // before schema 15 whose number is nowhere else in the database, or a second SMS thread for a
  // number. RetireKey counts them.
  int64_t indexes_kept = 0;
};

// Health, keys and the operator's commands.
class Operations {
 public:
  virtual ~Operations() = default;

  // A tiny write transaction: ok when the database is writable.
  virtual Status CheckWritable() = 0;

  // --- keys ---
  // Adds a new current key to the key file and re-encrypts every sealed value under it, in
  // batches of `batch_rows` (each its own transaction), while other connections keep working;
  // each phone's blind index (and the outbox dedupe keys holding it) is recomputed with its
  // number.
  virtual Result<RotateStats> RotateKey(int batch_rows) = 0;
  // Removes key `key_id` from the key file once no sealed value uses it any more (after
  // RotateKey re-sealed everything under a newer key), and its check value. First waits until the
  // key file has been unchanged for StoreOptions::retire_settle_ms, so every running hub has
  // picked up the current key. kConflict: the current key, or values, phone blind indexes, PIN
  // or password hashes or sessions still under it (counted in the message); kNotFound: no such
  // key.
  virtual Status RetireKey(uint32_t key_id) = 0;

  // A consistent copy of the database at `out_path`, made in one read transaction so writers go
  // on, created 0600; fails when `out_path` exists.
  virtual Status Backup(const std::string& out_path) = 0;
  // Deletes threads whose last message is before `before_ms` with their messages and notes, and
  // outbox rows created before it; when `audit_before_ms` > 0, audit rows before that too (the
  // chain stays verifiable: the purge's own audit row records where it now starts). One
  // transaction, audited ("purge ..."; caseworker 0, thread 0).
  virtual Result<PurgeStats> Purge(int64_t before_ms, int64_t audit_before_ms, int64_t now_ms) = 0;
  // The participant's threads, messages, notes and audit rows (ParticipantExport), read in one
  // read transaction: a consistent snapshot while the hub writes. kNotFound for an unknown
  // participant.
  virtual Result<ParticipantExport> ExportParticipant(const std::string& participant_id) = 0;
};

}  // namespace connecthub::storage
