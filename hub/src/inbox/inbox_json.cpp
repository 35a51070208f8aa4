#include "inbox/inbox_json.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

#include "log.h"

namespace connecthub::hub::inbox {

namespace json = boost::json;

std::string CentsToDecimal(int64_t cents) {
  bool negative = cents < 0;
  uint64_t abs = negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(abs / 100),
                static_cast<unsigned long long>(abs % 100));
  return buf;
}

std::string IsoDate(std::chrono::sys_days day) {
  std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<std::chrono::year_month_day> ParseIsoDate(std::string_view text) {
  auto number = [&](size_t at, size_t len, unsigned* out) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + len, v);
    if (ec != std::errc() || p != text.data() + at + len) return false;
    *out = v;
    return true;
  };
  unsigned y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !number(0, 4, &y) ||
      !number(5, 2, &m) || !number(8, 2, &d) || y < 1970) {
    return std::nullopt;
  }
  std::chrono::year_month_day day{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                  std::chrono::day(d)};
  if (!day.ok()) return std::nullopt;
  return day;
}

bool InTriage(const storage::ThreadRecord& thread) {
  return thread.queue_county.empty() && thread.counties.empty();
}

bool SeesTriage(const storage::Caseworker& caseworker,
                const std::vector<std::string>& triage_counties) {
  if (caseworker.county.empty()) return false;
  if (triage_counties.empty()) return true;
  for (const auto& c : triage_counties) {
    if (c == caseworker.county) return true;
  }
  return false;
}

bool Visible(const storage::Caseworker& caseworker, const storage::ThreadRecord& thread,
             const std::vector<std::string>& triage_counties) {
  if (caseworker.supervisor) return true;
  if (!thread.queue_county.empty()) {
    return !caseworker.county.empty() && thread.queue_county == caseworker.county;
  }
  if (InTriage(thread)) return SeesTriage(caseworker, triage_counties);
  for (const auto& c : thread.counties) {
    if (c == caseworker.county) return true;
  }
  return false;
}

json::object ThreadSummaryJson(const storage::ThreadRecord& t, const ReplyTarget& target,
                               int64_t now_ms) {
  json::object o;
  o["id"] = t.id;
  o["state"] = storage::ThreadStateName(t.state);
  o["channel"] = storage::ChannelName(t.channel);
  o["lang"] = t.lang;
  o["priority"] = t.priority > 0 ? "high" : "normal";
  // ISO 639-1 code of the parent's language when the bot does not speak it, else null.
  o["interpreter_lang"] =
      t.interpreter_lang.empty() ? json::value(nullptr) : json::value(t.interpreter_lang);
  json::object p;
  p["participant_id"] = t.participant_id;
  p["first_name"] = t.first_name;
  p["last_name"] = t.last_name;
  o["participant"] = std::move(p);
  json::array counties;
  for (const auto& c : t.counties) counties.emplace_back(c);
  o["counties"] = std::move(counties);
  o["waiting_since"] = t.state == storage::ThreadState::kWaiting && t.waiting_since_ms > 0
                           ? json::value(IsoTime(t.waiting_since_ms))
                           : json::value(nullptr);
  o["assigned_to"] = t.assigned_to.has_value() && !t.assigned_name.empty()
                         ? json::value(t.assigned_name)
                         : json::value(nullptr);
  o["last_message_at"] =
      t.last_message_ms > 0 ? json::value(IsoTime(t.last_message_ms)) : json::value(nullptr);
  o["last_seq"] = t.last_seq;
  o["opted_out"] = t.opted_out;
  // A phone-line thread shows the number that called, to call or text back (the callback queue).
  if (t.channel == storage::Channel::kVoice && !t.phone.empty()) o["caller_number"] = t.phone;
  AddDueJson(target, t, now_ms, &o);
  // Assignment (issue 19): the county queue a transfer put the thread in, whether its holder's
  // account is disabled, and whether it is in the triage queue (no county at all).
  o["queue_county"] = t.queue_county.empty() ? json::value(nullptr) : json::value(t.queue_county);
  o["assigned_disabled"] = t.assigned_to.has_value() && t.assigned_disabled;
  o["triage"] = InTriage(t);
  return o;
}

json::object MessageJson(const storage::MessageRecord& m) {
  json::object o;
  o["seq"] = m.seq;
  o["from"] = storage::SenderName(m.sender);
  o["text"] = m.body;
  o["at"] = IsoTime(m.at_ms);
  if (!m.intent.empty()) o["intent"] = m.intent;
  if (!m.caseworker_name.empty()) o["caseworker"] = m.caseworker_name;
  if (!m.delivery.empty()) o["delivery"] = m.delivery;
  if (!m.media.empty()) {
    // What was sent, never where the provider keeps it: the file is opened through the hub.
    json::array media;
    for (size_t i = 0; i < m.media.size(); ++i) {
      media.push_back(json::object{{"index", i}, {"content_type", m.media[i].content_type}});
    }
    o["media"] = std::move(media);
  }
  return o;
}

json::object AuditJson(const storage::AuditRecord& r) {
  return json::object{{"id", r.id},
                      {"caseworker_id", r.caseworker_id},
                      {"caseworker", r.caseworker_name},
                      {"thread_id", r.thread_id},
                      {"action", r.action},
                      {"at", IsoTime(r.at_ms)}};
}

json::object CaseworkerJson(const storage::Caseworker& c) {
  json::object o;
  o["id"] = c.id;
  o["username"] = c.username;
  o["county"] = c.county;
  o["supervisor"] = c.supervisor;
  return o;
}

void AddFactsJson(const bot::ParticipantFacts& facts, json::object* out) {
  json::array cases;
  for (const auto& c : facts.cases) {
    json::object o;
    o["case_number"] = c.case_number;
    o["county"] = c.county;
    o["status"] = c.status;
    o["role"] = c.role == bot::Role::kPaying ? "PAYING" : "RECEIVING";
    o["opened_date"] = IsoDate(c.opened_date);
    o["monthly_support"] = CentsToDecimal(c.monthly_support_cents);
    o["past_due_installment"] = CentsToDecimal(c.past_due_installment_cents);
    o["past_due"] = CentsToDecimal(c.past_due_cents);
    json::array orders;
    for (const auto& ord : c.orders) {
      orders.push_back(json::object{{"court_case_number", ord.court_case_number},
                                    {"file_date", IsoDate(ord.file_date)},
                                    {"county", ord.county},
                                    {"status", ord.status}});
    }
    o["orders"] = std::move(orders);
    json::array payments;
    for (const auto& pay : c.payments) {
      payments.push_back(json::object{{"date", IsoDate(pay.date)},
                                      {"amount", CentsToDecimal(pay.amount_cents)},
                                      {"type", pay.type}});
    }
    o["payments"] = std::move(payments);
    cases.push_back(std::move(o));
  }
  (*out)["cases"] = std::move(cases);
  json::array appointments;
  for (const auto& a : facts.upcoming_appointments) {
    auto ms = [](std::chrono::sys_seconds s) {
      return static_cast<int64_t>(s.time_since_epoch().count()) * 1000;
    };
    appointments.push_back(json::object{{"start", IsoTime(ms(a.start))},
                                        {"end", IsoTime(ms(a.end))},
                                        {"type", a.type},
                                        {"location", a.location},
                                        {"case_number", a.case_number}});
  }
  (*out)["appointments"] = std::move(appointments);
}

}  // namespace connecthub::hub::inbox
