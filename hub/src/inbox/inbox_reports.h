#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/office_hours.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

// Supervisors' reports (GET /api/inbox/reports, hub/API.md): the range asked for, the JSON and
// CSV shapes. Pure; thread-safe.

// The days a report covers, both included, in the agency's calendar.
struct ReportRange {
  std::chrono::year_month_day from;
  std::chrono::year_month_day to;
};
constexpr int kMaxReportDays = 366;

// `from` and `to` as given ("YYYY-MM-DD", either may be empty): by default the last 7 days to
// `today`; `from` alone runs to `today`, `to` alone covers the 7 days ending then. nullopt and
// *error for a malformed date, `from` after `to`, or more than kMaxReportDays days.
std::optional<ReportRange> ParseReportRange(std::string_view from, std::string_view to,
                                            std::chrono::year_month_day today, std::string* error);

// The store's query for `range`: days start at local midnight of `hours`' time zone (UTC when
// `hours` is null) and each instant is dated by that calendar.
storage::ReportQuery MakeReportQuery(const ReportRange& range, const bot::OfficeHours* hours);
// The agency's today at `now_ms` (UTC when `hours` is null).
std::chrono::year_month_day ReportToday(const bot::OfficeHours* hours, int64_t now_ms);

// The nearest-rank percentile (`percent` 1..100) of ascending values: an observed value, never an
// interpolated one. Empty input: 0.
int64_t NearestRank(const std::vector<int64_t>& sorted, int percent);

// {"from","to","days":[{"date","county","lang","intents":{...},"escalations",
//   "first_reply_seconds":{"median","p90","count"},"resolved"}]}; seconds are whole (rounded
// down), null when no escalation of the row was answered.
boost::json::object ReportJson(const ReportRange& range,
                               const std::vector<storage::ReportRow>& rows);

// The same as CSV (RFC 4180, CRLF): a header row, then one row per day, county and language; one
// column "intent:<name>" per intent the report holds.
std::string ReportCsv(const std::vector<storage::ReportRow>& rows);
// One CSV field: quoted when it holds a comma, a quote or a line break; a value a spreadsheet
// would run as a formula (starting with = + - @, a tab or a carriage return) starts with a
// quote (') instead.
std::string CsvField(std::string_view value);

}  // namespace connecthub::hub::inbox
