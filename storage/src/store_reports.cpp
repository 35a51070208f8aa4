// Supervisors' reports: per day, county and language, what the bot answered, what it handed to the
// inbox, how long parents waited for a caseworker's first reply, and what was resolved.
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

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

// Where a thread's rows go: its language and counties ("" for none).
struct ThreadKey {
  std::string lang;
  std::vector<std::string> counties;
};

using RowKey = std::tuple<std::string, std::string, std::string>;  // date, county, lang

struct Builder {
  Conn& c;
  const ReportQuery& query;
  std::map<int64_t, ThreadKey> threads;
  std::map<RowKey, ReportRow> rows;
  std::map<RowKey, std::map<std::string, int64_t>> intents;

  const ThreadKey& Thread(int64_t id) {
    auto it = threads.find(id);
    if (it != threads.end()) return it->second;
    ThreadKey key;
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
    if (key.counties.empty()) key.counties.emplace_back();
    return threads.emplace(id, std::move(key)).first->second;
  }

  // Calls `fn(row, key)` for each row the thread's event at `at_ms` counts in.
  template <typename Fn>
  void Each(int64_t thread_id, int64_t at_ms, Fn fn) {
    std::string date = query.day_of(at_ms);
    const ThreadKey& t = Thread(thread_id);
    for (const std::string& county : t.counties) {
      RowKey key{date, county, t.lang};
      ReportRow& row = rows[key];
      if (row.date.empty()) {
        row.date = date;
        row.county = county;
        row.lang = t.lang;
      }
      fn(row, key);
    }
  }
};

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
    Builder b{c, query, {}, {}, {}};
    {
      auto q = c.Prep(kBotAnswers);
      q->bind(1, query.from_ms);
      q->bind(2, query.to_ms);
      while (q->executeStep()) {
        std::string intent = q->getColumn(1).getString();
        b.Each(q->getColumn(0).getInt64(), q->getColumn(2).getInt64(),
               [&](ReportRow&, const RowKey& key) { ++b.intents[key][intent]; });
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
    for (const auto& escalation : escalations) {
      // Plain locals, not a structured binding: clang 14 cannot capture those in the lambda.
      const int64_t thread_id = escalation.first;
      const int64_t at = escalation.second;
      std::optional<int64_t> reply;
      {
        auto q = c.Prep(kFirstReply);
        q->bind(1, thread_id);
        q->bind(2, at);
        if (q->executeStep() && !q->getColumn(0).isNull()) reply = q->getColumn(0).getInt64();
      }
      b.Each(thread_id, at, [&](ReportRow& row, const RowKey&) {
        ++row.escalations;
        if (reply) row.first_reply_ms.push_back(*reply - at);
      });
    }
    {
      auto q = c.Prep(kResolves);
      q->bind(1, query.from_ms);
      q->bind(2, query.to_ms);
      while (q->executeStep()) {
        b.Each(q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
               [](ReportRow& row, const RowKey&) { ++row.resolved; });
      }
    }
    std::vector<ReportRow> out;
    out.reserve(b.rows.size());
    for (auto& [key, row] : b.rows) {
      auto it = b.intents.find(key);
      if (it != b.intents.end()) row.intents.assign(it->second.begin(), it->second.end());
      std::sort(row.first_reply_ms.begin(), row.first_reply_ms.end());
      out.push_back(std::move(row));
    }
    return out;
  });
}

}  // namespace connecthub::storage
