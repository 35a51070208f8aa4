#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace connecthub::storage {

// What LoadFacts reads as of `now_ms`, the same on every backend: payments dated from `cutoff`
// (24 months back, the same day of the month or its last) to `today`, appointments ending after
// `now_s`. Days since 1970-01-01; seconds since the epoch.
struct FactsWindow {
  int64_t now_s = 0;
  int64_t today = 0;
  int64_t cutoff = 0;

  static FactsWindow At(int64_t now_ms) {
    using namespace std::chrono;
    FactsWindow w;
    w.now_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
    sys_days today = floor<days>(sys_seconds(seconds(w.now_s)));
    year_month_day ymd(today);
    year_month ym = ymd.year() / ymd.month() - months(24);
    day d = std::min(ymd.day(), (ym / last).day());
    w.today = today.time_since_epoch().count();
    w.cutoff = sys_days(ym / d).time_since_epoch().count();
    return w;
  }
};

}  // namespace connecthub::storage
