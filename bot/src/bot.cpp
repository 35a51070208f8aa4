#include <utility>

#include "answers.h"
#include "bot_impl.h"
#include "intents/classifier.h"
#include "local_time.h"
#include "locales/catalog.h"
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
          std::unique_ptr<const locales::Catalog> catalog, std::unique_ptr<LocalCalendar> calendar)
      : options_(options),
        classifier_(std::move(classifier)),
        catalog_(std::move(catalog)),
        calendar_(std::move(calendar)),
        labels_(*catalog_) {}

  Reply Answer(std::string_view text, const ParticipantFacts* facts,
               const Conversation& conversation, std::chrono::sys_seconds now) const override {
    Classification c = classifier_->Classify(text, intents::ParseLang(conversation.lang));
    Reply reply;
    reply.confidence = c.confidence;
    reply.lang = std::string(intents::LangCode(c.lang));
    Intent intent = c.intent;
    if (c.confidence < options_.intent_threshold) intent = Intent::kUnknown;
    reply.intent = std::string(intents::IntentName(intent));

    if (c.safety) {
      // Danger outranks whatever else the message asks: a person answers, first in the queue.
      reply.intent = std::string(intents::IntentName(Intent::kAgent));
      reply.escalate = true;
      reply.priority = Priority::kHigh;
      reply.text = Text(reply.lang, "bot.safety", {});
    } else if (intent == Intent::kUnknown) {
      reply.misses = conversation.misses + 1;
      if (reply.misses >= options_.misses_to_escalate) {
        reply.escalate = true;
        reply.misses = 0;
        reply.text = Text(reply.lang, "bot.unknown_escalate", {});
      } else {
        reply.text = Text(reply.lang, "bot.unknown", {});
      }
    } else if (intent == Intent::kAgent) {
      reply.escalate = true;
      reply.text = Text(reply.lang, "bot.agent", {});
    } else if (intent == Intent::kSetLanguage) {
      reply.lang = NewLanguage(c, conversation.lang);
      reply.text = Text(reply.lang, "bot.set_language", {});
    } else if (IsCaseIntent(intent)) {
      reply.text = CaseAnswer(intent, c.entities, facts, conversation, reply.lang, now);
    } else if (intent == Intent::kGreeting || intent == Intent::kHelp) {
      bool has_name = facts != nullptr && !facts->first_name.empty();
      reply.text = intent == Intent::kHelp
                       ? Text(reply.lang, "bot.help", {})
                       : Text(reply.lang, "bot.greeting",
                              {{"has_name", std::string(has_name ? "yes" : "no")},
                               {"first_name", has_name ? facts->first_name : std::string()}});
      // An unlinked number learns how to get its case answers.
      if (!conversation.linked) reply.text += "\n" + Text(reply.lang, "bot.link_needed", {});
    } else {
      const char* key = InformationKey(intent);
      reply.text = Text(reply.lang, key != nullptr ? key : "bot.help", {});
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

 private:
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
    if (!conversation.linked) return Text(lang, "bot.link_needed", {});
    if (facts == nullptr) return Text(lang, "bot.no_case", {});
    CaseAnswers answers(*catalog_, labels_, *calendar_, options_, lang, conversation.channel, now);
    return answers.Answer(intent, *facts, entities);
  }

  const BotOptions options_;
  const std::unique_ptr<const intents::Classifier> classifier_;
  const std::unique_ptr<const locales::Catalog> catalog_;
  const std::unique_ptr<LocalCalendar> calendar_;
  const Labels labels_;
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
  return std::make_unique<BotImpl>(options, std::move(classifier), std::move(catalog),
                                   std::move(calendar));
}

}  // namespace connecthub::bot
