#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/facts.h"
#include "storage/status.h"

namespace connecthub::storage {

// All times are Unix epoch milliseconds (UTC), passed in by the caller: the store never reads the
// clock, so tests control time.

struct StoreOptions {
  std::string db_path = "connecthub.db";  // SQLite file (WAL mode). Default "connecthub.db".
  std::string key_file;                   // master key file. Default: db_path + ".key".
  bool create_key_if_missing = true;      // create the key file (0600) when absent. Default true.
  int busy_timeout_ms = 5000;             // SQLite busy timeout. Default 5000.
  int max_write_batch = 512;              // writes committed together (group commit). Default 512.
  int read_connections = 4;               // pooled read-only connections. Default 4.
  // Participants' facts kept in memory between questions (see LoadFacts). Default 10,000
  // participants, each for up to 10 minutes; 0 turns the cache off.
  int facts_cache_entries = 10'000;
  int64_t facts_cache_ttl_ms = 10 * 60 * 1000;
  // How often the hub looks for case data changed by another process (`connecthub import`
  // running next to `serve`): answers reflect an import at most this long after it commits.
  // Default 1000 ms.
  int64_t case_data_check_ms = 1000;
  // RetireKey first waits until the key file has been unchanged this long, so that every running
  // hub has re-read it (a hub looks at it at most a second before it seals). Default 5000 ms.
  int64_t retire_settle_ms = 5000;
};

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

// A parent's message and what answers it, as one transaction on the store's writer.
struct TurnRequest {
  AppendRequest parent;
  // Non-empty: the turn needs this live session (ResolveSession's rules, checked in the same
  // transaction); otherwise nothing is written and TurnResult::session_ended is set.
  std::string session_token;
  int64_t session_idle_ms = 0;
  bool load_facts = false;  // give `decide` the thread participant's facts
  int64_t now_ms = 0;
  // Decides the answers once the parent's message is stored (not for a duplicate). Runs on the
  // store's writer thread inside the transaction: CPU only, no blocking and no Store calls. An
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

// One row of the audit log (append-only, hash-chained: Store::VerifyAudit).
struct AuditRecord {
  int64_t id = 0;
  int64_t caseworker_id = 0;
  std::string caseworker_name;  // username, empty if the account is gone
  int64_t thread_id = 0;
  std::string action;  // "read", "list", "push", "claim", "reply", "note", "resolve",
                       // "release", "transfer" (to a caseworker), "transfer_county",
                       // "canned_add", "canned_edit", "canned_delete" (thread 0)
  int64_t at_ms = 0;
};

struct AuditQuery {
  std::optional<int64_t> thread_id;
  std::optional<int64_t> caseworker_id;
  int64_t before_id = 0;  // > 0: rows with a smaller id only (paging, newest first)
  int limit = 200;
};

struct AuditCheck {
  int64_t rows = 0;          // rows whose chain link was checked
  int64_t unchained = 0;     // rows written before the chain existed (schema < 4), not checked
  int64_t first_bad_id = 0;  // 0 when the chain is intact; else the first row that breaks it
  std::string problem;       // why that row breaks it
};

struct Caseworker {
  int64_t id = 0;
  std::string username;
  std::string county;
  bool supervisor = false;
  // The name parents see ("Ms. Garcia"); never the login name. Empty: none set, parents see
  // only "a caseworker".
  std::string display_name;
  bool disabled = false;  // `connecthub caseworker disable`: cannot log in, sessions ended
};

// A caseworker's TOTP second factor (RFC 6238), as stored; the policy lives in hub/src/auth/.
struct CaseworkerTotp {
  std::string secret;     // raw bytes; empty when not enrolled
  int64_t last_step = 0;  // the last time step a code was accepted for (0: none)
};

enum class SessionKind { kParticipant, kCaseworker };

struct Session {
  SessionKind kind = SessionKind::kParticipant;
  std::string subject;  // participant id, or caseworker id as decimal
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

// Failed-login counters under one key (a participant, a phone's thread, a source): what the
// hub's lockout policy (hub/src/auth/lockout.h) reads and writes. The store only keeps them.
struct PinCounter {
  int64_t failures = 0;         // attempts counted in the current window
  int64_t window_start_ms = 0;  // when that window began
  int64_t locked_until_ms = 0;  // refused until then; INT64_MAX: until the agency resets it
  int64_t lockouts = 0;         // lockouts since the last success (escalation)
  int64_t consecutive = 0;      // failed attempts since the last success (hard cap)
};

struct OutboundRequest {
  std::string to;  // E.164
  std::string body;
  int64_t thread_id = 0;    // 0 when not part of a thread (e.g. a reminder)
  int64_t message_seq = 0;  // the thread message this sends, if any
  std::string dedupe_key;   // unique; a second enqueue with the same key does nothing
};

enum class OutboxState { kPending, kSending, kSent, kDelivered, kFailed };

struct OutboxItem {
  int64_t id = 0;
  std::string to;
  std::string body;
  int64_t thread_id = 0;
  int64_t message_seq = 0;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string provider_sid;  // Twilio's "SM..." once accepted
  std::string last_error;
  // Set when an earlier attempt, started at or after this time, may have reached the provider
  // without its answer reaching us (the hub died mid-request, or the connection broke after the
  // request was written): ask the provider before sending again, or the parent gets it twice.
  std::optional<int64_t> unconfirmed_since_ms;
};

struct ImportStats {
  int64_t lines = 0;
  int64_t participants = 0, cases = 0, orders = 0, payments = 0, appointments = 0;
  int64_t deletes = 0;  // `delete` corrections applied (one whose record was already gone too)
  int64_t rejected = 0;
};

struct DemoOptions {
  int64_t participants = 200;  // population size. Default 200.
  uint64_t seed = 1;           // same seed, same population. Default 1.
  int64_t now_ms = 0;          // dates are relative to this
  // Called after each written batch with (participants written, total); may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
  // Called once per participant written with its id and PIN (benchmarks need many logins: see
  // `demo-data --logins-out`); may be empty. Synthetic data only.
  std::function<void(const std::string& participant_id, const std::string& pin)> on_login;
};

struct DemoLogin {
  std::string participant_id;
  std::string pin;
  std::string first_name;
  std::string lang;
  std::string description;  // e.g. "payer, 2 cases, past due, hearing in 9 days"
};

struct DemoSummary {
  std::vector<DemoLogin> logins;  // a few well-chosen ones to print
  std::string caseworker_username, caseworker_password, caseworker_county;
  std::string supervisor_username, supervisor_password;
  int64_t participants = 0, cases = 0, payments = 0, appointments = 0;
};

// What Store::Purge removed (rows), and the audit row that records it.
struct PurgeStats {
  int64_t threads = 0, messages = 0, notes = 0, outbox = 0, audit = 0;
};

// Everything the hub holds about a participant's conversations (`connecthub export`, issue 19),
// decrypted: each thread (web, and the SMS and voice threads linked to the participant) with its
// messages and notes in seq order (media included) and the audit rows about it, oldest first.
struct ParticipantExport {
  std::string participant_id;
  std::string first_name, last_name;  // decrypted
  std::string lang;                   // the case data's language ("en", "es", ...)
  struct Thread {
    ThreadRecord thread;
    std::vector<MessageRecord> messages;  // notes included (sender kNote)
    std::vector<AuditRecord> audit;       // by id, oldest first
  };
  std::vector<Thread> threads;  // by id
};

// A canned reply: an agency template a caseworker inserts in the composer, managed by supervisors
// per language (Store::ListCanned and the writes after it). Plain text, not personal data; the
// placeholders {name}, {me} and {phone} are kept as written (the inbox fills them in).
struct CannedReply {
  int64_t id = 0;
  std::string lang;  // "en" or "es"
  std::string label;
  std::string text;
  int64_t position = 0;    // order within the language, 1 first
  int64_t updated_by = 0;  // the caseworker who last wrote it; 0: a migration default
  int64_t updated_ms = 0;  // 0: a migration default
  // Limits the store enforces (kInvalid beyond them).
  static constexpr size_t kMaxLabelChars = 80;  // code points
  static constexpr size_t kMaxTextBytes = 1600;
  static constexpr int64_t kMaxPerLanguage = 100;
};

// What /readyz reads of the outbox (times in ms, 0 when none).
struct OutboxHealth {
  int64_t oldest_pending_ms = 0;  // creation of the oldest item not yet sent (pending, sending)
  int64_t last_success_ms = 0;    // the provider's last accepted (or reported delivered) item
  int64_t last_failure_ms = 0;    // the last attempt that failed (item retried or failed)
};

struct RotateStats {
  uint32_t new_key_id = 0;
  int64_t rows_rewritten = 0;
  int64_t rows_tampered = 0;  // sealed values that failed authentication: left as they were
};

// A supervisors' report (Store::Report): the instants [from_ms, to_ms), grouped by day.
struct ReportQuery {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  // The report day of an instant ("2026-11-23", in the agency's time zone). Required.
  std::function<std::string(int64_t at_ms)> day_of;
};

// One (day, county, language) of a report. A thread counts under each county of its participant's
// cases (one with cases in two counties counts in both) and under "" when it has none (an unlinked
// SMS number); the language is the thread's now.
struct ReportRow {
  std::string date;
  std::string county;
  std::string lang;
  std::vector<std::pair<std::string, int64_t>> intents;  // bot answers by intent, by name
  int64_t escalations = 0;  // the bot handed a thread to the inbox (it started waiting)
  // For each of those escalations a caseworker has answered since (before the thread's next
  // escalation): how long the parent waited for the first reply, ascending.
  std::vector<int64_t> first_reply_ms;
  int64_t resolved = 0;  // "resolve" audit rows (a caseworker resolved the thread)
};

// The embedded store: SQLite in WAL mode, sealed columns (XChaCha20-Poly1305), blind phone index
// (keyed BLAKE2b), Argon2id PINs and passwords. Thread-safe: every method may be called from any
// thread. Writes go through one writer connection with group commit: a method that writes returns
// only after its transaction is durable. Argon2id checks (CheckPin, CheckCaseworkerPassword) take
// tens of milliseconds: never call them on an I/O thread.
class Store {
 public:
  // Opens (creating if needed) the database, applies migrations, loads or creates the key file.
  // kKey: key file unreadable, readable by others, or not the key of this database;
  // kVersion: the database was written by a newer ConnectHub; kIo: SQLite failed.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual ~Store() = default;

  // --- health ---
  virtual Status CheckWritable() = 0;  // a tiny write transaction; ok when the database is writable

  // --- case data ---
  virtual Result<ImportStats> Import(
      std::istream& jsonl,
      const std::function<void(int64_t line, const std::string& reason)>& on_rejected) = 0;
  virtual Result<DemoSummary> GenerateDemo(const DemoOptions& options) = 0;
  // The participant's facts as of `now_ms` (payments of the last 24 months, upcoming
  // appointments). kNotFound for an unknown participant. Served from a cache while the case data
  // is unchanged (StoreOptions::facts_cache_*): an import by this process shows at once, one by
  // another process within StoreOptions::case_data_check_ms.
  virtual Result<bot::ParticipantFacts> LoadFacts(const std::string& participant_id,
                                                  int64_t now_ms) = 0;

  // --- parents' authentication ---
  // true when the participant exists and the PIN matches. Costs one Argon2id verification either
  // way (no timing difference for unknown ids).
  virtual Result<bool> CheckPin(const std::string& participant_id, const std::string& pin) = 0;
  // Failed-PIN bookkeeping, shared by web and SMS: returns the time until which logins for this
  // participant are refused (0 when not locked). `max_failures` failures within `window_ms` lock
  // it for `lock_ms`.
  virtual Result<int64_t> RecordPinFailure(const std::string& participant_id, int64_t now_ms,
                                           int max_failures, int64_t window_ms,
                                           int64_t lock_ms) = 0;
  virtual Result<int64_t> LockedUntil(const std::string& participant_id, int64_t now_ms) = 0;
  virtual Status ClearPinFailures(const std::string& participant_id) = 0;
  // Reads the counters under `key` (all zero when absent), writes `update`'s result, and returns
  // it, as one atomic step on the writer: concurrent callers see each other's updates. `update`
  // runs on the writer thread: CPU only, no Store calls. An all-zero result deletes the row.
  virtual Result<PinCounter> UpdatePinCounter(
      const std::string& key, const std::function<PinCounter(const PinCounter&)>& update) = 0;
  // Deletes counter rows not locked and untouched (window start) since `before_ms`; returns how
  // many. Hard locks (INT64_MAX) stay.
  virtual Result<int64_t> PurgePinCounters(int64_t before_ms) = 0;

  // --- sessions (only a hash of the token is stored) ---
  // Returns a new random 256-bit token (URL-safe base64).
  virtual Result<std::string> CreateSession(SessionKind kind, const std::string& subject,
                                            int64_t now_ms) = 0;
  // The live session for `token`, touched to `now_ms`; kNotFound when unknown, ended, or idle
  // for longer than `idle_ttl_ms` (then it is deleted).
  virtual Result<Session> ResolveSession(const std::string& token, int64_t now_ms,
                                         int64_t idle_ttl_ms) = 0;
  virtual Status EndSession(const std::string& token) = 0;
  // The session for `token` as stored, without touching or expiring it (live sockets re-check
  // theirs with this, so an open socket does not keep a session alive); kNotFound when unknown.
  virtual Result<Session> PeekSession(const std::string& token) = 0;
  // Deletes sessions last used before `used_before_ms` or created before `created_before_ms`;
  // returns how many.
  virtual Result<int64_t> PurgeSessions(int64_t used_before_ms, int64_t created_before_ms) = 0;

  // --- threads and messages ---
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
  // Runs a parent's turn (TurnRequest) on the writer as one durable transaction and tells `done`
  // the outcome, on the writer thread after the commit (`done` must not block). When the parent
  // message's client_id is already stored on the thread nothing is written and `appended` holds
  // only that duplicate. Fails (nothing written) when the store or `decide` fails. Not waiting for
  // the commit lets a caller hand over a turn and go on: one thread hop instead of a blocked
  // thread per turn.
  virtual void SubmitTurn(TurnRequest request, std::function<void(Result<TurnResult>)> done) = 0;
  // Returns once every turn submitted before the call is written and its `done` has returned
  // (e.g. before the objects those callbacks use are destroyed at shutdown).
  virtual Status Drain() = 0;
  // Messages with seq > after_seq, in order, at most `limit`; notes only when include_notes.
  virtual Result<std::vector<MessageRecord>> Messages(int64_t thread_id, int64_t after_seq,
                                                      int limit, bool include_notes) = 0;

  // --- caseworkers ---
  // kConflict for a username already taken.
  virtual Result<int64_t> AddCaseworker(const std::string& username, const std::string& password,
                                        const std::string& county, bool supervisor) = 0;
  // The caseworker when the password matches; kNotFound otherwise (same cost either way).
  virtual Result<Caseworker> CheckCaseworkerPassword(const std::string& username,
                                                     const std::string& password) = 0;
  virtual Result<Caseworker> GetCaseworker(int64_t caseworker_id) = 0;
  // Sets the name parents see (at most 64 bytes; empty clears it). kNotFound for an unknown id.
  virtual Status SetCaseworkerDisplayName(int64_t caseworker_id, const std::string& name) = 0;
  // TOTP second factor. Stores `secret` (raw bytes, 10..64) sealed for the caseworker `username`
  // and forgets the last accepted step; returns the caseworker. kNotFound for an unknown
  // username, kInvalid for a bad secret length.
  virtual Result<Caseworker> SetCaseworkerTotpSecret(const std::string& username,
                                                     const std::string& secret) = 0;
  // The caseworker's TOTP secret (empty: not enrolled) and the last step a code was accepted
  // for. kNotFound for an unknown id; kTampered/kKey when the sealed secret does not open.
  virtual Result<CaseworkerTotp> GetCaseworkerTotp(int64_t caseworker_id) = 0;
  // Records `step` as used, atomically, when it is later than the last accepted step: true then;
  // false when it is not (a replayed or older code). kNotFound for an unknown id.
  virtual Result<bool> UseCaseworkerTotpStep(int64_t caseworker_id, int64_t step) = 0;
  // Audit log: who did what to which thread ("read", "claim", "reply", "note", "resolve").
  // Append-only (the database refuses UPDATE and DELETE on it) and hash-chained: each row carries
  // a keyed BLAKE2b of its fields and the previous row's link.
  virtual Status Audit(int64_t caseworker_id, int64_t thread_id, const std::string& action,
                       int64_t now_ms) = 0;
  // One row per thread (e.g. "list": the threads a caseworker's list showed), one transaction.
  virtual Status AuditThreads(int64_t caseworker_id, const std::vector<int64_t>& thread_ids,
                              const std::string& action, int64_t now_ms) = 0;
  // Newest first, filtered by thread and/or caseworker.
  virtual Result<std::vector<AuditRecord>> ListAudit(const AuditQuery& query) = 0;
  // Recomputes the whole chain (constant memory).
  virtual Result<AuditCheck> VerifyAudit() = 0;

  // --- SMS: linked phones, opt-outs, inbound idempotency ---
  // The participant a number is linked to, if linked and used within `link_ttl_ms` (a use
  // refreshes it); nullopt otherwise.
  virtual Result<std::optional<std::string>> LinkedParticipant(const std::string& phone,
                                                               int64_t now_ms,
                                                               int64_t link_ttl_ms) = 0;
  // Links the number (and its SMS thread) to the participant.
  virtual Status LinkPhone(const std::string& phone, const std::string& participant_id,
                           int64_t now_ms) = 0;
  virtual Status UnlinkPhone(const std::string& phone) = 0;
  // The numbers (E.164) linked to the participant, however long unused.
  virtual Result<std::vector<std::string>> LinkedPhones(const std::string& participant_id) = 0;
  virtual Status SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) = 0;
  virtual Result<bool> IsOptedOut(const std::string& phone) = 0;
  // The numbers that may be texted about the participant: linked to them (`linked`; the link may
  // have expired, see LinkedParticipant) or on file with "sms_reminders" consent (`consent`),
  // and not opted out. One entry per number; `lang` is the participant's language.
  struct TextableNumber {
    std::string phone, phone_key, lang;
    bool linked = false, consent = false;
    int64_t link_last_used_ms = 0;  // linked: when the link was last used (it expires unused)
  };
  virtual Result<std::vector<TextableNumber>> TextableNumbers(
      const std::string& participant_id) = 0;
  // Web threads: records `seq` as the first reply the parent has not seen, unless one is already
  // recorded. True when this call recorded it (the first reply of an absence).
  virtual Result<bool> MarkReplyUnseen(int64_t thread_id, int64_t seq) = 0;
  // The parent has been shown the thread: no reply is unseen any more.
  virtual Status ClearReplyUnseen(int64_t thread_id) = 0;
  // The reply given to an inbound MessageSid, if it was answered less than kInboundReplyTtlMs
  // before `now_ms` (Twilio retries within hours; older replies are purged, they hold answers).
  static constexpr int64_t kInboundReplyTtlMs = 48LL * 3600 * 1000;
  virtual Result<std::optional<std::string>> InboundReply(const std::string& message_sid,
                                                          int64_t now_ms) = 0;
  virtual Status RecordInboundReply(const std::string& message_sid, const std::string& reply,
                                    int64_t now_ms) = 0;

  // --- outbound SMS outbox ---
  // Returns the outbox id (the existing one for a dedupe_key already enqueued).
  virtual Result<int64_t> EnqueueOutbound(const OutboundRequest& request, int64_t now_ms) = 0;
  // Pending items whose next attempt is due, oldest first; they become kSending.
  virtual Result<std::vector<OutboxItem>> TakeDueOutbound(int64_t now_ms, int limit) = 0;
  virtual Status MarkOutboundSent(int64_t id, const std::string& provider_sid, int64_t now_ms) = 0;
  // `unconfirmed_since_ms`: this attempt's start, when it may have reached the provider (kept if
  // an earlier unconfirmed attempt is already recorded).
  virtual Status MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                                   std::optional<int64_t> unconfirmed_since_ms = std::nullopt) = 0;
  // Whether a provider sid is already recorded on an outbox item (so a look-up for an
  // unconfirmed attempt never claims another item's message).
  virtual Result<bool> ProviderSidKnown(const std::string& provider_sid) = 0;
  virtual Status MarkOutboundFailed(int64_t id, const std::string& error) = 0;
  // From the provider's status callback ("delivered", "undelivered", "failed", ...).
  // `changed`, when given, receives the (thread id, seq) of each thread message it updated.
  virtual Status RecordDeliveryStatus(
      const std::string& provider_sid, const std::string& status, int64_t now_ms,
      std::vector<std::pair<int64_t, int64_t>>* changed = nullptr) = 0;
  // kSending items left by a crash become kPending again, unconfirmed since their attempt began
  // (called once at start-up).
  virtual Status RecoverOutbound(int64_t now_ms) = 0;
  virtual Result<int64_t> OutboxDepth() = 0;

  // --- reminders ---
  // One upcoming appointment and one number that may be texted about it (not opted out). Which
  // message, if any, is due is decided above the store (bot::Bot::Reminder); the store only
  // fetches the facts and what was already enqueued.
  struct ReminderCandidate {
    bot::Appointment appointment;  // with its status
    std::string participant_id;
    std::string phone;
    std::string phone_key;  // hex of the phone's blind index, the last part of reminder keys
    std::string lang;
    bool linked = false;   // the number is linked to this participant (the link may have expired)
    bool consent = false;  // on file for a participant whose record says "sms_reminders": true
    // The middle parts <kind> of the reminder dedupe keys "rem:<appointment_id>:<kind>:<phone_key>"
    // already in the outbox for this appointment and this number.
    std::vector<std::string> sent;
  };
  // Where a page of ReminderCandidates ends: the last appointment returned.
  struct ReminderCursor {
    int64_t start_s = 0;
    std::string appointment_id;
  };
  // The candidates of up to `limit` appointments starting after `now_ms`, either within
  // `horizon_ms` or (RESCHEDULED and CANCELLED ones, whose notices go out at once) at any later
  // time, ordered by (start, appointment id) and following `after` (default: from the first).
  // An appointment with no number to text is still counted in `limit`; *next is set to the last
  // appointment looked at (unchanged when none was).
  virtual Result<std::vector<ReminderCandidate>> ReminderCandidates(int64_t now_ms,
                                                                    int64_t horizon_ms,
                                                                    const ReminderCursor& after,
                                                                    int limit,
                                                                    ReminderCursor* next) = 0;

  // --- payment notices ---
  // One payment dated on or after `since` and one number of a participant on its case that may
  // be texted (not opted out; linked to the participant, or on file with "sms_reminders" consent).
  // Whether a notice is due is decided above the store (bot::Bot::PaymentNotice).
  struct PaymentCandidate {
    bot::Payment payment;
    bot::Role role = bot::Role::kPaying;  // the participant's role on the payment's case
    std::string participant_id;
    std::string phone;
    std::string phone_key;  // hex of the phone's blind index: keys "pay:<payment_id>:<phone_key>"
    std::string lang;
    bool linked = false;   // the number is linked to this participant (the link may have expired)
    bool consent = false;  // on file with consent
    bool sent = false;     // "pay:<payment_id>:<phone_key>" is already in the outbox
  };
  // The candidates of up to `limit` (payment, participant) pairs, dated `since` or later, oldest
  // first.
  virtual Result<std::vector<PaymentCandidate>> PaymentCandidates(std::chrono::sys_days since,
                                                                  int limit) = 0;

  // --- keys ---
  // Adds a new current key to the key file and re-encrypts every sealed value under it, in
  // batches of `batch_rows` (each its own transaction), while other connections keep working.
  virtual Result<RotateStats> RotateKey(int batch_rows) = 0;
  // Removes key `key_id` from the key file once no sealed value uses it any more (after
  // RotateKey re-sealed everything under a newer key), and its check value. First waits until the
  // key file has been unchanged for StoreOptions::retire_settle_ms, so every running hub has
  // picked up the current key. kConflict: the current key, the first key (phone lookups, PINs,
  // sessions and the audit chain are keyed from it), or values still sealed under it (counted in
  // the message); kNotFound: no such key.
  virtual Status RetireKey(uint32_t key_id) = 0;

  // --- operations (store_ops.cpp) ---
  // Every caseworker account, by username, disabled ones included.
  virtual Result<std::vector<Caseworker>> ListCaseworkers() = 0;
  // Disables (or enables) the account in one transaction with its audit row ("caseworker
  // disabled" / "caseworker enabled", on the caseworker's id, thread 0). Disabling also deletes
  // its sessions, so every hub refuses them at its next check. kNotFound for an unknown username.
  virtual Result<Caseworker> SetCaseworkerDisabled(const std::string& username, bool disabled,
                                                   int64_t now_ms) = 0;
  // A new password (at least 8 characters): the account's sessions end; audited ("caseworker
  // password reset"). A disabled account stays disabled.
  virtual Result<Caseworker> ResetCaseworkerPassword(const std::string& username,
                                                     const std::string& password,
                                                     int64_t now_ms) = 0;
  // A consistent copy of the database at `out_path` (VACUUM INTO: one read transaction, so
  // writers go on), created 0600; fails when `out_path` exists.
  virtual Status Backup(const std::string& out_path) = 0;
  // Deletes threads whose last message is before `before_ms` with their messages and notes, and
  // outbox rows created before it; when `audit_before_ms` > 0, audit rows before that too (the
  // chain stays verifiable: the purge's own audit row records where it now starts). One
  // transaction, audited ("purge ..."; caseworker 0, thread 0).
  virtual Result<PurgeStats> Purge(int64_t before_ms, int64_t audit_before_ms, int64_t now_ms) = 0;
  // The participant's threads, messages, notes and audit rows (ParticipantExport), read in one
  // read transaction: a consistent snapshot while the hub writes. kNotFound for an unknown
  // participant.
  virtual Result<ParticipantExport> ExportParticipant(const std::string& participant_id) = 0;
  // The outbox's age and the provider's last success and failure, from the outbox rows (so a
  // hub sees another process's sends too).
  virtual Result<OutboxHealth> GetOutboxHealth() = 0;

  // --- supervisors' reports (store_reports.cpp) ---
  // Rows ordered by (date, county, lang), only those with something to count: bot answers by
  // intent, escalations and resolves in [from_ms, to_ms), each under its own day; a first reply
  // under its escalation's day (even when it came after to_ms). kInvalid without `day_of`.
  virtual Result<std::vector<ReportRow>> Report(const ReportQuery& query) = 0;
  // --- canned replies (store_canned.cpp) ---
  // A language's replies in order (position, then id). kInvalid for a language other than "en"
  // or "es".
  virtual Result<std::vector<CannedReply>> ListCanned(const std::string& lang) = 0;
  // Each write runs in one transaction with its audit row (caseworker_id, thread 0, "canned_add",
  // "canned_edit", "canned_delete"). kInvalid for: a language other than "en"/"es", a label of
  // more than kMaxLabelChars characters, a text of more than kMaxTextBytes bytes, either only
  // white space, or (add) a language that already has kMaxPerLanguage. Label and text must be
  // valid UTF-8: the caller checks (the hub's API with sms::IsValidUtf8; its JSON parser refuses
  // invalid text too). kNotFound for an unknown id. Add appends at the end of its language.
  virtual Result<CannedReply> AddCanned(int64_t caseworker_id, const std::string& lang,
                                        const std::string& label, const std::string& text,
                                        int64_t now_ms) = 0;
  // Changes the label and text (the language stays).
  virtual Result<CannedReply> UpdateCanned(int64_t caseworker_id, int64_t id,
                                           const std::string& label, const std::string& text,
                                           int64_t now_ms) = 0;
  virtual Status DeleteCanned(int64_t caseworker_id, int64_t id, int64_t now_ms) = 0;
};

}  // namespace connecthub::storage
