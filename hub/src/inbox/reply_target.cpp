#include "inbox/reply_target.h"

#include <algorithm>
#include <boost/json.hpp>

#include "log.h"

namespace connecthub::hub::inbox {

namespace json = boost::json;

std::optional<int64_t> ReplyTarget::DueMs(const storage::ThreadRecord& thread) const {
  if (hours == nullptr || thread.state != storage::ThreadState::kWaiting ||
      thread.waiting_since_ms <= 0) {
    return std::nullopt;
  }
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  using std::chrono::sys_seconds;
  // Whole seconds: the due time is a business-hours target, not a stopwatch.
  sys_seconds since{std::chrono::floor<seconds>(milliseconds(thread.waiting_since_ms))};
  seconds allowed = business.count() > 0 ? business : hours->DayLength();
  sys_seconds due = hours->AddOpenTime(since, allowed);
  return static_cast<int64_t>(due.time_since_epoch().count()) * 1000;
}

ReplyTarget MakeReplyTarget(const bot::OfficeHours* hours, double target_hours) {
  if (!(target_hours > 0)) return {.hours = hours, .business = std::chrono::seconds(0)};
  return {.hours = hours,
          .business = std::chrono::seconds(
              std::max<int64_t>(1, static_cast<int64_t>(target_hours * 3600 + 0.5)))};
}

bool ReplyTarget::Overdue(const storage::ThreadRecord& thread, int64_t now_ms) const {
  auto due = DueMs(thread);
  return due.has_value() && now_ms >= *due;
}

void AddDueJson(const ReplyTarget& target, const storage::ThreadRecord& thread, int64_t now_ms,
                json::object* summary) {
  auto due = target.DueMs(thread);
  (*summary)["due_at"] = due ? json::value(IsoTime(*due)) : json::value(nullptr);
  (*summary)["overdue"] = due.has_value() && now_ms >= *due;
}

void SortForInbox(const ReplyTarget& target, int64_t now_ms,
                  std::vector<storage::ThreadRecord>* threads) {
  auto rank = [&](const storage::ThreadRecord& t) {
    if (t.priority > 0) return 0;
    return target.Overdue(t, now_ms) ? 1 : 2;
  };
  std::stable_sort(threads->begin(), threads->end(),
                   [&](const storage::ThreadRecord& a, const storage::ThreadRecord& b) {
                     return rank(a) < rank(b);
                   });
}

}  // namespace connecthub::hub::inbox
