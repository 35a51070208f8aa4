#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto.h"
#include "storage/caseworkers.h"

namespace connecthub::storage {

// The audit log's hash chain, the same for every backend (storage/README.md, "Audit log").

// The chained fields of an audit row, in a fixed encoding, followed by the previous row's link.
std::string AuditLinkInput(int64_t id, int64_t caseworker_id, int64_t thread_id,
                           const std::string& action, int64_t at_ms, const std::string& prev);

// Where the log starts after an audit purge: the newest purge row's "audit-from=<id>" and
// "audit-prev=<hex link>" (from_id 0: no purge; -1: a purge row that names no start).
struct AuditAnchor {
  int64_t from_id = 0;
  std::string prev_link;
};
AuditAnchor ParseAuditAnchor(const std::string& purge_action);
// The value of `name=` in a purge row's action ("purge before=... audit-from=7 ..."), or "".
std::string AuditField(const std::string& action, const std::string& name);
// The SQL condition (on audit_log) that finds purge rows, newest first by id.
inline constexpr const char* kAuditPurgeRows =
    "caseworker_id = 0 AND thread_id = 0 AND action LIKE 'purge %audit-from=%'";

// Recomputes the chain row by row, in id order, in constant memory (VerifyAudit).
class AuditChainCheck {
 public:
  AuditChainCheck(const KeyRing& keys, AuditAnchor anchor) : keys_(keys), anchor_(anchor) {}
  // One row; `link` is nullopt for a row without one. False once the chain broke (stop reading).
  bool Row(int64_t id, int64_t caseworker_id, int64_t thread_id, const std::string& action,
           int64_t at_ms, std::optional<std::string> link);
  const AuditCheck& result() const { return check_; }

 private:
  bool Fail(int64_t id, const char* why);
  const KeyRing& keys_;
  AuditAnchor anchor_;
  AuditCheck check_;
  std::string prev_;
  int64_t last_id_ = 0;
  bool chained_ = false;
  bool first_ = true;
};

}  // namespace connecthub::storage
