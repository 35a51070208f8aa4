#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

// A canned reply: an agency template a caseworker inserts in the composer, managed by supervisors
// per language (Store::ListCanned and the writes after it). Plain text, not personal data; the
// placeholders {name}, {me} and {phone} are kept as written (the inbox fills them in).
struct CannedReply {
  int64_t id = 0;
  std::string lang;  // "en" or "es"
  std::string label;
  std::string text;
  int64_t position = 0;    // order within the language, 1 first
  int64_t updated_by = 0;  // the caseworker who last wrote it; 0: a migration default
  int64_t updated_ms = 0;  // 0: a migration default
  // Limits the store enforces (kInvalid beyond them).
  static constexpr size_t kMaxLabelChars = 80;  // code points
  static constexpr size_t kMaxTextBytes = 1600;
  static constexpr int64_t kMaxPerLanguage = 100;
};

// A supervisors' report (Store::Report): the instants [from_ms, to_ms), grouped by day.
struct ReportQuery {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  // The report day of an instant ("2026-11-23", in the agency's time zone). Required.
  std::function<std::string(int64_t at_ms)> day_of;
};

// One (day, county, language) of a report. A thread counts under each county of its participant's
// cases (one with cases in two counties counts in both) and under "" when it has none (an unlinked
// SMS number); the language is the thread's now.
struct ReportRow {
  std::string date;
  std::string county;
  std::string lang;
  std::vector<std::pair<std::string, int64_t>> intents;  // bot answers by intent, by name
  int64_t escalations = 0;  // the bot handed a thread to the inbox (it started waiting)
  // For each of those escalations a caseworker has answered since (before the thread's next
  // escalation): how long the parent waited for the first reply, ascending.
  std::vector<int64_t> first_reply_ms;
  int64_t resolved = 0;  // "resolve" audit rows (a caseworker resolved the thread)
};

// What supervisors manage: reports and canned replies.
class Supervision {
 public:
  virtual ~Supervision() = default;

  // --- reports ---
  // Rows ordered by (date, county, lang), only those with something to count: bot answers by
  // intent, escalations and resolves in [from_ms, to_ms), each under its own day; a first reply
  // under its escalation's day (even when it came after to_ms). kInvalid without `day_of`.
  virtual Result<std::vector<ReportRow>> Report(const ReportQuery& query) = 0;
  // --- canned replies ---
  // A language's replies in order (position, then id). kInvalid for a language other than "en"
  // or "es".
  virtual Result<std::vector<CannedReply>> ListCanned(const std::string& lang) = 0;
  // Each write runs in one transaction with its audit row (caseworker_id, thread 0, "canned_add",
  // "canned_edit", "canned_delete"). kInvalid for: a language other than "en"/"es", a label of
  // more than kMaxLabelChars characters, a text of more than kMaxTextBytes bytes, either only
  // white space, or (add) a language that already has kMaxPerLanguage. Label and text must be
  // valid UTF-8: the caller checks (the hub's API with sms::IsValidUtf8; its JSON parser refuses
  // invalid text too). kNotFound for an unknown id. Add appends at the end of its language.
  virtual Result<CannedReply> AddCanned(int64_t caseworker_id, const std::string& lang,
                                        const std::string& label, const std::string& text,
                                        int64_t now_ms) = 0;
  // Changes the label and text (the language stays).
  virtual Result<CannedReply> UpdateCanned(int64_t caseworker_id, int64_t id,
                                           const std::string& label, const std::string& text,
                                           int64_t now_ms) = 0;
  virtual Status DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) = 0;
};

}  // namespace connecthub::storage
