#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

// Phones linked to participants, opt-outs, and the replies given to inbound messages.
class SmsLinks {
 public:
  virtual ~SmsLinks() = default;

  // The participant a number is linked to, if linked and used within `link_ttl_ms` (a use
  // refreshes it); nullopt otherwise.
  virtual Result<std::optional<std::string>> LinkedParticipant(const std::string& phone,
                                                               int64_t now_ms,
                                                               int64_t link_ttl_ms) = 0;
  // Links the number (and its SMS thread) to the participant.
  virtual Status LinkPhone(const std::string& phone, const std::string& participant_id,
                           int64_t now_ms) = 0;
  virtual Status UnlinkPhone(const std::string& phone) = 0;
  // The numbers (E.164) linked to the participant, however long unused.
  virtual Result<std::vector<std::string>> LinkedPhones(const std::string& participant_id) = 0;
  virtual Status SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) = 0;
  virtual Result<bool> IsOptedOut(const std::string& phone) = 0;
  // The numbers that may be texted about the participant: linked to them (`linked`; the link may
  // have expired, see LinkedParticipant) or on file with "sms_reminders" consent (`consent`),
  // and not opted out. One entry per number; `lang` is the participant's language.
  struct TextableNumber {
    std::string phone, phone_key, lang;
    bool linked = false, consent = false;
    int64_t link_last_used_ms = 0;  // linked: when the link was last used (it expires unused)
  };
  virtual Result<std::vector<TextableNumber>> TextableNumbers(
      const std::string& participant_id) = 0;
  // The reply given to an inbound MessageSid, if it was answered less than kInboundReplyTtlMs
  // before `now_ms` (Twilio retries within hours; older replies are purged, they hold answers).
  static constexpr int64_t kInboundReplyTtlMs = 48LL * 3600 * 1000;
  virtual Result<std::optional<std::string>> InboundReply(const std::string& message_sid,
                                                          int64_t now_ms) = 0;
  virtual Status RecordInboundReply(const std::string& message_sid, const std::string& reply,
                                    int64_t now_ms) = 0;
};

}  // namespace connecthub::storage
