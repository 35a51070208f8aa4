#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace connecthub::locales {

// Money in integer cents (never floating point).
struct Money {
  int64_t cents = 0;
};

// How a Date argument is written.
enum class DateStyle {
  kLong,       // "December 2, 2026" / "2 de diciembre de 2026" (the default)
  kFull,       // with the weekday: "Wednesday, December 2, 2026" / "miércoles, 2 de diciembre..."
  kMonthYear,  // "December 2026" / "diciembre de 2026"
};

// A calendar date (no time zone): formatted as is.
struct Date {
  std::chrono::sys_days day;
  DateStyle style = DateStyle::kLong;
};

// How a DateTime argument is written (always in CatalogOptions::time_zone).
enum class DateTimeStyle {
  kDateTime,  // long date and short time: "December 2, 2026 at 8:00 AM" (the default)
  kFullDate,  // the local date with its weekday: "Wednesday, December 2, 2026"
  kTime,      // short time only: "8:00 AM" / "8:00 a. m."
};

// An instant: formatted in the catalog's time zone (America/Los_Angeles by default).
struct DateTime {
  std::chrono::sys_seconds at;
  DateTimeStyle style = DateTimeStyle::kDateTime;
};

// A value for a MessageFormat argument: text, integer (plural/select on numbers), money, date,
// date-time. Money, Date and DateTime are written by the catalog (currency USD, the locale's date
// styles, the agency's zone) and enter the pattern as text: write them as plain `{name}`. Patterns
// may not use `{x, date}` / `{x, time}` (ICU would use the process's zone); Create() rejects them.
// Integers are written with grouping ("1,234"): pass a year as text.
using Arg = std::variant<std::string, int64_t, Money, Date, DateTime>;
using Args = std::vector<std::pair<std::string, Arg>>;

struct CatalogOptions {
  // IANA zone for DateTime arguments. Default "America/Los_Angeles" (the agency's).
  std::string time_zone = "America/Los_Angeles";
};

// Message catalogs for every user-facing text (bot replies, SMS keywords, widget and inbox UI),
// in ICU MessageFormat, one set per language: locales/en/*.properties and locales/es/*.properties
// (UTF-8, `key=pattern` a line, `#` comments, blank lines; `\n` in a pattern is a line break),
// embedded at build time; every file of a language's folder is merged. Languages are "en" (en-US
// formatting) and "es" (es-US formatting). Output uses plain spaces where ICU writes no-break
// spaces (U+00A0, U+202F in "8:00 AM"), so SMS and plain-text clients see ordinary text.
// Immutable after Create(); every method is thread-safe.
class Catalog {
 public:
  // Loads the embedded catalogs. Fails (nullptr plus *error) if a pattern does not parse or a key
  // exists in one language and not the other.
  static std::unique_ptr<Catalog> Create(const CatalogOptions& options, std::string* error);

  // Loads the given files instead of the embedded ones: (path "<lang>/<name>.properties",
  // contents). Same checks as Create(), plus: both "en" and "es" are present, no key is defined
  // twice in a language, every line is `key=pattern`, comment or blank, the text is valid UTF-8
  // and the time zone is known. Fails with nullptr plus *error naming the file, line and key.
  static std::unique_ptr<Catalog> CreateFromFiles(
      const CatalogOptions& options,
      std::span<const std::pair<std::string_view, std::string_view>> files, std::string* error);

  virtual ~Catalog() = default;

  // Formats `key` in `lang` with `args`. An unknown language falls back to "en"; an unknown key
  // returns the key itself (and is a test failure, never a crash).
  virtual std::string Format(std::string_view lang, std::string_view key,
                             const Args& args = {}) const = 0;

  // Locale-aware pieces, for callers that build text from parts.
  virtual std::string FormatMoney(std::string_view lang, Money money) const = 0;
  virtual std::string FormatDate(std::string_view lang, Date date) const = 0;
  virtual std::string FormatDateTime(std::string_view lang, DateTime at) const = 0;

  // Every key of `lang` whose name starts with `prefix`, with its raw pattern, sorted by key (e.g.
  // prefix "web." for the web pages, which get their strings as JSON from the hub). An unknown
  // language falls back to "en".
  virtual std::vector<std::pair<std::string, std::string>> Entries(
      std::string_view lang, std::string_view prefix) const = 0;
};

}  // namespace connecthub::locales
