#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crypto.h"
#include "pg_conn.h"
#include "storage/case_data.h"
#include "storage/caseworkers.h"
#include "storage/notices.h"
#include "storage/outbox.h"
#include "storage/sessions.h"
#include "storage/sms_links.h"
#include "storage/store.h"
#include "storage/supervision.h"

namespace connecthub::storage::pg {

// The PostgreSQL backend, built one storage interface at a time (storage/README.md, "PostgreSQL
// backend"). What it implements passes the same contract tests as SQLite
// (tests/storage/contract_*_test.cpp). `Store::Open` selects it only once it implements every
// interface; until then it is opened directly, by those tests.
//
// Every method is one PostgreSQL transaction on a pooled connection, committed (durable, with the
// server's default synchronous_commit) before it returns; concurrent hubs on one database see
// each other's writes. Sealing, the blind index and the hashes come from the same KeyRing (and the
// same key file) as SQLite's.
class PgStore : public CaseData,
                public Sessions,
                public Caseworkers,
                public SmsLinks,
                public Notices,
                public Outbox,
                public Supervision {
 public:
  // Connects to `options.db` (a libpq URI), migrates the schema, loads `options.key_file`
  // (required: there is no database path to put it next to) and checks it against the database.
  // kInvalid: no key file named; kKey, kVersion: as Store::Open; kIo: PostgreSQL failed.
  static Result<std::unique_ptr<PgStore>> Open(const StoreOptions& options);

  // CaseData (pg_case_data.cpp). Facts are read from the database at every call: no cache yet.
  Result<ImportStats> Import(
      std::istream& jsonl,
      const std::function<void(int64_t line, const std::string& reason)>& on_rejected) override;
  Result<DemoSummary> GenerateDemo(const DemoOptions& options) override;
  Result<bot::ParticipantFacts> LoadFacts(const std::string& participant_id,
                                          int64_t now_ms) override;
  Result<bool> CheckPin(const std::string& participant_id, const std::string& pin) override;

  // SmsLinks (pg_sms_links.cpp). A number is looked up under every key's blind index, current
  // first (rows not re-indexed since a rotation), as on SQLite.
  Result<std::optional<std::string>> LinkedParticipant(const std::string& phone, int64_t now_ms,
                                                       int64_t link_ttl_ms) override;
  Status LinkPhone(const std::string& phone, const std::string& participant_id,
                   int64_t now_ms) override;
  Status UnlinkPhone(const std::string& phone) override;
  Result<std::vector<std::string>> LinkedPhones(const std::string& participant_id) override;
  Status SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) override;
  Result<bool> IsOptedOut(const std::string& phone) override;
  Result<std::vector<TextableNumber>> TextableNumbers(const std::string& participant_id) override;
  Result<std::optional<std::string>> InboundReply(const std::string& message_sid,
                                                  int64_t now_ms) override;
  Status RecordInboundReply(const std::string& message_sid, const std::string& reply,
                            int64_t now_ms) override;

  // Notices (pg_sms_links.cpp): what reminders and payment notices are about.
  Result<std::vector<ReminderCandidate>> ReminderCandidates(int64_t now_ms, int64_t horizon_ms,
                                                            const ReminderCursor& after, int limit,
                                                            ReminderCursor* next) override;
  Result<std::vector<PaymentCandidate>> PaymentCandidates(std::chrono::sys_days since,
                                                          int limit) override;

  // Sessions
  Result<PinCounter> UpdatePinCounter(
      const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) override;
  Result<int64_t> PurgePinCounters(int64_t before_ms) override;
  Status ClearPinFailures(const std::string& key) override;
  Result<std::string> CreateSession(SessionKind kind, const std::string& subject,
                                    int64_t now_ms) override;
  Result<Session> ResolveSession(const std::string& token, int64_t now_ms,
                                 int64_t idle_ttl_ms) override;
  Status EndSession(const std::string& token) override;
  Result<Session> PeekSession(const std::string& token) override;
  Result<int64_t> PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) override;

  // Caseworkers
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
  Result<std::vector<Caseworker>> ListCaseworkers() override;
  Result<Caseworker> SetCaseworkerDisabled(const std::string& username, bool disabled,
                                           int64_t now_ms) override;
  Result<Caseworker> ResetCaseworkerPassword(const std::string& username,
                                             const std::string& password, int64_t now_ms) override;

  // Outbox. TakeDueOutbound claims rows with FOR UPDATE SKIP LOCKED: hubs taking at once each get
  // other items, so every item is sent by one hub.
  Result<int64_t> EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) override;
  Result<std::vector<OutboxItem>> TakeDueOutbound(int64_t now_ms, int limit) override;
  Status MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) override;
  Status MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                           std::optional<int64_t> unconfirmed_since_ms = std::nullopt) override;
  Result<bool> ProviderSidKnown(const std::string& provider_sid) override;
  Status MarkOutboundFailed(int64_t id, const std::string& error) override;
  Status RecordDeliveryStatus(const std::string& provider_sid, OutboxState state,
                              const std::string& reason, int64_t now_ms,
                              std::vector<std::pair<int64_t, int64_t>>* changed) override;
  Status RecoverOutbound(int64_t now_ms) override;
  Result<int64_t> OutboxDepth() override;
  Result<OutboxHealth> GetOutboxHealth() override;

  // Supervision
  Result<std::vector<ReportRow>> Report(const ReportQuery& query) override;
  Result<std::vector<CannedReply>> ListCanned(const std::string& lang) override;
  Result<CannedReply> AddCanned(int64_t caseworker_id, const std::string& lang,
                                const std::string& label, const std::string& text,
                                int64_t now_ms) override;
  Result<CannedReply> UpdateCanned(int64_t caseworker_id, int64_t id, const std::string& label,
                                   const std::string& text, int64_t now_ms) override;
  Status DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) override;

 private:
  PgStore(std::unique_ptr<KeyRing> keys, std::unique_ptr<Pool> pool)
      : keys_(std::move(keys)), pool_(std::move(pool)) {}

  // The stored form of `token` that has a row (the current key's form when none has).
  std::string StoredTokenHash(Conn& c, const std::string& token);

  // Appends one audit row in the caller's transaction. The chain needs one writer at a time
  // across every hub: the row lock on audit_log is taken with an advisory lock for the
  // transaction, so appends queue and each links to the one before.
  void AuditIn(Conn& c, int64_t caseworker_id, int64_t thread_id, const std::string& action,
               int64_t now_ms);
  // TextableNumbers in the caller's transaction; `keys` (when given) gets each number's phone key
  // under every key (a notice enqueued before a rotation re-indexed it still counts).
  std::vector<TextableNumber> TextableNumbersIn(Conn& c, const std::string& participant_id,
                                                std::vector<std::vector<std::string>>* keys);

  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace connecthub::storage::pg
