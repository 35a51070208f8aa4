#include "bot/office_hours.h"

#include <algorithm>

#include "local_time.h"

namespace connecthub::bot {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

class OfficeHoursImpl final : public OfficeHours {
 public:
  OfficeHoursImpl(OfficeHoursOptions options, std::unique_ptr<LocalCalendar> calendar)
      : options_(std::move(options)), calendar_(std::move(calendar)) {}

  bool IsOpen(sys_seconds at) const override {
    sys_seconds local = calendar_->Local(at);
    sys_days day = std::chrono::floor<days>(local);
    auto minute = std::chrono::duration_cast<minutes>(local - day).count();
    return OpenDay(day) && minute >= options_.open_minute && minute < options_.close_minute;
  }

  sys_seconds NextOpen(sys_seconds at) const override {
    if (IsOpen(at)) return at;
    sys_seconds local = calendar_->Local(at);
    sys_days today = std::chrono::floor<days>(local);
    for (int k = 0; k <= 366; ++k) {
      sys_days day = today + days(k);
      if (!OpenDay(day)) continue;
      sys_seconds open_local = day + minutes(options_.open_minute);
      if (open_local <= local) continue;  // today's spell is over
      return ToUtc(open_local);
    }
    return at + days(366);
  }

  sys_seconds AddOpenTime(sys_seconds from, std::chrono::seconds open_time) const override {
    sys_seconds at = NextOpen(from);
    // Each turn uses up the rest of one open spell; a year of spells is more than any target.
    for (int spells = 0; spells <= 400 && IsOpen(at); ++spells) {
      sys_days day = std::chrono::floor<days>(calendar_->Local(at));
      sys_seconds close = ToUtc(day + minutes(options_.close_minute));
      if (close - at >= open_time) return at + open_time;
      open_time -= close - at;
      at = NextOpen(close);
    }
    return at + open_time;
  }

  std::chrono::seconds DayLength() const override {
    return minutes(options_.close_minute - options_.open_minute);
  }

  int Hour12(sys_seconds at) const override { return calendar_->Hour12(at); }

  std::chrono::year_month_day LocalDate(sys_seconds at) const override {
    return calendar_->Today(at);
  }

  sys_seconds DayStart(std::chrono::year_month_day day) const override {
    return ToUtc(sys_days(day));
  }

  bool SameSpell(sys_seconds from, sys_seconds to) const override {
    if (to < from || !IsOpen(from) || !IsOpen(to)) return false;
    return std::chrono::floor<days>(calendar_->Local(from)) ==
           std::chrono::floor<days>(calendar_->Local(to));
  }

 private:
  // Wall clock to UTC with the offset in force then (office hours never start or end in a DST
  // gap, and US zones change at 2:00, so midnight is never in one either).
  sys_seconds ToUtc(sys_seconds local) const {
    sys_seconds guess = local - (calendar_->Local(local) - local);
    return local - (calendar_->Local(guess) - guess);
  }

  bool OpenDay(sys_days day) const {
    unsigned weekday = std::chrono::weekday(day).iso_encoding();
    if (std::find(options_.days.begin(), options_.days.end(), weekday) == options_.days.end()) {
      return false;
    }
    std::chrono::year_month_day ymd(day);
    return std::find(options_.holidays.begin(), options_.holidays.end(), ymd) ==
           options_.holidays.end();
  }

  OfficeHoursOptions options_;
  std::unique_ptr<LocalCalendar> calendar_;
};

}  // namespace

std::unique_ptr<OfficeHours> OfficeHours::Create(const OfficeHoursOptions& options,
                                                 std::string* error) {
  for (unsigned d : options.days) {
    if (d < 1 || d > 7) {
      *error = "office days are ISO weekdays 1 (Monday) to 7 (Sunday)";
      return nullptr;
    }
  }
  if (options.open_minute < 0 || options.close_minute > 24 * 60 ||
      options.open_minute >= options.close_minute) {
    *error = "office hours must open before they close, within one day";
    return nullptr;
  }
  auto calendar = LocalCalendar::Create(options.time_zone);
  if (calendar == nullptr) {
    *error = "unknown time zone " + options.time_zone;
    return nullptr;
  }
  return std::make_unique<OfficeHoursImpl>(options, std::move(calendar));
}

}  // namespace connecthub::bot
