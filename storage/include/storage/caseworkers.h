#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

// One row of the audit log (append-only, hash-chained: Store::VerifyAudit).
struct AuditRecord {
  int64_t id = 0;
  int64_t caseworker_id = 0;
  std::string caseworker_name;  // username, empty if the account is gone
  int64_t thread_id = 0;
  std::string action;  // "read", "list", "push", "claim", "reply", "note", "resolve",
                       // "release", "transfer" (to a caseworker), "transfer_county",
                       // "canned_add", "canned_edit", "canned_delete" (thread 0)
  int64_t at_ms = 0;
};

struct AuditQuery {
  std::optional<int64_t> thread_id;
  std::optional<int64_t> caseworker_id;
  int64_t before_id = 0;  // > 0: rows with a smaller id only (paging, newest first)
  int limit = 200;
};

struct AuditCheck {
  int64_t rows = 0;          // rows whose chain link was checked
  int64_t unchained = 0;     // rows written before the chain existed (schema < 4), not checked
  int64_t first_bad_id = 0;  // 0 when the chain is intact; else the first row that breaks it
  std::string problem;       // why that row breaks it
};

struct Caseworker {
  int64_t id = 0;
  std::string username;
  std::string county;
  bool supervisor = false;
  // The name parents see ("Ms. Garcia"); never the login name. Empty: none set, parents see
  // only "a caseworker".
  std::string display_name;
  bool disabled = false;  // `connecthub caseworker disable`: cannot log in, sessions ended
  // A TOTP second factor is enrolled (set by GetCaseworker and ListCaseworkers).
  bool mfa_enrolled = false;
};

// A caseworker's TOTP second factor (RFC 6238), as stored; the policy lives in hub/src/auth/.
struct CaseworkerTotp {
  std::string secret;     // raw bytes; empty when not enrolled
  int64_t last_step = 0;  // the last time step a code was accepted for (0: none)
};

// Caseworker accounts, their second factor and the audit log of what they do.
class Caseworkers {
 public:
  virtual ~Caseworkers() = default;

  // kConflict for a username already taken.
  virtual Result<int64_t> AddCaseworker(const std::string& username, const std::string& password,
                                        const std::string& county, bool supervisor) = 0;
  // The caseworker when the password matches; kNotFound otherwise (same cost either way).
  virtual Result<Caseworker> CheckCaseworkerPassword(const std::string& username,
                                                     const std::string& password) = 0;
  virtual Result<Caseworker> GetCaseworker(int64_t caseworker_id) = 0;
  // Sets the name parents see (at most 64 bytes; empty clears it). kNotFound for an unknown id.
  virtual Status SetCaseworkerDisplayName(int64_t caseworker_id, const std::string& name) = 0;
  // TOTP second factor. Stores `secret` (raw bytes, 10..64) sealed for the caseworker `username`
  // and forgets the last accepted step; returns the caseworker. kNotFound for an unknown
  // username, kInvalid for a bad secret length.
  virtual Result<Caseworker> SetCaseworkerTotpSecret(const std::string& username,
                                                     const std::string& secret) = 0;
  // The caseworker's TOTP secret (empty: not enrolled) and the last step a code was accepted
  // for. kNotFound for an unknown id; kTampered/kKey when the sealed secret does not open.
  virtual Result<CaseworkerTotp> GetCaseworkerTotp(int64_t caseworker_id) = 0;
  // Records `step` as used, atomically, when it is later than the last accepted step: true then;
  // false when it is not (a replayed or older code). kNotFound for an unknown id.
  virtual Result<bool> UseCaseworkerTotpStep(int64_t caseworker_id, int64_t step) = 0;
  // Audit log: who did what to which thread ("read", "claim", "reply", "note", "resolve").
  // Append-only (the database refuses UPDATE and DELETE on it) and hash-chained: each row carries
  // a keyed BLAKE2b of its fields and the previous row's link.
  virtual Status Audit(int64_t caseworker_id, int64_t thread_id, const std::string& action,
                       int64_t now_ms) = 0;
  // One row per thread (e.g. "list": the threads a caseworker's list showed), one transaction.
  virtual Status AuditThreads(int64_t caseworker_id, const std::vector<int64_t>& thread_ids,
                              const std::string& action, int64_t now_ms) = 0;
  // Newest first, filtered by thread and/or caseworker.
  virtual Result<std::vector<AuditRecord>> ListAudit(const AuditQuery& query) = 0;
  // Recomputes the whole chain (constant memory).
  virtual Result<AuditCheck> VerifyAudit() = 0;

  // Every caseworker account, by username, disabled ones included.
  virtual Result<std::vector<Caseworker>> ListCaseworkers() = 0;
  // Disables (or enables) the account in one transaction with its audit row ("caseworker
  // disabled" / "caseworker enabled", on the caseworker's id, thread 0). Disabling also deletes
  // its sessions, so every hub refuses them at its next check. kNotFound for an unknown username.
  virtual Result<Caseworker> SetCaseworkerDisabled(const std::string& username, bool disabled,
                                                   int64_t now_ms) = 0;
  // A new password (at least 8 characters): the account's sessions end; audited ("caseworker
  // password reset"). A disabled account stays disabled.
  virtual Result<Caseworker> ResetCaseworkerPassword(const std::string& username,
                                                     const std::string& password,
                                                     int64_t now_ms) = 0;
};

}  // namespace connecthub::storage
