// Supervisors' reports: per day, county and language, what the bot answered, what it handed to the
// inbox, how long parents waited for a caseworker's first reply, and what was resolved.
#include <optional>

#include "report_builder.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

constexpr const char* kBotAnswers =
    "SELECT thread_id, intent, at_ms FROM messages INDEXED BY messages_bot_by_time "
    "WHERE sender = 'bot' AND at_ms >= ? AND at_ms < ? AND intent != ''";
constexpr const char* kEscalations =
    "SELECT thread_id, at_ms FROM thread_events WHERE kind = 'escalated' AND at_ms >= ? "
    "AND at_ms < ?";
// The first caseworker reply at or after an escalation, before the thread's next escalation.
constexpr const char* kFirstReply =
    "SELECT MIN(m.at_ms) FROM messages m WHERE m.thread_id = ?1 AND m.sender = 'caseworker' "
    "AND m.at_ms >= ?2 AND m.at_ms < COALESCE((SELECT MIN(e.at_ms) FROM thread_events e "
    "WHERE e.thread_id = ?1 AND e.kind = 'escalated' AND e.at_ms > ?2), 9223372036854775807)";
constexpr const char* kResolves =
    "SELECT thread_id, at_ms FROM audit_log INDEXED BY audit_resolves_by_time "
    "WHERE action = 'resolve' AND at_ms >= ? AND at_ms < ?";
constexpr const char* kThreadLang = "SELECT lang, participant_id FROM threads WHERE id = ?";
constexpr const char* kCounties =
    "SELECT DISTINCT c.county FROM case_roles r JOIN cases c ON c.case_number = r.case_number "
    "WHERE r.participant_id = ? ORDER BY c.county";

}  // namespace

Result<std::vector<ReportRow>> SqliteStore::Report(const ReportQuery& query) {
  if (!query.day_of) return Status(Code::kInvalid, "a report needs its calendar (day_of)");
  if (query.to_ms <= query.from_ms) return std::vector<ReportRow>{};
  return readers_->Call<std::vector<ReportRow>>([&](Conn& c) -> Result<std::vector<ReportRow>> {
    // One snapshot for all the queries: an escalation and its reply, or a resolve, committed
    // between two of them would otherwise be counted half.
    struct Snapshot {
      SQLite::Database& db;
      explicit Snapshot(SQLite::Database& d) : db(d) { db.exec("BEGIN"); }
      ~Snapshot() { (void)db.tryExec("COMMIT"); }
    } snapshot(c.db());
    ReportBuilder b(query, [&](int64_t id) {
      ReportThread key;
      std::string participant;
      {
        auto q = c.Prep(kThreadLang);
        q->bind(1, id);
        if (q->executeStep()) {
          key.lang = q->getColumn(0).getString();
          if (!q->getColumn(1).isNull()) participant = q->getColumn(1).getString();
        }
      }
      if (!participant.empty()) {
        auto q = c.Prep(kCounties);
        q->bind(1, participant);
        while (q->executeStep()) key.counties.push_back(q->getColumn(0).getString());
      }
      return key;
    });
    {
      auto q = c.Prep(kBotAnswers);
      q->bind(1, query.from_ms);
      q->bind(2, query.to_ms);
      while (q->executeStep()) {
        b.BotAnswer(q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                    q->getColumn(2).getInt64());
      }
    }
    std::vector<std::pair<int64_t, int64_t>> escalations;  // thread, at
    {
      auto q = c.Prep(kEscalations);
      q->bind(1, query.from_ms);
      q->bind(2, query.to_ms);
      while (q->executeStep()) {
        escalations.emplace_back(q->getColumn(0).getInt64(), q->getColumn(1).getInt64());
      }
    }
    for (const auto& [thread_id, at] : escalations) {
      std::optional<int64_t> reply;
      {
        auto q = c.Prep(kFirstReply);
        q->bind(1, thread_id);
        q->bind(2, at);
        if (q->executeStep() && !q->getColumn(0).isNull()) reply = q->getColumn(0).getInt64();
      }
      b.Escalation(thread_id, at, reply);
    }
    {
      auto q = c.Prep(kResolves);
      q->bind(1, query.from_ms);
      q->bind(2, query.to_ms);
      while (q->executeStep()) b.Resolve(q->getColumn(0).getInt64(), q->getColumn(1).getInt64());
    }
    return b.Rows();
  });
}

}  // namespace connecthub::storage
