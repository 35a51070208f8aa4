#include "schema.h"

#include <string>
#include <string_view>

namespace connecthub::storage {
namespace {

// Migration N takes the schema from version N-1 to N. Never edit a released migration: append.
// Sealed columns (BLOB) hold KeyRing::Seal output; their row identity is documented next to them
// because rotation (RotateKey) recomputes it from SQL.
constexpr const char* kMigrations[] = {
    // 1: case data, conversations, caseworkers, sessions, SMS, outbox, audit.
    R"sql(
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE data_keys (key_id INTEGER PRIMARY KEY, check_value BLOB NOT NULL,
                        added_ms INTEGER NOT NULL DEFAULT 0);

-- first_name/last_name/email sealed, row identity participant_id.
CREATE TABLE participants (
  participant_id TEXT PRIMARY KEY,
  first_name BLOB NOT NULL,
  last_name BLOB NOT NULL,
  email BLOB,
  language TEXT NOT NULL DEFAULT 'en',
  pin_hash TEXT NOT NULL,
  pin_peppered INTEGER NOT NULL DEFAULT 1
);
-- phone sealed, row identity participant_id || ':' || position.
CREATE TABLE participant_phones (
  participant_id TEXT NOT NULL REFERENCES participants(participant_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  phone_index BLOB NOT NULL,
  phone BLOB NOT NULL,
  PRIMARY KEY (participant_id, position)
);
CREATE INDEX participant_phones_by_index ON participant_phones(phone_index);

CREATE TABLE cases (
  case_number TEXT PRIMARY KEY,
  county TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_date INTEGER NOT NULL,              -- days since 1970-01-01
  monthly_support_cents INTEGER NOT NULL,
  past_due_installment_cents INTEGER NOT NULL,
  past_due_cents INTEGER NOT NULL
);
CREATE TABLE case_roles (
  case_number TEXT NOT NULL REFERENCES cases(case_number) ON DELETE CASCADE,
  participant_id TEXT NOT NULL REFERENCES participants(participant_id),
  role TEXT NOT NULL CHECK (role IN ('PAYING', 'RECEIVING')),
  PRIMARY KEY (case_number, participant_id)
);
CREATE INDEX case_roles_by_participant ON case_roles(participant_id);
CREATE TABLE orders (
  case_number TEXT NOT NULL REFERENCES cases(case_number) ON DELETE CASCADE,
  court_case_number TEXT NOT NULL,
  file_date INTEGER NOT NULL,
  county TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (case_number, court_case_number)
);
CREATE TABLE payments (
  payment_id TEXT PRIMARY KEY,
  case_number TEXT NOT NULL REFERENCES cases(case_number) ON DELETE CASCADE,
  date INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  type TEXT NOT NULL
);
CREATE INDEX payments_by_case ON payments(case_number, date);
CREATE TABLE appointments (
  appointment_id TEXT PRIMARY KEY,
  case_number TEXT NOT NULL REFERENCES cases(case_number) ON DELETE CASCADE,
  participant_id TEXT NOT NULL REFERENCES participants(participant_id),
  start_s INTEGER NOT NULL,
  end_s INTEGER NOT NULL,
  type TEXT NOT NULL,
  location TEXT NOT NULL
);
CREATE INDEX appointments_by_participant ON appointments(participant_id, end_s);
CREATE INDEX appointments_by_start ON appointments(start_s);

CREATE TABLE caseworkers (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  county TEXT NOT NULL DEFAULT '',
  supervisor INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL DEFAULT 0
);

-- phone sealed, row identity id.
CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  participant_id TEXT REFERENCES participants(participant_id),
  channel TEXT NOT NULL CHECK (channel IN ('web', 'sms')),
  phone_index BLOB,
  phone BLOB,
  lang TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  misses INTEGER NOT NULL DEFAULT 0,
  assigned_to INTEGER REFERENCES caseworkers(id),
  created_ms INTEGER NOT NULL,
  waiting_since_ms INTEGER NOT NULL DEFAULT 0,
  last_message_ms INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX threads_web_by_participant ON threads(participant_id) WHERE channel = 'web';
CREATE UNIQUE INDEX threads_sms_by_phone ON threads(phone_index) WHERE channel = 'sms';
CREATE INDEX threads_by_participant ON threads(participant_id);
CREATE INDEX threads_by_state ON threads(state);

-- body sealed, row identity thread_id || ':' || seq.
CREATE TABLE messages (
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  seq INTEGER NOT NULL,
  sender TEXT NOT NULL,
  client_id TEXT,
  body BLOB NOT NULL,
  intent TEXT NOT NULL DEFAULT '',
  caseworker_id INTEGER REFERENCES caseworkers(id),
  at_ms INTEGER NOT NULL,
  delivery TEXT NOT NULL DEFAULT '',
  UNIQUE (thread_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_id ON messages(thread_id, client_id)
  WHERE client_id IS NOT NULL;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL
);
CREATE TABLE pin_failures (
  participant_id TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start_ms INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL
);

-- phone sealed, row identity hex(phone_index).
CREATE TABLE linked_phones (
  phone_index BLOB PRIMARY KEY,
  phone BLOB NOT NULL,
  participant_id TEXT NOT NULL REFERENCES participants(participant_id),
  linked_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL
);
CREATE INDEX linked_phones_by_participant ON linked_phones(participant_id);
CREATE TABLE sms_optouts (
  phone_index BLOB PRIMARY KEY,
  opted_out INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
-- reply sealed, row identity message_sid.
CREATE TABLE inbound_sms (
  message_sid TEXT PRIMARY KEY,
  reply BLOB NOT NULL,
  at_ms INTEGER NOT NULL
);
-- to_phone and body sealed, row identity id.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  to_index BLOB NOT NULL,
  to_phone BLOB NOT NULL,
  body BLOB NOT NULL,
  thread_id INTEGER NOT NULL DEFAULT 0,
  message_seq INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  provider_sid TEXT,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);
CREATE INDEX outbox_by_sid ON outbox(provider_sid);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  caseworker_id INTEGER NOT NULL,
  thread_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
)sql",
    // 2: audit lookups by thread (the inbox's "who read this" view) and by caseworker.
    R"sql(
CREATE INDEX audit_by_thread ON audit_log(thread_id, at_ms);
CREATE INDEX audit_by_caseworker ON audit_log(caseworker_id, at_ms);
)sql",
    // 3: outbox attempts whose outcome is unknown (a crash or a lost answer mid-request): the
    // provider is asked before such an item is sent again.
    R"sql(
ALTER TABLE outbox ADD COLUMN unconfirmed_since_ms INTEGER;
)sql",
    // 4: appointment status (SCHEDULED, RESCHEDULED, CANCELLED) and the participant's consent to
    // reminders by SMS at the phones on file (storage/README.md, SPEC §6 extension).
    R"sql(
ALTER TABLE appointments ADD COLUMN status TEXT NOT NULL DEFAULT 'SCHEDULED';
CREATE INDEX appointments_by_status ON appointments(status, start_s);
ALTER TABLE participants ADD COLUMN sms_reminders INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: escalating lockouts (lockouts since the last success, failures since the last success
    // for the hard cap); sessions purged by age.
    R"sql(
ALTER TABLE pin_failures ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pin_failures ADD COLUMN consecutive INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sessions_by_last_used ON sessions(last_used_ms);
ALTER TABLE caseworkers ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
)sql",
    // 6: the audit log is append-only and hash-chained: `link` is a keyed BLAKE2b of the row's
    // fields and the previous row's link (rows from before this version have none). And an
    // index to purge cached SMS replies older than 48 h.
    R"sql(
ALTER TABLE audit_log ADD COLUMN link BLOB;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- cached SMS replies expire after 48 h (purged by age)
CREATE INDEX inbound_sms_by_age ON inbound_sms(at_ms);
)sql",
    // 7: the language a thread's parent writes when it is neither English nor Spanish (ISO 639-1),
    // for the caseworker's interpreter line; empty when none is needed. Payments by date, for
    // payment notices.
    R"sql(
ALTER TABLE threads ADD COLUMN interpreter_lang TEXT NOT NULL DEFAULT '';
-- payment notices look up the payments of the last days
CREATE INDEX payments_by_date ON payments(date);
)sql",
    // 8: the caseworkers' TOTP second factor: the secret, sealed (row identity: the caseworker
    // id), and the last time step a code was accepted for (a code is good once).
    R"sql(
ALTER TABLE caseworkers ADD COLUMN totp_secret BLOB;
ALTER TABLE caseworkers ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
)sql",
    // 9: extract corrections: a payment the agency reversed stays on record, marked, and is left
    // out of answers and notices.
    R"sql(
ALTER TABLE payments ADD COLUMN reversed INTEGER NOT NULL DEFAULT 0;
)sql",
    // 10: the voice channel: threads.channel may be 'voice' (one thread per caller's number). The
    // CHECK constraint is rewritten in place (SQLite's documented procedure for a change that
    // leaves the stored rows valid; Migrate bumps schema_version so every connection reloads).
    R"sql(
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (channel IN (''web'', ''sms''))',
    'CHECK (channel IN (''web'', ''sms'', ''voice''))')
  WHERE type = 'table' AND name = 'threads';
PRAGMA writable_schema = OFF;
CREATE UNIQUE INDEX threads_voice_by_phone ON threads(phone_index) WHERE channel = 'voice';
)sql",
    // 11: pictures sent by MMS (messages.media: sealed JSON of the provider's types and URLs, NULL
    // when none), and the first caseworker reply a web parent has not seen (0: none).
    R"sql(
ALTER TABLE messages ADD COLUMN media BLOB;
ALTER TABLE threads ADD COLUMN unseen_reply_seq INTEGER NOT NULL DEFAULT 0;
)sql",
    // 12: the county queue a thread was transferred to (the inbox's "transfer to county"); empty:
    // the counties of the participant's cases decide who sees it.
    R"sql(
ALTER TABLE threads ADD COLUMN queue_county TEXT NOT NULL DEFAULT '';
)sql",
    // 13: supervisors' reports. A durable trace of each escalation (a thread the bot handed to the
    // inbox: it started waiting), and indexes to count a range of days: bot answers (by intent)
    // and resolves by time.
    R"sql(
CREATE TABLE thread_events (
  thread_id INTEGER NOT NULL,
  kind TEXT NOT NULL,          -- 'escalated'
  at_ms INTEGER NOT NULL
);
CREATE INDEX thread_events_by_time ON thread_events(kind, at_ms);
CREATE INDEX thread_events_by_thread ON thread_events(thread_id, at_ms);
CREATE INDEX messages_bot_by_time ON messages(at_ms) WHERE sender = 'bot';
CREATE INDEX audit_resolves_by_time ON audit_log(at_ms) WHERE action = 'resolve';
)sql",
    // 14: canned replies, managed by supervisors per language (issue 19): agency templates, not
    // personal data, so plain text. The four replies the inbox had built in, in English and
    // Spanish, with their placeholders ({name}, {me}, {phone}: filled in the browser).
    // created_by/updated_by: a caseworker id, 0 for these defaults.
    R"sql(
CREATE TABLE canned_replies (
  id INTEGER PRIMARY KEY,
  lang TEXT NOT NULL CHECK (lang IN ('en', 'es')),
  label TEXT NOT NULL,
  body TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_by INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL DEFAULT 0,
  updated_by INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX canned_replies_by_lang ON canned_replies(lang, position);
INSERT INTO canned_replies(lang, label, body, position) VALUES
  ('en', 'Greeting',
   'Hi {name}, this is {me} from Child Support Services. I’m looking at your case now.', 1),
  ('en', 'Payment timing',
   'Payments can take up to 2 business days to show on your case. If it has been longer, please send me the date and amount of the payment.', 2),
  ('en', 'Please call us',
   'For this request we need to verify your identity by phone. Please call {phone}, Monday to Friday, 8 a.m. to 5 p.m.', 3),
  ('en', 'Anything else?', 'Is there anything else I can help you with today?', 4),
  ('es', 'Saludo',
   'Hola, {name}. Le saluda {me}, de Servicios de Manutención de Menores. Estoy revisando su caso ahora.', 1),
  ('es', 'Plazo de los pagos',
   'Los pagos pueden tardar hasta 2 días hábiles en aparecer en su caso. Si ha pasado más tiempo, envíeme la fecha y la cantidad del pago.', 2),
  ('es', 'Llámenos',
   'Para esta solicitud necesitamos verificar su identidad por teléfono. Llame al {phone}, de lunes a viernes, de 8 a. m. a 5 p. m.', 3),
  ('es', '¿Algo más?', '¿Hay algo más en lo que le pueda ayudar hoy?', 4);
)sql",
    // 15: blind indexes rotate (issue 16). An opt-out keeps its number sealed, row identity
    // hex(phone_index), so rotation can re-index it; NULL in rows from before (indexed under the
    // first key). Every index written before this version is the first key's, whatever key its
    // row's number is sealed under: 'blind_index_legacy' stays until a rotation re-indexed them.
    R"sql(
ALTER TABLE sms_optouts ADD COLUMN phone BLOB;
INSERT OR REPLACE INTO meta(name, value) VALUES('blind_index_legacy', '1');
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

}  // namespace

std::string CannedDefaultsSql() {
  std::string_view migration = kMigrations[13];
  return std::string(migration.substr(migration.find("INSERT INTO canned_replies")));
}

int SchemaVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

Status Migrate(SQLite::Database& db, int target) {
  if (target > kMigrationCount) target = kMigrationCount;
  try {
    int version = SchemaVersion(db);
    if (version > kSchemaVersion || version > target) {
      return {Code::kVersion, "database schema version " + std::to_string(version) +
                                  " is newer than this ConnectHub (" +
                                  std::to_string(kSchemaVersion) + "); upgrade ConnectHub"};
    }
    while (version < target) {
      db.exec("BEGIN IMMEDIATE");
      try {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        version = SchemaVersion(db);
        if (version < target) {
          std::string_view sql = kMigrations[version];
          if (sql.find("writable_schema") != std::string_view::npos) {
            // The schema text changed under SQLite: a new schema_version makes every connection
            // (this one included) read it again.
            int cookie = db.execAndGet("PRAGMA schema_version").getInt();
            db.exec(kMigrations[version]);
            db.exec("PRAGMA schema_version = " + std::to_string(cookie + 1));
          } else {
            db.exec(kMigrations[version]);
          }
          ++version;
          db.exec("PRAGMA user_version = " + std::to_string(version));
        }
        db.exec("COMMIT");
      } catch (...) {
        db.exec("ROLLBACK");
        throw;
      }
    }
  } catch (const std::exception& e) {
    return {Code::kIo, std::string("schema migration failed: ") + e.what()};
  }
  return Status::Ok();
}

}  // namespace connecthub::storage
