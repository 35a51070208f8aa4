// Canned replies (issue 19): agency templates managed by supervisors, per language. Plain text:
// they hold no personal data (placeholders are filled in the caseworker's browser).
#include "canned_rules.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

// The columns ReadRow reads, in its order.
CannedReply ReadRow(SQLite::Statement& q) {
  return CannedReply{q.getColumn(0).getInt64(),  q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getString(),
                     q.getColumn(4).getInt64(),  q.getColumn(5).getInt64(),
                     q.getColumn(6).getInt64()};
}

std::optional<CannedReply> LoadCanned(Conn& c, int64_t id) {
  auto q = c.Prep(
      "SELECT id, lang, label, body, position, updated_by, updated_ms FROM canned_replies "
      "WHERE id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return ReadRow(*q);
}

}  // namespace

Result<std::vector<CannedReply>> SqliteStore::ListCanned(const std::string& lang) {
  if (!KnownCannedLang(lang)) return Status(Code::kInvalid, "lang must be en or es");
  return readers_->Call<std::vector<CannedReply>>([&](Conn& c) -> Result<std::vector<CannedReply>> {
    auto q = c.Prep(
        "SELECT id, lang, label, body, position, updated_by, updated_ms FROM canned_replies "
        "WHERE lang = ? ORDER BY position, id");
    q->bind(1, lang);
    std::vector<CannedReply> out;
    while (q->executeStep()) out.push_back(ReadRow(*q));
    return out;
  });
}

Result<CannedReply> SqliteStore::AddCanned(int64_t caseworker_id, const std::string& lang,
                                           const std::string& label, const std::string& text,
                                           int64_t now_ms) {
  if (!KnownCannedLang(lang)) return Status(Code::kInvalid, "lang must be en or es");
  if (Status s = CheckCannedContent(label, text); !s.ok()) return s;
  return writer_->Call<CannedReply>([&](Conn& c) -> Result<CannedReply> {
    int64_t count = 0;
    int64_t last = 0;
    {
      auto q =
          c.Prep("SELECT COUNT(*), COALESCE(MAX(position), 0) FROM canned_replies WHERE lang = ?");
      q->bind(1, lang);
      q->executeStep();
      count = q->getColumn(0).getInt64();
      last = q->getColumn(1).getInt64();
    }
    if (count >= CannedReply::kMaxPerLanguage) {
      return TooManyCanned();
    }
    auto q = c.Prep(
        "INSERT INTO canned_replies(lang, label, body, position, created_by, created_ms, "
        "updated_by, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)");
    q->bind(1, lang);
    q->bind(2, label);
    q->bind(3, text);
    q->bind(4, last + 1);
    q->bind(5, caseworker_id);
    q->bind(6, now_ms);
    q->exec();
    int64_t id = c.db().getLastInsertRowid();
    AuditIn(c, caseworker_id, 0, "canned_add", now_ms);
    return CannedReply{id, lang, label, text, last + 1, caseworker_id, now_ms};
  });
}

Result<CannedReply> SqliteStore::UpdateCanned(int64_t caseworker_id, int64_t id,
                                              const std::string& label, const std::string& text,
                                              int64_t now_ms) {
  if (Status s = CheckCannedContent(label, text); !s.ok()) return s;
  return writer_->Call<CannedReply>([&](Conn& c) -> Result<CannedReply> {
    auto q = c.Prep(
        "UPDATE canned_replies SET label = ?, body = ?, updated_by = ?, updated_ms = ? "
        "WHERE id = ?");
    q->bind(1, label);
    q->bind(2, text);
    q->bind(3, caseworker_id);
    q->bind(4, now_ms);
    q->bind(5, id);
    if (q->exec() == 0) return Status(Code::kNotFound, "no such canned reply");
    AuditIn(c, caseworker_id, 0, "canned_edit", now_ms);
    auto row = LoadCanned(c, id);
    if (!row) return Status(Code::kInternal, "canned reply vanished");
    return *row;
  });
}

Status SqliteStore::DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) {
  return writer_->Run([&](Conn& c) -> Status {
    auto q = c.Prep("DELETE FROM canned_replies WHERE id = ?");
    q->bind(1, id);
    if (q->exec() == 0) return Status(Code::kNotFound, "no such canned reply");
    AuditIn(c, caseworker_id, 0, "canned_delete", now_ms);
    return Status::Ok();
  });
}

}  // namespace connecthub::storage
