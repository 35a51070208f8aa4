#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "bot/facts.h"
#include "intents/classifier.h"
#include "local_time.h"
#include "locales/catalog.h"
#include "text.h"

namespace connecthub::bot {

// Display names for data values of the extract (statuses, payment and appointment types), per
// language, from the catalog's "bot.label.*" keys. Immutable after construction; thread-safe.
class Labels {
 public:
  explicit Labels(const locales::Catalog& catalog);

  // The translated label of `value` in `lang`, or `value` itself when the catalog has none.
  std::string Get(const std::string& lang, const std::string& value) const;

 private:
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> labels_;
};

// Composes the answers to case questions for one message: which cases, how they are named on this
// channel, and the text of each intent's answer. Built per message, used once; not shared between
// threads.
class CaseAnswers {
 public:
  CaseAnswers(const locales::Catalog& catalog, const Labels& labels, const LocalCalendar& calendar,
              const BotOptions& options, std::string lang, Channel channel,
              std::chrono::sys_seconds now);

  // Answers `intent` (one of balance, next_appointment, last_payment, payment_history,
  // case_status) from `facts`, for the case `entities` names or all of them.
  std::string Answer(intents::Intent intent, const ParticipantFacts& facts,
                     const intents::Entities& entities) const;

 private:
  std::string Balance(const std::vector<const CaseFacts*>& cases) const;
  std::string LastPayment(const std::vector<const CaseFacts*>& cases) const;
  std::string PaymentHistory(const std::vector<const CaseFacts*>& cases,
                             std::chrono::sys_days payments_since,
                             const intents::Entities& entities) const;
  std::string CaseStatus(const std::vector<const CaseFacts*>& cases) const;
  std::string NextAppointment(const ParticipantFacts& facts,
                              const std::vector<const CaseFacts*>& cases, bool named) const;
  std::string NotFound(const std::string& typed, const std::vector<CaseFacts>& cases) const;

  // One answer line per case: the line alone for one case; a header, up to
  // options.max_cases_listed lines and "and N more" for several (fewer on SMS if they do not fit).
  template <typename LineFn>
  std::string PerCase(const std::vector<const CaseFacts*>& cases, LineFn line) const;
  std::string List(const std::string& header, const std::vector<std::string>& lines,
                   size_t max_items, const char* more_key) const;

  std::string CaseName(const std::string& number) const;
  std::string CaseTitle(const std::string& number) const;
  std::string Label(const std::string& value) const { return labels_.Get(lang_, value); }
  std::string Format(const char* key, const locales::Args& args) const {
    return catalog_.Format(lang_, key, args);
  }
  std::string ChannelName() const {
    return channel_ == Channel::kSms ? "sms" : channel_ == Channel::kVoice ? "voice" : "web";
  }
  // A case number as the channel shows it: digit by digit on voice.
  std::string Number(const std::string& number) const {
    return channel_ == Channel::kVoice ? SpokenDigits(number) : number;
  }

  const locales::Catalog& catalog_;
  const Labels& labels_;
  const LocalCalendar& calendar_;
  const BotOptions& options_;
  std::string lang_;
  Channel channel_;
  std::chrono::sys_seconds now_;
};

}  // namespace connecthub::bot
