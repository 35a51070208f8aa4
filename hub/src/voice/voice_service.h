#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bot/office_hours.h"
#include "hub_context.h"
#include "sms/form_body.h"
#include "voice/voice_twiml.h"

namespace connecthub::hub::voice {

// Limits of the phone line, with documented defaults.
struct VoiceOptions {
  size_t max_webhook_body = 16 * 1024;             // as SMS (SPEC §5). Default 16 KiB.
  int64_t call_ttl_ms = 4LL * 3600 * 1000;         // a call's state outlives its last step by this
  int max_reasks = 2;                              // a question is asked again at most this often
  int misses_to_person = 2;                        // misunderstood menu turns before a person
  size_t participant_id_digits = 9;                // as SMS linking
  size_t min_pin_digits = 4;                       // as SMS linking
  size_t max_pin_digits = 12;                      // as SMS linking
  std::string agent_number;                        // --voice-agent-number (E.164); empty: none
  const bot::OfficeHours* office_hours = nullptr;  // null: always open
};

// The voice channel (issue 21): Twilio Programmable Voice webhooks answered with TwiML, the
// phone-tree flow of the Customer Connect guide (language, "parent or guardian", Participant ID
// read back, PIN, main menu), the bot's answers read out, and a person on request: <Dial> to the
// agent line in office hours, else a callback queued in the inbox as a voice thread.
//
// A call's progress (step, language, the ID entered, verified or not) lives in memory under its
// CallSid: every step's own writes are whole (one turn, one message), so a caller hanging up
// anywhere leaves nothing half-written, and the state is dropped call_ttl_ms after the last step.
// The PIN is checked by the shared ParentAuth (participant lockout shared with web and SMS, plus
// a per-number counter on the caller's voice thread), and never stored, logged or read back.
// Handlers run on the blocking pool; steps of one call run one at a time. Thread-safe.
class VoiceService {
 public:
  VoiceService(HubContext& ctx, VoiceOptions options);

  // POST /voice/twilio (a new call) and POST /voice/twilio/gather (the answer to a <Gather>):
  // 400 malformed, 403 bad signature (nothing stored), else 200 TwiML.
  http::HttpResponse Handle(const http::HttpRequest& request, bool new_call);

  size_t max_webhook_body() const { return options_.max_webhook_body; }

  static constexpr const char* kGatherPath = "/voice/twilio/gather";

 private:
  enum class Step { kParent, kId, kConfirmId, kPin, kMenu, kOffer };
  struct Call {
    std::mutex mu;
    std::string from;  // the caller's number (E.164), empty when withheld
    std::string lang = "en";
    Step step = Step::kParent;
    int reasks = 0;  // times the current question was asked again
    int misses = 0;  // misunderstood menu turns in a row
    std::string participant_id;
    bool verified = false;
    int64_t thread_id = 0;  // the caller's voice thread, once there is one
    int64_t last_ms = 0;
  };

  std::shared_ptr<Call> FindCall(const std::string& sid, bool create, const std::string& from,
                                 int64_t now_ms);
  std::string Next(Call& call, const std::string& digits, const std::string& speech,
                   int64_t now_ms);

  // Prompts: the question of `step` in a <Gather>, after `before` (said first, inside it).
  // `prompt` replaces the step's own question when set.
  std::string Ask(Call& call, Step step, const std::string& before = {},
                  const std::string& prompt = {});
  // The current question again, or a person after max_reasks.
  std::string Reask(Call& call, const std::string& why, int64_t now_ms);
  // "Agent", 0, too many re-asks: the agent line in office hours, else the callback offer.
  std::string Person(Call& call, int64_t now_ms, const std::string& before = {});
  // The thread is already in the inbox's queue: the agent line or "we'll call you back".
  std::string HandedOver(Call& call, bool urgent, const std::string& before, int64_t now_ms);
  std::string QueueCallback(Call& call, int64_t now_ms);
  std::string Verify(Call& call, const std::string& pin, int64_t now_ms);
  std::string Menu(Call& call, const std::string& digits, const std::string& speech,
                   int64_t now_ms);
  // One turn through the bot (stored with its answer in one transaction) and what is said.
  std::string Turn(Call& call, const std::string& text, const std::string& stored, bool offer_more,
                   int64_t now_ms);
  // The caller's `text` (stored as `stored` when set) through the conversation service, as one
  // transaction; nullopt (logged with `step`) when it could not be stored.
  std::optional<conversation::ParentTextResult> Parent(Call& call, const std::string& text,
                                                       const std::string& stored, const char* step,
                                                       int64_t now_ms);
  // Office hours and an agent number: `before`, "please hold", and <Dial>. Empty otherwise.
  std::string Transfer(Call& call, const std::string& before, int64_t now_ms);
  std::string Goodbye(Call& call, const std::string& before = {});
  // Forgets everything of the call but its number: it starts at the greeting.
  static void Restart(Call& call, const std::string& from, int64_t now_ms);
  // The caller's voice thread, opened (and given the verified participant) when needed.
  storage::Result<int64_t> Thread(Call& call, int64_t now_ms);
  void System(Call& call, const char* key, int64_t now_ms);
  std::string T(const Call& call, const char* key, const locales::Args& args = {}) const;
  bool Open(int64_t now_ms) const;
  GatherSpec Spec(const Call& call, bool speech, int num_digits) const;

  HubContext& ctx_;
  VoiceOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Call>> calls_;  // by CallSid
};

// Adds POST /voice/twilio and /voice/twilio/gather to the hub's router.
void RegisterVoiceChannel(HubContext& ctx, const bot::OfficeHours* office_hours);

}  // namespace connecthub::hub::voice
