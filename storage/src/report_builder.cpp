#include "report_builder.h"

#include <algorithm>

namespace connecthub::storage {

const ReportThread& ReportBuilder::Thread(int64_t id) {
  auto it = threads_.find(id);
  if (it != threads_.end()) return it->second;
  ReportThread key = lookup_(id);
  if (key.counties.empty()) key.counties.emplace_back();
  return threads_.emplace(id, std::move(key)).first->second;
}

void ReportBuilder::Each(int64_t thread_id, int64_t at_ms,
                         const std::function<void(ReportRow&, const RowKey&)>& fn) {
  std::string date = query_.day_of(at_ms);
  const ReportThread& t = Thread(thread_id);
  for (const std::string& county : t.counties) {
    RowKey key{date, county, t.lang};
    ReportRow& row = rows_[key];
    if (row.date.empty()) {
      row.date = date;
      row.county = county;
      row.lang = t.lang;
    }
    fn(row, key);
  }
}

void ReportBuilder::BotAnswer(int64_t thread_id, const std::string& intent, int64_t at_ms) {
  Each(thread_id, at_ms, [&](ReportRow&, const RowKey& key) { ++intents_[key][intent]; });
}

void ReportBuilder::Escalation(int64_t thread_id, int64_t at_ms,
                               std::optional<int64_t> first_reply_ms) {
  Each(thread_id, at_ms, [&](ReportRow& row, const RowKey&) {
    ++row.escalations;
    if (first_reply_ms) row.first_reply_ms.push_back(*first_reply_ms - at_ms);
  });
}

void ReportBuilder::Resolve(int64_t thread_id, int64_t at_ms) {
  Each(thread_id, at_ms, [](ReportRow& row, const RowKey&) { ++row.resolved; });
}

std::vector<ReportRow> ReportBuilder::Rows() {
  std::vector<ReportRow> out;
  out.reserve(rows_.size());
  for (auto& [key, row] : rows_) {
    auto it = intents_.find(key);
    if (it != intents_.end()) row.intents.assign(it->second.begin(), it->second.end());
    std::sort(row.first_reply_ms.begin(), row.first_reply_ms.end());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace connecthub::storage
