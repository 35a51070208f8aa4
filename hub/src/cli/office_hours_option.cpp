#include "cli/office_hours_option.h"

#include <charconv>
#include <chrono>

#include "inbox/inbox_json.h"

namespace connecthub::hub::cli {
namespace {

bool Number(std::string_view s, int min, int max, int* out) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v < min || v > max) {
    return false;
  }
  *out = v;
  return true;
}

// "HH:MM" as minutes of the day (24:00 allowed as the end of the day).
bool Clock(std::string_view s, int* minutes) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !Number(s.substr(0, 2), 0, 24, &h) ||
      !Number(s.substr(3, 2), 0, 59, &m) || (h == 24 && m != 0)) {
    return false;
  }
  *minutes = h * 60 + m;
  return true;
}

}  // namespace

bool ParseOfficeHours(const std::string& hours, const std::vector<std::string>& holidays,
                      bot::OfficeHoursOptions* out, std::string* error) {
  if (!hours.empty()) {
    size_t space = hours.find(' ');
    std::string_view days = std::string_view(hours).substr(0, space);
    std::string_view clock =
        space == std::string::npos ? std::string_view() : std::string_view(hours).substr(space + 1);
    std::vector<unsigned> list;
    int a = 0, b = 0;
    if (days.size() == 3 && days[1] == '-' && Number(days.substr(0, 1), 1, 7, &a) &&
        Number(days.substr(2, 1), 1, 7, &b) && a <= b) {
      for (int d = a; d <= b; ++d) list.push_back(static_cast<unsigned>(d));
    } else {
      for (size_t i = 0; i < days.size(); i += 2) {
        if (!Number(days.substr(i, 1), 1, 7, &a) || (i + 1 < days.size() && days[i + 1] != ',')) {
          list.clear();
          break;
        }
        list.push_back(static_cast<unsigned>(a));
      }
    }
    size_t dash = clock.find('-');
    int open = 0, close = 0;
    if (list.empty() || dash == std::string_view::npos || !Clock(clock.substr(0, dash), &open) ||
        !Clock(clock.substr(dash + 1), &close) || open >= close) {
      *error = "--office-hours must be like \"1-5 08:00-17:00\" (ISO weekdays, local times)";
      return false;
    }
    out->days = std::move(list);
    out->open_minute = open;
    out->close_minute = close;
  }
  for (const std::string& h : holidays) {
    auto ymd = inbox::ParseIsoDate(h);
    if (!ymd) {
      *error = "--holiday must be a date YYYY-MM-DD";
      return false;
    }
    out->holidays.push_back(*ymd);
  }
  return true;
}

}  // namespace connecthub::hub::cli
