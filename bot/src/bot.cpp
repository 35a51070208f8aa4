#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "answers.h"
#include "bot_impl.h"
#include "intents/classifier.h"
#include "local_time.h"
#include "locales/catalog.h"
#include "locales/other_languages.h"
#include "reminder_policy.h"
#include "text.h"

namespace connecthub::bot {
namespace {

using intents::Classification;
using intents::Intent;
using intents::Lang;

bool IsCaseIntent(Intent intent) {
  switch (intent) {
    case Intent::kBalance:
    case Intent::kNextAppointment:
    case Intent::kLastPayment:
    case Intent::kPaymentHistory:
    case Intent::kCaseStatus:
      return true;
    default:
      return false;
  }
}

// Catalog keys of the answers that need no case data.
const char* InformationKey(Intent intent) {
  switch (intent) {
    case Intent::kMakePayment:
      return "bot.make_payment";
    case Intent::kResetPin:
      return "bot.reset_pin";
    case Intent::kContact:
      return "bot.contact";
    case Intent::kDocuments:
      return "bot.documents";
    case Intent::kUpdateInfo:
      return "bot.update_info";
    case Intent::kThanks:
      return "bot.thanks";
    case Intent::kGoodbye:
      return "bot.goodbye";
    default:
      return nullptr;
  }
}

class BotImpl final : public Bot {
 public:
  BotImpl(const BotOptions& options, std::unique_ptr<const intents::Classifier> classifier,
          std::unique_ptr<const locales::Catalog> catalog, std::unique_ptr<LocalCalendar> calendar,
          std::vector<locales::InterpreterNotice> notices)
      : options_(options),
        classifier_(std::move(classifier)),
        catalog_(std::move(catalog)),
        calendar_(std::move(calendar)),
        labels_(*catalog_),
        notices_(std::move(notices)) {
    for (const char* lang : {"en", "es"}) {
      for (const auto& [key, pattern] : catalog_->Entries(lang, "bot.")) {
        if (key.ends_with(".voice")) voice_keys_.insert(key);
      }
    }
  }

  Reply Answer(std::string_view text, const ParticipantFacts* facts,
               const Conversation& conversation, std::chrono::sys_seconds now) const override {
    Classification c = classifier_->Classify(text, intents::ParseLang(conversation.lang));
    Reply reply;
    reply.confidence = c.confidence;
    reply.lang = std::string(intents::LangCode(c.lang));
    Intent intent = c.intent;
    if (c.confidence < options_.intent_threshold) intent = Intent::kUnknown;
    reply.intent = std::string(intents::IntentName(intent));

    if (!c.other_lang.empty()) {
      // A language the bot does not speak: say so in it, then in English and Spanish, and hand
      // over to a caseworker, who calls with the agency's interpreter line.
      reply.intent = std::string(intents::IntentName(Intent::kUnknown));
      reply.interpreter_lang = c.other_lang;
      reply.escalate = true;
      reply.misses = 0;
      reply.text = InterpreterNotice(c.other_lang);
      return reply;
    }
    if (!c.safety && Questions(text, facts, conversation, now, &reply)) {
      // Several questions in one message: an answer each (reply filled in).
    } else if (c.safety) {
      // Danger outranks whatever else the message asks: a person answers, first in the queue.
      reply.intent = std::string(intents::IntentName(Intent::kAgent));
      reply.escalate = true;
      reply.priority = Priority::kHigh;
      reply.text = Say(conversation, reply.lang, "bot.safety", {});
    } else if (intent == Intent::kUnknown && (c.topic || c.out_of_scope)) {
      OutOfScope(c, conversation, &reply);
    } else if (intent == Intent::kUnknown) {
      reply.misses = conversation.misses + 1;
      if (reply.misses >= options_.misses_to_escalate) {
        reply.escalate = true;
        reply.misses = 0;
        reply.text = Say(conversation, reply.lang, "bot.unknown_escalate", {});
      } else {
        reply.text = Say(conversation, reply.lang, "bot.unknown", {});
      }
    } else if (intent == Intent::kEnforcement) {
      reply.text = Enforcement(facts, conversation, reply.lang);
    } else if (intent == Intent::kAgent) {
      reply.escalate = true;
      reply.text = Say(conversation, reply.lang, "bot.agent", {});
    } else if (intent == Intent::kSetLanguage) {
      reply.lang = NewLanguage(c, conversation.lang);
      reply.text = Say(conversation, reply.lang, "bot.set_language", {});
    } else if (IsCaseIntent(intent)) {
      reply.text = CaseAnswer(intent, c.entities, facts, conversation, reply.lang, now);
    } else if (intent == Intent::kGreeting || intent == Intent::kHelp) {
      bool has_name = facts != nullptr && !facts->first_name.empty();
      reply.text = intent == Intent::kHelp
                       ? Say(conversation, reply.lang, "bot.help", {})
                       : Say(conversation, reply.lang, "bot.greeting",
                             {{"has_name", std::string(has_name ? "yes" : "no")},
                              {"first_name", has_name ? facts->first_name : std::string()}});
      // An unlinked number learns how to get its case answers.
      if (!conversation.linked)
        reply.text += "\n" + Say(conversation, reply.lang, "bot.link_needed", {});
    } else {
      const char* key = InformationKey(intent);
      reply.text = Say(conversation, reply.lang, key != nullptr ? key : "bot.help", {});
    }

    if (conversation.channel == Channel::kSms) {
      reply.text = FitText(reply.text, options_.sms_max_chars);
    }
    return reply;
  }

  std::string ReminderText(const Appointment& appointment, int days_before, std::string_view lang,
                           Channel channel) const override {
    return FormatReminder("bot.reminder", appointment, days_before, lang, channel);
  }

  std::optional<ReminderDue> Reminder(const Appointment& appointment,
                                      const std::vector<std::string>& sent, bool details,
                                      std::string_view lang,
                                      std::chrono::sys_seconds now) const override {
    auto d = DecideReminder(appointment, sent, details, *calendar_, now);
    if (!d) return std::nullopt;
    const char* key = "bot.reminder";
    if (d->message == ReminderMessage::kMoved) key = "bot.reminder.moved";
    if (d->message == ReminderMessage::kCancelled) key = "bot.reminder.cancelled";
    if (d->message == ReminderMessage::kLinkExpired) key = "bot.reminder.link_expired";
    return ReminderDue{d->kind, FormatReminder(key, appointment, d->days, lang, Channel::kSms)};
  }

  std::optional<std::string> PaymentNotice(const Payment& payment, Role role, bool sent,
                                           std::string_view lang,
                                           std::chrono::sys_seconds now) const override {
    if (sent || payment.amount_cents <= 0 || IsCorrection(payment.type)) return std::nullopt;
    std::chrono::sys_days today{calendar_->Today(now)};
    if (payment.date > today || payment.date < today - std::chrono::days(kPaymentNoticeDays)) {
      return std::nullopt;  // history (or a date not yet come): never news
    }
    std::string code(intents::LangCode(intents::ParseLang(lang).value_or(Lang::kEn)));
    std::string text = catalog_->Format(
        code,
        role == Role::kReceiving ? "bot.payment_notice.receiving" : "bot.payment_notice.paying",
        {{"amount", locales::Money{payment.amount_cents}},
         {"date", locales::Date{payment.date}},
         {"last4", LastFour(payment.case_number)}});
    return FitText(text, options_.sms_max_chars);
  }

 private:
  // A correction, reversal or adjustment of an earlier payment is not "a payment was sent".
  static bool IsCorrection(std::string_view type) {
    std::string upper(type);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (std::string_view word : {"REVERS", "CORRECT", "ADJUST", "REFUND", "VOID", "NSF"}) {
      if (upper.find(word) != std::string::npos) return true;
    }
    return false;
  }

  std::string FormatReminder(const char* key, const Appointment& appointment, int days_before,
                             std::string_view lang, Channel channel) const {
    std::string code(intents::LangCode(intents::ParseLang(lang).value_or(Lang::kEn)));
    std::string number = appointment.case_number;
    std::string text = catalog_->Format(
        code, key,
        {{"days", int64_t{days_before}},
         {"day", locales::DateTime{appointment.start, locales::DateTimeStyle::kFullDate}},
         {"time", locales::DateTime{appointment.start, locales::DateTimeStyle::kTime}},
         {"hour", int64_t{calendar_->Hour12(appointment.start)}},
         {"type", labels_.Get(code, appointment.type)},
         {"location", appointment.location},
         {"has_case", std::string(number.empty() ? "no" : "yes")},
         {"case",
          catalog_->Format(code, "bot.case.name",
                           {{"channel", std::string(channel == Channel::kSms ? "sms" : "web")},
                            {"number", number},
                            {"last4", LastFour(number)}})}});
    return channel == Channel::kSms ? FitText(text, options_.sms_max_chars) : text;
  }

  std::string Text(const std::string& lang, const char* key, const locales::Args& args) const {
    return catalog_->Format(lang, key, args);
  }

  // Text for the conversation's channel: on voice, `key`.voice when the catalog has it (the
  // same answer for the ear: "say agent or press 0" where the screen reads "type agent").
  std::string Say(const Conversation& conversation, const std::string& lang, const char* key,
                  const locales::Args& args) const {
    if (conversation.channel == Channel::kVoice) {
      std::string voice = std::string(key) + ".voice";
      if (voice_keys_.contains(voice)) return catalog_->Format(lang, voice, args);
    }
    return catalog_->Format(lang, key, args);
  }

  // Intents that one clause of a message with several questions may ask (those answered from
  // data or general information; not the conversation moves such as agent or set_language).
  static bool Answerable(Intent intent) {
    return IsCaseIntent(intent) || InformationKey(intent) != nullptr ||
           intent == Intent::kEnforcement;
  }

  // "how much do I owe and when is my court date": the clauses of `text` (split at '?', ';', line
  // breaks and "and" / "y" / "also" / "también"; two words or more) that ask different answerable
  // intents each get their answer, up to kMaxQuestions, in order. False (reply untouched) when the
  // message asks fewer than two.
  bool Questions(std::string_view text, const ParticipantFacts* facts,
                 const Conversation& conversation, std::chrono::sys_seconds now,
                 Reply* reply) const {
    constexpr size_t kMaxQuestions = 3;
    std::vector<std::string_view> clauses = SplitClauses(text);
    if (clauses.size() < 2) return false;
    std::optional<Lang> lang = intents::ParseLang(reply->lang);
    std::vector<std::pair<Intent, Classification>> asked;
    for (std::string_view clause : clauses) {
      // A question of its own has two words or more ("and address" completes the one before).
      if (Words(clause) < 2) continue;
      Classification c = classifier_->Classify(clause, lang);
      if (c.intent == Intent::kUnknown || c.confidence < options_.intent_threshold ||
          !Answerable(c.intent)) {
        continue;
      }
      bool seen = std::any_of(asked.begin(), asked.end(),
                              [&](const auto& a) { return a.first == c.intent; });
      if (!seen && asked.size() < kMaxQuestions) asked.emplace_back(c.intent, std::move(c));
    }
    if (asked.size() < 2) return false;
    std::vector<std::string> answers;
    for (auto& [intent, c] : asked) {
      std::string answer;
      if (IsCaseIntent(intent)) {
        answer = CaseAnswer(intent, c.entities, facts, conversation, reply->lang, now);
      } else if (intent == Intent::kEnforcement) {
        answer = Enforcement(facts, conversation, reply->lang);
      } else {
        answer = Say(conversation, reply->lang, InformationKey(intent), {});
      }
      if (std::find(answers.begin(), answers.end(), answer) == answers.end()) {
        answers.push_back(std::move(answer));
      }
    }
    reply->intent = std::string(intents::IntentName(asked.front().first));
    reply->text.clear();
    for (const std::string& answer : answers) {
      if (!reply->text.empty()) reply->text += "\n";
      reply->text += answer;
    }
    return true;
  }

  static std::vector<std::string_view> SplitClauses(std::string_view text) {
    std::vector<std::string_view> out;
    size_t start = 0;
    auto push = [&](size_t end) {
      std::string_view clause = text.substr(start, end - start);
      if (clause.find_first_not_of(" \t\r\n,.!?") != std::string_view::npos) out.push_back(clause);
    };
    for (size_t i = 0; i < text.size(); ++i) {
      char ch = text[i];
      if (ch == '?' || ch == ';' || ch == '\n') {
        push(i);
        start = i + 1;
        continue;
      }
      if (ch != ' ') continue;
      for (std::string_view word : {"and", "y", "also", "tambien", "también", "plus"}) {
        size_t end = i + 1 + word.size();
        if (end < text.size() && text[end] == ' ' &&
            EqualsFolded(text.substr(i + 1, word.size()), word)) {
          push(i);
          start = end;
          break;
        }
      }
    }
    push(text.size());
    return out;
  }

  static size_t Words(std::string_view clause) {
    size_t words = 0;
    bool in_word = false;
    for (char ch : clause) {
      bool space = ch == ' ' || ch == '\t' || ch == ',' || ch == '.' || ch == '!';
      if (!space && !in_word) ++words;
      in_word = !space;
    }
    return words;
  }

  static bool EqualsFolded(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      unsigned char x = static_cast<unsigned char>(a[i]);
      if (x < 0x80) x = static_cast<unsigned char>(std::tolower(x));
      if (x != static_cast<unsigned char>(b[i])) return false;
    }
    return true;
  }

  // An out-of-scope question (SPEC §8 `unknown`): says what the bot cannot help with, with the
  // referral its sensitive topic calls for, and offers a caseworker. It counts as a miss, so that
  // a second one in a row hands the thread over; domestic trouble hands it over at once.
  void OutOfScope(const Classification& c, const Conversation& conversation, Reply* reply) const {
    const char* key = "bot.out_of_scope";
    if (c.topic == intents::Topic::kCustody) key = "bot.oos.custody";
    if (c.topic == intents::Topic::kImmigration) key = "bot.oos.immigration";
    std::string channel = conversation.channel == Channel::kSms ? "sms" : "web";
    if (c.topic == intents::Topic::kDomestic) {
      reply->escalate = true;
      reply->misses = 0;
      reply->text = Say(conversation, reply->lang, "bot.oos.domestic", {{"channel", channel}});
      return;
    }
    reply->misses = conversation.misses + 1;
    reply->text = Say(conversation, reply->lang, key, {});
    if (reply->misses >= options_.misses_to_escalate) {
      reply->escalate = true;
      reply->misses = 0;
      reply->text += "\n" + Say(conversation, reply->lang, "bot.oos.offer", {});
    }
  }

  // Enforcement (license suspension, tax refund intercept, withholding, jail): general information
  // and, for a linked payer, the past-due total of the cases they pay on.
  std::string Enforcement(const ParticipantFacts* facts, const Conversation& conversation,
                          const std::string& lang) const {
    int64_t past_due = 0;
    if (conversation.linked && facts != nullptr) {
      for (const CaseFacts& c : facts->cases) {
        if (c.role == Role::kPaying) past_due += c.past_due_cents;
      }
    }
    return Say(conversation, lang, "bot.enforcement",
               {{"channel", std::string(conversation.channel == Channel::kSms ? "sms" : "web")},
                {"due", std::string(past_due > 0 ? "some" : "none")},
                {"past_due", locales::Money{past_due}}});
  }

  // The language asked for by name; otherwise the classifier's (sticky) one if the message moved
  // it; otherwise the other of the two ("change language" said in the current one).
  static std::string NewLanguage(const Classification& c, const std::string& current) {
    if (c.entities.language) return std::string(intents::LangCode(*c.entities.language));
    std::string classified(intents::LangCode(c.lang));
    if (classified != current) return classified;
    return classified == "es" ? "en" : "es";
  }

  std::string CaseAnswer(Intent intent, const intents::Entities& entities,
                         const ParticipantFacts* facts, const Conversation& conversation,
                         const std::string& lang, std::chrono::sys_seconds now) const {
    if (!conversation.linked) return Say(conversation, lang, "bot.link_needed", {});
    if (facts == nullptr) return Say(conversation, lang, "bot.no_case", {});
    CaseAnswers answers(*catalog_, labels_, *calendar_, options_, lang, conversation.channel, now);
    return answers.Answer(intent, *facts, entities);
  }

  // `code`'s notice (when locales/other has one), then the English and the Spanish one.
  std::string InterpreterNotice(std::string_view code) const {
    std::string text;
    for (const auto& notice : notices_) {
      if (notice.code == code) text = notice.notice + "\n\n";
    }
    return text + Text("en", "bot.interpreter", {}) + "\n\n" + Text("es", "bot.interpreter", {});
  }

  const BotOptions options_;
  const std::unique_ptr<const intents::Classifier> classifier_;
  const std::unique_ptr<const locales::Catalog> catalog_;
  const std::unique_ptr<LocalCalendar> calendar_;
  const Labels labels_;
  std::vector<locales::InterpreterNotice> notices_;
  std::set<std::string> voice_keys_;  // catalog keys ending ".voice" (Say)
};

}  // namespace

std::unique_ptr<Bot> NewBot(const BotOptions& options,
                            std::unique_ptr<const intents::Classifier> classifier,
                            std::unique_ptr<const locales::Catalog> catalog, std::string* error) {
  if (!classifier || !catalog) {
    *error = "bot: a classifier and a catalog are required";
    return nullptr;
  }
  auto calendar = LocalCalendar::Create(options.time_zone);
  if (!calendar) {
    *error = "bot: unknown time zone '" + options.time_zone + "'";
    return nullptr;
  }
  std::vector<locales::InterpreterNotice> notices;
  if (!locales::LoadInterpreterNotices(&notices, error)) return nullptr;
  return std::make_unique<BotImpl>(options, std::move(classifier), std::move(catalog),
                                   std::move(calendar), std::move(notices));
}

}  // namespace connecthub::bot
