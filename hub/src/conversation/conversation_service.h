#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "bot/office_hours.h"
#include "events/event_bus.h"
#include "locales/catalog.h"
#include "metrics.h"
#include "storage/store.h"

namespace connecthub::hub::conversation {

struct ConversationOptions {
  // Told to waiting parents while no queue wait has been measured yet. Default 15 minutes.
  int64_t default_queue_wait_ms = 15 * 60 * 1000;
  int replay_limit = 500;  // not used by the service itself; kept with the other limits.
  // When caseworkers are in (not owned; may be null: always in). Out of hours a parent handed
  // over is told when they are next in, and only waits within one open spell feed the estimate.
  const bot::OfficeHours* office_hours = nullptr;
};

// A parent's message on a thread (web chat or SMS).
struct ParentText {
  int64_t thread_id = 0;
  std::string text;         // what the bot reads
  std::string stored_text;  // what is stored; empty: `text` (SMS stores "[PIN removed]" etc.)
  std::string client_id;    // de-duplication id: web frame id, SMS MessageSid; empty: none
  bool linked = true;       // SMS: number linked to a participant (facts available)
  // The thread's participant, when the caller knows it: HandleParentText loads their facts on the
  // calling thread first, so the turn finds them cached instead of reading the database on the
  // store's writer while every other turn of its batch waits.
  std::string participant_id;
  // SMS: builds the webhook's reply from the answer's texts; it is recorded under `client_id`
  // (the MessageSid) in the same transaction as the turn, so a redelivery gets the same reply.
  std::function<std::string(const std::vector<std::string>& texts)> receipt;
  // Web: the parent's session token, checked in the turn's own transaction (empty: no check).
  std::string session_token;
  int64_t session_idle_ms = 0;
  // SMS: pictures or files sent with the text (MMS), stored with the parent's message. The bot
  // cannot read them: in a bot conversation the parent is told so and offered a caseworker.
  std::vector<storage::MediaItem> media;
};

struct ParentTextResult {
  storage::Appended stored;                     // the parent's message (duplicate: the original)
  storage::ThreadRecord thread;                 // the thread afterwards
  std::vector<storage::MessageRecord> replies;  // bot / system messages added in answer
  bool receipt_recorded = false;                // ParentText::receipt was stored with the turn
  bool session_ended = false;  // ParentText::session_token is not live: nothing was stored
};

using ParentTextDone = std::function<void(storage::Result<ParentTextResult>)>;

// The routing core shared by web chat and SMS: stores a parent's message, decides who answers
// (bot / waiting / assigned / resolved), asks the bot, stores the replies, updates the thread and
// publishes events; and the caseworker actions (claim, reply, note, resolve). Every method but
// SubmitParentText blocks on the Store: call it from the blocking pool, never from an I/O thread.
// Thread-safe: a parent's turn is decided inside its own write transaction, so turns and the
// caseworker actions (serialised per thread among themselves) each see the thread as the one
// before left it. County scoping is the caller's (the inbox API's) job.
class ConversationService {
 public:
  ConversationService(storage::Store& store, const bot::Bot& bot, const locales::Catalog& catalog,
                      events::EventBus& bus, Metrics& metrics, ConversationOptions options = {});

  // Handles one parent message as one turn on the store's writer: the parent's message, the
  // bot's answer (decided there, on the thread as it is inside the transaction) and the thread's
  // new state are written in one transaction (one group commit per turn). `on_stored` is called
  // once the parent's message is durable and before any event is published, e.g. to ack it. A
  // duplicate client_id stores and answers nothing: `stored.duplicate` is true. Fails when the
  // Store fails (then nothing of the turn is stored). Blocks until the turn is durable; events
  // are published on the calling thread.
  storage::Result<ParentTextResult> HandleParentText(
      const ParentText& message, int64_t now_ms,
      const std::function<void(const storage::Appended&)>& on_stored = {});
  // The same without waiting: returns at once. After the commit, `on_stored`, the events and
  // then `done` run in one call handed to `finish_on` (e.g. the connection's strand), which must
  // run it exactly once, or, without `finish_on`, on the store's writer thread (then they must not
  // block). This is the web chat's path: no thread waits for a turn.
  using FinishOn = std::function<void(std::function<void()>)>;
  void SubmitParentText(const ParentText& message, int64_t now_ms,
                        std::function<void(const storage::Appended&)> on_stored,
                        ParentTextDone done, FinishOn finish_on = {});

  // Assigns the thread to `caseworker`. kConflict when another caseworker holds it.
  storage::Result<storage::ThreadRecord> Claim(int64_t thread_id,
                                               const storage::Caseworker& caseworker,
                                               int64_t now_ms);
  // A caseworker's reply to the parent. Claims the thread first when nobody holds it; kConflict
  // when another caseworker does.
  storage::Result<storage::MessageRecord> Reply(int64_t thread_id,
                                                const storage::Caseworker& caseworker,
                                                const std::string& text, int64_t now_ms);
  // An internal note (never shown to the parent).
  storage::Result<storage::MessageRecord> Note(int64_t thread_id,
                                               const storage::Caseworker& caseworker,
                                               const std::string& text, int64_t now_ms);
  // Hands the thread back to the bot (state resolved) and tells the parent.
  storage::Result<storage::ThreadRecord> Resolve(int64_t thread_id,
                                                 const storage::Caseworker& caseworker,
                                                 int64_t now_ms);
  // Moves a handled thread (issue 19, the inbox's release and transfer): to `to_caseworker`
  // (state assigned) or, without one, back to waiting unassigned, into `queue_county`'s queue
  // when that is set. `check` sees the thread as it is under the thread's lock and refuses the
  // move with its status; `action` is audited for `actor` in the move's own transaction. The
  // thread is published afterwards.
  storage::Result<storage::ThreadRecord> Move(
      int64_t thread_id, const storage::Caseworker& actor, std::optional<int64_t> to_caseworker,
      std::optional<std::string> queue_county, const std::string& action, int64_t now_ms,
      const std::function<storage::Status(const storage::ThreadRecord&)>& check);
  // Adds a system message (e.g. an SMS channel notice) and publishes it.
  storage::Result<storage::MessageRecord> PostSystemMessage(int64_t thread_id,
                                                            const std::string& text,
                                                            int64_t now_ms);

  // The notice a parent gets when their thread goes to the inbox, in `lang`. Out of office hours
  // on a call, it does not promise an answer "here" (the caller is called back).
  std::string WaitingNotice(const std::string& lang, int64_t now_ms,
                            storage::Channel channel = storage::Channel::kWeb) const;

 private:
  std::mutex& ThreadMutex(int64_t thread_id) {
    return thread_mutexes_[static_cast<size_t>(thread_id) % thread_mutexes_.size()];
  }
  // Stores one message, publishes it, counts it. Returns the stored record.
  storage::Result<storage::MessageRecord> AppendAndPublish(const storage::AppendRequest& request,
                                                           storage::ThreadRecord* thread);
  // Publishes and counts a message the Store has just appended (not a duplicate); advances
  // `thread`'s last seq and time. Returns the record.
  storage::MessageRecord PublishAppended(const storage::AppendRequest& request,
                                         const storage::Appended& appended,
                                         storage::ThreadRecord* thread,
                                         const std::string& caseworker_name = {},
                                         const std::string& display_name = {});
  void PublishThread(const storage::ThreadRecord& thread);
  struct TurnState;
  storage::TurnRequest MakeTurn(const ParentText& message, int64_t now_ms,
                                const std::shared_ptr<TurnState>& state);
  // After a turn's commit: acks, publishes and counts what it wrote.
  ParentTextResult FinishTurn(storage::TurnResult& turn, TurnState& state,
                              const std::function<void(const storage::Appended&)>& on_stored);

  storage::Store& store_;
  const bot::Bot& bot_;
  const locales::Catalog& catalog_;
  events::EventBus& bus_;
  Metrics& metrics_;
  ConversationOptions options_;
  std::array<std::mutex, 64> thread_mutexes_;
};

}  // namespace connecthub::hub::conversation
