#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/supervision.h"

namespace connecthub::storage {

// Where a thread's report rows go: its language and its participant's counties ("" for none).
struct ReportThread {
  std::string lang;
  std::vector<std::string> counties;
};

// Assembles a supervisors' report (Supervision::Report) from the events a backend reads, in one
// snapshot: every backend counts the same way. Not thread-safe.
class ReportBuilder {
 public:
  // `thread` looks a thread up (called once per thread).
  ReportBuilder(const ReportQuery& query, std::function<ReportThread(int64_t thread_id)> thread)
      : query_(query), lookup_(std::move(thread)) {}

  void BotAnswer(int64_t thread_id, const std::string& intent, int64_t at_ms);
  // An escalation, and the first caseworker reply after it (before the thread's next one).
  void Escalation(int64_t thread_id, int64_t at_ms, std::optional<int64_t> first_reply_ms);
  void Resolve(int64_t thread_id, int64_t at_ms);
  // Rows ordered by (date, county, lang), first replies ascending.
  std::vector<ReportRow> Rows();

 private:
  using RowKey = std::tuple<std::string, std::string, std::string>;  // date, county, lang
  const ReportThread& Thread(int64_t id);
  // Calls `fn(row, key)` for each row the thread's event at `at_ms` counts in.
  void Each(int64_t thread_id, int64_t at_ms,
            const std::function<void(ReportRow&, const RowKey&)>& fn);

  const ReportQuery& query_;
  std::function<ReportThread(int64_t)> lookup_;
  std::map<int64_t, ReportThread> threads_;
  std::map<RowKey, ReportRow> rows_;
  std::map<RowKey, std::map<std::string, int64_t>> intents_;
};

}  // namespace connecthub::storage
