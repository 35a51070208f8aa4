#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "events/event_bus.h"
#include "locales/catalog.h"
#include "metrics.h"
#include "storage/store.h"

namespace connecthub::hub::conversation {

struct ConversationOptions {
  // Told to waiting parents while no queue wait has been measured yet. Default 15 minutes.
  int64_t default_queue_wait_ms = 15 * 60 * 1000;
  int replay_limit = 500;  // not used by the service itself; kept with the other limits.
};

// A parent's message on a thread (web chat or SMS).
struct ParentText {
  int64_t thread_id = 0;
  std::string text;         // what the bot reads
  std::string stored_text;  // what is stored; empty: `text` (SMS stores "[PIN removed]" etc.)
  std::string client_id;    // de-duplication id: web frame id, SMS MessageSid; empty: none
  bool linked = true;       // SMS: number linked to a participant (facts available)
  // SMS: builds the webhook's reply from the answer's texts; it is recorded under `client_id`
  // (the MessageSid) in the same transaction as the turn, so a redelivery gets the same reply.
  std::function<std::string(const std::vector<std::string>& texts)> receipt;
};

struct ParentTextResult {
  storage::Appended stored;                     // the parent's message (duplicate: the original)
  storage::ThreadRecord thread;                 // the thread afterwards
  std::vector<storage::MessageRecord> replies;  // bot / system messages added in answer
  bool receipt_recorded = false;                // ParentText::receipt was stored with the turn
};

// The routing core shared by web chat and SMS: stores a parent's message, decides who answers
// (bot / waiting / assigned / resolved), asks the bot, stores the replies, updates the thread and
// publishes events; and the caseworker actions (claim, reply, note, resolve). Every method blocks
// on the Store (and on the bot): call it from the blocking pool, never from an I/O thread.
// Thread-safe: messages of one thread are handled one at a time, in order. County scoping is the
// caller's (the inbox API's) job.
class ConversationService {
 public:
  ConversationService(storage::Store& store, const bot::Bot& bot, const locales::Catalog& catalog,
                      events::EventBus& bus, Metrics& metrics, ConversationOptions options = {});

  // Handles one parent message. When the bot answers, the parent's message, the answer and the
  // thread's new state are written in one transaction (one group commit per turn). `on_stored`
  // is called once the parent's message is durable and before any event is published, e.g. to
  // ack it. A duplicate client_id stores and answers nothing: `stored.duplicate` is true. Fails
  // when the Store fails (then nothing of the turn is stored).
  storage::Result<ParentTextResult> HandleParentText(
      const ParentText& message, int64_t now_ms,
      const std::function<void(const storage::Appended&)>& on_stored = {});

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
  // Adds a system message (e.g. an SMS channel notice) and publishes it.
  storage::Result<storage::MessageRecord> PostSystemMessage(int64_t thread_id,
                                                            const std::string& text,
                                                            int64_t now_ms);

  // The notice a parent gets when their thread goes to the inbox, in `lang`.
  std::string WaitingNotice(const std::string& lang) const;

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
                                         const std::string& caseworker_name = {});
  void PublishThread(const storage::ThreadRecord& thread);

  storage::Store& store_;
  const bot::Bot& bot_;
  const locales::Catalog& catalog_;
  events::EventBus& bus_;
  Metrics& metrics_;
  ConversationOptions options_;
  std::array<std::mutex, 64> thread_mutexes_;
};

}  // namespace connecthub::hub::conversation
