#include "local_time.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace connecthub::bot {
namespace {

class IcuLocalCalendar final : public LocalCalendar {
 public:
  explicit IcuLocalCalendar(std::unique_ptr<icu::TimeZone> zone) : zone_(std::move(zone)) {}

  std::chrono::year_month_day Today(std::chrono::sys_seconds now) const override {
    return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(LocalMs(now)));
  }

  int Hour12(std::chrono::sys_seconds at) const override {
    auto local = LocalMs(at);
    auto hour =
        std::chrono::floor<std::chrono::hours>(local - std::chrono::floor<std::chrono::days>(local))
            .count();
    return hour % 12 == 0 ? 12 : static_cast<int>(hour % 12);
  }

  std::chrono::sys_seconds Local(std::chrono::sys_seconds at) const override {
    return std::chrono::floor<std::chrono::seconds>(LocalMs(at));
  }

 private:
  // Local wall-clock time, expressed as if it were UTC.
  std::chrono::sys_time<std::chrono::milliseconds> LocalMs(std::chrono::sys_seconds at) const {
    int32_t raw = 0;
    int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    // getOffset() on a const Olson zone only reads its immutable transition table.
    zone_->getOffset(static_cast<UDate>(at.time_since_epoch().count()) * 1000.0, false, raw, dst,
                     status);
    if (U_FAILURE(status)) raw = dst = 0;
    return at + std::chrono::milliseconds(raw + dst);
  }

  std::unique_ptr<icu::TimeZone> zone_;
};

}  // namespace

std::unique_ptr<LocalCalendar> LocalCalendar::Create(const std::string& time_zone) {
  std::unique_ptr<icu::TimeZone> zone(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  if (!zone || *zone == icu::TimeZone::getUnknown()) return nullptr;
  return std::make_unique<IcuLocalCalendar>(std::move(zone));
}

}  // namespace connecthub::bot
