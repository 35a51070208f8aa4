#include "conversation/conversation_service.h"

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "log.h"
#include "sms/link_message.h"

namespace connecthub::hub::conversation {
namespace {

using storage::Result;
using storage::Status;

std::string_view ChannelLabel(storage::Channel c) { return storage::ChannelName(c); }

bool Handled(storage::ThreadState s) {
  return s == storage::ThreadState::kWaiting || s == storage::ThreadState::kAssigned;
}

}  // namespace

ConversationService::ConversationService(storage::Store& store, const bot::Bot& bot,
                                         const locales::Catalog& catalog, events::EventBus& bus,
                                         Metrics& metrics, ConversationOptions options)
    : store_(store),
      bot_(bot),
      catalog_(catalog),
      bus_(bus),
      metrics_(metrics),
      options_(options) {}

std::string ConversationService::WaitingNotice(const std::string& lang, int64_t now_ms,
                                               storage::Channel channel) const {
  std::chrono::sys_seconds now{std::chrono::seconds(now_ms / 1000)};
  if (options_.office_hours != nullptr && !options_.office_hours->IsOpen(now)) {
    auto next = options_.office_hours->NextOpen(now);
    return catalog_.Format(lang,
                           channel == storage::Channel::kVoice ? "hub.closed.voice" : "hub.closed",
                           {{"day", locales::DateTime{next, locales::DateTimeStyle::kFullDate}},
                            {"time", locales::DateTime{next, locales::DateTimeStyle::kTime}},
                            {"hour", int64_t{options_.office_hours->Hour12(next)}}});
  }
  int64_t wait_ms = metrics_.TypicalQueueWaitMs(options_.default_queue_wait_ms);
  int64_t minutes = std::max<int64_t>(1, (wait_ms + 30'000) / 60'000);
  return catalog_.Format(lang, "hub.waiting", {{"minutes", minutes}});
}

void ConversationService::PublishThread(const storage::ThreadRecord& thread) {
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kThread;
  event.thread = thread;
  bus_.Publish(event);
}

Result<storage::MessageRecord> ConversationService::AppendAndPublish(
    const storage::AppendRequest& request, storage::ThreadRecord* thread) {
  auto appended = store_.Append(request);
  if (!appended.ok()) return appended.status();
  if (appended->duplicate) {
    storage::MessageRecord m;
    m.thread_id = request.thread_id;
    m.seq = appended->seq;
    m.sender = request.sender;
    m.client_id = request.client_id;
    m.body = request.body;
    m.at_ms = appended->at_ms;
    return m;
  }
  return PublishAppended(request, *appended, thread);
}

storage::MessageRecord ConversationService::PublishAppended(const storage::AppendRequest& request,
                                                            const storage::Appended& appended,
                                                            storage::ThreadRecord* thread,
                                                            const std::string& caseworker_name,
                                                            const std::string& display_name) {
  storage::MessageRecord m;
  m.thread_id = request.thread_id;
  m.seq = appended.seq;
  m.sender = request.sender;
  m.client_id = request.client_id;
  m.body = request.body;
  m.intent = request.intent;
  m.caseworker_id = request.caseworker_id;
  m.caseworker_name = caseworker_name;
  m.caseworker_display_name = display_name;
  m.at_ms = appended.at_ms;
  thread->last_seq = std::max(thread->last_seq, m.seq);
  thread->last_message_ms = std::max(thread->last_message_ms, m.at_ms);
  if (m.sender != storage::Sender::kNote) {
    metrics_.Inc("connecthub_messages_total",
                 {{"channel", std::string(ChannelLabel(thread->channel))},
                  {"sender", std::string(SenderName(m.sender))}});
  }
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kMessage;
  event.thread = *thread;
  event.message = m;
  bus_.Publish(event);
  return m;
}

// What a turn's decision leaves for the publishing after the commit.
struct ConversationService::TurnState {
  storage::AppendRequest parent;
  std::optional<bot::Reply> reply;
};

storage::TurnRequest ConversationService::MakeTurn(const ParentText& message, int64_t now_ms,
                                                   const std::shared_ptr<TurnState>& state) {
  storage::TurnRequest turn;
  storage::AppendRequest& request = turn.parent;
  request.thread_id = message.thread_id;
  request.sender = storage::Sender::kParticipant;
  request.client_id = message.client_id;
  // A PIN typed into chat, or into a text the link parser gave up on, is never stored.
  request.body = message.stored_text.empty() ? sms::RedactPin(message.text) : message.stored_text;
  request.at_ms = now_ms;
  request.media = message.media;
  state->parent = request;
  turn.session_token = message.session_token;
  turn.session_idle_ms = message.session_idle_ms;
  turn.load_facts = message.linked;
  turn.now_ms = now_ms;
  // Runs on the store's writer inside the turn's transaction, on the thread as it is there: a
  // caseworker answers waiting and assigned threads (the inbox sees the message through the
  // event); otherwise the bot answers, and the whole turn is one transaction.
  turn.decide = [this, state, now_ms, text = message.text, linked = message.linked,
                 receipt = message.receipt, sid = message.client_id,
                 pictures = !message.media.empty()](
                    const storage::TurnContext& context) -> Result<storage::TurnWrite> {
    const storage::ThreadRecord& before = context.thread;
    storage::TurnWrite write;
    std::vector<std::string> reply_texts;
    if (!Handled(before.state)) {
      bool with_facts = linked && !before.participant_id.empty();
      if (with_facts && context.facts == nullptr) {
        Log(LogLevel::kWarn, "facts_unavailable",
            {{"thread_id", before.id}, {"code", static_cast<int>(context.facts_status.code())}});
      }
      bot::Conversation conv;
      conv.channel = before.channel == storage::Channel::kSms     ? bot::Channel::kSms
                     : before.channel == storage::Channel::kVoice ? bot::Channel::kVoice
                                                                  : bot::Channel::kWeb;
      conv.lang = before.lang;
      conv.misses = before.misses;
      conv.linked = with_facts;
      std::chrono::sys_seconds now{std::chrono::seconds(now_ms / 1000)};
      bot::Reply& reply = state->reply.emplace(bot_.Answer(text, context.facts, conv, now));
      if (pictures && !reply.escalate) {
        // The bot cannot read a picture (often a photo of a letter): it says so and offers a
        // caseworker, after its answer to any words that came with it that it understood.
        std::string notice = catalog_.Format(reply.lang, "sms.picture");
        if (reply.intent == "unknown") {
          reply.text = notice;
          reply.intent = "picture";
          reply.misses = before.misses;
        } else {
          reply.text += "\n\n" + notice;
        }
      }

      if (!reply.text.empty()) {
        storage::AppendRequest& answer = write.messages.emplace_back();
        answer.thread_id = before.id;
        answer.sender = storage::Sender::kBot;
        answer.body = reply.text;
        // One hand-off message, not two: the bot's words plus how long a caseworker usually
        // takes to answer (live from the queue-wait metrics, which only the hub knows).
        // The interpreter notice stands alone: a parent who reads neither language is called.
        if (reply.escalate && reply.interpreter_lang.empty()) {
          answer.body += " " + WaitingNotice(reply.lang, now_ms, before.channel);
        }
        answer.intent = reply.intent;
        answer.at_ms = now_ms;
        reply_texts.push_back(answer.body);
      }

      storage::ThreadUpdate update;
      int misses = reply.escalate ? 0 : reply.misses;
      if (reply.lang != before.lang) update.lang = reply.lang;
      if (misses != before.misses) update.misses = misses;
      if (reply.escalate) {
        update.state = storage::ThreadState::kWaiting;
        update.priority = static_cast<int>(reply.priority);
        if (!reply.interpreter_lang.empty() && reply.interpreter_lang != before.interpreter_lang) {
          update.interpreter_lang = reply.interpreter_lang;
        }
      } else if (before.state == storage::ThreadState::kResolved) {
        update.state = storage::ThreadState::kBot;
      }
      if (update.lang || update.misses || update.state) write.update = update;
    }
    if (receipt) {
      write.inbound_sid = sid;
      write.inbound_reply = receipt(reply_texts);
    }
    return write;
  };
  return turn;
}

ParentTextResult ConversationService::FinishTurn(
    storage::TurnResult& turn, TurnState& state,
    const std::function<void(const storage::Appended&)>& on_stored) {
  ParentTextResult result;
  result.session_ended = turn.session_ended;
  if (turn.session_ended) return result;
  result.thread = turn.before;
  result.stored = turn.appended.front();
  if (on_stored) on_stored(result.stored);
  if (result.stored.duplicate) return result;
  result.receipt_recorded = !turn.write.inbound_sid.empty();
  PublishAppended(state.parent, turn.appended.front(), &result.thread);
  if (!state.reply) return result;
  const bot::Reply& reply = *state.reply;

  metrics_.Inc("connecthub_bot_intents_total", {{"intent", reply.intent}});
  for (size_t i = 1; i < turn.appended.size(); ++i) {
    result.replies.push_back(
        PublishAppended(turn.write.messages[i - 1], turn.appended[i], &result.thread));
  }
  if (reply.escalate) {
    std::string reason = reply.priority == bot::Priority::kHigh ? "safety"
                         : !reply.interpreter_lang.empty()      ? "interpreter"
                         : reply.intent == "agent"              ? "agent"
                                                                : "misses";
    metrics_.Inc(
        "connecthub_escalations_total",
        {{"channel", std::string(ChannelLabel(result.thread.channel))}, {"reason", reason}});
    Log(LogLevel::kInfo, "escalated", {{"thread_id", result.thread.id}, {"reason", reason}});
  }
  result.thread = std::move(turn.thread);
  PublishThread(result.thread);
  return result;
}

Result<ParentTextResult> ConversationService::HandleParentText(
    const ParentText& message, int64_t now_ms,
    const std::function<void(const storage::Appended&)>& on_stored) {
  if (message.linked && !message.participant_id.empty()) {
    (void)store_.LoadFacts(message.participant_id, now_ms);  // a failure shows again in the turn
  }
  auto state = std::make_shared<TurnState>();
  std::promise<Result<storage::TurnResult>> promise;
  auto written = promise.get_future();
  store_.SubmitTurn(MakeTurn(message, now_ms, state),
                    [&promise](Result<storage::TurnResult> r) { promise.set_value(std::move(r)); });
  auto turn = written.get();
  if (!turn.ok()) return turn.status();
  // Published on the caller's thread (SMS marks the thread it answers in TwiML thread-locally).
  return FinishTurn(*turn, *state, on_stored);
}

void ConversationService::SubmitParentText(const ParentText& message, int64_t now_ms,
                                           std::function<void(const storage::Appended&)> on_stored,
                                           ParentTextDone done, FinishOn finish_on) {
  auto state = std::make_shared<TurnState>();
  store_.SubmitTurn(
      MakeTurn(message, now_ms, state),
      [this, state, on_stored = std::move(on_stored), done = std::move(done),
       finish_on = std::move(finish_on)](Result<storage::TurnResult> turn) mutable {
        auto finish = [this, state, on_stored = std::move(on_stored), done = std::move(done),
                       turn = std::make_shared<Result<storage::TurnResult>>(std::move(turn))] {
          if (!turn->ok()) return done(turn->status());
          done(FinishTurn(turn->value(), *state, on_stored));
        };
        // The writer thread is the one serial resource: publishing elsewhere keeps it writing.
        if (finish_on) {
          finish_on(std::move(finish));
        } else {
          finish();
        }
      });
}

Result<storage::ThreadRecord> ConversationService::Claim(int64_t thread_id,
                                                         const storage::Caseworker& caseworker,
                                                         int64_t now_ms) {
  std::lock_guard lock(ThreadMutex(thread_id));
  auto before = store_.GetThread(thread_id);
  if (!before.ok()) return before.status();
  auto claimed = store_.Claim(thread_id, caseworker.id, now_ms);
  if (!claimed.ok()) return claimed.status();  // the "claim" audit row is in its transaction
  bool newly = before->assigned_to != caseworker.id;
  if (!newly) return claimed;
  if (before->state == storage::ThreadState::kWaiting && before->waiting_since_ms > 0) {
    // A wait over a night or a weekend says nothing about the next one.
    auto since = std::chrono::sys_seconds(std::chrono::seconds(before->waiting_since_ms / 1000));
    auto now = std::chrono::sys_seconds(std::chrono::seconds(now_ms / 1000));
    if (options_.office_hours == nullptr || options_.office_hours->SameSpell(since, now)) {
      metrics_.RecordQueueWait(std::max<int64_t>(0, now_ms - before->waiting_since_ms));
    }
  }
  storage::ThreadRecord thread = *claimed;
  storage::AppendRequest notice;
  notice.thread_id = thread_id;
  notice.sender = storage::Sender::kSystem;
  notice.body = catalog_.Format(thread.lang, "hub.assigned");
  notice.at_ms = now_ms;
  auto stored = AppendAndPublish(notice, &thread);
  if (!stored.ok()) return stored.status();
  auto after = store_.GetThread(thread_id);
  if (!after.ok()) return after.status();
  PublishThread(*after);
  Log(LogLevel::kInfo, "claimed", {{"thread_id", thread_id}, {"caseworker_id", caseworker.id}});
  return after;
}

Result<storage::MessageRecord> ConversationService::Reply(int64_t thread_id,
                                                          const storage::Caseworker& caseworker,
                                                          const std::string& text, int64_t now_ms) {
  auto thread = store_.GetThread(thread_id);
  if (!thread.ok()) return thread.status();
  if (thread->assigned_to != caseworker.id) {
    if (thread->assigned_to.has_value()) {
      return Status(storage::Code::kConflict, "claimed by another caseworker");
    }
    auto claimed = Claim(thread_id, caseworker, now_ms);
    if (!claimed.ok()) return claimed.status();
  }
  std::lock_guard lock(ThreadMutex(thread_id));
  auto current = store_.GetThread(thread_id);
  if (!current.ok()) return current.status();
  if (current->assigned_to != caseworker.id) {
    return Status(storage::Code::kConflict, "claimed by another caseworker");
  }
  storage::AppendRequest request;
  request.thread_id = thread_id;
  request.sender = storage::Sender::kCaseworker;
  request.body = text;
  request.caseworker_id = caseworker.id;
  request.at_ms = now_ms;
  request.audit_action = "reply";  // in the message's transaction: no reply without its row
  storage::ThreadRecord t = *current;
  auto stored = store_.Append(request);
  if (!stored.ok()) return stored.status();
  // Subscribers (the parent's sockets, the SMS outbox) get the caseworker's name with it.
  return PublishAppended(request, *stored, &t, caseworker.username, caseworker.display_name);
}

Result<storage::MessageRecord> ConversationService::Note(int64_t thread_id,
                                                         const storage::Caseworker& caseworker,
                                                         const std::string& text, int64_t now_ms) {
  std::lock_guard lock(ThreadMutex(thread_id));
  auto thread = store_.GetThread(thread_id);
  if (!thread.ok()) return thread.status();
  storage::AppendRequest request;
  request.thread_id = thread_id;
  request.sender = storage::Sender::kNote;
  request.body = text;
  request.caseworker_id = caseworker.id;
  request.at_ms = now_ms;
  request.audit_action = "note";
  auto stored = store_.Append(request);
  if (!stored.ok()) return stored.status();
  storage::ThreadRecord t = *thread;
  return PublishAppended(request, *stored, &t, caseworker.username, caseworker.display_name);
}

Result<storage::ThreadRecord> ConversationService::Resolve(int64_t thread_id,
                                                           const storage::Caseworker& caseworker,
                                                           int64_t now_ms) {
  std::lock_guard lock(ThreadMutex(thread_id));
  auto thread = store_.GetThread(thread_id);
  if (!thread.ok()) return thread.status();
  if (thread->assigned_to.has_value() && thread->assigned_to != caseworker.id &&
      !caseworker.supervisor) {
    return Status(storage::Code::kConflict, "claimed by another caseworker");
  }
  storage::ThreadUpdate update;
  update.state = storage::ThreadState::kResolved;
  update.assigned_to = std::optional<int64_t>();
  update.misses = 0;
  update.priority = 0;
  update.interpreter_lang = "";  // the need was met; the bot detects it again if it comes back
  update.queue_county = "";      // a transfer holds for this conversation; the next goes by cases
  update.audit = storage::ThreadUpdate::Audit{caseworker.id, "resolve"};
  if (Status s = store_.UpdateThread(thread_id, update, now_ms); !s.ok()) return s;
  storage::ThreadRecord t = *thread;
  storage::AppendRequest notice;
  notice.thread_id = thread_id;
  notice.sender = storage::Sender::kSystem;
  notice.body = catalog_.Format(t.lang, "hub.resolved");
  notice.at_ms = now_ms;
  auto stored = AppendAndPublish(notice, &t);
  if (!stored.ok()) return stored.status();
  auto after = store_.GetThread(thread_id);
  if (!after.ok()) return after.status();
  PublishThread(*after);
  Log(LogLevel::kInfo, "resolved", {{"thread_id", thread_id}, {"caseworker_id", caseworker.id}});
  return after;
}

Result<storage::ThreadRecord> ConversationService::Move(
    int64_t thread_id, const storage::Caseworker& actor, std::optional<int64_t> to_caseworker,
    std::optional<std::string> queue_county, const std::string& action, int64_t now_ms,
    const std::function<Status(const storage::ThreadRecord&)>& check) {
  std::lock_guard lock(ThreadMutex(thread_id));
  auto thread = store_.GetThread(thread_id);
  if (!thread.ok()) return thread.status();
  if (Status s = check(*thread); !s.ok()) return s;
  storage::ThreadUpdate update;
  update.state = to_caseworker ? storage::ThreadState::kAssigned : storage::ThreadState::kWaiting;
  update.assigned_to = to_caseworker;
  update.queue_county = std::move(queue_county);
  update.audit = storage::ThreadUpdate::Audit{actor.id, action};
  if (Status s = store_.UpdateThread(thread_id, update, now_ms); !s.ok()) return s;
  auto after = store_.GetThread(thread_id);
  if (!after.ok()) return after.status();
  PublishThread(*after);
  Log(LogLevel::kInfo, "thread_moved",
      {{"thread_id", thread_id}, {"caseworker_id", actor.id}, {"action", action}});
  return after;
}

Result<storage::MessageRecord> ConversationService::PostSystemMessage(int64_t thread_id,
                                                                      const std::string& text,
                                                                      int64_t now_ms) {
  std::lock_guard lock(ThreadMutex(thread_id));
  auto thread = store_.GetThread(thread_id);
  if (!thread.ok()) return thread.status();
  storage::ThreadRecord t = *thread;
  storage::AppendRequest request;
  request.thread_id = thread_id;
  request.sender = storage::Sender::kSystem;
  request.body = text;
  request.at_ms = now_ms;
  return AppendAndPublish(request, &t);
}

}  // namespace connecthub::hub::conversation
