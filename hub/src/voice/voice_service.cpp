#include "voice/voice_service.h"

#include <chrono>
#include <utility>

#include "log.h"
#include "sms/twilio_webhook.h"
#include "voice/speech.h"

namespace connecthub::hub::voice {
namespace {

using storage::Status;

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::chrono::sys_seconds Seconds(int64_t ms) {
  return std::chrono::sys_seconds(std::chrono::seconds(ms / 1000));
}

}  // namespace

VoiceService::VoiceService(HubContext& ctx, VoiceOptions options)
    : ctx_(ctx), options_(std::move(options)) {
  const ServeOptions& so = ctx_.options;
  if (so.public_url.empty() || so.twilio_auth_token.empty()) {
    Log(LogLevel::kWarn, "voice_disabled",
        {{"reason", "--public-url and --twilio-auth-token are needed to verify webhooks"}});
  }
}

http::HttpResponse VoiceService::Handle(const http::HttpRequest& request, bool new_call) {
  auto count = [this](const char* result) {
    ctx_.metrics.Inc("connecthub_voice_webhooks_total", {{"result", result}});
  };
  auto form = sms::ParseForm(request.body);
  if (!form) {
    count("malformed");
    return http::ErrorResponse(400, "malformed form body");
  }
  if (!sms::WebhookVerified(ctx_.options, request, *form)) {
    count("forbidden");
    Log(LogLevel::kWarn, "voice_signature_rejected", {{"remote", request.remote_address}});
    return http::ErrorResponse(403, "invalid signature");
  }
  const ServeOptions& so = ctx_.options;
  std::string account = form->Get("AccountSid");
  if (!so.twilio_account_sid.empty() && !account.empty() && account != so.twilio_account_sid) {
    count("forbidden");
    return http::ErrorResponse(403, "unknown account");
  }
  std::string sid = form->Get("CallSid");
  if (!sms::IsTwilioSid(sid)) {
    count("malformed");
    return http::ErrorResponse(400, "missing or malformed CallSid");
  }
  std::string from = form->Get("From");
  if (!sms::IsE164(from)) from.clear();  // withheld ("Anonymous"), a SIP or client caller
  std::string digits = form->Get("Digits");
  std::string speech = form->Get("SpeechResult");
  if (digits.size() > 64 || speech.size() > 2000) {
    count("malformed");
    return http::ErrorResponse(400, "Digits or SpeechResult too long");
  }

  int64_t now = ctx_.clock();
  bool fresh = false;
  auto call = FindCall(sid, new_call, from, now);
  if (!call) {
    // An answer for a call this hub does not know (its state expired, or it began on another
    // instance): start the call over rather than fail it.
    call = FindCall(sid, true, from, now);
    fresh = true;
  }
  std::lock_guard lock(call->mu);
  call->last_ms = now;
  std::string xml;
  try {
    if (new_call || fresh) {
      Restart(*call, from, now);  // a redelivered start begins again
      xml = Ask(*call, Step::kParent, T(*call, "voice.welcome"));
    } else {
      xml = Next(*call, digits, speech, now);
    }
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "voice_step_failed", {{"what", e.what()}});
    xml = {};
  }
  if (xml.empty()) {
    count("error");
    xml = VoiceResponse().Say(T(*call, "voice.error"), call->lang).Hangup().Xml();
  } else {
    count("ok");
  }
  return sms::TwimlResponse(std::move(xml));
}

std::shared_ptr<VoiceService::Call> VoiceService::FindCall(const std::string& sid, bool create,
                                                           const std::string& from,
                                                           int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (create) {
    // Calls that ended (or were abandoned) are dropped when new ones come.
    for (auto it = calls_.begin(); it != calls_.end();) {
      bool stale = false;
      if (it->second->mu.try_lock()) {
        stale = now_ms - it->second->last_ms > options_.call_ttl_ms;
        it->second->mu.unlock();
      }
      it = stale ? calls_.erase(it) : std::next(it);
    }
    auto& slot = calls_[sid];
    if (!slot) {
      slot = std::make_shared<Call>();
      slot->from = from;
      slot->last_ms = now_ms;
    }
    return slot;
  }
  auto it = calls_.find(sid);
  return it == calls_.end() ? nullptr : it->second;
}

std::string VoiceService::T(const Call& call, const char* key, const locales::Args& args) const {
  return ctx_.catalog.Format(call.lang, key, args);
}

bool VoiceService::Open(int64_t now_ms) const {
  return options_.office_hours == nullptr || options_.office_hours->IsOpen(Seconds(now_ms));
}

GatherSpec VoiceService::Spec(const Call& call, bool speech, int num_digits) const {
  GatherSpec spec;
  spec.action = kGatherPath;
  spec.speech = speech;
  spec.num_digits = num_digits;
  spec.timeout_s = speech ? 6 : 10;
  spec.lang = call.lang;
  if (speech) spec.hints = T(call, "voice.hints");
  return spec;
}

std::string VoiceService::Ask(Call& call, Step step, const std::string& before,
                              const std::string& prompt) {
  if (step != call.step) call.reasks = 0;
  call.step = step;
  std::vector<std::pair<std::string, std::string>> says;
  if (!before.empty()) says.emplace_back(before, call.lang);
  bool keys_only = step == Step::kId || step == Step::kPin;
  if (!prompt.empty()) {
    says.emplace_back(prompt, call.lang);
  } else {
    switch (step) {
      case Step::kParent:
        says.emplace_back(T(call, "voice.parent"), call.lang);
        // The guide's first line for Spanish speakers, in Spanish whatever the call's language.
        if (call.lang != "es") says.emplace_back(ctx_.catalog.Format("es", "voice.spanish"), "es");
        break;
      case Step::kId:
        says.emplace_back(T(call, "voice.id"), call.lang);
        break;
      case Step::kConfirmId:
        says.emplace_back(
            T(call, "voice.id_readback", {{"digits", bot::SpokenDigits(call.participant_id)}}),
            call.lang);
        break;
      case Step::kPin:
        says.emplace_back(T(call, "voice.pin"), call.lang);
        break;
      case Step::kMenu:
        says.emplace_back(T(call, "voice.menu"), call.lang);
        break;
      case Step::kOffer:
        says.emplace_back(T(call, "voice.callback_offer"), call.lang);
        break;
    }
  }
  return VoiceResponse().Gather(Spec(call, !keys_only, keys_only ? 0 : 1), says).Xml();
}

std::string VoiceService::Reask(Call& call, const std::string& why, int64_t now_ms) {
  if (++call.reasks > options_.max_reasks) return Person(call, now_ms, why);
  return Ask(call, call.step, why);
}

std::string VoiceService::Next(Call& call, const std::string& digits, const std::string& speech,
                               int64_t now_ms) {
  Word word = speech.empty() ? Word::kNone : ReadSpeech(speech);
  bool silent = digits.empty() && speech.empty();
  std::string missed = T(call, silent ? "voice.silence" : "voice.not_understood");
  if (digits == "0" || word == Word::kAgent) {
    if (call.step == Step::kOffer) return QueueCallback(call, now_ms);
    if (SaidInSpanish(speech)) call.lang = "es";
    return Person(call, now_ms);
  }
  switch (call.step) {
    case Step::kParent: {
      bool spanish = digits == "9" || word == Word::kSpanish || SaidInSpanish(speech);
      if (!spanish && word == Word::kNone && !speech.empty()) {
        // Anything else said in Spanish also switches (the bot's language detection).
        bot::Conversation probe{.channel = bot::Channel::kVoice, .lang = "en", .linked = false};
        spanish = ctx_.bot.Answer(speech, nullptr, probe, Seconds(now_ms)).lang == "es";
      }
      if (spanish && call.lang != "es") {
        call.lang = "es";
        if (word != Word::kYes) return Ask(call, Step::kParent);
      }
      if (digits == "1" || word == Word::kYes) return Ask(call, Step::kId);
      return Reask(call, missed, now_ms);
    }
    case Step::kId: {
      if (digits.empty()) return Reask(call, missed, now_ms);
      if (!AllDigits(digits) || digits.size() != options_.participant_id_digits) {
        return Reask(call,
                     T(call, "voice.id_bad",
                       {{"digits", static_cast<int64_t>(options_.participant_id_digits)}}),
                     now_ms);
      }
      call.participant_id = digits;
      return Ask(call, Step::kConfirmId);
    }
    case Step::kConfirmId:
      if (digits == "1" || word == Word::kYes) return Ask(call, Step::kPin);
      if (digits == "2" || word == Word::kNo) return Ask(call, Step::kId);
      return Reask(call, missed, now_ms);
    case Step::kPin: {
      if (digits.empty()) return Reask(call, missed, now_ms);
      if (!AllDigits(digits) || digits.size() < options_.min_pin_digits ||
          digits.size() > options_.max_pin_digits) {
        return Reask(call, T(call, "voice.pin_bad"), now_ms);
      }
      return Verify(call, digits, now_ms);
    }
    case Step::kMenu:
      return Menu(call, digits, speech, now_ms);
    case Step::kOffer:
      if (digits == "1" || word == Word::kYes) return QueueCallback(call, now_ms);
      if (digits == "2" || word == Word::kNo || word == Word::kDone) {
        return call.verified ? Ask(call, Step::kMenu) : Goodbye(call);
      }
      // No answer to the offer: the caller asked for a person, so the callback is queued.
      if (++call.reasks > options_.max_reasks) return QueueCallback(call, now_ms);
      return Ask(call, Step::kOffer, missed);
  }
  return {};
}

std::string VoiceService::Verify(Call& call, const std::string& pin, int64_t now_ms) {
  // Counted per participant (shared with web chat and SMS) and per calling number (its voice
  // thread), reserved before the PIN is checked.
  std::string counter;
  if (!call.from.empty()) {
    auto thread = Thread(call, now_ms);
    if (!thread.ok()) return {};
    counter = "voice-thread:" + std::to_string(*thread);
  }
  auto verified =
      ctx_.parent_auth.Verify(call.participant_id, pin, {.counter_key = counter}, now_ms);
  using Outcome = auth::ParentAuthResult::Outcome;
  switch (verified.outcome) {
    case Outcome::kError:
      return {};
    case Outcome::kLockedOut: {
      ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "voice"}, {"result", "locked_out"}});
      Log(LogLevel::kInfo, "voice_login_locked", {{"thread_id", call.thread_id}});
      std::string text =
          verified.retry_at_ms == auth::kHardLocked
              ? T(call, "voice.locked_hard")
              : T(call, "voice.locked",
                  {{"minutes",
                    std::max<int64_t>(1, (verified.retry_at_ms - now_ms + 59'999) / 60'000)}});
      return Person(call, now_ms, text);
    }
    case Outcome::kBadPin:
      ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "voice"}, {"result", "bad_pin"}});
      Log(LogLevel::kInfo, "voice_login_failed", {{"thread_id", call.thread_id}});
      return Reask(call, T(call, "voice.pin_bad"), now_ms);
    case Outcome::kOk:
      break;
  }
  ctx_.metrics.Inc("connecthub_logins_total", {{"kind", "voice"}, {"result", "ok"}});
  call.verified = true;
  call.thread_id = 0;  // opened again: the thread becomes the verified participant's
  auto thread = Thread(call, now_ms);
  if (!thread.ok()) return {};
  Log(LogLevel::kInfo, "voice_verified", {{"thread_id", *thread}});
  storage::ThreadUpdate update;
  update.lang = call.lang;
  (void)ctx_.store.UpdateThread(*thread, update, now_ms);
  System(call, "voice.system.verified", now_ms);
  std::string first_name;
  if (auto facts = ctx_.store.LoadFacts(call.participant_id, now_ms); facts.ok()) {
    first_name = facts->first_name;
  }
  return Ask(call, Step::kMenu,
             T(call, "voice.verified",
               {{"has_name", std::string(first_name.empty() ? "no" : "yes")},
                {"first_name", first_name}}));
}

std::string VoiceService::Menu(Call& call, const std::string& digits, const std::string& speech,
                               int64_t now_ms) {
  Word word = speech.empty() ? Word::kNone : ReadSpeech(speech);
  if (digits.empty() && speech.empty()) {
    return Reask(call, T(call, "voice.silence"), now_ms);
  }
  if (digits == "*" || word == Word::kMenu || word == Word::kYes) {
    call.reasks = 0;
    return Ask(call, Step::kMenu);
  }
  if (word == Word::kDone || word == Word::kNo) return Goodbye(call);
  if (word == Word::kSpanish && call.lang != "es") {
    call.lang = "es";
    storage::ThreadUpdate update;
    update.lang = call.lang;
    if (call.thread_id != 0) (void)ctx_.store.UpdateThread(call.thread_id, update, now_ms);
    return Ask(call, Step::kMenu);
  }
  int key = 0;
  if (digits.size() == 1 && digits[0] >= '1' && digits[0] <= '6') key = digits[0] - '0';
  if (word == Word::kPayments) key = 2;
  if (word == Word::kMore) key = 6;
  if (key != 0) {
    std::string asked = T(call, ("voice.key." + std::to_string(key)).c_str());
    std::string stored =
        digits.empty() ? speech : T(call, "voice.pressed", {{"key", digits}, {"choice", asked}});
    return Turn(call, asked, stored, key == 2, now_ms);
  }
  if (!digits.empty()) {
    // A key the menu does not have: a misunderstood turn.
    if (++call.misses >= options_.misses_to_person) return Person(call, now_ms);
    return Ask(call, Step::kMenu, T(call, "voice.not_understood"));
  }
  // Speech: the bot reads it. A plain request for a person is offered one (nothing is stored
  // unless the caller takes the callback); everything else is a turn.
  bot::Conversation probe{.channel = bot::Channel::kVoice, .lang = call.lang, .linked = false};
  bot::Reply pre = ctx_.bot.Answer(speech, nullptr, probe, Seconds(now_ms));
  if (pre.intent == "agent" && pre.priority == bot::Priority::kNormal &&
      pre.interpreter_lang.empty()) {
    return Person(call, now_ms);
  }
  return Turn(call, speech, {}, pre.intent == "last_payment", now_ms);
}

std::optional<conversation::ParentTextResult> VoiceService::Parent(Call& call,
                                                                   const std::string& text,
                                                                   const std::string& stored,
                                                                   const char* step,
                                                                   int64_t now_ms) {
  auto thread = Thread(call, now_ms);
  if (!thread.ok()) return std::nullopt;
  conversation::ParentText turn;
  turn.thread_id = *thread;
  turn.text = text;
  turn.stored_text = stored;
  turn.linked = call.verified;
  if (call.verified) turn.participant_id = call.participant_id;
  auto handled = ctx_.conversations.HandleParentText(turn, now_ms);
  if (!handled.ok()) {
    Log(LogLevel::kError, "voice_store_failed",
        {{"step", step}, {"code", static_cast<int>(handled.status().code())}});
    return std::nullopt;
  }
  return std::move(*handled);
}

std::string VoiceService::Transfer(Call& call, const std::string& before, int64_t now_ms) {
  if (!Open(now_ms) || options_.agent_number.empty()) return {};
  System(call, "voice.system.transferred", now_ms);
  Log(LogLevel::kInfo, "voice_transferred", {{"thread_id", call.thread_id}});
  return VoiceResponse()
      .Say(before, call.lang)
      .Say(T(call, "voice.transfer"), call.lang)
      .Dial(options_.agent_number)
      .Xml();
}

std::string VoiceService::Turn(Call& call, const std::string& text, const std::string& stored,
                               bool offer_more, int64_t now_ms) {
  auto handled = Parent(call, text, stored, "turn", now_ms);
  if (!handled) return {};
  std::string said;
  std::string intent;
  for (const auto& m : handled->replies) {
    if (m.sender != storage::Sender::kBot && m.sender != storage::Sender::kSystem) continue;
    if (!said.empty()) said += " ";
    said += ForTheEar(m.body, handled->thread.lang, ctx_.catalog);
    if (m.sender == storage::Sender::kBot) intent = m.intent;
  }
  call.lang = handled->thread.lang;  // "en español, por favor" moves the call too
  storage::ThreadState state = handled->thread.state;
  if (state == storage::ThreadState::kWaiting || state == storage::ThreadState::kAssigned) {
    // The bot handed the thread over (safety words, a second misunderstood turn, an interpreter),
    // or a caseworker already has it.
    return HandedOver(call, handled->thread.priority > 0, said, now_ms);
  }
  if (intent == "unknown") {
    if (++call.misses >= options_.misses_to_person) return Person(call, now_ms, said);
  } else {
    call.misses = 0;
  }
  call.reasks = 0;
  if (offer_more && intent == "last_payment") said += " " + T(call, "voice.more_payments");
  return Ask(call, Step::kMenu, said, T(call, "voice.anything_else"));
}

std::string VoiceService::Person(Call& call, int64_t now_ms, const std::string& before) {
  if (std::string xml = Transfer(call, before, now_ms); !xml.empty()) return xml;
  std::string closed =
      Open(now_ms) ? std::string()
                   : ctx_.conversations.WaitingNotice(call.lang, now_ms, storage::Channel::kVoice);
  if (call.from.empty()) {
    // A withheld number cannot be called back.
    return Goodbye(
        call, (before.empty() ? "" : before + " ") + closed + " " + T(call, "voice.no_callback"));
  }
  return Ask(call, Step::kOffer, (before.empty() ? "" : before + " ") + closed);
}

std::string VoiceService::QueueCallback(Call& call, int64_t now_ms) {
  // The caller's choice is a turn of its own: the bot hands the thread to the inbox's queue, in
  // the same transaction as the stored request.
  auto handled = Parent(call, T(call, "voice.agent_words"), T(call, "voice.callback_request"),
                        "callback", now_ms);
  if (!handled) return {};
  if (handled->thread.state == storage::ThreadState::kBot ||
      handled->thread.state == storage::ThreadState::kResolved) {
    Log(LogLevel::kError, "voice_callback_not_queued", {{"thread_id", handled->thread.id}});
    return {};
  }
  System(call, "voice.system.callback", now_ms);
  Log(LogLevel::kInfo, "voice_callback_queued", {{"thread_id", handled->thread.id}});
  return VoiceResponse().Say(T(call, "voice.callback_queued"), call.lang).Hangup().Xml();
}

std::string VoiceService::HandedOver(Call& call, bool urgent, const std::string& before,
                                     int64_t now_ms) {
  if (std::string xml = Transfer(call, before, now_ms); !xml.empty()) return xml;
  if (call.from.empty()) return Goodbye(call, before + " " + T(call, "voice.no_callback"));
  System(call, "voice.system.callback", now_ms);
  return VoiceResponse()
      .Say(before, call.lang)
      .Say(T(call, urgent ? "voice.safety_callback" : "voice.callback_queued"), call.lang)
      .Hangup()
      .Xml();
}

void VoiceService::Restart(Call& call, const std::string& from, int64_t now_ms) {
  call.from = from;
  call.lang = "en";
  call.step = Step::kParent;
  call.reasks = 0;
  call.misses = 0;
  call.participant_id.clear();
  call.verified = false;
  call.thread_id = 0;
  call.last_ms = now_ms;
}

std::string VoiceService::Goodbye(Call& call, const std::string& before) {
  call.step = Step::kParent;
  return VoiceResponse()
      .Say(before, call.lang)
      .Say(T(call, "voice.goodbye"), call.lang)
      .Hangup()
      .Xml();
}

storage::Result<int64_t> VoiceService::Thread(Call& call, int64_t now_ms) {
  if (call.thread_id != 0) return call.thread_id;
  storage::Result<storage::ThreadRecord> thread =
      call.from.empty()
          ? (call.verified ? ctx_.store.OpenThread(call.participant_id, storage::Channel::kVoice,
                                                   call.lang, now_ms)
                           : storage::Result<storage::ThreadRecord>(
                                 Status(storage::Code::kInvalid, "no caller number")))
          : ctx_.store.OpenVoiceThread(call.from, call.verified ? call.participant_id : "",
                                       call.lang, now_ms);
  if (!thread.ok()) {
    Log(LogLevel::kError, "voice_store_failed",
        {{"step", "thread"}, {"code", static_cast<int>(thread.status().code())}});
    return thread.status();
  }
  call.thread_id = thread->id;
  return call.thread_id;
}

void VoiceService::System(Call& call, const char* key, int64_t now_ms) {
  if (call.thread_id == 0) return;
  // For the caseworker who reads the thread (the caller never sees it): in English.
  auto posted =
      ctx_.conversations.PostSystemMessage(call.thread_id, ctx_.catalog.Format("en", key), now_ms);
  if (!posted.ok()) Log(LogLevel::kWarn, "voice_store_failed", {{"step", "system"}});
}

void RegisterVoiceChannel(HubContext& ctx, const bot::OfficeHours* office_hours) {
  VoiceOptions options;
  options.agent_number = ctx.options.voice_agent_number;
  options.office_hours = office_hours;
  auto service = std::make_shared<VoiceService>(ctx, options);
  http::RouteOptions limits{.max_body = service->max_webhook_body()};
  ctx.router.Add(
      "POST", "/voice/twilio",
      [service](const http::HttpRequest& r, const http::PathParams&) {
        return service->Handle(r, true);
      },
      limits);
  ctx.router.Add(
      "POST", VoiceService::kGatherPath,
      [service](const http::HttpRequest& r, const http::PathParams&) {
        return service->Handle(r, false);
      },
      limits);
}

}  // namespace connecthub::hub::voice
