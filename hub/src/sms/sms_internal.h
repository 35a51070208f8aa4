#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sms/form_body.h"

// What the SMS service's files (sms_*.cpp) share; not for other components.
namespace connecthub::hub::sms::internal {

// The thread whose inbound webhook is being handled on this OS thread. The event bus calls
// subscribers synchronously, so replies produced while answering a webhook (sent back as TwiML)
// are told apart from caseworker and system messages that must go through the outbox.
inline thread_local int64_t t_inbound_thread = 0;

class InboundScope {
 public:
  explicit InboundScope(int64_t thread_id) : saved_(t_inbound_thread) {
    t_inbound_thread = thread_id;
  }
  ~InboundScope() { t_inbound_thread = saved_; }
  InboundScope(const InboundScope&) = delete;
  InboundScope& operator=(const InboundScope&) = delete;

 private:
  int64_t saved_;
};

// A delivery status word as Twilio sends it: lower-case letters, '_' and '-', 1 to 32 of them.
inline bool IsStatusWord(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  }
  return true;
}

// The first of two field names that is set (Twilio sends MessageSid and the older SmsSid).
inline std::string FirstOf(const FormFields& form, std::string_view a, std::string_view b) {
  std::string v = form.Get(a);
  return v.empty() ? form.Get(b) : v;
}

}  // namespace connecthub::hub::sms::internal
