#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstring>
#include <istream>
#include <variant>

#include "parse.h"
#include "records.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

// An imported hash is verified at every login of its participant: one with a huge memory or
// time cost would let an extract (or whoever wrote it) exhaust the hub. Returns why `hash`'s
// parameters are refused, or "" when they are within the caps: "$argon2id$v=19$m=M,t=T,p=P$...",
// m at most 256 MiB (262144 KiB) and at least 8 KiB, t 1..10, p 1..4.
std::string Argon2LimitsProblem(const std::string& hash) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (hash.size() > 512 || hash.rfind(kPrefix, 0) != 0) {
    return "must be an Argon2id v=19 string";
  }
  std::string_view rest = std::string_view(hash).substr(kPrefix.size());
  int64_t m = -1, t = -1, par = -1;
  for (auto [name, out] :
       {std::pair<std::string_view, int64_t*>{"m=", &m}, {"t=", &t}, {"p=", &par}}) {
    if (!rest.starts_with(name)) return "must name m, t and p in that order";
    rest.remove_prefix(name.size());
    int64_t v = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc() || end == rest.data()) return "has a malformed m, t or p";
    *out = v;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    if (!rest.empty() && (rest.front() == ',' || rest.front() == '$')) rest.remove_prefix(1);
  }
  if (m < 8 || m > 262144) return "memory cost must be 8 KiB to 256 MiB (m=8..262144)";
  if (t < 1 || t > 10) return "time cost must be 1..10 (t)";
  if (par < 1 || par > 4) return "parallelism must be 1..4 (p)";
  return "";
}

namespace json = boost::json;

constexpr size_t kMaxLineBytes = 1 << 20;  // longer lines are rejected (memory stays bounded)
constexpr size_t kBatchLines = 20000;      // lines per transaction
constexpr size_t kMaxText = 500;           // any text field

// Reads lines of at most kMaxLineBytes; longer ones are flagged and their tail discarded, so
// memory stays constant whatever the input.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}
  // false at end of input.
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    bool any = false;
    for (;;) {
      if (pos_ == len_) {
        if (eof_) return any;
        in_.read(buf_, sizeof buf_);
        len_ = static_cast<size_t>(in_.gcount());
        pos_ = 0;
        if (len_ == 0) {
          eof_ = true;
          return any;
        }
      }
      any = true;
      const char* start = buf_ + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
      size_t n = nl ? static_cast<size_t>(nl - start) : len_ - pos_;
      if (!*too_long) {
        if (line->size() + n > kMaxLineBytes) {
          *too_long = true;
          line->clear();
        } else {
          line->append(start, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
    }
  }

 private:
  std::istream& in_;
  char buf_[1 << 16];
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

// Field access with one clear reason on failure.
class Fields {
 public:
  explicit Fields(const json::object& o) : o_(o) {}
  bool Text(const char* name, std::string* out, bool required = true) {
    const json::value* v = o_.if_contains(name);
    if (v == nullptr || v->is_null()) {
      if (required) error = std::string("missing field '") + name + "'";
      return !required;
    }
    if (!v->is_string()) {
      error = std::string("field '") + name + "' must be a string";
      return false;
    }
    const json::string& s = v->as_string();
    if (s.size() > kMaxText || (required && s.empty())) {
      error = std::string("field '") + name + (s.empty() ? "' is empty" : "' is too long");
      return false;
    }
    out->assign(s.data(), s.size());
    return true;
  }
  bool Money(const char* name, int64_t* cents) {
    std::string s;
    if (!Text(name, &s)) return false;
    auto v = ParseMoneyCents(s);
    if (!v)
      error = std::string("field '") + name + "': bad money amount";
    else
      *cents = *v;
    return v.has_value();
  }
  bool Date(const char* name, int64_t* days) {
    std::string s;
    if (!Text(name, &s)) return false;
    auto v = ParseDateDays(s);
    if (!v)
      error = std::string("field '") + name + "': bad date (want YYYY-MM-DD)";
    else
      *days = *v;
    return v.has_value();
  }
  bool Instant(const char* name, int64_t* seconds) {
    std::string s;
    if (!Text(name, &s)) return false;
    auto v = ParseInstantSeconds(s);
    if (!v)
      error = std::string("field '") + name + "': bad time (want ISO 8601 with offset)";
    else
      *seconds = *v;
    return v.has_value();
  }
  // An optional true/false field (absent or null: `*out` unchanged).
  bool Bool(const char* name, bool* out) {
    const json::value* v = o_.if_contains(name);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_bool()) {
      error = std::string("field '") + name + "' must be true or false";
      return false;
    }
    *out = v->as_bool();
    return true;
  }
  std::string error;

 private:
  const json::object& o_;
};

bool Upper(std::string* s) {
  for (char& c : *s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return true;
}

// Parses and validates one line (everything that does not need the database). Seals and hashes
// here, on the importing thread, so the writer only writes.
std::optional<Record> ParseLine(const std::string& text, KeyRing& keys, std::string* why) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    *why = "bad JSON: " + ec.message();
    return std::nullopt;
  }
  if (!doc.is_object() || doc.as_object().size() != 1) {
    *why =
        "expected an object with one record (participant, case, order, payment, appointment, "
        "delete)";
    return std::nullopt;
  }
  const auto& [kind, body] = *doc.as_object().begin();
  if (!body.is_object()) {
    *why = "record '" + std::string(kind) + "' must be an object";
    return std::nullopt;
  }
  Fields f(body.as_object());
  auto fail = [&]() -> std::optional<Record> {
    *why = f.error;
    return std::nullopt;
  };
  if (kind == "participant") {
    PParticipant p;
    std::string first, last, email, pin;
    if (!f.Text("participant_id", &p.id) || !f.Text("first_name", &first) ||
        !f.Text("last_name", &last) || !f.Text("email", &email, false) ||
        !f.Text("language", &p.language, false) || !f.Text("pin", &pin, false) ||
        !f.Text("pin_hash", &p.pin_hash, false) || !f.Bool("sms_reminders", &p.sms_reminders)) {
      return fail();
    }
    if (p.language.empty()) p.language = "en";
    if (p.language != "en" && p.language != "es") {
      *why = "field 'language' must be \"en\" or \"es\"";
      return std::nullopt;
    }
    if (pin.empty() == p.pin_hash.empty()) {
      *why = "exactly one of 'pin' and 'pin_hash' is required";
      return std::nullopt;
    }
    if (!pin.empty()) {
      bool digits = pin.size() >= 4 && pin.size() <= 12 &&
                    pin.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) {
        *why = "field 'pin' must be 4 to 12 digits";
        return std::nullopt;
      }
      auto hash = keys.HashSecret(pin);
      if (!hash.ok()) {
        *why = hash.status().message();
        return std::nullopt;
      }
      p.pin_hash = std::move(*hash);
    } else {
      if (p.pin_hash.rfind("$argon2id$", 0) != 0) {
        *why = "field 'pin_hash' must be an Argon2id string";
        return std::nullopt;
      }
      if (std::string limits = Argon2LimitsProblem(p.pin_hash); !limits.empty()) {
        *why = "field 'pin_hash' " + limits;
        return std::nullopt;
      }
      p.peppered = false;
    }
    if (const json::value* phones = body.as_object().if_contains("phones");
        phones != nullptr && !phones->is_null()) {
      if (!phones->is_array() || phones->as_array().size() > 10) {
        *why = "field 'phones' must be an array of at most 10 numbers";
        return std::nullopt;
      }
      int position = 0;
      for (const auto& v : phones->as_array()) {
        auto e164 = v.is_string() ? NormalizeE164(v.as_string()) : std::nullopt;
        if (!e164) {
          *why = "field 'phones': not a phone number";
          return std::nullopt;
        }
        auto sealed = keys.SealPhone(*e164, "participant_phones", "phone",
                                     p.id + ":" + std::to_string(position++));
        p.phones.emplace_back(std::move(sealed.index), std::move(sealed.sealed));
      }
    }
    p.first = keys.Seal(first, "participants", "first_name", p.id);
    p.last = keys.Seal(last, "participants", "last_name", p.id);
    p.has_email = !email.empty();
    if (p.has_email) p.email = keys.Seal(email, "participants", "email", p.id);
    return p;
  }
  if (kind == "case") {
    PCase c;
    if (!f.Text("case_number", &c.number) || !f.Text("county", &c.county) ||
        !f.Text("status", &c.status) || !f.Date("opened_date", &c.opened) ||
        !f.Money("monthly_support", &c.monthly) ||
        !f.Money("past_due_installment", &c.installment) || !f.Money("past_due", &c.past_due)) {
      return fail();
    }
    Upper(&c.county);
    Upper(&c.status);
    const json::value* list = body.as_object().if_contains("participants");
    if (list == nullptr || !list->is_array() || list->as_array().empty() ||
        list->as_array().size() > 50) {
      *why = "field 'participants' must be a non-empty array";
      return std::nullopt;
    }
    for (const auto& v : list->as_array()) {
      if (!v.is_object()) {
        *why = "field 'participants' must hold objects";
        return std::nullopt;
      }
      Fields rf(v.as_object());
      std::string id, role;
      if (!rf.Text("participant_id", &id) || !rf.Text("role", &role)) {
        *why = "case participant: " + rf.error;
        return std::nullopt;
      }
      Upper(&role);
      if (role != "PAYING" && role != "RECEIVING") {
        *why = "case participant: role must be PAYING or RECEIVING";
        return std::nullopt;
      }
      for (const auto& [other, r] : c.roles) {
        if (other == id) {
          *why = "case participant " + id + " listed twice";
          return std::nullopt;
        }
      }
      c.roles.emplace_back(id, role);
    }
    return c;
  }
  if (kind == "order") {
    POrder o;
    if (!f.Text("case_number", &o.case_number) || !f.Date("file_date", &o.file_date) ||
        !f.Text("county", &o.county) || !f.Text("court_case_number", &o.court_case_number) ||
        !f.Text("status", &o.status)) {
      return fail();
    }
    Upper(&o.county);
    return o;
  }
  if (kind == "payment") {
    PPayment p;
    if (!f.Text("payment_id", &p.id) || !f.Text("case_number", &p.case_number) ||
        !f.Date("date", &p.date) || !f.Money("amount", &p.amount) || !f.Text("type", &p.type) ||
        !f.Bool("reversed", &p.reversed)) {
      return fail();
    }
    return p;
  }
  if (kind == "delete") {
    // One record by its id: exactly one of these shapes (an order by its case and court case).
    PDelete d;
    const json::object& o = body.as_object();
    using Kind = PDelete::Kind;
    std::string shape;
    for (const auto& [name, value] : o) shape += (shape.empty() ? "" : ",") + std::string(name);
    if (shape == "payment_id") {
      d.kind = Kind::kPayment;
    } else if (shape == "appointment_id") {
      d.kind = Kind::kAppointment;
    } else if (shape == "participant_id") {
      d.kind = Kind::kParticipant;
    } else if (shape == "case_number") {
      d.kind = Kind::kCase;
    } else if (shape == "case_number,court_case_number" ||
               shape == "court_case_number,case_number") {
      d.kind = Kind::kOrder;
    } else {
      *why =
          "record 'delete' takes one of payment_id, appointment_id, participant_id, case_number, "
          "or case_number with court_case_number";
      return std::nullopt;
    }
    const char* id_field = d.kind == Kind::kPayment       ? "payment_id"
                           : d.kind == Kind::kAppointment ? "appointment_id"
                           : d.kind == Kind::kParticipant ? "participant_id"
                                                          : "case_number";
    if (!f.Text(id_field, &d.id) ||
        (d.kind == Kind::kOrder && !f.Text("court_case_number", &d.court_case_number))) {
      *why = "record 'delete': " + f.error;
      return std::nullopt;
    }
    return d;
  }
  if (kind == "appointment") {
    PAppointment a;
    if (!f.Text("appointment_id", &a.id) || !f.Text("case_number", &a.case_number) ||
        !f.Text("participant_id", &a.participant_id) || !f.Instant("start", &a.start) ||
        !f.Instant("end", &a.end) || !f.Text("type", &a.type) ||
        !f.Text("location", &a.location, false) || !f.Text("status", &a.status, false)) {
      return fail();
    }
    if (a.status.empty()) a.status = "SCHEDULED";
    Upper(&a.status);
    if (a.status != "SCHEDULED" && a.status != "RESCHEDULED" && a.status != "CANCELLED") {
      *why = "field 'status' must be SCHEDULED, RESCHEDULED or CANCELLED";
      return std::nullopt;
    }
    if (a.end < a.start) {
      *why = "appointment ends before it starts";
      return std::nullopt;
    }
    return a;
  }
  *why = "unknown record type '" + std::string(kind) + "'";
  return std::nullopt;
}

}  // namespace

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

namespace {

struct Line {
  int64_t number = 0;
  Record record;
};

struct BatchOutcome {
  std::vector<std::pair<int64_t, std::string>> rejected;
  int64_t counts[6] = {0, 0, 0, 0, 0, 0};
};

}  // namespace

Result<ImportStats> SqliteStore::Import(
    std::istream& jsonl,
    const std::function<void(int64_t line, const std::string& reason)>& on_rejected) {
  ImportStats stats;
  LineReader reader(jsonl);
  std::vector<Line> batch;
  std::vector<std::pair<int64_t, std::string>> parse_rejects;
  auto flush = [&]() -> Status {
    BatchOutcome outcome;
    if (!batch.empty()) {
      auto r = writer_->Call<BatchOutcome>([&](Conn& c) -> Result<BatchOutcome> {
        BatchOutcome out;
        BumpCaseDataVersion(c);
        for (const Line& line : batch) {
          // A savepoint per line: a line that fails half-way leaves nothing behind.
          c.Prep("SAVEPOINT line")->exec();
          std::string why;
          try {
            why = WriteRecord(c, line.record);
          } catch (const std::exception& e) {
            why = std::string("database rejected the record: ") + e.what();
          }
          if (!why.empty()) {
            c.Prep("ROLLBACK TO line")->exec();
            out.rejected.emplace_back(line.number, why);
          } else {
            ++out.counts[line.record.index()];
          }
          c.Prep("RELEASE line")->exec();
        }
        return out;
      });
      if (!r.ok()) return r.status();
      outcome = std::move(*r);
    }
    for (auto& rej : parse_rejects) outcome.rejected.push_back(std::move(rej));
    std::sort(outcome.rejected.begin(), outcome.rejected.end());
    for (const auto& [n, why] : outcome.rejected) {
      if (on_rejected) on_rejected(n, why);
    }
    stats.rejected += static_cast<int64_t>(outcome.rejected.size());
    stats.participants += outcome.counts[0];
    stats.cases += outcome.counts[1];
    stats.orders += outcome.counts[2];
    stats.payments += outcome.counts[3];
    stats.appointments += outcome.counts[4];
    stats.deletes += outcome.counts[5];
    batch.clear();
    parse_rejects.clear();
    return Status::Ok();
  };

  std::string text;
  bool too_long = false;
  int64_t number = 0;
  while (reader.Next(&text, &too_long)) {
    ++number;
    if (number == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
    if (too_long) {
      parse_rejects.emplace_back(number, "line longer than 1 MiB");
    } else if (text.find_first_not_of(" \t") == std::string::npos) {
      continue;  // blank lines are not records
    } else {
      std::string why;
      auto record = ParseLine(text, *keys_, &why);
      if (record) {
        batch.push_back(Line{number, std::move(*record)});
      } else {
        parse_rejects.emplace_back(number, why);
      }
    }
    ++stats.lines;
    if (batch.size() + parse_rejects.size() >= kBatchLines) {
      Status s = flush();
      if (!s.ok()) return s;
    }
  }
  if (jsonl.bad()) return Status(Code::kIo, "cannot read the extract");
  Status s = flush();
  // This process sees its own import at once; others within case_data_check_ms.
  case_data_checked_ms_.store(0);
  case_data_version_.store(-1);
  if (!s.ok()) return s;
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
  int64_t now_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
  sys_days today = floor<days>(sys_seconds(seconds(now_s)));
  year_month_day ymd(today);
  year_month ym = ymd.year() / ymd.month() - months(24);
  day d = std::min(ymd.day(), (ym / last).day());
  int64_t cutoff = sys_days(ym / d).time_since_epoch().count();

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
      q->bind(3, static_cast<int64_t>(today.time_since_epoch().count()));
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
