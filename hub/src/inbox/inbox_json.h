#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"
#include "inbox/reply_target.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

// JSON shapes of the caseworker API and the /ws/inbox pushes (hub/API.md). Pure; thread-safe.
// A thread summary carries its reply target ("due_at", "overdue" at `now_ms`).
boost::json::object ThreadSummaryJson(const storage::ThreadRecord& thread,
                                      const ReplyTarget& target, int64_t now_ms);
// A message as caseworkers see it (notes included, from "note").
boost::json::object MessageJson(const storage::MessageRecord& message);
// An audit row (GET /api/inbox/audit, `connecthub export`).
boost::json::object AuditJson(const storage::AuditRecord& row);
// Cases and appointments of a participant, for the thread detail.
boost::json::object CaseworkerJson(const storage::Caseworker& caseworker);
void AddFactsJson(const bot::ParticipantFacts& facts, boost::json::object* out);

// Integer cents as a decimal string ("667.93", "-5.00").
std::string CentsToDecimal(int64_t cents);
// A calendar day as "YYYY-MM-DD".
std::string IsoDate(std::chrono::sys_days day);
// "YYYY-MM-DD" (a real date, 1970 to 9999) as a calendar day; nullopt for anything else.
std::optional<std::chrono::year_month_day> ParseIsoDate(std::string_view text);

// Whether `caseworker` may see `thread`: a supervisor sees all; others see a transferred thread
// when it is in their county's queue, other threads when they have a case in their county, and
// threads with no county at all (the triage queue: unlinked SMS numbers) when their county is one
// of `triage_counties` (`serve --triage-county`; empty: every caseworker with a county).
bool Visible(const storage::Caseworker& caseworker, const storage::ThreadRecord& thread,
             const std::vector<std::string>& triage_counties);
// Whether the thread is in the triage queue: no queue county and no case county.
bool InTriage(const storage::ThreadRecord& thread);
// Whether `caseworker` sees the triage queue (see Visible).
bool SeesTriage(const storage::Caseworker& caseworker,
                const std::vector<std::string>& triage_counties);

}  // namespace connecthub::hub::inbox
