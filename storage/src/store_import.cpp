#include <algorithm>
#include <chrono>
#include <istream>
#include <variant>

#include "extract_reader.h"
#include "facts_window.h"
#include "records.h"
#include "sqlite_store.h"

namespace connecthub::storage {

namespace {

bool Exists(Conn& c, const char* sql, const std::string& key) {
  auto q = c.Prep(sql);
  q->bind(1, key);
  return q->executeStep();
}

void BindBlob(Conn::Query& q, int index, const std::string& blob) {
  q->bind(index, blob.data(), static_cast<int>(blob.size()));
}

}  // namespace

namespace {

// Applies one `delete` correction. Deleting what is already gone is not an error (an extract can
// be imported twice). A case takes its roles, orders, payments and appointments with it. A
// participant takes their phones, appointments, case roles, SMS links and sessions, but one with
// conversations on record is refused: those are kept until `purge` (retention) removes them.
std::string DeleteRecord(Conn& c, const PDelete& d) {
  auto run = [&](const char* sql, const std::string& key, const std::string& key2 = {}) {
    auto q = c.Prep(sql);
    q->bind(1, key);
    if (!key2.empty()) q->bind(2, key2);
    q->exec();
  };
  using Kind = PDelete::Kind;
  switch (d.kind) {
    case Kind::kPayment:
      run("DELETE FROM payments WHERE payment_id = ?", d.id);
      return {};
    case Kind::kAppointment:
      run("DELETE FROM appointments WHERE appointment_id = ?", d.id);
      return {};
    case Kind::kOrder:
      run("DELETE FROM orders WHERE case_number = ? AND court_case_number = ?", d.id,
          d.court_case_number);
      return {};
    case Kind::kCase:  // roles, orders, payments and appointments follow (ON DELETE CASCADE)
      run("DELETE FROM cases WHERE case_number = ?", d.id);
      return {};
    case Kind::kParticipant:
      if (Exists(c, "SELECT 1 FROM threads WHERE participant_id = ? LIMIT 1", d.id)) {
        return "participant " + d.id +
               " has conversations on record (kept until purged); nothing deleted";
      }
      run("DELETE FROM appointments WHERE participant_id = ?", d.id);
      run("DELETE FROM case_roles WHERE participant_id = ?", d.id);
      run("DELETE FROM linked_phones WHERE participant_id = ?", d.id);
      run("DELETE FROM sessions WHERE kind = 'participant' AND subject = ?", d.id);
      run("DELETE FROM participants WHERE participant_id = ?", d.id);
      return {};
  }
  return "unknown delete";
}

}  // namespace

bot::AppointmentStatus ParseAppointmentStatus(std::string_view status) {
  if (status == "RESCHEDULED") return bot::AppointmentStatus::kRescheduled;
  if (status == "CANCELLED") return bot::AppointmentStatus::kCancelled;
  return bot::AppointmentStatus::kScheduled;
}

std::string WriteRecord(Conn& c, const Record& record) {
  constexpr const char* kCaseExists = "SELECT 1 FROM cases WHERE case_number = ?";
  constexpr const char* kParticipantExists = "SELECT 1 FROM participants WHERE participant_id = ?";
  if (const auto* p = std::get_if<PParticipant>(&record)) {
    auto q = c.Prep(
        "INSERT INTO participants(participant_id, first_name, last_name, email, language, "
        "pin_hash, pin_peppered, sms_reminders) VALUES(?,?,?,?,?,?,?,?) ON "
        "CONFLICT(participant_id) "
        "DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, email = "
        "excluded.email, language = excluded.language, pin_hash = excluded.pin_hash, "
        "pin_peppered = excluded.pin_peppered, sms_reminders = excluded.sms_reminders");
    q->bind(1, p->id);
    BindBlob(q, 2, p->first);
    BindBlob(q, 3, p->last);
    if (p->has_email) BindBlob(q, 4, p->email);
    q->bind(5, p->language);
    q->bind(6, p->pin_hash);
    q->bind(7, p->peppered ? 1 : 0);
    q->bind(8, p->sms_reminders ? 1 : 0);
    q->exec();
    auto d = c.Prep("DELETE FROM participant_phones WHERE participant_id = ?");
    d->bind(1, p->id);
    d->exec();
    for (size_t i = 0; i < p->phones.size(); ++i) {
      auto ph = c.Prep(
          "INSERT INTO participant_phones(participant_id, position, phone_index, "
          "phone) VALUES(?,?,?,?)");
      ph->bind(1, p->id);
      ph->bind(2, static_cast<int64_t>(i));
      BindBlob(ph, 3, p->phones[i].first);
      BindBlob(ph, 4, p->phones[i].second);
      ph->exec();
    }
    return {};
  }
  if (const auto* k = std::get_if<PCase>(&record)) {
    for (const auto& [id, role] : k->roles) {
      if (!Exists(c, kParticipantExists, id)) return "unknown participant " + id;
    }
    auto q = c.Prep(
        "INSERT INTO cases(case_number, county, status, opened_date, monthly_support_cents, "
        "past_due_installment_cents, past_due_cents) VALUES(?,?,?,?,?,?,?) "
        "ON CONFLICT(case_number) DO UPDATE SET county = excluded.county, status = "
        "excluded.status, opened_date = excluded.opened_date, monthly_support_cents = "
        "excluded.monthly_support_cents, past_due_installment_cents = "
        "excluded.past_due_installment_cents, past_due_cents = excluded.past_due_cents");
    q->bind(1, k->number);
    q->bind(2, k->county);
    q->bind(3, k->status);
    q->bind(4, k->opened);
    q->bind(5, k->monthly);
    q->bind(6, k->installment);
    q->bind(7, k->past_due);
    q->exec();
    auto d = c.Prep("DELETE FROM case_roles WHERE case_number = ?");
    d->bind(1, k->number);
    d->exec();
    for (const auto& [id, role] : k->roles) {
      auto r = c.Prep("INSERT INTO case_roles(case_number, participant_id, role) VALUES(?,?,?)");
      r->bind(1, k->number);
      r->bind(2, id);
      r->bind(3, role);
      r->exec();
    }
    return {};
  }
  if (const auto* o = std::get_if<POrder>(&record)) {
    if (!Exists(c, kCaseExists, o->case_number)) return "unknown case " + o->case_number;
    auto q = c.Prep(
        "INSERT INTO orders(case_number, court_case_number, file_date, county, status) "
        "VALUES(?,?,?,?,?) ON CONFLICT(case_number, court_case_number) DO UPDATE SET "
        "file_date = excluded.file_date, county = excluded.county, status = excluded.status");
    q->bind(1, o->case_number);
    q->bind(2, o->court_case_number);
    q->bind(3, o->file_date);
    q->bind(4, o->county);
    q->bind(5, o->status);
    q->exec();
    return {};
  }
  if (const auto* p = std::get_if<PPayment>(&record)) {
    if (!Exists(c, kCaseExists, p->case_number)) return "unknown case " + p->case_number;
    auto q = c.Prep(
        "INSERT INTO payments(payment_id, case_number, date, amount_cents, type, reversed) "
        "VALUES(?,?,?,?,?,?) ON CONFLICT(payment_id) DO UPDATE SET case_number = "
        "excluded.case_number, date = excluded.date, amount_cents = excluded.amount_cents, type = "
        "excluded.type, reversed = excluded.reversed");
    q->bind(1, p->id);
    q->bind(2, p->case_number);
    q->bind(3, p->date);
    q->bind(4, p->amount);
    q->bind(5, p->type);
    q->bind(6, p->reversed ? 1 : 0);
    q->exec();
    return {};
  }
  if (const auto* d = std::get_if<PDelete>(&record)) return DeleteRecord(c, *d);
  const auto& a = std::get<PAppointment>(record);
  if (!Exists(c, kCaseExists, a.case_number)) return "unknown case " + a.case_number;
  if (!Exists(c, kParticipantExists, a.participant_id)) {
    return "unknown participant " + a.participant_id;
  }
  auto q = c.Prep(
      "INSERT INTO appointments(appointment_id, case_number, participant_id, start_s, end_s, type, "
      "location, status) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(appointment_id) DO UPDATE SET "
      "case_number = excluded.case_number, participant_id = excluded.participant_id, start_s = "
      "excluded.start_s, end_s = excluded.end_s, type = excluded.type, location = "
      "excluded.location, status = excluded.status");
  q->bind(1, a.id);
  q->bind(2, a.case_number);
  q->bind(3, a.participant_id);
  q->bind(4, a.start);
  q->bind(5, a.end);
  q->bind(6, a.type);
  q->bind(7, a.location);
  q->bind(8, a.status);
  q->exec();
  return {};
}

Result<ImportStats> SqliteStore::Import(
    std::istream& jsonl,
    const std::function<void(int64_t line, const std::string& reason)>& on_rejected) {
  auto stats = RunImport(
      jsonl, *keys_, on_rejected,
      [&](const std::vector<ExtractLine>& batch) -> Result<ImportBatchOutcome> {
        return writer_->Call<ImportBatchOutcome>([&](Conn& c) -> Result<ImportBatchOutcome> {
          ImportBatchOutcome out;
          BumpCaseDataVersion(c);
          for (const ExtractLine& line : batch) {
            // A savepoint per line: a line that fails half-way leaves nothing behind.
            c.Prep("SAVEPOINT line")->exec();
            std::string why;
            try {
              why = WriteRecord(c, *line.record);
            } catch (const std::exception& e) {
              why = std::string("database rejected the record: ") + e.what();
            }
            if (!why.empty()) {
              c.Prep("ROLLBACK TO line")->exec();
              out.rejected.emplace_back(line.number, why);
            } else {
              ++out.counts[line.record->index()];
            }
            c.Prep("RELEASE line")->exec();
          }
          return out;
        });
      });
  // This process sees its own import at once; others within case_data_check_ms.
  case_data_checked_ms_.store(0);
  case_data_version_.store(-1);
  return stats;
}

// ---------------------------------------------------------------------------------------------

void BumpCaseDataVersion(Conn& c) {
  c.Prep(
       "INSERT INTO meta(name, value) VALUES('case_data_version', '1') ON CONFLICT(name) "
       "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
      ->exec();
}

int64_t SqliteStore::CaseDataVersion(int64_t now_ms) {
  int64_t checked = case_data_checked_ms_.load(std::memory_order_acquire);
  int64_t version = case_data_version_.load(std::memory_order_acquire);
  if (version >= 0 && now_ms >= checked && now_ms - checked < options_.case_data_check_ms) {
    return version;
  }
  auto read = readers_->Call<int64_t>([](Conn& c) -> Result<int64_t> {
    auto q = c.Prep("SELECT CAST(value AS INTEGER) FROM meta WHERE name = 'case_data_version'");
    return q->executeStep() ? q->getColumn(0).getInt64() : int64_t{0};
  });
  if (!read.ok()) return -1;  // unknown: the caller bypasses the cache
  case_data_version_.store(*read, std::memory_order_release);
  case_data_checked_ms_.store(now_ms, std::memory_order_release);
  return *read;
}

Result<bot::ParticipantFacts> SqliteStore::LoadFacts(const std::string& participant_id,
                                                     int64_t now_ms) {
  auto facts = SharedFacts(participant_id, now_ms, nullptr);
  if (!facts.ok()) return facts.status();
  return bot::ParticipantFacts(**facts);
}

Result<std::shared_ptr<const bot::ParticipantFacts>> SqliteStore::SharedFacts(
    const std::string& participant_id, int64_t now_ms, Conn* conn) {
  int64_t version = CaseDataVersion(now_ms);
  int64_t day = (now_ms >= 0 ? now_ms : now_ms - 86'399'999) / 86'400'000;
  if (version >= 0) {
    if (auto hit = facts_cache_.Get(participant_id, version, day, now_ms)) return hit;
  }
  auto loaded = conn != nullptr ? QueryFacts(*conn, participant_id, now_ms)
                                : readers_->Call<bot::ParticipantFacts>([&](Conn& c) {
                                    return QueryFacts(c, participant_id, now_ms);
                                  });
  if (!loaded.ok()) return loaded.status();
  std::shared_ptr<const bot::ParticipantFacts> facts =
      std::make_shared<bot::ParticipantFacts>(std::move(loaded).value());
  if (version >= 0) facts_cache_.Put(participant_id, facts, version, day, now_ms);
  return facts;
}

Result<bot::ParticipantFacts> SqliteStore::QueryFacts(Conn& c, const std::string& participant_id,
                                                      int64_t now_ms) {
  using namespace std::chrono;
  const FactsWindow window = FactsWindow::At(now_ms);
  const int64_t now_s = window.now_s, cutoff = window.cutoff;

  {
    bot::ParticipantFacts facts;
    facts.participant_id = participant_id;
    facts.payments_since = sys_days(days(cutoff));
    {
      auto name = LoadParticipantName(c, participant_id);
      if (!name.ok()) return name.status();
      facts.first_name = std::move(name->first);
      facts.last_name = std::move(name->last);
      facts.language = std::move(name->language);
    }
    {
      auto q = c.Prep(
          "SELECT c.case_number, c.county, c.status, c.opened_date, c.monthly_support_cents, "
          "c.past_due_installment_cents, c.past_due_cents, r.role FROM case_roles r JOIN cases c "
          "ON c.case_number = r.case_number WHERE r.participant_id = ? ORDER BY c.case_number");
      q->bind(1, participant_id);
      while (q->executeStep()) {
        bot::CaseFacts k;
        k.case_number = q->getColumn(0).getString();
        k.county = q->getColumn(1).getString();
        k.status = q->getColumn(2).getString();
        k.opened_date = sys_days(days(q->getColumn(3).getInt64()));
        k.monthly_support_cents = q->getColumn(4).getInt64();
        k.past_due_installment_cents = q->getColumn(5).getInt64();
        k.past_due_cents = q->getColumn(6).getInt64();
        k.role =
            q->getColumn(7).getString() == "RECEIVING" ? bot::Role::kReceiving : bot::Role::kPaying;
        facts.cases.push_back(std::move(k));
      }
    }
    for (auto& k : facts.cases) {
      {
        auto q = c.Prep(
            "SELECT court_case_number, file_date, county, status FROM orders WHERE "
            "case_number = ? ORDER BY file_date DESC, court_case_number");
        q->bind(1, k.case_number);
        while (q->executeStep()) {
          bot::Order o;
          o.case_number = k.case_number;
          o.court_case_number = q->getColumn(0).getString();
          o.file_date = sys_days(days(q->getColumn(1).getInt64()));
          o.county = q->getColumn(2).getString();
          o.status = q->getColumn(3).getString();
          k.orders.push_back(std::move(o));
        }
      }
      auto q = c.Prep(
          "SELECT payment_id, date, amount_cents, type FROM payments WHERE "
          "case_number = ? AND date >= ? AND date <= ? AND reversed = 0 "
          "ORDER BY date DESC, payment_id DESC LIMIT 100");
      q->bind(1, k.case_number);
      q->bind(2, cutoff);
      q->bind(3, window.today);
      while (q->executeStep()) {
        bot::Payment p;
        p.payment_id = q->getColumn(0).getString();
        p.case_number = k.case_number;
        p.date = sys_days(days(q->getColumn(1).getInt64()));
        p.amount_cents = q->getColumn(2).getInt64();
        p.type = q->getColumn(3).getString();
        k.payments.push_back(std::move(p));
      }
    }
    auto q = c.Prep(
        "SELECT appointment_id, case_number, start_s, end_s, type, location, status FROM "
        "appointments WHERE participant_id = ? AND end_s > ? "
        "ORDER BY start_s, appointment_id");
    q->bind(1, participant_id);
    q->bind(2, now_s);
    while (q->executeStep()) {
      bot::Appointment a;
      a.appointment_id = q->getColumn(0).getString();
      a.case_number = q->getColumn(1).getString();
      a.start = sys_seconds(seconds(q->getColumn(2).getInt64()));
      a.end = sys_seconds(seconds(q->getColumn(3).getInt64()));
      a.type = q->getColumn(4).getString();
      a.location = q->getColumn(5).getString();
      a.status = ParseAppointmentStatus(q->getColumn(6).getString());
      facts.upcoming_appointments.push_back(std::move(a));
    }
    return facts;
  }
}

}  // namespace connecthub::storage
