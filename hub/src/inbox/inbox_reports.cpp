#include "inbox/inbox_reports.h"

#include <boost/json.hpp>
#include <set>

#include "inbox/inbox_json.h"

namespace connecthub::hub::inbox {

namespace json = boost::json;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

std::optional<ReportRange> ParseReportRange(std::string_view from, std::string_view to,
                                            year_month_day today, std::string* error) {
  ReportRange range{today, today};
  if (!to.empty()) {
    auto d = ParseIsoDate(to);
    if (!d) {
      *error = "to must be a date YYYY-MM-DD";
      return std::nullopt;
    }
    range.to = *d;
  }
  range.from = year_month_day(sys_days(range.to) - days(6));
  if (!from.empty()) {
    auto d = ParseIsoDate(from);
    if (!d) {
      *error = "from must be a date YYYY-MM-DD";
      return std::nullopt;
    }
    range.from = *d;
  }
  auto span = (sys_days(range.to) - sys_days(range.from)).count() + 1;
  if (span < 1) {
    *error = "from must not be after to";
    return std::nullopt;
  }
  if (span > kMaxReportDays) {
    *error = "a report covers at most 366 days";
    return std::nullopt;
  }
  return range;
}

year_month_day ReportToday(const bot::OfficeHours* hours, int64_t now_ms) {
  sys_seconds now{std::chrono::seconds(now_ms / 1000)};
  if (hours != nullptr) return hours->LocalDate(now);
  return year_month_day(std::chrono::floor<days>(now));
}

storage::ReportQuery MakeReportQuery(const ReportRange& range, const bot::OfficeHours* hours) {
  auto start = [hours](year_month_day day) -> int64_t {
    sys_seconds s = hours != nullptr ? hours->DayStart(day) : sys_seconds(sys_days(day));
    return static_cast<int64_t>(s.time_since_epoch().count()) * 1000;
  };
  storage::ReportQuery q;
  q.from_ms = start(range.from);
  q.to_ms = start(year_month_day(sys_days(range.to) + days(1)));
  q.day_of = [hours](int64_t at_ms) { return IsoDate(sys_days(ReportToday(hours, at_ms))); };
  return q;
}

int64_t NearestRank(const std::vector<int64_t>& sorted, int percent) {
  if (sorted.empty()) return 0;
  // The smallest value with at least `percent`% of the values at or below it.
  size_t rank = (sorted.size() * static_cast<size_t>(percent) + 99) / 100;
  return sorted[std::max<size_t>(rank, 1) - 1];
}

json::object ReportJson(const ReportRange& range, const std::vector<storage::ReportRow>& rows) {
  json::array list;
  for (const auto& r : rows) {
    json::object intents;
    for (const auto& [name, n] : r.intents) intents[name] = n;
    json::object first;
    bool any = !r.first_reply_ms.empty();
    first["median"] = any ? json::value(NearestRank(r.first_reply_ms, 50) / 1000) : nullptr;
    first["p90"] = any ? json::value(NearestRank(r.first_reply_ms, 90) / 1000) : nullptr;
    first["count"] = static_cast<int64_t>(r.first_reply_ms.size());
    list.push_back(json::object{{"date", r.date},
                                {"county", r.county},
                                {"lang", r.lang},
                                {"intents", std::move(intents)},
                                {"escalations", r.escalations},
                                {"first_reply_seconds", std::move(first)},
                                {"resolved", r.resolved}});
  }
  return json::object{{"from", IsoDate(sys_days(range.from))},
                      {"to", IsoDate(sys_days(range.to))},
                      {"days", std::move(list)}};
}

std::string CsvField(std::string_view value) {
  std::string v;
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    v = "'";
  }
  v += value;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string ReportCsv(const std::vector<storage::ReportRow>& rows) {
  std::set<std::string> intents;
  for (const auto& r : rows) {
    for (const auto& [name, n] : r.intents) intents.insert(name);
  }
  std::string out =
      "date,county,language,escalations,first_replies,first_reply_median_seconds,"
      "first_reply_p90_seconds,resolved";
  for (const auto& name : intents) out += "," + CsvField("intent:" + name);
  out += "\r\n";
  for (const auto& r : rows) {
    bool any = !r.first_reply_ms.empty();
    out += CsvField(r.date) + "," + CsvField(r.county) + "," + CsvField(r.lang) + "," +
           std::to_string(r.escalations) + "," + std::to_string(r.first_reply_ms.size()) + "," +
           (any ? std::to_string(NearestRank(r.first_reply_ms, 50) / 1000) : "") + "," +
           (any ? std::to_string(NearestRank(r.first_reply_ms, 90) / 1000) : "") + "," +
           std::to_string(r.resolved);
    for (const auto& name : intents) {
      int64_t n = 0;
      for (const auto& [intent, count] : r.intents) {
        if (intent == name) n = count;
      }
      out += "," + std::to_string(n);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace connecthub::hub::inbox
