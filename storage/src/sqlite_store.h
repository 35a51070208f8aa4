#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "audit_chain.h"
#include "crypto.h"
#include "db.h"
#include "facts_cache.h"
#include "records.h"
#include "storage/store.h"

namespace connecthub::storage {

// Store on SQLite: one Writer (group commit) plus a ReadPool, sealed columns through a KeyRing.
// Thread-safe (see Store). Argon2id work always runs on the caller's thread, never on the writer.
class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions options, std::unique_ptr<KeyRing> keys, std::unique_ptr<Writer> writer,
              std::unique_ptr<ReadPool> readers);
  ~SqliteStore() override;

  Status CheckWritable() override;

  Result<ImportStats> Import(
      std::istream& jsonl,
      const std::function<void(int64_t line, const std::string& reason)>& on_rejected) override;
  Result<DemoSummary> GenerateDemo(const DemoOptions& options) override;
  Result<bot::ParticipantFacts> LoadFacts(const std::string& participant_id,
                                          int64_t now_ms) override;

  Result<bool> CheckPin(const std::string& participant_id, const std::string& pin) override;
  Status ClearPinFailures(const std::string& participant_id) override;
  Result<PinCounter> UpdatePinCounter(
      const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) override;
  Result<int64_t> PurgePinCounters(int64_t before_ms) override;

  Result<std::string> CreateSession(SessionKind kind, const std::string& subject,
                                    int64_t now_ms) override;
  Result<Session> ResolveSession(const std::string& token, int64_t now_ms,
                                 int64_t idle_ttl_ms) override;
  Status EndSession(const std::string& token) override;
  Result<Session> PeekSession(const std::string& token) override;
  Result<int64_t> PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) override;

  Result<ThreadRecord> OpenThread(const std::string& participant_id, Channel channel,
                                  const std::string& lang, int64_t now_ms) override;
  Result<ThreadRecord> OpenSmsThread(const std::string& phone, const std::string& lang,
                                     int64_t now_ms) override;
  Result<ThreadRecord> OpenVoiceThread(const std::string& phone, const std::string& participant_id,
                                       const std::string& lang, int64_t now_ms) override;
  Result<ThreadRecord> GetThread(int64_t thread_id) override;
  Status UpdateThread(int64_t thread_id, const ThreadUpdate& update, int64_t now_ms) override;
  Result<ThreadRecord> Claim(int64_t thread_id, int64_t caseworker_id, int64_t now_ms) override;
  Result<std::vector<ThreadRecord>> ListThreads(const ThreadQuery& query) override;
  Result<std::vector<ThreadRecord>> SearchThreads(const ThreadSearch& search) override;
  Result<Appended> Append(const AppendRequest& request) override;
  void SubmitTurn(TurnRequest request, std::function<void(Result<TurnResult>)> done) override;
  Status Drain() override;
  Result<std::vector<MessageRecord>> Messages(int64_t thread_id, int64_t after_seq, int limit,
                                              bool include_notes) override;

  Result<int64_t> AddCaseworker(const std::string& username, const std::string& password,
                                const std::string& county, bool supervisor) override;
  Result<Caseworker> CheckCaseworkerPassword(const std::string& username,
                                             const std::string& password) override;
  Result<Caseworker> GetCaseworker(int64_t caseworker_id) override;
  Status SetCaseworkerDisplayName(int64_t caseworker_id, const std::string& name) override;
  Result<Caseworker> SetCaseworkerTotpSecret(const std::string& username,
                                             const std::string& secret) override;
  Result<CaseworkerTotp> GetCaseworkerTotp(int64_t caseworker_id) override;
  Result<bool> UseCaseworkerTotpStep(int64_t caseworker_id, int64_t step) override;
  Status Audit(int64_t caseworker_id, int64_t thread_id, const std::string& action,
               int64_t now_ms) override;
  Status AuditThreads(int64_t caseworker_id, const std::vector<int64_t>& thread_ids,
                      const std::string& action, int64_t now_ms) override;
  Result<std::vector<AuditRecord>> ListAudit(const AuditQuery& query) override;
  Result<AuditCheck> VerifyAudit() override;

  Result<std::optional<std::string>> LinkedParticipant(const std::string& phone, int64_t now_ms,
                                                       int64_t link_ttl_ms) override;
  Status LinkPhone(const std::string& phone, const std::string& participant_id,
                   int64_t now_ms) override;
  Status UnlinkPhone(const std::string& phone) override;
  Result<std::vector<std::string>> LinkedPhones(const std::string& participant_id) override;
  Status SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) override;
  Result<bool> IsOptedOut(const std::string& phone) override;
  Result<std::vector<TextableNumber>> TextableNumbers(const std::string& participant_id) override;
  Result<bool> MarkReplyUnseen(int64_t thread_id, int64_t seq) override;
  Status ClearReplyUnseen(int64_t thread_id) override;
  Result<std::optional<std::string>> InboundReply(const std::string& message_sid,
                                                  int64_t now_ms) override;
  Status RecordInboundReply(const std::string& message_sid, const std::string& reply,
                            int64_t now_ms) override;

  Result<int64_t> EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) override;
  Result<std::vector<OutboxItem>> TakeDueOutbound(int64_t now_ms, int limit) override;
  Status MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) override;
  Status MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                           std::optional<int64_t> unconfirmed_since_ms) override;
  Result<bool> ProviderSidKnown(const std::string& provider_sid) override;
  Status MarkOutboundFailed(int64_t id, const std::string& error) override;
  Status RecordDeliveryStatus(const std::string& provider_sid, OutboxState state,
                              const std::string& reason, int64_t now_ms,
                              std::vector<std::pair<int64_t, int64_t>>* changed) override;
  Status RecoverOutbound(int64_t now_ms) override;
  Result<int64_t> OutboxDepth() override;

  Result<std::vector<ReminderCandidate>> ReminderCandidates(int64_t now_ms, int64_t horizon_ms,
                                                            const ReminderCursor& after, int limit,
                                                            ReminderCursor* next) override;

  Result<std::vector<PaymentCandidate>> PaymentCandidates(std::chrono::sys_days since,
                                                          int limit) override;

  Result<RotateStats> RotateKey(int batch_rows) override;
  Status RetireKey(uint32_t key_id) override;
  Result<std::vector<Caseworker>> ListCaseworkers() override;
  Result<Caseworker> SetCaseworkerDisabled(const std::string& username, bool disabled,
                                           int64_t now_ms) override;
  Result<Caseworker> ResetCaseworkerPassword(const std::string& username,
                                             const std::string& password, int64_t now_ms) override;
  Status Backup(const std::string& out_path) override;
  Result<PurgeStats> Purge(int64_t before_ms, int64_t audit_before_ms, int64_t now_ms) override;
  Result<ParticipantExport> ExportParticipant(const std::string& participant_id) override;
  Result<OutboxHealth> GetOutboxHealth() override;
  Result<std::vector<ReportRow>> Report(const ReportQuery& query) override;
  Result<std::vector<CannedReply>> ListCanned(const std::string& lang) override;
  Result<CannedReply> AddCanned(int64_t caseworker_id, const std::string& lang,
                                const std::string& label, const std::string& text,
                                int64_t now_ms) override;
  Result<CannedReply> UpdateCanned(int64_t caseworker_id, int64_t id, const std::string& label,
                                   const std::string& text, int64_t now_ms) override;
  Status DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) override;

  KeyRing& keys() { return *keys_; }

 private:
  Result<ThreadRecord> LoadThread(Conn& c, int64_t thread_id);
  // A participant's first and last name (opened) and language; kNotFound for an unknown id.
  struct ParticipantName {
    std::string first, last, language;
  };
  Result<ParticipantName> LoadParticipantName(Conn& c, const std::string& participant_id);
  // The SMS or voice thread of a phone number (OpenSmsThread, OpenVoiceThread).
  Result<ThreadRecord> OpenPhoneThread(Channel channel, const std::string& phone,
                                       const std::string& participant_id, const std::string& lang,
                                       int64_t now_ms);
  // The body of Messages, on any connection.
  Result<std::vector<MessageRecord>> MessagesIn(Conn& c, int64_t thread_id, int64_t after_seq,
                                                int limit, bool include_notes);
  // The bodies of Append, UpdateThread and RecordInboundReply, inside a writer transaction.
  Result<Appended> AppendIn(Conn& c, const AppendRequest& request);
  // AppendIn's parts: the stored message with the same client id, if any; the sealed insert as
  // message `seq`; the thread's last seq and time.
  std::optional<Appended> FindDuplicateIn(Conn& c, const AppendRequest& request);
  void InsertMessageIn(Conn& c, const AppendRequest& request, int64_t seq);
  void SetLastSeqIn(Conn& c, int64_t thread_id, int64_t seq, int64_t at_ms);
  Status UpdateThreadIn(Conn& c, int64_t thread_id, const ThreadUpdate& update, int64_t now_ms);
  void RecordInboundReplyIn(Conn& c, const std::string& message_sid, const std::string& sealed,
                            int64_t now_ms);
  // Appends a chained audit row inside the caller's writer transaction (throws on failure, so
  // the whole job is rolled back).
  void AuditIn(Conn& c, int64_t caseworker_id, int64_t thread_id, const std::string& action,
               int64_t now_ms);
  // After a successful verify: re-hashes `secret` under the current pepper when `hash` is
  // unpeppered or under an older key, if the row (`where` binds row_id, then for participants
  // pin_peppered) still holds `hash`.
  void RehashIfStale(const char* table, const char* column, const char* where,
                     const std::string& row_id, bool peppered, const std::string& hash,
                     const std::string& secret);
  // The stored form of a session token: the first of KeyRing::TokenHashes present in sessions
  // (the current key's when none is).
  std::string StoredTokenHash(Conn& c, const std::string& token);
  // Where the audit log starts after the newest audit purge (from_id 0: never purged), and the
  // link of the row before it.
  static AuditAnchor LatestAuditAnchor(Conn& c);
  // The numbers a participant may be texted at (not opted out): linked ones, and the ones on file
  // when the participant consented; one entry per number, tampered numbers left out. `keys`
  // (optional) gets, per number, its phone key under every key of the ring, phone_key first.
  std::vector<TextableNumber> TextableNumbersIn(
      Conn& c, const std::string& participant_id,
      std::vector<std::vector<std::string>>* keys = nullptr);
  // A phone number's blind indexes under every key, the current key's first
  // (KeyRing::BlindIndexes), or kInvalid when it is not a valid number.
  Result<std::vector<std::string>> PhoneIndexes(const std::string& phone, std::string* e164);
  // Whether an opt-out (STOP) is recorded for the normalised number, under whichever key.
  bool OptedOutIn(Conn& c, const std::string& e164);
  bool OptedOutIn(Conn& c, const std::vector<std::string>& indexes);  // under any of them
  // Deletes `table`'s rows (keyed by phone_index) for the number's `indexes` other than `keep`.
  static void DeleteOtherIndexesIn(Conn& c, const char* table,
                                   const std::vector<std::string>& indexes,
                                   const std::string& keep);
  // Sets (null: clears) the participant of the number's SMS thread, under whichever index.
  static void SetSmsThreadParticipantIn(Conn& c, const std::vector<std::string>& indexes,
                                        const std::string* participant_id);

  StoreOptions options_;
  FactsCache facts_cache_;
  std::atomic<int64_t> case_data_version_{-1};
  std::atomic<int64_t> case_data_checked_ms_{0};
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<ReadPool> readers_;
  std::unique_ptr<Writer> writer_;  // last: stopped (and drained) first on destruction
  // The case-data version (meta 'case_data_version', bumped by every transaction that writes
  // case data), re-read at most every options_.case_data_check_ms.
  int64_t CaseDataVersion(int64_t now_ms);
  // LoadFacts without a copy: from the cache, else read on `conn` (the caller's transaction) or,
  // when null, on a read connection.
  Result<std::shared_ptr<const bot::ParticipantFacts>> SharedFacts(
      const std::string& participant_id, int64_t now_ms, Conn* conn);
  Result<bot::ParticipantFacts> QueryFacts(Conn& c, const std::string& participant_id,
                                           int64_t now_ms);
  // ResolveSession's check and touch inside a writer transaction, by token hash. An idle session
  // is deleted and comes back ok with an empty subject (so the deletion commits).
  Result<Session> ResolveSessionIn(Conn& c, const std::string& token_hash, int64_t now_ms,
                                   int64_t idle_ttl_ms);
};

// Row identities used in associated data (kept in one place: RotateKey recomputes them in SQL).
std::string MessageRow(int64_t thread_id, int64_t seq);
// An audit row as ListAudit and ExportParticipant select it: a.id, a.caseworker_id,
// COALESCE(w.username, ''), a.thread_id, a.action, a.at_ms.
AuditRecord AuditFromRow(SQLite::Statement& q);

// Upserts (or, for PDelete, deletes) one record on the writer connection (inside the caller's
// transaction). Returns an empty string, or the reason it was rejected (unknown case or
// participant; a participant with conversations on record). May throw SQLite errors.
std::string WriteRecord(Conn& c, const Record& record);
// Marks the case data changed (meta 'case_data_version' + 1): call in every transaction that
// writes records, so cached facts (SqliteStore::LoadFacts) are reloaded.
void BumpCaseDataVersion(Conn& c);

}  // namespace connecthub::storage
