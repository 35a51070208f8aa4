#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <future>
#include <random>

#include "demo_data.h"
#include "records.h"
#include "sqlite_store.h"

namespace connecthub::storage {
namespace {

constexpr std::array<const char*, 24> kEnglishFirst = {
    "James", "Mary",    "Robert", "Patricia", "John",    "Jennifer", "Michael", "Linda",
    "David", "Barbara", "Willie", "Susan",    "Richard", "Jessica",  "Joseph",  "Sarah",
    "Kevin", "Karen",   "Brian",  "Nancy",    "Daniel",  "Ashley",   "Mark",    "Emily"};
constexpr std::array<const char*, 24> kSpanishFirst = {
    "Maria", "Jose",  "Guadalupe", "Juan",   "Rosa",      "Luis",   "Ana",      "Carlos",
    "Sofia", "Jorge", "Veronica",  "Miguel", "Alejandra", "Jesus",  "Gabriela", "Francisco",
    "Lucia", "Pedro", "Leticia",   "Ramon",  "Carmen",    "Javier", "Yolanda",  "Ricardo"};
constexpr std::array<const char*, 16> kEnglishLast = {
    "Smith", "Johnson", "Williams", "Brown",  "Jones",   "Miller", "Davis",  "Wilson",
    "Moore", "Taylor",  "Anderson", "Thomas", "Jackson", "White",  "Harris", "Martin"};
constexpr std::array<const char*, 16> kSpanishLast = {
    "Garcia",  "Lopez",  "Martinez", "Hernandez", "Gonzalez", "Rodriguez", "Perez", "Sanchez",
    "Ramirez", "Torres", "Flores",   "Rivera",    "Gomez",    "Diaz",      "Reyes", "Cruz"};
struct County {
  const char* name;
  const char* court;
  const char* office;
  const char* prefix;  // court case number prefix
};
constexpr std::array<County, 8> kCounties = {{
    {"MADERA", "Madera Superior Court", "Madera Child Support Office", "MCV"},
    {"FRESNO", "Fresno Superior Court", "Fresno Child Support Office", "FCS"},
    {"LOS ANGELES", "Los Angeles Superior Court", "Los Angeles Child Support Office", "LAF"},
    {"SAN DIEGO", "San Diego Superior Court", "San Diego Child Support Office", "SDF"},
    {"KERN", "Kern Superior Court", "Kern Child Support Office", "KFL"},
    {"TULARE", "Tulare Superior Court", "Tulare Child Support Office", "TCS"},
    {"SACRAMENTO", "Sacramento Superior Court", "Sacramento Child Support Office", "SFL"},
    {"RIVERSIDE", "Riverside Superior Court", "Riverside Child Support Office", "RIF"},
}};
constexpr std::array<const char*, 3> kAreaCodes = {"559", "213", "619"};
constexpr std::array<const char*, 4> kPaymentTypes = {
    "INCOME WITHHOLDING ORDER", "PERSONAL PAYMENT", "EMPLOYER PAYMENT", "TAX INTERCEPT"};
constexpr std::array<const char*, 4> kAppointmentTypes = {
    "COURT HEARING", "GENETIC TEST", "CASE INTERVIEW", "APPELLATE COURT HEARING"};
// Argon2id is ~0.1 s per hash: a demo population shares this many distinct PINs (a demo-data
// shortcut only; imported and real participants each have their own hash).
constexpr int kPinPool = 32;
constexpr int kBatchHouseholds = 2000;

// A household shape forced for the first few families so the printed logins are varied.
struct Shape {
  const char* payer_lang;
  const char* receiver_lang;
  int cases;
  bool past_due;
  int appointment_type;  // -1 none
  int appointment_days;
  bool appointment_for_receiver;
};
constexpr std::array<Shape, 4> kShapes = {{
    {"en", "es", 2, true, 0, 9, false},
    {"es", "es", 1, false, 1, 4, false},
    {"es", "en", 3, true, 3, 16, false},
    {"en", "en", 1, false, 2, 6, true},
}};

struct Household {
  std::vector<Record> records;
};

std::string Money(int64_t cents) {
  std::string digits = std::to_string(cents / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02d", static_cast<int>(cents % 100));
  return "$" + grouped + "." + frac;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<DemoSummary> GenerateDemoData(const DemoOptions& options, KeyRing& keys,
                                     const DemoSink& sink) {
  using namespace std::chrono;
  if (options.participants < 0) return Status(Code::kInvalid, "participants must be >= 0");
  {
    // Demo data is for a new database only: its fixed logins must never land beside real people.
    auto used = sink.holds_people();
    if (!used.ok()) return used.status();
    if (*used) {
      return Status(Code::kConflict,
                    "the database already holds participants or caseworkers; demo data goes "
                    "into a new database only");
    }
  }
  std::mt19937_64 rng(options.seed);
  auto uniform = [&](int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  int64_t now_s = options.now_ms / 1000;
  int64_t today = floor<days>(sys_seconds(seconds(now_s))).time_since_epoch().count();

  // PINs and passwords: hashed up front, on two threads.
  std::vector<std::string> pins(kPinPool);
  for (auto& p : pins) p = std::to_string(uniform(100000, 999999));
  auto password = [&] {
    static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string p = "demo-";
    // libsodium's CSPRNG, not the seeded generator: --seed and the printed logins must not
    // give away the caseworker passwords of a demo that is reachable on a network.
    for (int i = 0; i < 12; ++i) p += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    return p;
  };
  DemoSummary summary;
  summary.caseworker_username = "caseworker";
  summary.caseworker_password = password();
  summary.supervisor_username = "supervisor";
  summary.supervisor_password = password();
  std::vector<std::string> secrets = pins;
  secrets.push_back(summary.caseworker_password);
  secrets.push_back(summary.supervisor_password);
  std::vector<std::string> hashes(secrets.size());
  {
    auto half = [&](size_t from, size_t step) -> Status {
      for (size_t i = from; i < secrets.size(); i += step) {
        auto h = keys.HashSecret(secrets[i]);
        if (!h.ok()) return h.status();
        hashes[i] = std::move(*h);
      }
      return Status::Ok();
    };
    auto other = std::async(std::launch::async, half, 1, 2);
    Status a = half(0, 2);
    Status b = other.get();
    if (!a.ok()) return a;
    if (!b.ok()) return b;
  }

  const County& home = kCounties[static_cast<size_t>(uniform(0, kCounties.size() - 1))];
  summary.caseworker_county = home.name;

  int64_t next_pid = 100000001, next_case = 200000001, created = 0;
  int64_t household = 0;
  std::vector<Record> batch;
  // Per login candidate: what the description needs.
  struct LoginInfo {
    std::string pid, pin, first, lang, role;
    int cases = 0;
    int64_t past_due = 0;
    std::string appointment;
    int appointment_days = -1;
  };
  std::vector<LoginInfo> logins;

  auto new_participant = [&](const std::string& lang, std::string* pid_out, std::string* first_out,
                             std::string* pin_out) {
    std::string pid = std::to_string(next_pid++);
    ++created;
    bool es = lang == "es";
    std::string first = es ? kSpanishFirst[uniform(0, kSpanishFirst.size() - 1)]
                           : kEnglishFirst[uniform(0, kEnglishFirst.size() - 1)];
    // Spanish speakers often carry two surnames; English speakers sometimes Spanish ones.
    std::string last = es || chance(0.2) ? kSpanishLast[uniform(0, kSpanishLast.size() - 1)]
                                         : kEnglishLast[uniform(0, kEnglishLast.size() - 1)];
    if (es && chance(0.4))
      last += std::string(" ") + kSpanishLast[uniform(0, kSpanishLast.size() - 1)];
    size_t pin_index = static_cast<size_t>(uniform(0, kPinPool - 1));
    PParticipant p;
    p.id = pid;
    p.language = lang;
    p.pin_hash = hashes[pin_index];
    p.first = keys.Seal(first, "participants", "first_name", pid);
    p.last = keys.Seal(last, "participants", "last_name", pid);
    if (chance(0.3)) {
      p.has_email = true;
      p.email = keys.Seal(Lower(first) + "." + pid.substr(5) + "@example.org", "participants",
                          "email", pid);
    }
    if (chance(0.85)) {
      char number[16];
      std::snprintf(number, sizeof number, "+1%s55501%02d",
                    kAreaCodes[static_cast<size_t>(uniform(0, kAreaCodes.size() - 1))],
                    static_cast<int>(uniform(0, 99)));
      auto sealed = keys.SealPhone(number, "participant_phones", "phone", pid + ":0");
      p.phones.emplace_back(std::move(sealed.index), std::move(sealed.sealed));
    }
    batch.emplace_back(std::move(p));
    *pid_out = pid;
    *first_out = first;
    *pin_out = pins[pin_index];
    if (options.on_login) options.on_login(pid, pins[pin_index]);
  };

  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Status s = sink.write_records(batch);
    batch.clear();
    if (s.ok() && options.progress) options.progress(created, options.participants);
    return s;
  };

  while (created < options.participants) {
    const Shape* shape = household < static_cast<int64_t>(kShapes.size())
                             ? &kShapes[static_cast<size_t>(household)]
                             : nullptr;
    std::string payer_lang = shape ? shape->payer_lang : (chance(0.5) ? "es" : "en");
    std::string payer, payer_first, payer_pin;
    new_participant(payer_lang, &payer, &payer_first, &payer_pin);
    int n_cases = shape ? shape->cases : (chance(0.75) ? 1 : (chance(0.8) ? 2 : 3));
    LoginInfo payer_info{payer, payer_pin, payer_first, payer_lang, "payer"};
    LoginInfo receiver_info;
    for (int k = 0; k < n_cases && created < options.participants; ++k) {
      std::string receiver_lang =
          shape ? shape->receiver_lang : (chance(0.7) ? payer_lang : (chance(0.5) ? "es" : "en"));
      std::string receiver, receiver_first, receiver_pin;
      new_participant(receiver_lang, &receiver, &receiver_first, &receiver_pin);
      if (k == 0)
        receiver_info = {receiver, receiver_pin, receiver_first, receiver_lang, "receiver"};
      const County& county =
          shape ? home : kCounties[static_cast<size_t>(uniform(0, kCounties.size() - 1))];
      PCase c;
      c.number = std::to_string(next_case++);
      c.county = county.name;
      bool open = shape != nullptr || chance(0.9);
      c.status = open ? "OPEN" : "CLOSED";
      c.opened = today - uniform(400, 365 * 12);
      c.monthly = uniform(150, 950) * 100 + (chance(0.5) ? uniform(0, 99) : 0);
      bool past_due = shape ? shape->past_due : chance(0.4);
      if (past_due) {
        c.past_due = uniform(200, 18000) * 100 + uniform(0, 99);
        c.installment = std::max<int64_t>(1000, c.past_due / uniform(24, 60));
      }
      c.roles = {{payer, "PAYING"}, {receiver, "RECEIVING"}};
      std::string case_number = c.number;
      int64_t opened = c.opened, monthly = c.monthly;
      batch.emplace_back(std::move(c));
      if (k == 0 || past_due) {
        payer_info.past_due += past_due ? std::get<PCase>(batch.back()).past_due : 0;
      }
      if (k == 0) receiver_info.past_due = std::get<PCase>(batch.back()).past_due;
      ++payer_info.cases;
      receiver_info.cases = 1;
      ++summary.cases;

      POrder o;
      o.case_number = case_number;
      o.court_case_number = std::string(county.prefix) + std::to_string(uniform(10000, 99999));
      o.file_date = opened + uniform(20, 120);
      o.county = county.name;
      o.status = open ? "ACTIVE" : "CLOSED";
      batch.emplace_back(std::move(o));

      if (open) {
        // Monthly payments over the last two years; past-due cases pay less regularly.
        year_month_day ymd{sys_days(days(today))};
        double regularity = past_due ? 0.55 : 0.95;
        int type = static_cast<int>(uniform(0, 2));
        for (int m = 0; m < 24; ++m) {
          year_month ym = ymd.year() / ymd.month() - months(m);
          int64_t date =
              sys_days(ym / day(static_cast<unsigned>(uniform(1, 28)))).time_since_epoch().count();
          if (date > today || date < opened || !chance(regularity)) continue;
          PPayment p;
          p.id = "D" + case_number + "-" + std::to_string(m);
          p.case_number = case_number;
          p.date = date;
          p.amount = chance(0.8) ? monthly : uniform(20, monthly / 100) * 100;
          p.type = m % 12 == 3 && chance(0.2) ? kPaymentTypes[3] : kPaymentTypes[type];
          batch.emplace_back(std::move(p));
          ++summary.payments;
        }
        int appt_type = shape ? (k == 0 ? shape->appointment_type : -1)
                              : (chance(0.25) ? static_cast<int>(uniform(0, 3)) : -1);
        if (appt_type >= 0) {
          int64_t in_days = shape ? shape->appointment_days : uniform(1, 40);
          bool for_receiver = shape ? shape->appointment_for_receiver : chance(0.3);
          PAppointment a;
          a.id = "DA" + case_number;
          a.case_number = case_number;
          a.participant_id = for_receiver ? receiver : payer;
          // 8:00 to 15:30 Pacific (UTC-8; good enough for demo data).
          a.start =
              (today + in_days) * 86400 + (16 + uniform(0, 15) / 2) * 3600 + (uniform(0, 1) * 1800);
          a.end = a.start + (appt_type == 1 ? 1800 : 3600);
          a.type = kAppointmentTypes[static_cast<size_t>(appt_type)];
          a.location = appt_type == 2 ? county.office : county.court;
          batch.emplace_back(std::move(a));
          ++summary.appointments;
          LoginInfo& who = for_receiver ? receiver_info : payer_info;
          if (who.appointment.empty()) {
            who.appointment = kAppointmentTypes[static_cast<size_t>(appt_type)];
            who.appointment_days = static_cast<int>(in_days);
          }
        }
      }
    }
    if (shape) {
      if (household != 1 || true) logins.push_back(payer_info);
      if (household == 1 || household == 3) logins.push_back(receiver_info);
    }
    ++household;
    if (household % kBatchHouseholds == 0) {
      Status s = flush();
      if (!s.ok()) return s;
    }
  }
  Status s = flush();
  if (!s.ok()) return s;

  for (int i = 0; i < 2 && s.ok(); ++i) {
    s = sink.put_caseworker(i == 0 ? summary.caseworker_username : summary.supervisor_username,
                            hashes[kPinPool + static_cast<size_t>(i)], summary.caseworker_county,
                            i == 1);
  }
  if (!s.ok()) return s;

  for (const auto& l : logins) {
    if (l.pid.empty()) continue;
    std::string d = l.role + ", " + std::to_string(l.cases) + (l.cases == 1 ? " case" : " cases");
    d += l.past_due > 0 ? ", " + Money(l.past_due) + " past due" : ", current";
    if (!l.appointment.empty()) {
      d += ", " + Lower(l.appointment) + " in " + std::to_string(l.appointment_days) + " days";
    }
    summary.logins.push_back({l.pid, l.pin, l.first, l.lang, d});
  }
  summary.participants = created;
  return summary;
}

Result<DemoSummary> SqliteStore::GenerateDemo(const DemoOptions& options) {
  DemoSink sink;
  sink.holds_people = [&]() -> Result<bool> {
    return readers_->Call<bool>([](Conn& c) -> Result<bool> {
      return c.db()
                 .execAndGet(
                     "SELECT EXISTS(SELECT 1 FROM participants) OR "
                     "EXISTS(SELECT 1 FROM caseworkers)")
                 .getInt() != 0;
    });
  };
  sink.write_records = [&](const std::vector<Record>& batch) -> Status {
    return writer_->Run([&](Conn& c) -> Status {
      BumpCaseDataVersion(c);
      for (const Record& r : batch) {
        std::string why = WriteRecord(c, r);
        if (!why.empty()) return Status(Code::kInternal, "demo data inconsistent: " + why);
      }
      return Status::Ok();
    });
  };
  sink.put_caseworker = [&](const std::string& username, const std::string& hash,
                            const std::string& county, bool supervisor) -> Status {
    return writer_->Run([&](Conn& c) -> Status {
      auto q = c.Prep(
          "INSERT INTO caseworkers(username, password_hash, county, supervisor) VALUES(?,?,?,?) "
          "ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, "
          "county = excluded.county, supervisor = excluded.supervisor");
      q->bind(1, username);
      q->bind(2, hash);
      q->bind(3, county);
      q->bind(4, supervisor ? 1 : 0);
      q->exec();
      return Status::Ok();
    });
  };
  auto summary = GenerateDemoData(options, *keys_, sink);
  case_data_checked_ms_.store(0);
  case_data_version_.store(-1);
  return summary;
}

}  // namespace connecthub::storage
