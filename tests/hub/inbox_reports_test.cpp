// Supervisors' reports: the range asked for, the agency's days, percentiles, JSON and CSV.
#include "inbox/inbox_reports.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace connecthub;
using namespace connecthub::hub::inbox;
using namespace std::chrono;

namespace {

std::unique_ptr<bot::OfficeHours> Pacific() {
  std::string error;
  auto h = bot::OfficeHours::Create(bot::OfficeHoursOptions{}, &error);
  REQUIRE(h != nullptr);
  return h;
}

int64_t Ms(sys_seconds s) { return static_cast<int64_t>(s.time_since_epoch().count()) * 1000; }

}  // namespace

TEST_CASE("a report's range: the last 7 days by default, at most 366, real dates only",
          "[reports]") {
  year_month_day today = year(2026) / 11 / 23;
  std::string error;
  auto def = ParseReportRange("", "", today, &error);
  REQUIRE(def);
  CHECK(def->from == year(2026) / 11 / 17);
  CHECK(def->to == today);

  auto given = ParseReportRange("2026-01-01", "2026-12-31", today, &error);
  REQUIRE(given);
  CHECK(given->from == year(2026) / 1 / 1);
  CHECK(ParseReportRange("2024-01-01", "2024-12-31", today, &error));  // 366 days (leap year)
  CHECK_FALSE(ParseReportRange("2025-01-01", "2026-01-02", today, &error));
  CHECK(error == "a report covers at most 366 days");
  CHECK_FALSE(ParseReportRange("2026-11-24", "2026-11-23", today, &error));
  CHECK(error == "from must not be after to");
  for (const char* bad : {"2026-02-30", "2026-1-01", "26-01-01", "2026-01-01x", "x", "1969-12-31",
                          "+026-01-01", "2026-13-01"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseReportRange(bad, "2026-11-23", today, &error));
    CHECK(error == "from must be a date YYYY-MM-DD");
    CHECK_FALSE(ParseReportRange("", bad, today, &error));
  }
}

TEST_CASE("a report's days are the agency's: local midnight to local midnight", "[reports]") {
  auto pacific = Pacific();
  ReportRange range{year(2026) / 11 / 2, year(2026) / 11 / 3};
  auto q = MakeReportQuery(range, pacific.get());
  CHECK(q.from_ms == Ms(sys_days(year(2026) / 11 / 2) + hours(8)));  // PST, UTC-8
  CHECK(q.to_ms == Ms(sys_days(year(2026) / 11 / 4) + hours(8)));
  // 2026-11-03T06:00Z is still the evening of 2 November in California.
  CHECK(q.day_of(Ms(sys_days(year(2026) / 11 / 3) + hours(6))) == "2026-11-02");
  CHECK(q.day_of(Ms(sys_days(year(2026) / 11 / 3) + hours(9))) == "2026-11-03");
  // Summer time: midnight is 07:00Z.
  auto summer = MakeReportQuery({year(2026) / 7 / 1, year(2026) / 7 / 1}, pacific.get());
  CHECK(summer.from_ms == Ms(sys_days(year(2026) / 7 / 1) + hours(7)));
  CHECK(summer.to_ms - summer.from_ms == 24 * 3600 * 1000);
  // Across the change back to standard time (1 November 2026) the day is 25 hours long.
  auto fall = MakeReportQuery({year(2026) / 11 / 1, year(2026) / 11 / 1}, pacific.get());
  CHECK(fall.to_ms - fall.from_ms == 25 * 3600 * 1000);

  CHECK(ReportToday(pacific.get(), Ms(sys_days(year(2026) / 11 / 3) + hours(6))) ==
        year(2026) / 11 / 2);
  CHECK(ReportToday(nullptr, Ms(sys_days(year(2026) / 11 / 3) + hours(6))) == year(2026) / 11 / 3);
}

TEST_CASE("median and 90th percentile are nearest-rank: observed values", "[reports]") {
  CHECK(NearestRank({}, 50) == 0);
  CHECK(NearestRank({7}, 50) == 7);
  CHECK(NearestRank({7}, 90) == 7);
  CHECK(NearestRank({1, 2}, 50) == 1);
  CHECK(NearestRank({1, 2, 3}, 50) == 2);
  std::vector<int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(NearestRank(ten, 50) == 5);
  CHECK(NearestRank(ten, 90) == 9);
  ten.push_back(11);
  CHECK(NearestRank(ten, 90) == 10);
  CHECK(NearestRank(ten, 100) == 11);
}

TEST_CASE("report CSV: escaped fields, no spreadsheet formulas, one column per intent",
          "[reports]") {
  CHECK(CsvField("MADERA") == "MADERA");
  CHECK(CsvField("") == "");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(CsvField("+1") == "'+1");
  CHECK(CsvField("-1") == "'-1");
  CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(CsvField("\tx") == "'\tx");

  storage::ReportRow a;
  a.date = "2026-11-23";
  a.county = "=EVIL()";
  a.lang = "es";
  a.intents = {{"balance", 2}, {"agent", 1}};
  a.escalations = 2;
  a.first_reply_ms = {30'500, 61'000};
  a.resolved = 1;
  storage::ReportRow b;
  b.date = "2026-11-24";
  b.lang = "en";
  b.intents = {{"unknown", 3}};
  std::string csv = ReportCsv({a, b});
  CHECK(csv ==
        "date,county,language,escalations,first_replies,first_reply_median_seconds,"
        "first_reply_p90_seconds,resolved,intent:agent,intent:balance,intent:unknown\r\n"
        "2026-11-23,'=EVIL(),es,2,2,30,61,1,1,2,0\r\n"
        "2026-11-24,,en,0,0,,,0,0,0,3\r\n");

  auto json = ReportJson({year(2026) / 11 / 23, year(2026) / 11 / 24}, {a, b});
  CHECK(json.at("from").as_string() == "2026-11-23");
  CHECK(json.at("to").as_string() == "2026-11-24");
  const auto& days = json.at("days").as_array();
  REQUIRE(days.size() == 2);
  CHECK(days[0].at("county").as_string() == "=EVIL()");  // JSON is data, not a spreadsheet
  CHECK(days[0].at("intents").at("balance").as_int64() == 2);
  CHECK(days[0].at("first_reply_seconds").at("median").as_int64() == 30);
  CHECK(days[0].at("first_reply_seconds").at("p90").as_int64() == 61);
  CHECK(days[0].at("first_reply_seconds").at("count").as_int64() == 2);
  CHECK(days[1].at("first_reply_seconds").at("median").is_null());
  CHECK(days[1].at("first_reply_seconds").at("count").as_int64() == 0);
  CHECK(days[1].at("resolved").as_int64() == 0);
}
