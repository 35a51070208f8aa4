#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"

namespace connecthub::bot {

// kVoice: answers are written for the ear (a phone call read out by text-to-speech): lists of at
// most three items, case numbers digit by digit, court case numbers counted, not read.
enum class Channel { kWeb, kSms, kVoice };

// The largest number of items one spoken answer lists (the rest are "and N more").
inline constexpr size_t kVoiceMaxListed = 3;

// The digits of `text`, each a word of its own, for text-to-speech ("2 0 0 0 1"): a number read
// digit by digit, not as "two hundred million". The bot reads case numbers so on kVoice; the
// phone line reads back a keyed Participant ID the same way.
std::string SpokenDigits(std::string_view text);

// What the bot knows of the conversation before this message. The hub keeps it with the thread.
struct Conversation {
  Channel channel = Channel::kWeb;
  std::string lang = "en";  // the conversation's current language code ("en" / "es")
  int misses = 0;           // consecutive messages the bot did not understand
  // On SMS, whether the number is linked to a participant; unlinked numbers get general help only
  // and `facts` is null. Always true on the web (login is required).
  bool linked = true;
};

enum class Priority { kNormal = 0, kHigh = 1 };

// The bot's answer to one message, and what the hub must do with the thread.
struct Reply {
  std::string text;    // in `lang`; on SMS at most BotOptions::sms_max_chars code points
  std::string intent;  // SPEC §8 name: "balance", ..., "unknown"; "agent" for a safety hand-over
  double confidence = 0;    // the classifier's
  std::string lang = "en";  // the conversation's language after this message
  // The new count of consecutive misunderstood messages: conversation.misses + 1 after an unknown,
  // 0 after an understood message and after any hand-over (the count starts afresh when the thread
  // comes back to the bot).
  int misses = 0;
  bool escalate = false;  // hand the thread to the caseworker inbox (state -> waiting)
  Priority priority = Priority::kNormal;  // kHigh on safety words
  // Set when the text is in a language the bot does not speak (intents::OtherLanguage): its ISO
  // 639-1 code ("vi"). The reply is then that language's interpreter notice
  // (locales/other/<code>.properties) followed by the same in English and Spanish, sent whole on
  // SMS too (a reviewed notice is never cut), and the thread goes to the inbox.
  std::string interpreter_lang;
};

// One SMS a reminder run owes a number for an appointment (Bot::Reminder).
struct ReminderDue {
  // The middle of its outbox dedupe key "rem:<appointment_id>:<kind>:<number's key>": once it is
  // enqueued, pass it back in `sent` and it is not due again.
  std::string kind;
  std::string text;  // in the participant's language, fits BotOptions::sms_max_chars
};

// How many calendar days back (in BotOptions::time_zone) a payment may be dated and still get a
// payment notice: older ones are history (a first import, a backfill) and send nothing.
inline constexpr int kPaymentNoticeDays = 3;

struct BotOptions {
  double intent_threshold = 0.5;  // below it the intent is "unknown". Default 0.5.
  int misses_to_escalate = 2;     // consecutive unknowns that hand over to a human. Default 2.
  size_t sms_max_chars = 320;     // bot replies on SMS fit in this. Default 320 (two segments).
  std::string time_zone = "America/Los_Angeles";  // for dates and times in answers
  size_t max_cases_listed = 3;  // cases shown in one answer, then "and N more". Default 3.
  size_t recent_payments = 3;   // payments in a "payment history" answer. Default 3.
  // Payments listed for a named year or month (count and total cover them all). Default 6.
  size_t period_payments_listed = 6;
};

// The bilingual intent bot: classifies a parent's message and answers it from that parent's own
// case facts, in the conversation's language. Deterministic: time comes in as `now`. Every text
// comes from the catalog (locales/*/bot.properties). On SMS, case numbers are masked to their last
// four digits and replies fit BotOptions::sms_max_chars. Hand-overs (SPEC §8): `agent`, the
// misses_to_escalate-th unknown in a row, and safety words (at once, high priority).
// Immutable after Create(); Answer() and ReminderText() are thread-safe. Never touches sockets or
// SQL.
class Bot {
 public:
  // Trains the classifier and loads the catalogs and interpreter notices. Fails (nullptr plus
  // *error) only when embedded data is corrupt, or when a language intents/data/other-languages.txt
  // names has no locales/other/<code>.properties.
  static std::unique_ptr<Bot> Create(const BotOptions& options, std::string* error);

  virtual ~Bot() = default;

  // Answers `text`. `facts` is the participant's (null for an unlinked SMS number).
  virtual Reply Answer(std::string_view text, const ParticipantFacts* facts,
                       const Conversation& conversation, std::chrono::sys_seconds now) const = 0;

  // An appointment reminder for `days_before` (10 or 2; 0 and 1 read "today" / "tomorrow") in
  // `lang`, with date, time, type, location and the agency's number. On SMS the case number is
  // masked and the text fits BotOptions::sms_max_chars.
  virtual std::string ReminderText(const Appointment& appointment, int days_before,
                                   std::string_view lang, Channel channel) const = 0;

  // The reminder policy: which SMS, if any, is due at `now` about `appointment` for one number
  // that has had the kinds `sent`. 10 and 2 days before the appointment a reminder giving the
  // real number of calendar days in BotOptions::time_zone (one that comes due late, on import,
  // goes out at once); a RESCHEDULED appointment first gets "your appointment has moved" and then
  // the reminders of its new time; a CANCELLED one gets one cancellation notice and nothing else.
  // Without `details` (the number's link expired and no consent is on file) the number gets, once
  // per appointment time, a notice without case details saying how to link again.
  virtual std::optional<ReminderDue> Reminder(const Appointment& appointment,
                                              const std::vector<std::string>& sent, bool details,
                                              std::string_view lang,
                                              std::chrono::sys_seconds now) const = 0;

  // The payment-notice policy: the SMS, if any, due at `now` about `payment` for one number of a
  // participant whose role on the payment's case is `role` (kReceiving: "a payment of $X dated D
  // was sent to you"; kPaying: "your payment of $X dated D posted"), in `lang`, with the case
  // number's last 4 digits only. Nothing when `sent` (the number has had it), when the amount is
  // not positive or the type names a correction or reversal, or when the payment is dated more
  // than kPaymentNoticeDays calendar days before `now`'s day or after it.
  virtual std::optional<std::string> PaymentNotice(const Payment& payment, Role role, bool sent,
                                                   std::string_view lang,
                                                   std::chrono::sys_seconds now) const = 0;
};

}  // namespace connecthub::bot
