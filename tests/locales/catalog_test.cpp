#include "locales/catalog.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace connecthub::locales {
namespace {

using namespace std::chrono;
using File = std::pair<std::string_view, std::string_view>;

std::unique_ptr<Catalog> MustCreate(std::span<const File> files) {
  std::string error;
  auto catalog = Catalog::CreateFromFiles(CatalogOptions{}, files, &error);
  INFO(error);
  REQUIRE(catalog != nullptr);
  return catalog;
}

std::string CreateError(std::span<const File> files, CatalogOptions options = {}) {
  std::string error;
  auto catalog = Catalog::CreateFromFiles(options, files, &error);
  CHECK(catalog == nullptr);
  return error;
}

constexpr std::array<File, 2> kTestFiles = {
    File{"en/t.properties",
         "# comment\n"
         "\n"
         "t.payments={count, plural, one {# payment} other {# payments}}\n"
         "t.role={role, select, paying {You owe {amount}.} other {You are owed {amount}.}}\n"
         "t.when=  On {day} at {time}.  \r\n"
         "t.lines=one\\ntwo\n"
         "t.name=Hi {name}, it's {n}.\n"
         "web.title=Chat\n"
         "web.send=Send\n"},
    File{"es/t.properties",
         "t.payments={count, plural, one {# pago} other {# pagos}}\n"
         "t.role={role, select, paying {Usted debe {amount}.} other {Se le deben {amount}.}}\n"
         "t.when=El {day} a las {time}\n"
         "t.lines=uno\\ndos\n"
         "t.name=Hola {name}, son {n}.\n"
         "web.title=Chat\n"
         "web.send=Enviar\n"},
};

// The formatting tests use their own small catalog so that they do not depend on the embedded
// files other components are editing.
const Catalog& Test() {
  static const std::unique_ptr<Catalog> catalog = MustCreate(kTestFiles);
  return *catalog;
}

const Catalog& Embedded() {
  static const std::unique_ptr<Catalog> catalog = [] {
    std::string error;
    auto c = Catalog::Create(CatalogOptions{}, &error);
    INFO(error);
    REQUIRE(c != nullptr);
    return c;
  }();
  return *catalog;
}

sys_seconds At(int y, unsigned m, unsigned d, int hour, int minute) {
  return sys_days(year(y) / month(m) / day(d)) + hours(hour) + minutes(minute);
}

Date Day(int y, unsigned m, unsigned d, DateStyle style = DateStyle::kLong) {
  return Date{sys_days(year(y) / month(m) / day(d)), style};
}

TEST_CASE("money is USD in en-US and es-US, from integer cents", "[locales]") {
  const Catalog& c = Test();
  CHECK(c.FormatMoney("en", Money{66793}) == "$667.93");
  // ICU 72's es-US uses the US dollar sign and decimal point, as a US parent reading Spanish
  // expects on their bills ("es" alone would give "667,93 US$").
  CHECK(c.FormatMoney("es", Money{66793}) == "$667.93");
  CHECK(c.FormatMoney("en", Money{1000}) == "$10.00");
  CHECK(c.FormatMoney("en", Money{5}) == "$0.05");
  CHECK(c.FormatMoney("en", Money{0}) == "$0.00");
  CHECK(c.FormatMoney("en", Money{123456789}) == "$1,234,567.89");
  CHECK(c.FormatMoney("es", Money{123456789}) == "$1,234,567.89");
  CHECK(c.FormatMoney("en", Money{-8308}) == "-$83.08");
  // Far beyond a double's exact range of cents: still exact.
  CHECK(c.FormatMoney("en", Money{9007199254740993}) == "$90,071,992,547,409.93");
}

TEST_CASE("dates are calendar days in the locale's styles", "[locales]") {
  const Catalog& c = Test();
  CHECK(c.FormatDate("en", Day(2026, 12, 2)) == "December 2, 2026");
  CHECK(c.FormatDate("es", Day(2026, 12, 2)) == "2 de diciembre de 2026");
  CHECK(c.FormatDate("en", Day(2026, 12, 2, DateStyle::kFull)) == "Wednesday, December 2, 2026");
  CHECK(c.FormatDate("es", Day(2026, 12, 2, DateStyle::kFull)) ==
        "miércoles, 2 de diciembre de 2026");
  CHECK(c.FormatDate("en", Day(2026, 3, 1, DateStyle::kMonthYear)) == "March 2026");
  CHECK(c.FormatDate("es", Day(2026, 3, 1, DateStyle::kMonthYear)) == "marzo de 2026");
  // No zone shifts a date: the first and last days of a year stay themselves.
  CHECK(c.FormatDate("en", Day(2027, 1, 1)) == "January 1, 2027");
  CHECK(c.FormatDate("en", Day(2026, 12, 31)) == "December 31, 2026");
}

TEST_CASE("times are in the agency's zone, across DST", "[locales]") {
  const Catalog& c = Test();
  // 2026-12-02T08:00:00-08:00 (PST).
  sys_seconds appointment = At(2026, 12, 2, 16, 0);
  CHECK(c.FormatDateTime("en", DateTime{appointment}) == "December 2, 2026 at 8:00 AM");
  CHECK(c.FormatDateTime("es", DateTime{appointment}) == "2 de diciembre de 2026, 8:00 a. m.");
  CHECK(c.FormatDateTime("en", DateTime{appointment, DateTimeStyle::kTime}) == "8:00 AM");
  CHECK(c.FormatDateTime("es", DateTime{appointment, DateTimeStyle::kTime}) == "8:00 a. m.");
  CHECK(c.FormatDateTime("en", DateTime{appointment, DateTimeStyle::kFullDate}) ==
        "Wednesday, December 2, 2026");

  // DST ends 2026-11-01 at 2:00 PDT: 08:59Z is 1:59 AM PDT, 09:00Z is 1:00 AM PST, and 17:00Z is
  // 10 AM the day before (PDT) but 9 AM the day after (PST).
  CHECK(c.FormatDateTime("en", DateTime{At(2026, 11, 1, 8, 59), DateTimeStyle::kTime}) ==
        "1:59 AM");
  CHECK(c.FormatDateTime("en", DateTime{At(2026, 11, 1, 9, 0), DateTimeStyle::kTime}) == "1:00 AM");
  CHECK(c.FormatDateTime("en", DateTime{At(2026, 10, 31, 17, 0)}) ==
        "October 31, 2026 at 10:00 AM");
  CHECK(c.FormatDateTime("en", DateTime{At(2026, 11, 2, 17, 0)}) == "November 2, 2026 at 9:00 AM");
  // DST starts 2026-03-08: 10:00Z is 2 AM PST -> 3 AM PDT.
  CHECK(c.FormatDateTime("es", DateTime{At(2026, 3, 8, 9, 59), DateTimeStyle::kTime}) ==
        "1:59 a. m.");
  CHECK(c.FormatDateTime("es", DateTime{At(2026, 3, 8, 10, 0), DateTimeStyle::kTime}) ==
        "3:00 a. m.");
  // Late evening in Los Angeles is already the next day in UTC: the local date wins.
  CHECK(c.FormatDateTime("en", DateTime{At(2026, 12, 3, 6, 30)}) == "December 2, 2026 at 10:30 PM");
}

TEST_CASE("another zone can be configured, an unknown zone is refused", "[locales]") {
  CatalogOptions options;
  options.time_zone = "America/New_York";
  std::string error;
  auto c = Catalog::CreateFromFiles(options, kTestFiles, &error);
  REQUIRE(c != nullptr);
  CHECK(c->FormatDateTime("en", DateTime{At(2026, 12, 2, 16, 0), DateTimeStyle::kTime}) ==
        "11:00 AM");
  options.time_zone = "Mars/Olympus_Mons";
  CHECK(CreateError(kTestFiles, options).find("Mars/Olympus_Mons") != std::string::npos);
}

TEST_CASE("plurals follow each language", "[locales]") {
  auto c = MustCreate(kTestFiles);
  CHECK(c->Format("en", "t.payments", {{"count", int64_t{1}}}) == "1 payment");
  CHECK(c->Format("en", "t.payments", {{"count", int64_t{2}}}) == "2 payments");
  CHECK(c->Format("en", "t.payments", {{"count", int64_t{0}}}) == "0 payments");
  CHECK(c->Format("en", "t.payments", {{"count", int64_t{1200}}}) == "1,200 payments");
  CHECK(c->Format("es", "t.payments", {{"count", int64_t{1}}}) == "1 pago");
  CHECK(c->Format("es", "t.payments", {{"count", int64_t{2}}}) == "2 pagos");
}

TEST_CASE("select on role, with money formatted per locale", "[locales]") {
  auto c = MustCreate(kTestFiles);
  Args paying = {{"role", std::string("paying")}, {"amount", Money{66793}}};
  Args receiving = {{"role", std::string("receiving")}, {"amount", Money{66793}}};
  CHECK(c->Format("en", "t.role", paying) == "You owe $667.93.");
  CHECK(c->Format("en", "t.role", receiving) == "You are owed $667.93.");
  CHECK(c->Format("es", "t.role", paying) == "Usted debe $667.93.");
  CHECK(c->Format("es", "t.role", receiving) == "Se le deben $667.93.");
}

TEST_CASE("dates, times and text arguments, trimming, escapes, apostrophes", "[locales]") {
  auto c = MustCreate(kTestFiles);
  sys_seconds at = At(2026, 12, 2, 16, 0);
  Args args = {{"day", DateTime{at, DateTimeStyle::kFullDate}},
               {"time", DateTime{at, DateTimeStyle::kTime}}};
  CHECK(c->Format("en", "t.when", args) == "On Wednesday, December 2, 2026 at 8:00 AM.");
  CHECK(c->Format("es", "t.when", args) == "El miércoles, 2 de diciembre de 2026 a las 8:00 a. m.");
  // (A Spanish pattern must not put '.' after a time: "a. m." already ends with one.)
  CHECK(c->Format("en", "t.lines") == "one\ntwo");
  CHECK(c->Format("es", "t.lines") == "uno\ndos");
  CHECK(c->Format("en", "t.name", {{"name", std::string("José")}, {"n", int64_t{3}}}) ==
        "Hi José, it's 3.");
}

TEST_CASE("unknown keys and languages degrade without crashing", "[locales]") {
  auto c = MustCreate(kTestFiles);
  CHECK(c->Format("en", "t.nope") == "t.nope");
  CHECK(c->Format("fr", "t.payments", {{"count", int64_t{2}}}) == "2 payments");
  CHECK(c->Format("ES", "t.payments", {{"count", int64_t{2}}}) == "2 pagos");
  CHECK(c->Format("es-US", "t.payments", {{"count", int64_t{1}}}) == "1 pago");
  // Text where a plural needs a number is a caller bug: the key comes back.
  CHECK(c->Format("en", "t.payments", {{"count", std::string("two")}}) == "t.payments");
}

TEST_CASE("Entries returns raw patterns by prefix, sorted", "[locales]") {
  auto c = MustCreate(kTestFiles);
  auto en = c->Entries("en", "web.");
  REQUIRE(en.size() == 2);
  CHECK(en[0] == std::pair<std::string, std::string>("web.send", "Send"));
  CHECK(en[1] == std::pair<std::string, std::string>("web.title", "Chat"));
  auto es = c->Entries("es", "web.");
  REQUIRE(es.size() == 2);
  CHECK(es[0].second == "Enviar");
  CHECK(c->Entries("en", "t.role")[0].second ==
        "{role, select, paying {You owe {amount}.} other {You are owed {amount}.}}");
  CHECK(c->Entries("en", "zzz.").empty());
  CHECK(c->Entries("en", "").size() == 7);
}

TEST_CASE("key parity is enforced across every file of each language", "[locales]") {
  constexpr std::array<File, 3> kMissingInEs = {
      File{"en/a.properties", "a.one=One\n"},
      File{"en/b.properties", "b.two=Two\n"},
      File{"es/a.properties", "a.one=Uno\n"},
  };
  std::string error = CreateError(kMissingInEs);
  CHECK(error.find("b.two") != std::string::npos);
  CHECK(error.find("'es'") != std::string::npos);

  constexpr std::array<File, 2> kMissingInEn = {
      File{"en/a.properties", "a.one=One\n"},
      File{"es/a.properties", "a.one=Uno\na.extra=Extra\n"},
  };
  CHECK(CreateError(kMissingInEn).find("a.extra") != std::string::npos);

  // Split differently across files is fine: the language's files are merged.
  constexpr std::array<File, 3> kMerged = {
      File{"en/a.properties", "a.one=One\nb.two=Two\n"},
      File{"es/a.properties", "a.one=Uno\n"},
      File{"es/b.properties", "b.two=Dos\n"},
  };
  auto c = MustCreate(kMerged);
  CHECK(c->Format("es", "b.two") == "Dos");
}

TEST_CASE("bad catalogs are rejected with a reason", "[locales]") {
  constexpr std::array<File, 2> kBadPattern = {
      File{"en/a.properties", "a.bad={count, plural, one {# x}\n"},
      File{"es/a.properties", "a.bad={count, plural, one {# x} other {# y}}\n"},
  };
  std::string error = CreateError(kBadPattern);
  CHECK(error.find("a.bad") != std::string::npos);
  CHECK(error.find("does not parse") != std::string::npos);

  constexpr std::array<File, 2> kDateArgument = {
      File{"en/a.properties", "a.when={at, date, long}\n"},
      File{"es/a.properties", "a.when={at}\n"},
  };
  CHECK(CreateError(kDateArgument).find("date") != std::string::npos);

  constexpr std::array<File, 2> kNestedTime = {
      File{"en/a.properties", "a.when={role, select, paying {{at, TIME, short}} other {x}}\n"},
      File{"es/a.properties", "a.when={at}\n"},
  };
  CHECK(CreateError(kNestedTime).find("time") != std::string::npos);

  constexpr std::array<File, 2> kNoEquals = {
      File{"en/a.properties", "a.one=One\njust text\n"},
      File{"es/a.properties", "a.one=Uno\n"},
  };
  CHECK(CreateError(kNoEquals).find("en/a.properties:2") != std::string::npos);

  constexpr std::array<File, 2> kDuplicate = {
      File{"en/a.properties", "a.one=One\n"},
      File{"en/b.properties", "a.one=Again\n"},
  };
  CHECK(CreateError(kDuplicate).find("twice") != std::string::npos);

  constexpr std::array<File, 2> kBadUtf8 = {
      File{"en/a.properties", "a.one=One\n"},
      File{"es/a.properties", "a.one=Uno \xC3\x28\n"},
  };
  CHECK(CreateError(kBadUtf8).find("UTF-8") != std::string::npos);

  constexpr std::array<File, 1> kOnlyEnglish = {File{"en/a.properties", "a.one=One\n"}};
  CHECK(CreateError(kOnlyEnglish).find("'es'") != std::string::npos);
}

TEST_CASE("the embedded catalogs load and have bot keys in both languages", "[locales]") {
  const Catalog& c = Embedded();
  auto en = c.Entries("en", "");
  auto es = c.Entries("es", "");
  REQUIRE(en.size() == es.size());
  for (size_t i = 0; i < en.size(); ++i) CHECK(en[i].first == es[i].first);
  CHECK(c.Entries("en", "bot.").size() > 30);
  for (const auto& [key, pattern] : es) {
    INFO(key);
    // A Spanish text that equals the English one is an untranslated copy, except for short
    // strings and patterns made only of arguments and punctuation.
    auto it =
        std::find_if(en.begin(), en.end(), [&k = key](const auto& e) { return e.first == k; });
    if (key.starts_with("bot.") && key != "bot.history.line" && pattern.size() > 12) {
      CHECK(it->second != pattern);
    }
  }
}

TEST_CASE("Format is safe from many threads at once", "[locales]") {
  const Catalog& c = Test();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        std::string lang = (t + i) % 2 ? "es" : "en";
        std::string want = lang == "en" ? "2 payments" : "2 pagos";
        if (c.Format(lang, "t.payments", {{"count", int64_t{2}}}) != want) ++wrong;
        if (c.FormatDateTime(lang, DateTime{At(2026, 12, 2, 16, 0), DateTimeStyle::kTime}) !=
            (lang == "en" ? "8:00 AM" : "8:00 a. m.")) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

}  // namespace
}  // namespace connecthub::locales
