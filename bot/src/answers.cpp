#include "answers.h"

#include <algorithm>
#include <utility>

#include "text.h"

namespace connecthub::bot {
namespace {

using intents::Intent;
using locales::Args;
using locales::Date;
using locales::DateStyle;
using locales::DateTime;
using locales::DateTimeStyle;
using locales::Money;

constexpr std::string_view kLabelPrefix = "bot.label.";

std::string RoleName(Role role) { return role == Role::kPaying ? "paying" : "receiving"; }

// The role shared by every case, or "mixed".
std::string CommonRole(const std::vector<const CaseFacts*>& cases) {
  if (cases.empty()) return "mixed";
  Role role = cases.front()->role;
  for (const CaseFacts* c : cases) {
    if (c->role != role) return "mixed";
  }
  return RoleName(role);
}

// A case the parent names: the full number, or its last digits (at least four).
bool Names(const std::string& digits, const std::string& case_number) {
  std::string number = DigitsOf(case_number);
  if (digits.empty() || number.empty()) return false;
  if (digits == number) return true;
  return digits.size() >= 4 && number.size() > digits.size() && number.ends_with(digits);
}

const Payment* Newest(const std::vector<Payment>& payments) {
  // The store sends them newest first; the bot does not rely on it.
  auto it = std::max_element(payments.begin(), payments.end(),
                             [](const Payment& a, const Payment& b) { return a.date < b.date; });
  return it == payments.end() ? nullptr : &*it;
}

}  // namespace

Labels::Labels(const locales::Catalog& catalog) {
  for (const char* lang : {"en", "es"}) {
    auto& labels = labels_[lang];
    for (const auto& [key, pattern] : catalog.Entries(lang, kLabelPrefix)) {
      labels.emplace(key.substr(kLabelPrefix.size()), catalog.Format(lang, key));
    }
  }
}

std::string Labels::Get(const std::string& lang, const std::string& value) const {
  auto by_lang = labels_.find(lang);
  if (by_lang == labels_.end()) return value;
  auto it = by_lang->second.find(LabelSuffix(value));
  return it == by_lang->second.end() ? value : it->second;
}

CaseAnswers::CaseAnswers(const locales::Catalog& catalog, const Labels& labels,
                         const LocalCalendar& calendar, const BotOptions& options, std::string lang,
                         Channel channel, std::chrono::sys_seconds now)
    : catalog_(catalog),
      labels_(labels),
      calendar_(calendar),
      options_(options),
      lang_(std::move(lang)),
      channel_(channel),
      now_(now) {}

std::string CaseAnswers::Answer(Intent intent, const ParticipantFacts& facts,
                                const intents::Entities& entities) const {
  std::vector<const CaseFacts*> cases;
  bool named = false;
  if (entities.case_number) {
    std::string digits = DigitsOf(*entities.case_number);
    for (const CaseFacts& c : facts.cases) {
      if (Names(digits, c.case_number)) cases.push_back(&c);
    }
    if (cases.empty()) return NotFound(digits, facts.cases);
    named = true;
  } else {
    for (const CaseFacts& c : facts.cases) cases.push_back(&c);
  }
  if (intent == Intent::kNextAppointment) return NextAppointment(facts, cases, named);
  if (cases.empty()) return Format("bot.no_case", {});
  switch (intent) {
    case Intent::kBalance:
      return Balance(cases);
    case Intent::kLastPayment:
      return LastPayment(cases);
    case Intent::kPaymentHistory:
      return PaymentHistory(cases, facts.payments_since, entities);
    case Intent::kCaseStatus:
      return CaseStatus(cases);
    default:
      break;
  }
  return Format("bot.unknown", {});
}

std::string CaseAnswers::CaseName(const std::string& number) const {
  return Format(
      "bot.case.name",
      {{"channel", ChannelName()}, {"number", Number(number)}, {"last4", LastFour(number)}});
}

std::string CaseAnswers::CaseTitle(const std::string& number) const {
  return Format(
      "bot.case.title",
      {{"channel", ChannelName()}, {"number", Number(number)}, {"last4", LastFour(number)}});
}

std::string CaseAnswers::List(const std::string& header, const std::vector<std::string>& lines,
                              size_t max_items, const char* more_key) const {
  if (channel_ == Channel::kVoice) max_items = std::min(max_items, kVoiceMaxListed);
  size_t shown = std::min(lines.size(), std::max<size_t>(max_items, 1));
  // On SMS, drop whole lines until the answer fits rather than cutting the last one in half.
  for (;;) {
    std::string text = header;
    for (size_t i = 0; i < shown; ++i) {
      if (!text.empty()) text += "\n";
      text += lines[i];
    }
    if (size_t hidden = lines.size() - shown; hidden > 0) {
      text += "\n" + Format(more_key, {{"count", static_cast<int64_t>(hidden)}});
    }
    if (channel_ != Channel::kSms || shown <= 1 || CodePoints(text) <= options_.sms_max_chars) {
      return text;
    }
    --shown;
  }
}

template <typename LineFn>
std::string CaseAnswers::PerCase(const std::vector<const CaseFacts*>& cases, LineFn line) const {
  if (cases.size() == 1) return line(*cases.front());
  std::vector<std::string> lines;
  lines.reserve(cases.size());
  for (const CaseFacts* c : cases) lines.push_back(line(*c));
  return List(Format("bot.cases.header", {{"count", static_cast<int64_t>(cases.size())}}), lines,
              options_.max_cases_listed,
              channel_ == Channel::kVoice ? "bot.cases.more.voice" : "bot.cases.more");
}

std::string CaseAnswers::NotFound(const std::string& typed,
                                  const std::vector<CaseFacts>& cases) const {
  std::string names;
  for (size_t i = 0; i < cases.size() && i < options_.max_cases_listed; ++i) {
    if (!names.empty()) names += ", ";
    names += CaseName(cases[i].case_number);
  }
  if (cases.empty()) return Format("bot.no_case", {});
  int64_t more =
      static_cast<int64_t>(cases.size() - std::min(cases.size(), options_.max_cases_listed));
  return Format("bot.case.not_found",
                {{"typed", CaseName(typed)}, {"cases", names}, {"more", more}});
}

std::string CaseAnswers::Balance(const std::vector<const CaseFacts*>& cases) const {
  return PerCase(cases, [&](const CaseFacts& c) {
    return Format(
        "bot.balance.case",
        {{"title", CaseTitle(c.case_number)},
         {"role", RoleName(c.role)},
         {"due", std::string(c.past_due_cents > 0 ? "some" : "none")},
         {"past_due", Money{c.past_due_cents}},
         {"monthly", Money{c.monthly_support_cents}},
         // The past-due installment is what the payer pays.
         {"installment_due",
          std::string(c.role == Role::kPaying && c.past_due_installment_cents > 0 ? "some"
                                                                                  : "none")},
         {"installment", Money{c.past_due_installment_cents}}});
  });
}

std::string CaseAnswers::LastPayment(const std::vector<const CaseFacts*>& cases) const {
  return PerCase(cases, [&](const CaseFacts& c) {
    const Payment* p = Newest(c.payments);
    if (p == nullptr) {
      return Format("bot.last_payment.none",
                    {{"title", CaseTitle(c.case_number)}, {"role", RoleName(c.role)}});
    }
    return Format("bot.last_payment.case", {{"title", CaseTitle(c.case_number)},
                                            {"role", RoleName(c.role)},
                                            {"amount", Money{p->amount_cents}},
                                            {"date", Date{p->date}},
                                            {"type", Label(p->type)}});
  });
}

std::string CaseAnswers::PaymentHistory(const std::vector<const CaseFacts*>& cases,
                                        std::chrono::sys_days payments_since,
                                        const intents::Entities& entities) const {
  using std::chrono::month;
  using std::chrono::year;
  using std::chrono::year_month_day;
  std::optional<int> want_year = entities.year;
  std::optional<unsigned> want_month;
  if (entities.month && *entities.month >= 1 && *entities.month <= 12) {
    want_month = static_cast<unsigned>(*entities.month);
    if (!want_year) {
      // "Payments of March" means the last March that has begun, as the agency's calendar says.
      year_month_day today = calendar_.Today(now_);
      int y = static_cast<int>(today.year());
      want_year = *want_month <= static_cast<unsigned>(today.month()) ? y : y - 1;
    }
  }
  bool period = want_year.has_value();

  struct Item {
    const Payment* payment;
    const CaseFacts* owner;
  };
  std::vector<Item> items;
  for (const CaseFacts* c : cases) {
    for (const Payment& p : c->payments) {
      year_month_day d(p.date);
      if (want_year && static_cast<int>(d.year()) != *want_year) continue;
      if (want_month && static_cast<unsigned>(d.month()) != *want_month) continue;
      items.push_back({&p, c});
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.payment->date > b.payment->date; });

  locales::Arg period_arg = std::string();
  if (want_month) {
    period_arg = Date{std::chrono::sys_days(year(*want_year) / month(*want_month) / 1),
                      DateStyle::kMonthYear};
  } else if (want_year) {
    period_arg = std::to_string(*want_year);  // text: a number would be written "2,025"
  }
  // A period that begins before the loaded payments: say what can be seen, never a false "none".
  bool before_window = false;
  if (period) {
    auto first = std::chrono::sys_days(year(*want_year) / month(want_month.value_or(1)) / 1);
    before_window = first < payments_since;
  }
  Date since{payments_since};
  if (items.empty()) {
    if (before_window) {
      return Format("bot.history.outside_window", {{"period", period_arg}, {"since", since}});
    }
    return period ? Format("bot.history.none_period", {{"period", period_arg}})
                  : Format("bot.history.none", {});
  }

  std::string has_case = cases.size() > 1 ? "yes" : "no";
  std::vector<std::string> lines;
  size_t limit = period ? items.size() : std::min(items.size(), options_.recent_payments);
  for (size_t i = 0; i < limit; ++i) {
    lines.push_back(Format("bot.history.line", {{"date", Date{items[i].payment->date}},
                                                {"amount", Money{items[i].payment->amount_cents}},
                                                {"type", Label(items[i].payment->type)},
                                                {"has_case", has_case},
                                                {"case", CaseName(items[i].owner->case_number)}}));
  }
  std::string role = CommonRole(cases);
  if (!period) {
    return List(Format("bot.history.recent", {{"role", role}, {"count", int64_t(lines.size())}}),
                lines, lines.size(), "bot.history.more");
  }
  int64_t total = 0;
  for (const Item& item : items) total += item.payment->amount_cents;
  std::string header = Format("bot.history.period", {{"role", role},
                                                     {"period", period_arg},
                                                     {"count", int64_t(items.size())},
                                                     {"total", Money{total}}});
  std::string text = List(header, lines, options_.period_payments_listed, "bot.history.more");
  if (before_window) text += "\n" + Format("bot.history.window_note", {{"since", since}});
  return text;
}

std::string CaseAnswers::CaseStatus(const std::vector<const CaseFacts*>& cases) const {
  return PerCase(cases, [&](const CaseFacts& c) {
    std::string text = Format("bot.status.case", {{"title", CaseTitle(c.case_number)},
                                                  {"county", TitleCaseAscii(c.county)},
                                                  {"status", Label(c.status)},
                                                  {"opened", Date{c.opened_date}}});
    // Court case numbers identify a case as much as its own number: on SMS only their count.
    // On the phone a court case number is not read out either.
    if (channel_ == Channel::kSms || channel_ == Channel::kVoice || c.orders.empty()) {
      text += " " + Format("bot.status.orders", {{"count", int64_t(c.orders.size())}});
    } else {
      for (const Order& order : c.orders) {
        text += " " + Format("bot.status.order", {{"court_case", order.court_case_number},
                                                  {"filed", Date{order.file_date}},
                                                  {"status", Label(order.status)}});
      }
    }
    return text;
  });
}

std::string CaseAnswers::NextAppointment(const ParticipantFacts& facts,
                                         const std::vector<const CaseFacts*>& cases,
                                         bool named) const {
  std::vector<const Appointment*> upcoming;
  for (const Appointment& a : facts.upcoming_appointments) {
    if (a.end <= now_ || a.status == AppointmentStatus::kCancelled) continue;
    if (named && std::none_of(cases.begin(), cases.end(), [&](const CaseFacts* c) {
          return c->case_number == a.case_number;
        })) {
      continue;
    }
    upcoming.push_back(&a);
  }
  if (upcoming.empty()) {
    if (facts.cases.empty()) return Format("bot.no_case", {});
    return Format("bot.appointment.none", {});
  }
  const Appointment& next = **std::min_element(
      upcoming.begin(), upcoming.end(),
      [](const Appointment* a, const Appointment* b) { return a->start < b->start; });
  std::string text = Format("bot.appointment.next",
                            {{"type", Label(next.type)},
                             {"day", DateTime{next.start, DateTimeStyle::kFullDate}},
                             {"time", DateTime{next.start, DateTimeStyle::kTime}},
                             {"hour", int64_t{calendar_.Hour12(next.start)}},
                             {"location", next.location},
                             {"has_case", std::string(next.case_number.empty() ? "no" : "yes")},
                             {"case", CaseName(next.case_number)}});
  if (upcoming.size() > 1) {
    text += " " + Format("bot.appointment.more", {{"count", int64_t(upcoming.size() - 1)}});
  }
  return text;
}

}  // namespace connecthub::bot
