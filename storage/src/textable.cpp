#include "textable.h"

#include <algorithm>

#include "storage/notice_keys.h"

namespace connecthub::storage {

std::vector<SmsLinks::TextableNumber> MergeTextable(
    KeyRing& keys, const std::vector<PhoneRow>& rows,
    const std::function<bool(const std::vector<std::string>& indexes)>& opted_out,
    std::vector<std::vector<std::string>>* phone_keys) {
  std::vector<SmsLinks::TextableNumber> out;
  std::vector<std::string> left_out;  // numbers opted out (STOP)
  for (const PhoneRow& row : rows) {
    const char* table = row.linked ? "linked_phones" : "participant_phones";
    auto phone = keys.Open(row.sealed, table, "phone", row.identity);
    if (!phone.ok()) continue;  // a tampered number is never texted
    if (std::find(left_out.begin(), left_out.end(), *phone) != left_out.end()) continue;
    SmsLinks::TextableNumber* number = nullptr;
    for (auto& n : out) {
      if (n.phone == *phone) number = &n;
    }
    if (number == nullptr) {
      // The opt-out and the phone key do not depend on which key the row is indexed under.
      std::vector<std::string> indexes = keys.BlindIndexes(*phone);
      if (opted_out(indexes)) {
        left_out.push_back(std::move(*phone));
        continue;
      }
      std::vector<std::string> hex;
      for (const std::string& index : indexes) hex.push_back(ToHex(index));
      SmsLinks::TextableNumber n;
      n.phone = std::move(*phone);
      n.phone_key = hex.front();
      n.lang = row.lang;
      out.push_back(std::move(n));
      if (phone_keys != nullptr) phone_keys->push_back(std::move(hex));
      number = &out.back();
    }
    (row.linked ? number->linked : number->consent) = true;
    if (row.linked) number->link_last_used_ms = row.used_ms;
  }
  return out;
}

void MarkSentReminders(std::vector<Notices::ReminderCandidate>& out, size_t first,
                       const std::vector<std::vector<std::string>>& phone_keys,
                       const std::vector<std::string>& dedupe_keys,
                       const std::string& appointment_id) {
  std::string prefix = ReminderKeyPrefix(appointment_id);
  for (const std::string& dedupe : dedupe_keys) {
    auto parsed = ParseReminderKey(dedupe, prefix);
    if (!parsed) continue;
    for (size_t m = first; m < out.size(); ++m) {
      const auto& any = phone_keys[m - first];
      if (std::find(any.begin(), any.end(), parsed->second) != any.end()) {
        out[m].sent.push_back(parsed->first);
      }
    }
  }
}

}  // namespace connecthub::storage
