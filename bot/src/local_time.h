#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace connecthub::bot {

// The calendar day of an instant in a time zone (the agency's), for "payments of March" to mean
// the last March as the parent sees it. Immutable after Create(); thread-safe.
class LocalCalendar {
 public:
  // Fails (nullptr) for a zone ICU does not know.
  static std::unique_ptr<LocalCalendar> Create(const std::string& time_zone);

  virtual ~LocalCalendar() = default;

  virtual std::chrono::year_month_day Today(std::chrono::sys_seconds now) const = 0;

  // The hour on a 12-hour clock (1..12) at `at`: Spanish says "a la 1:00" but "a las 2:00".
  virtual int Hour12(std::chrono::sys_seconds at) const = 0;

  // The local wall-clock time at `at`, expressed as if it were UTC.
  virtual std::chrono::sys_seconds Local(std::chrono::sys_seconds at) const = 0;
};

}  // namespace connecthub::bot
