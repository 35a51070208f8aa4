#pragma once

#include <string>
#include <vector>

#include "bot/office_hours.h"

namespace connecthub::hub::cli {

// Reads `--office-hours DAYS HH:MM-HH:MM` (DAYS: ISO weekdays 1..7 as a range "1-5" or a list
// "1,2,3") and `--holiday YYYY-MM-DD` (repeatable) into *out. False and *error on a bad value.
bool ParseOfficeHours(const std::string& hours, const std::vector<std::string>& holidays,
                      bot::OfficeHoursOptions* out, std::string* error);

}  // namespace connecthub::hub::cli
