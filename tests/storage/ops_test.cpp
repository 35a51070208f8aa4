// Operator storage (issue 19): caseworker accounts, backup, retention purge, the audit chain and
// the records export.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "storage/test_util.h"

namespace connecthub::storage {
namespace {

using testing::OpenStore;
using testing::TempDir;
using testing::TestNowMs;

constexpr int64_t kDay = 86400LL * 1000;

TEST_CASE("backup writes a checked 0600 copy the key file opens", "[storage][ops]") {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::MustImport(*store, testing::SampleExtract());
  int64_t now = TestNowMs();
  auto thread = store->OpenThread("100000001", Channel::kWeb, "es", now).value();
  REQUIRE(store->Append({.thread_id = thread.id, .body = "hola copia", .at_ms = now}).ok());

  std::string out = dir.File("copy.db");
  REQUIRE(store->Backup(out).ok());
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // A second backup to the same file is refused and leaves the copy alone.
  CHECK(!store->Backup(out).ok());
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK(st.st_size > 0);

  // The copy opens with the original key file and holds the data.
  StoreOptions options;
  options.db = out;
  options.key_file = dir.File("t.db.key");
  options.create_key_if_missing = false;
  auto copy = Store::Open(options);
  REQUIRE(copy.ok());
  auto messages = (*copy)->Messages(thread.id, 0, 10, false).value();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].body == "hola copia");
  CHECK((*copy)->LoadFacts("100000001", now).ok());
}

TEST_CASE("purge removes old conversations, keeps new ones and unsent SMS, and is audited",
          "[storage][ops]") {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::MustImport(*store, testing::SampleExtract());
  int64_t now = TestNowMs();
  int64_t old = now - 400 * kDay;
  int64_t cw = store->AddCaseworker("jdoe", "password-123", "MADERA", false).value();
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", old).value();
  REQUIRE(store->Append({.thread_id = web.id, .body = "viejo", .at_ms = old}).ok());
  REQUIRE(store
              ->Append({.thread_id = web.id,
                        .sender = Sender::kNote,
                        .body = "nota",
                        .caseworker_id = cw,
                        .at_ms = old + 1})
              .ok());
  auto mixed = store->OpenThread("100000002", Channel::kWeb, "en", old).value();
  REQUIRE(store->Append({.thread_id = mixed.id, .body = "old one", .at_ms = old}).ok());
  REQUIRE(store->Append({.thread_id = mixed.id, .body = "new one", .at_ms = now}).ok());
  REQUIRE(
      store->EnqueueOutbound({.to = "+15595550101", .body = "x", .dedupe_key = "sent"}, old).ok());
  REQUIRE(
      store->EnqueueOutbound({.to = "+15595550101", .body = "y", .dedupe_key = "owed"}, old).ok());
  auto due = store->TakeDueOutbound(old + 1, 1).value();
  REQUIRE(due.size() == 1);
  REQUIRE(store->MarkOutboundSent(due[0].id, "SM1", old + 2).ok());

  auto stats = store->Purge(now - 365 * kDay, 0, now);
  REQUIRE(stats.ok());
  CHECK(stats->threads == 1);
  CHECK(stats->messages == 2);
  CHECK(stats->notes == 1);
  CHECK(stats->outbox == 1);
  CHECK(stats->audit == 0);
  CHECK(store->GetThread(web.id).status().code() == Code::kNotFound);
  auto left = store->Messages(mixed.id, 0, 10, true).value();
  REQUIRE(left.size() == 1);
  CHECK(left[0].body == "new one");
  CHECK(store->OutboxDepth().value() == 1);  // the unsent one is still owed
  auto audit = store->ListAudit({}).value();
  REQUIRE(!audit.empty());
  CHECK(audit[0].action.starts_with("purge before="));
  CHECK(audit[0].caseworker_id == 0);
  // Case data is not the purge's business.
  CHECK(store->LoadFacts("100000001", now).ok());
}

TEST_CASE("an audit purge keeps the chain verifiable, and removing more rows still shows",
          "[storage][ops][audit]") {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::MustImport(*store, testing::SampleExtract());
  int64_t now = TestNowMs();
  int64_t cw = store->AddCaseworker("jdoe", "password-123", "MADERA", false).value();
  for (int i = 0; i < 5; ++i) REQUIRE(store->Audit(cw, 7, "read", now - (800 - i) * kDay).ok());
  for (int i = 0; i < 3; ++i) REQUIRE(store->Audit(cw, 7, "read", now - i * kDay).ok());

  auto stats = store->Purge(now - 365 * kDay, now - 700 * kDay, now);
  REQUIRE(stats.ok());
  CHECK(stats->audit == 5);
  auto check = store->VerifyAudit().value();
  CHECK(check.first_bad_id == 0);
  CHECK(check.rows == 4);  // 3 kept + the purge's own row

  // A second audit purge that finds nothing old still verifies.
  REQUIRE(store->Purge(now - 365 * kDay, now - 700 * kDay, now + 1).ok());
  CHECK(store->VerifyAudit()->first_bad_id == 0);

  // Someone removing the oldest kept row by hand (trigger dropped) is caught.
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER audit_log_no_delete");
    raw.exec("DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)");
  }
  CHECK(store->VerifyAudit()->first_bad_id != 0);

  // The append-only trigger is back after a purge.
  TempDir dir2;
  auto fresh = OpenStore(dir2);
  REQUIRE(fresh->Audit(1, 1, "read", now - 900 * kDay).ok());
  REQUIRE(fresh->Purge(now - 365 * kDay, now - 800 * kDay, now).ok());
  SQLite::Database raw(dir2.File("t.db"), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("DELETE FROM audit_log"));
  CHECK(fresh->VerifyAudit()->first_bad_id == 0);
}

TEST_CASE(
    "export reads every thread, message, note, delivery status and audit row of a "
    "participant",
    "[storage][ops][export]") {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::MustImport(*store, testing::SampleExtract());
  int64_t now = TestNowMs();
  int64_t cw = store->AddCaseworker("jdoe", "password-123", "MADERA", false).value();
  REQUIRE(store->SetCaseworkerDisplayName(cw, "Ms. Doe").ok());

  // Web: the parent, the bot's answer, a caseworker's note (audited with it).
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", now).value();
  REQUIRE(
      store->Append({.thread_id = web.id, .client_id = "c-1", .body = "hola", .at_ms = now}).ok());
  REQUIRE(store
              ->Append({.thread_id = web.id,
                        .sender = Sender::kBot,
                        .body = "Su saldo es...",
                        .intent = "balance",
                        .at_ms = now + 1})
              .ok());
  REQUIRE(store
              ->Append({.thread_id = web.id,
                        .sender = Sender::kNote,
                        .body = "llamar el lunes",
                        .caseworker_id = cw,
                        .at_ms = now + 2,
                        .audit_action = "note"})
              .ok());
  // SMS, linked to the participant: a picture, then a caseworker's reply, delivered.
  auto sms = store->OpenSmsThread("+15595550101", "es", now).value();
  REQUIRE(store->LinkPhone("+15595550101", "100000001", now).ok());
  AppendRequest picture{.thread_id = sms.id, .client_id = "MM1", .body = "", .at_ms = now + 3};
  picture.media = {{"image/jpeg", "https://api.twilio.com/x/Media/ME1"}};
  REQUIRE(store->Append(picture).ok());
  auto reply = store
                   ->Append({.thread_id = sms.id,
                             .sender = Sender::kCaseworker,
                             .body = "Hola, le ayudo",
                             .caseworker_id = cw,
                             .at_ms = now + 4,
                             .audit_action = "reply"})
                   .value();
  int64_t out = store
                    ->EnqueueOutbound({.to = "+15595550101",
                                       .body = "Hola, le ayudo",
                                       .thread_id = sms.id,
                                       .message_seq = reply.seq,
                                       .dedupe_key = "r1"},
                                      now + 4)
                    .value();
  REQUIRE(store->TakeDueOutbound(now + 5, 10).value().size() == 1);
  REQUIRE(store->MarkOutboundSent(out, "SM1", now + 5).ok());
  REQUIRE(store->RecordDeliveryStatus("SM1", OutboxState::kDelivered, "delivered", now + 6).ok());
  // A phone call from another number in which the caller entered the participant's PIN.
  auto voice = store->OpenVoiceThread("+15595550199", "100000001", "es", now + 7).value();
  REQUIRE(store->Append({.thread_id = voice.id, .body = "cuánto debo", .at_ms = now + 7}).ok());
  REQUIRE(store->Audit(cw, web.id, "read", now + 8).ok());
  // Not the participant's: another parent's thread, an unlinked number's.
  auto other = store->OpenThread("100000002", Channel::kWeb, "en", now).value();
  REQUIRE(store->Append({.thread_id = other.id, .body = "not hers", .at_ms = now}).ok());
  REQUIRE(store->Audit(cw, other.id, "read", now + 8).ok());
  auto stranger = store->OpenSmsThread("+15595550177", "en", now).value();
  REQUIRE(store->Append({.thread_id = stranger.id, .body = "who", .at_ms = now}).ok());

  size_t audit_rows = store->ListAudit({}).value().size();
  auto e = store->ExportParticipant("100000001");
  REQUIRE(e.ok());
  CHECK(e->participant_id == "100000001");
  CHECK(e->first_name == "Mariaxq");
  CHECK(e->last_name == "Lopezqz");
  CHECK(e->lang == "es");
  REQUIRE(e->threads.size() == 3);
  const auto& w = e->threads[0];
  const auto& s = e->threads[1];
  const auto& v = e->threads[2];
  CHECK(w.thread.id == web.id);
  CHECK(s.thread.id == sms.id);
  CHECK(s.thread.channel == Channel::kSms);
  CHECK(s.thread.phone == "+15595550101");
  CHECK(v.thread.id == voice.id);
  CHECK(v.thread.channel == Channel::kVoice);

  REQUIRE(w.messages.size() == 3);
  CHECK(w.messages[0].body == "hola");
  CHECK(w.messages[0].client_id == "c-1");
  CHECK(w.messages[1].intent == "balance");
  CHECK(w.messages[2].sender == Sender::kNote);
  CHECK(w.messages[2].body == "llamar el lunes");
  CHECK(w.messages[2].caseworker_name == "jdoe");
  CHECK(w.messages[2].caseworker_display_name == "Ms. Doe");
  REQUIRE(s.messages.size() == 2);
  REQUIRE(s.messages[0].media.size() == 1);
  CHECK(s.messages[0].media[0].content_type == "image/jpeg");
  CHECK(s.messages[1].sender == Sender::kCaseworker);
  CHECK(s.messages[1].delivery == "delivered");
  REQUIRE(v.messages.size() == 1);
  CHECK(v.messages[0].body == "cuánto debo");

  // The audit rows about each thread, oldest first; none about other threads.
  std::vector<std::string> actions;
  for (const auto& a : w.audit) {
    CHECK(a.thread_id == web.id);
    CHECK(a.caseworker_name == "jdoe");
    actions.push_back(a.action);
  }
  CHECK(actions == std::vector<std::string>{"note", "read"});
  REQUIRE(s.audit.size() == 1);
  CHECK(s.audit[0].action == "reply");
  CHECK(v.audit.empty());

  // Reading is not writing: the export itself adds nothing (the caller audits it).
  CHECK(store->ListAudit({}).value().size() == audit_rows);
  CHECK(store->ExportParticipant("999999999").status().code() == Code::kNotFound);
  auto none = store->ExportParticipant("100000002");
  REQUIRE(none.ok());
  REQUIRE(none->threads.size() == 1);
  CHECK(none->threads[0].messages.front().body == "not hers");
}

}  // namespace
}  // namespace connecthub::storage
