#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
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

// A calendar date (no time zone): formatted as is.
struct Date {
  std::chrono::sys_days day;
};

// An instant: formatted in the catalog's time zone (America/Los_Angeles by default).
struct DateTime {
  std::chrono::sys_seconds at;
};

// A value for a MessageFormat argument: text, integer (plural/select on numbers), money, date,
// date-time.
using Arg = std::variant<std::string, int64_t, Money, Date, DateTime>;
using Args = std::vector<std::pair<std::string, Arg>>;

struct CatalogOptions {
  // IANA zone for DateTime arguments. Default "America/Los_Angeles" (the agency's).
  std::string time_zone = "America/Los_Angeles";
};

// Message catalogs for every user-facing text (bot replies, SMS keywords, widget and inbox UI),
// in ICU MessageFormat, one set per language: locales/en/*.properties and locales/es/*.properties
// (UTF-8, `key=pattern` a line, `#` comments), embedded at build time. Languages are "en" (en-US
// formatting) and "es" (es-US formatting). Immutable after Create(); every method is thread-safe.
class Catalog {
 public:
  // Loads the embedded catalogs. Fails (nullptr plus *error) if a pattern does not parse or a key
  // exists in one language and not the other.
  static std::unique_ptr<Catalog> Create(const CatalogOptions& options, std::string* error);

  virtual ~Catalog() = default;

  // Formats `key` in `lang` with `args`. An unknown language falls back to "en"; an unknown key
  // returns the key itself (and is a test failure, never a crash).
  virtual std::string Format(std::string_view lang, std::string_view key,
                             const Args& args = {}) const = 0;

  // Locale-aware pieces, for callers that build text from parts.
  virtual std::string FormatMoney(std::string_view lang, Money money) const = 0;
  virtual std::string FormatDate(std::string_view lang, Date date) const = 0;
  virtual std::string FormatDateTime(std::string_view lang, DateTime at) const = 0;

  // Every key of `lang` whose name starts with `prefix`, with its raw pattern (e.g. prefix
  // "widget." for the web pages, which get their strings as JSON from the hub).
  virtual std::vector<std::pair<std::string, std::string>> Entries(
      std::string_view lang, std::string_view prefix) const = 0;
};

}  // namespace connecthub::locales
