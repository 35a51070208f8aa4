#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"
#include "storage/status.h"

namespace connecthub::storage {

enum class Channel { kWeb, kSms, kVoice };
enum class ThreadState { kBot, kWaiting, kAssigned, kResolved };
enum class Sender { kParticipant, kBot, kCaseworker, kSystem, kNote };

std::string_view ChannelName(Channel c);          // "web" / "sms" / "voice"
std::string_view ThreadStateName(ThreadState s);  // "bot" / "waiting" / "assigned" / "resolved"
std::string_view SenderName(Sender s);  // "participant" / "bot" / "caseworker" / "system" / "note"

struct ThreadRecord {
  int64_t id = 0;
  std::string participant_id;  // empty for an SMS number not yet linked
  Channel channel = Channel::kWeb;
  std::string lang = "en";
  ThreadState state = ThreadState::kBot;
  int priority = 0;  // 0 normal, 1 high (safety words)
  int misses = 0;    // consecutive misunderstood messages (the bot's Conversation::misses)
  std::optional<int64_t> assigned_to;  // caseworker id
  std::string assigned_name;           // that caseworker's username (empty if none)
  std::string assigned_display_name;   // and the name parents see (empty if none set)
  int64_t created_ms = 0;
  int64_t waiting_since_ms = 0;  // 0 when not waiting
  int64_t last_message_ms = 0;
  int64_t last_seq = 0;
  std::string first_name;  // the participant's (decrypted), empty if unlinked
  std::string last_name;
  std::vector<std::string> counties;  // of the participant's cases: who may see the thread
  // The county queue a caseworker transferred the thread to; when set, it alone (not `counties`)
  // decides which county's caseworkers see the thread. Empty: none.
  std::string queue_county;
  bool assigned_disabled = false;  // the caseworker holding it is disabled (supervisors reassign)
  std::string phone;               // SMS threads: the number (E.164, decrypted); else empty
  bool opted_out = false;          // SMS threads: the number has texted STOP
  // The language the parent writes when the bot does not speak it (ISO 639-1, "vi"): the
  // caseworker needs an interpreter. Empty when none is needed.
  std::string interpreter_lang;
  // Web threads: the seq of the first caseworker reply published while none of the parent's
  // chat sockets was open (they had left); 0 when none. Cleared when they are next shown it.
  int64_t unseen_reply_seq = 0;
};

// A picture (or other file) a parent sent by MMS: the type the provider gave and where the
// provider keeps it. The URL is sealed at rest and never leaves the hub; caseworkers open the
// file through the hub, which fetches it with the account's credentials.
struct MediaItem {
  std::string content_type;
  std::string url;
};

struct MessageRecord {
  int64_t thread_id = 0;
  int64_t seq = 0;  // per thread, 1, 2, 3, ...
  Sender sender = Sender::kParticipant;
  std::string client_id;  // the client's de-duplication id (web "c-7", SMS MessageSid), or empty
  std::string body;       // decrypted
  std::string intent;     // bot messages: the intent answered
  std::optional<int64_t> caseworker_id;  // caseworker replies and notes
  std::string caseworker_name;
  std::string caseworker_display_name;  // what parents see; empty when none is set
  int64_t at_ms = 0;
  std::string delivery;  // SMS outbound: "queued", "sent", "delivered", "failed", ...; else empty
  std::vector<MediaItem> media;  // MMS: what came with the parent's message, in order
};

struct AppendRequest {
  int64_t thread_id = 0;
  Sender sender = Sender::kParticipant;
  std::string client_id;  // empty: no de-duplication
  std::string body;
  std::string intent;
  std::optional<int64_t> caseworker_id;
  int64_t at_ms = 0;
  // Non-empty: an audit row (caseworker_id, thread_id, this action, at_ms) written in the
  // message's transaction; when it cannot be written, nothing is.
  std::string audit_action;
  std::vector<MediaItem> media;            // at most kMaxMedia; stored sealed with the message
  static constexpr size_t kMaxMedia = 10;  // Twilio's NumMedia limit
};

struct Appended {
  int64_t seq = 0;
  bool duplicate = false;  // client_id was already stored on this thread: nothing was written,
                           // `seq` is the original message's
  int64_t at_ms = 0;       // the stored message's time (the original's when duplicate)
};

// Optional fields are changed; absent ones are kept.
struct ThreadUpdate {
  std::optional<ThreadState> state;
  std::optional<int> priority;
  std::optional<int> misses;
  std::optional<std::string> lang;
  std::optional<std::string> interpreter_lang;        // "" clears it (at most 16 bytes)
  std::optional<std::optional<int64_t>> assigned_to;  // {nullopt} clears the assignment
  std::optional<std::string> queue_county;            // "" clears it (at most 64 bytes)
  // Set: this audit row is written in the update's transaction (the update fails without it).
  struct Audit {
    int64_t caseworker_id = 0;
    std::string action;
  };
  std::optional<Audit> audit;
};

// What answers a parent's message in a turn (Store::SubmitTurn): the answers, the thread's new
// state and, for SMS, the webhook's reply, written in the parent message's transaction.
struct TurnWrite {
  std::vector<AppendRequest> messages;  // answers, in order, on the parent message's thread
  std::optional<ThreadUpdate> update;   // applied to that thread after the messages
  std::string inbound_sid;              // non-empty: records `inbound_reply` as RecordInboundReply
  std::string inbound_reply;
};

// What a turn's decision sees, read inside the turn's transaction.
struct TurnContext {
  const ThreadRecord& thread;          // before the parent's message
  const bot::ParticipantFacts* facts;  // the thread participant's, when asked for and available
  Status facts_status;                 // why `facts` is null although they were asked for
};

// A parent's message and what answers it, as one transaction (Conversations::SubmitTurn).
struct TurnRequest {
  AppendRequest parent;
  // Non-empty: the turn needs this live session (ResolveSession's rules, checked in the same
  // transaction); otherwise nothing is written and TurnResult::session_ended is set.
  std::string session_token;
  int64_t session_idle_ms = 0;
  bool load_facts = false;  // give `decide` the thread participant's facts
  int64_t now_ms = 0;
  // Decides the answers once the parent's message is stored (not for a duplicate). Runs inside
  // the transaction, on a thread of the store's own: CPU only, no blocking and no store calls. An
  // error rolls the whole turn back. Empty: the turn is only the parent's message.
  std::function<Result<TurnWrite>(const TurnContext&)> decide;
};

struct TurnResult {
  bool session_ended = false;      // the session was unknown, ended or idle: nothing written
  std::vector<Appended> appended;  // the parent's message, then each answer; duplicate: only it
  TurnWrite write;                 // what `decide` returned
  ThreadRecord before;             // the thread before the parent's message
  ThreadRecord thread;             // and after the turn
};

struct ThreadQuery {
  std::vector<ThreadState> states;     // empty: any state
  std::optional<int64_t> assigned_to;  // "mine"
  std::optional<std::string> county;   // scope: threads with a case in this county
  bool supervisor = false;             // scope: all threads (county ignored)
  // Scope: also threads with no county at all (unlinked SMS numbers, not transferred): the
  // triage queue.
  bool triage = false;
  int limit = 200;
};

// Threads found by a caseworker's search (Store::SearchThreads), in the same scope as ThreadQuery.
// A thread matches when any given key does.
struct ThreadSearch {
  std::string exact;  // non-empty: a participant id or a case number of the participant's
  std::string phone;  // non-empty: a phone number as typed; matched through the blind index (the
                      // SMS thread's number, the participant's phones on file and linked phones)
                      // when it normalizes to E.164, ignored otherwise
  // Set: also the threads whose participant's name it accepts (first, last; opened). Names are
  // sealed and have no index: the names of the threads in scope are opened to ask it.
  std::function<bool(const std::string& first, const std::string& last)> name_matches;
  std::optional<std::string> county;  // scope: threads with a case in this county
  bool supervisor = false;            // scope: all threads (county ignored)
  bool triage = false;                // scope: also the triage queue (ThreadQuery::triage)
  int limit = 50;
};

// Threads, their messages (sealed) and parents' turns.
class Conversations {
 public:
  virtual ~Conversations() = default;

  // The participant's thread on `channel`, created (state bot, language `lang`) if absent.
  virtual Result<ThreadRecord> OpenThread(const std::string& participant_id, Channel channel,
                                          const std::string& lang, int64_t now_ms) = 0;
  // The SMS thread of a phone number (E.164), created if absent, linked or not.
  virtual Result<ThreadRecord> OpenSmsThread(const std::string& phone, const std::string& lang,
                                             int64_t now_ms) = 0;
  // The voice thread of a caller's number (E.164), created if absent (one per number, like SMS).
  // A non-empty `participant_id` (the caller has just entered that participant's PIN) becomes the
  // thread's participant; empty leaves it as it is.
  virtual Result<ThreadRecord> OpenVoiceThread(const std::string& phone,
                                               const std::string& participant_id,
                                               const std::string& lang, int64_t now_ms) = 0;
  virtual Result<ThreadRecord> GetThread(int64_t thread_id) = 0;
  virtual Status UpdateThread(int64_t thread_id, const ThreadUpdate& update, int64_t now_ms) = 0;
  // Assigns the thread to the caseworker (state assigned). kConflict when another caseworker
  // holds it; claiming one's own thread again is ok. Writes the "claim" audit row in the same
  // transaction (no claim without it).
  virtual Result<ThreadRecord> Claim(int64_t thread_id, int64_t caseworker_id, int64_t now_ms) = 0;
  virtual Result<std::vector<ThreadRecord>> ListThreads(const ThreadQuery& query) = 0;
  // Threads matching any key of `search` within its scope, in ListThreads' order, at most
  // `search.limit`.
  virtual Result<std::vector<ThreadRecord>> SearchThreads(const ThreadSearch& search) = 0;

  // Durably stores a message (sealed), assigning the next seq. Idempotent on client_id.
  virtual Result<Appended> Append(const AppendRequest& request) = 0;
  // Runs a parent's turn (TurnRequest) as one durable transaction and tells `done` the outcome
  // once it has committed, on a thread of the store's own (`done` must not block). When the parent
  // message's client_id is already stored on the thread nothing is written and `appended` holds
  // only that duplicate. Fails (nothing written) when the store or `decide` fails. Not waiting for
  // the commit lets a caller hand over a turn and go on: one thread hop instead of a blocked
  // thread per turn.
  virtual void SubmitTurn(TurnRequest request, std::function<void(Result<TurnResult>)> done) = 0;
  // Messages with seq > after_seq, in order, at most `limit`; notes only when include_notes.
  virtual Result<std::vector<MessageRecord>> Messages(int64_t thread_id, int64_t after_seq,
                                                      int limit, bool include_notes) = 0;

  // Web threads: records `seq` as the first reply the parent has not seen, unless one is already
  // recorded. True when this call recorded it (the first reply of an absence).
  virtual Result<bool> MarkReplyUnseen(int64_t thread_id, int64_t seq) = 0;
  // The parent has been shown the thread: no reply is unseen any more.
  virtual Status ClearReplyUnseen(int64_t thread_id) = 0;
};

}  // namespace connecthub::storage
