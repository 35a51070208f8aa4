#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

struct OutboundRequest {
  std::string to;  // E.164
  std::string body;
  int64_t thread_id = 0;    // 0 when not part of a thread (e.g. a reminder)
  int64_t message_seq = 0;  // the thread message this sends, if any
  std::string dedupe_key;   // unique; a second enqueue with the same key does nothing
};

enum class OutboxState { kPending, kSending, kSent, kDelivered, kFailed };

struct OutboxItem {
  int64_t id = 0;
  std::string to;
  std::string body;
  int64_t thread_id = 0;
  int64_t message_seq = 0;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string provider_sid;  // Twilio's "SM..." once accepted
  std::string last_error;
  // Set when an earlier attempt, started at or after this time, may have reached the provider
  // without its answer reaching us (the hub died mid-request, or the connection broke after the
  // request was written): ask the provider before sending again, or the parent gets it twice.
  std::optional<int64_t> unconfirmed_since_ms;
};

// What /readyz reads of the outbox (times in ms, 0 when none).
struct OutboxHealth {
  int64_t oldest_pending_ms = 0;  // creation of the oldest item not yet sent (pending, sending)
  int64_t last_success_ms = 0;    // the provider's last accepted (or reported delivered) item
  int64_t last_failure_ms = 0;    // the last attempt that failed (item retried or failed)
};

// Outbound SMS waiting to be sent, and what the provider said about them.
class Outbox {
 public:
  virtual ~Outbox() = default;

  // Returns the outbox id (the existing one for a dedupe_key already enqueued).
  virtual Result<int64_t> EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) = 0;
  // An item still kSending this long after its attempt began was left by a hub that died (an
  // attempt takes seconds: TwilioClient's timeout is 15 s). TakeDueOutbound takes it again,
  // unconfirmed since that attempt, so the provider is asked before it is sent a second time:
  // this covers a hub that dies while the others keep running (RecoverOutbound, at start-up,
  // covers the hub's own earlier life).
  static constexpr int64_t kSendLeaseMs = 10 * 60 * 1000;
  // Pending items whose next attempt is due, and kSending ones past kSendLeaseMs, oldest first;
  // they become kSending.
  virtual Result<std::vector<OutboxItem>> TakeDueOutbound(int64_t now_ms, int limit) = 0;
  virtual Status MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) = 0;
  // `unconfirmed_since_ms`: this attempt's start, when it may have reached the provider (kept if
  // an earlier unconfirmed attempt is already recorded).
  virtual Status MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                                   std::optional<int64_t> unconfirmed_since_ms = std::nullopt) = 0;
  // Whether a provider sid is already recorded on an outbox item (so a look-up for an
  // unconfirmed attempt never claims another item's message).
  virtual Result<bool> ProviderSidKnown(const std::string& provider_sid) = 0;
  virtual Status MarkOutboundFailed(int64_t id, const std::string& error) = 0;
  // What the provider's status callback said of the item it accepted as `provider_sid`: kSent,
  // kDelivered or kFailed (the provider's words are mapped above the store, in hub/src/sms);
  // `reason` (at most 32 bytes kept) is recorded as the last error of a failure. Delivered and
  // failed are final: callbacks arrive in any order, and a late "sent" never undoes them. The
  // message's delivery label is the state the item ends in. `changed`, when given, receives the
  // (thread id, seq) of each thread message it updated. kInvalid for another state or an empty
  // sid; kNotFound when no item has that sid.
  virtual Status RecordDeliveryStatus(
      const std::string& provider_sid, OutboxState state, const std::string& reason, int64_t now_ms,
      std::vector<std::pair<int64_t, int64_t>>* changed = nullptr) = 0;
  // kSending items left by a crash become kPending again, unconfirmed since their attempt began
  // (called once at start-up).
  virtual Status RecoverOutbound(int64_t now_ms) = 0;
  virtual Result<int64_t> OutboxDepth() = 0;

  // The outbox's age and the provider's last success and failure, from the outbox rows (so a
  // hub sees another process's sends too).
  virtual Result<OutboxHealth> GetOutboxHealth() = 0;
};

}  // namespace connecthub::storage
