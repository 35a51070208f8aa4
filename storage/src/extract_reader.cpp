// Reading an extract (`connecthub import`): lines, JSON, validation, sealing and hashing, the
// same for every backend; a backend only writes the records (WriteBatch).
#include "extract_reader.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstring>
#include <istream>

#include "parse.h"

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

constexpr size_t kBatchLines = 20000;  // lines per transaction

}  // namespace

struct ExtractReader::Lines {
  explicit Lines(std::istream& in) : reader(in) {}
  LineReader reader;
};

ExtractReader::ExtractReader(std::istream& in, KeyRing& keys)
    : in_(in), keys_(keys), lines_(std::make_unique<Lines>(in)) {}

ExtractReader::~ExtractReader() = default;

bool ExtractReader::Next(ExtractLine* line) {
  std::string text;
  bool too_long = false;
  while (lines_->reader.Next(&text, &too_long)) {
    ++number_;
    if (number_ == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
    line->number = number_;
    line->record.reset();
    line->rejected.clear();
    if (too_long) {
      line->rejected = "line longer than 1 MiB";
      return true;
    }
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank: not a record
    line->record = ParseLine(text, keys_, &line->rejected);
    return true;
  }
  return false;
}

bool ExtractReader::failed() const { return in_.bad(); }

Result<ImportStats> RunImport(
    std::istream& jsonl, KeyRing& keys,
    const std::function<void(int64_t line, const std::string& reason)>& on_rejected,
    const std::function<Result<ImportBatchOutcome>(const std::vector<ExtractLine>&)>& write) {
  ImportStats stats;
  ExtractReader reader(jsonl, keys);
  std::vector<ExtractLine> batch;
  std::vector<std::pair<int64_t, std::string>> parse_rejects;
  auto flush = [&]() -> Status {
    ImportBatchOutcome outcome;
    if (!batch.empty()) {
      auto r = write(batch);
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
  ExtractLine line;
  while (reader.Next(&line)) {
    if (line.record) {
      batch.push_back(std::move(line));
    } else {
      parse_rejects.emplace_back(line.number, std::move(line.rejected));
    }
    ++stats.lines;
    if (batch.size() + parse_rejects.size() >= kBatchLines) {
      if (Status s = flush(); !s.ok()) return s;
    }
  }
  if (reader.failed()) return Status(Code::kIo, "cannot read the extract");
  if (Status s = flush(); !s.ok()) return s;
  return stats;
}

}  // namespace connecthub::storage
