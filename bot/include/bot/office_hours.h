#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace connecthub::bot {

struct OfficeHoursOptions {
  std::string time_zone = "America/Los_Angeles";  // the agency's. Default Pacific.
  // Open days as ISO weekdays (1 Monday ... 7 Sunday). Default Monday to Friday.
  std::vector<unsigned> days = {1, 2, 3, 4, 5};
  int open_minute = 8 * 60;    // local minute of the day caseworkers come in. Default 8:00.
  int close_minute = 17 * 60;  // local minute they leave (exclusive). Default 17:00.
  std::vector<std::chrono::year_month_day> holidays;  // local dates closed all day. Default none.
};

// When caseworkers are in: tells whether an instant is within office hours and when they are next
// in. Immutable after Create(); thread-safe.
class OfficeHours {
 public:
  // Fails (nullptr plus *error) for an unknown time zone, a day outside 1..7 or hours that do not
  // make a spell within one day.
  static std::unique_ptr<OfficeHours> Create(const OfficeHoursOptions& options, std::string* error);

  virtual ~OfficeHours() = default;

  virtual bool IsOpen(std::chrono::sys_seconds at) const = 0;
  // `at` when open; otherwise the start of the next open spell (within a year; `at` + 1 year when
  // the options leave no open day).
  virtual std::chrono::sys_seconds NextOpen(std::chrono::sys_seconds at) const = 0;
  // Whether `from` and `to` lie in the same open spell (a wait that office hours account for).
  virtual bool SameSpell(std::chrono::sys_seconds from, std::chrono::sys_seconds to) const = 0;
  // The local hour on a 12-hour clock (Spanish says "a la 1:00" but "a las 2:00").
  virtual int Hour12(std::chrono::sys_seconds at) const = 0;
  // The instant when `open_time` of office time has passed since `from`: only time within office
  // hours counts (nights, closed days and holidays do not), counting from NextOpen(from). A reply
  // target in business hours. `from` + 1 year past the last open day when none is left.
  virtual std::chrono::sys_seconds AddOpenTime(std::chrono::sys_seconds from,
                                               std::chrono::seconds open_time) const = 0;
  // The length of one office day (close minus open): "one business day".
  virtual std::chrono::seconds DayLength() const = 0;
  // The agency's calendar day of `at` (in the time zone of the options).
  virtual std::chrono::year_month_day LocalDate(std::chrono::sys_seconds at) const = 0;
  // When that calendar day begins: its local midnight, as an instant.
  virtual std::chrono::sys_seconds DayStart(std::chrono::year_month_day day) const = 0;
};

}  // namespace connecthub::bot
