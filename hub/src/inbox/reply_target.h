#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "bot/office_hours.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

// When a waiting thread should have a caseworker's answer: `business` of office time (the office
// hours of `serve --office-hours/--holiday`) after it started waiting. Nights, closed days and
// holidays do not count. Pure; thread-safe while `hours` is.
struct ReplyTarget {
  const bot::OfficeHours* hours = nullptr;  // null: no target (due_at null, never overdue)
  // Office time allowed (`serve --reply-target-hours`). Zero: one office day (close minus open,
  // 9 h with the default 08:00-17:00).
  std::chrono::seconds business{0};

  // The due time (epoch ms) of a waiting thread; nullopt when the thread is not waiting.
  std::optional<int64_t> DueMs(const storage::ThreadRecord& thread) const;
  // Waiting and past its due time at `now_ms`.
  bool Overdue(const storage::ThreadRecord& thread, int64_t now_ms) const;
};

// The target of `serve --reply-target-hours` (fractions allowed; at least one second): 0 or less
// is the default, one office day.
ReplyTarget MakeReplyTarget(const bot::OfficeHours* hours, double target_hours);

// Adds "due_at" (ISO time or null) and "overdue" (bool) to a thread summary.
void AddDueJson(const ReplyTarget& target, const storage::ThreadRecord& thread, int64_t now_ms,
                boost::json::object* summary);

// The inbox's order: high priority first, then overdue threads, then the rest; the order within
// each group is kept (the store's: longest waiting first, then the latest message).
void SortForInbox(const ReplyTarget& target, int64_t now_ms,
                  std::vector<storage::ThreadRecord>* threads);

}  // namespace connecthub::hub::inbox
