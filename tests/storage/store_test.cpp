#include <SQLiteCpp/SQLiteCpp.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <iterator>
#include <limits>
#include <thread>

#include "crypto.h"
#include "schema.h"
#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

constexpr int64_t kDay = 86'400'000;

// A store with the sample extract imported and participant 100000001's web thread opened.
struct SampleThread {
  explicit SampleThread(const std::string& lang) : thread(Open(lang)) {}
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  int64_t now = TestNowMs();
  Result<ThreadRecord> thread;

 private:
  Result<ThreadRecord> Open(const std::string& lang) {
    MustImport(*store, SampleExtract());
    return store->OpenThread("100000001", Channel::kWeb, lang, now);
  }
};

}  // namespace

TEST_CASE("migrations: a new database gets the current schema", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  SQLite::Database raw(dir.File("t.db"));
  CHECK(SchemaVersion(raw) == kSchemaVersion);
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("migrations: an older database upgrades in place, keeping its rows", "[storage]") {
  TempDir dir;
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    REQUIRE(Migrate(raw, 1).ok());
    CHECK(SchemaVersion(raw) == 1);
    raw.exec("INSERT INTO caseworkers(username, password_hash) VALUES('old', 'x')");
  }
  auto store = OpenStore(dir);
  SQLite::Database raw(dir.File("t.db"));
  CHECK(SchemaVersion(raw) == kSchemaVersion);
  CHECK(raw.execAndGet("SELECT count(*) FROM caseworkers WHERE username = 'old'").getInt() == 1);
  CHECK(raw.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'audit_by_thread'")
            .getInt() == 1);
}

TEST_CASE("migrations: a newer database is refused with a clear message", "[storage]") {
  TempDir dir;
  { auto store = OpenStore(dir); }
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  StoreOptions options;
  options.db = dir.File("t.db");
  auto store = Store::Open(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kVersion);
  CHECK(store.status().message().find("newer") != std::string::npos);
}

TEST_CASE("a wrong, missing or too open key file is refused", "[storage]") {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    MustImport(*store, SampleExtract());
  }
  StoreOptions options;
  options.db = dir.File("t.db");
  options.key_file = dir.File("other.key");  // a fresh key: not this database's
  auto wrong = Store::Open(options);
  CHECK(wrong.status().code() == Code::kKey);

  options.key_file = dir.File("absent.key");
  auto missing = Store::Open(options);
  CHECK(missing.status().code() == Code::kKey);
  struct stat st {};
  CHECK(::stat(options.key_file.c_str(), &st) != 0);  // not created for an existing database

  options.key_file.clear();
  ::chmod(dir.File("t.db.key").c_str(), 0640);
  CHECK(Store::Open(options).status().code() == Code::kKey);
  ::chmod(dir.File("t.db.key").c_str(), 0600);
  CHECK(Store::Open(options).ok());
}

TEST_CASE("LoadFacts: cached answers follow imports, here at once and from another process",
          "[storage]") {
  TempDir dir;
  StoreOptions options;
  options.db = dir.File("t.db");
  options.case_data_check_ms = 1000;
  auto store = std::move(Store::Open(options)).value();
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  REQUIRE(store->LoadFacts("100000001", now)->cases[0].past_due_cents == 66793);
  // Served from the cache now (the database row changes behind its back, without an import):
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE cases SET past_due_cents = 1 WHERE case_number = '200000001'");
  }
  CHECK(store->LoadFacts("100000001", now + 10)->cases[0].past_due_cents == 66793);

  // An import through this store is seen at once.
  MustImport(*store,
             R"({"payment":{"payment_id":"P-3","case_number":"200000001","date":"2026-11-20",)"
             R"("amount":"50.00","type":"PERSONAL PAYMENT"}})"
             "\n");
  auto after = store->LoadFacts("100000001", now + 20);
  REQUIRE(after.ok());
  CHECK(after->cases[0].payments.front().payment_id == "P-3");
  CHECK(after->cases[0].past_due_cents == 1);

  // An import by another process (another Store on the same file) is seen once the version is
  // checked again, at most case_data_check_ms later.
  {
    auto other = OpenStore(dir);
    MustImport(*other,
               R"({"payment":{"payment_id":"P-4","case_number":"200000001","date":"2026-11-21",)"
               R"("amount":"60.00","type":"PERSONAL PAYMENT"}})"
               "\n");
  }
  auto seen = store->LoadFacts("100000001", now + 20 + 1000);
  REQUIRE(seen.ok());
  CHECK(seen->cases[0].payments.front().payment_id == "P-4");
}

TEST_CASE("threads and messages: seq, idempotent client ids, notes, updates, claim", "[storage]") {
  SampleThread sample("es");
  auto& store = sample.store;
  int64_t now = sample.now;
  auto& t = sample.thread;
  REQUIRE(t.ok());
  CHECK(t->state == ThreadState::kBot);
  CHECK(t->first_name == "Mariaxq");
  CHECK(t->counties == std::vector<std::string>{"MADERA"});
  CHECK(store->OpenThread("100000001", Channel::kWeb, "en", now)->id == t->id);  // one per channel
  CHECK(store->OpenThread("100000999", Channel::kWeb, "en", now).status().code() ==
        Code::kNotFound);

  auto a1 = store->Append({t->id, Sender::kParticipant, "c-1", "cuánto debo", "", {}, now});
  REQUIRE(a1.ok());
  CHECK(a1->seq == 1);
  CHECK_FALSE(a1->duplicate);
  auto a2 = store->Append({t->id, Sender::kBot, "", "Debe $667.93", "balance", {}, now + 1});
  CHECK(a2->seq == 2);
  auto dup = store->Append({t->id, Sender::kParticipant, "c-1", "cuánto debo", "", {}, now + 5});
  CHECK(dup->duplicate);
  CHECK(dup->seq == 1);
  CHECK(dup->at_ms == now);
  CHECK(store->Append({999, Sender::kBot, "", "x", "", {}, now}).status().code() ==
        Code::kNotFound);

  auto cw = store->AddCaseworker("cw-madera", "correct horse", "MADERA", false);
  auto other = store->AddCaseworker("cw-other", "correct horse", "MADERA", false);
  REQUIRE(cw.ok());
  REQUIRE(other.ok());
  CHECK(store->AddCaseworker("cw-madera", "another one", "", false).status().code() ==
        Code::kConflict);
  auto note = store->Append({t->id, Sender::kNote, "", "internal", "", *cw, now + 2});
  CHECK(note->seq == 3);

  auto all = store->Messages(t->id, 0, 100, true);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].body == "cuánto debo");
  CHECK((*all)[0].client_id == "c-1");
  CHECK((*all)[1].intent == "balance");
  CHECK((*all)[2].caseworker_name == "cw-madera");
  auto visible = store->Messages(t->id, 1, 100, false);
  REQUIRE(visible->size() == 1);
  CHECK((*visible)[0].seq == 2);

  REQUIRE(
      store->UpdateThread(t->id, {.state = ThreadState::kWaiting, .priority = 1}, now + 10).ok());
  auto waiting = store->GetThread(t->id);
  CHECK(waiting->state == ThreadState::kWaiting);
  CHECK(waiting->waiting_since_ms == now + 10);
  CHECK(waiting->priority == 1);
  CHECK(waiting->last_seq == 3);

  auto claimed = store->Claim(t->id, *cw, now + 20);
  REQUIRE(claimed.ok());
  CHECK(claimed->state == ThreadState::kAssigned);
  CHECK(claimed->assigned_name == "cw-madera");
  CHECK(claimed->waiting_since_ms == 0);
  CHECK(store->Claim(t->id, *cw, now + 21).ok());
  CHECK(store->Claim(t->id, *other, now + 22).status().code() == Code::kConflict);

  REQUIRE(store
              ->UpdateThread(
                  t->id,
                  {.state = ThreadState::kResolved,
                   .assigned_to = std::optional<std::optional<int64_t>>(std::optional<int64_t>())},
                  now + 30)
              .ok());
  auto resolved = store->GetThread(t->id);
  CHECK(resolved->state == ThreadState::kResolved);
  CHECK_FALSE(resolved->assigned_to.has_value());
  CHECK(store->Claim(t->id, *other, now + 40).ok());
  REQUIRE(store->Audit(*cw, t->id, "read", now).ok());
}

namespace {

// Runs a turn and waits for its outcome.
Result<TurnResult> RunTurn(Store& store, TurnRequest request) {
  std::promise<Result<TurnResult>> promise;
  auto future = promise.get_future();
  store.SubmitTurn(std::move(request),
                   [&promise](Result<TurnResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

TurnRequest ParentTurn(int64_t thread_id, const std::string& client_id, const std::string& text,
                       int64_t now) {
  TurnRequest turn;
  turn.parent = {thread_id, Sender::kParticipant, client_id, text, "", {}, now};
  turn.now_ms = now;
  return turn;
}

}  // namespace

TEST_CASE("a turn is written whole or not at all, once", "[storage]") {
  SampleThread sample("en");
  auto& store = sample.store;
  int64_t now = sample.now;
  auto& t = sample.thread;
  REQUIRE(t.ok());

  int decided = 0;
  TurnRequest turn = ParentTurn(t->id, "c-1", "hablo con alguien", now);
  turn.load_facts = true;
  turn.decide = [&](const TurnContext& context) -> Result<TurnWrite> {
    ++decided;
    // The decision sees the thread as it was and the participant's facts.
    CHECK(context.thread.id == t->id);
    CHECK(context.thread.last_seq == 0);
    CHECK(context.thread.state == ThreadState::kBot);
    REQUIRE(context.facts != nullptr);
    CHECK(context.facts->participant_id == "100000001");
    TurnWrite write;
    write.messages.push_back(
        {t->id, Sender::kBot, "", "Un trabajador le respondera.", "agent", {}, now});
    ThreadUpdate update;
    update.state = ThreadState::kWaiting;
    update.priority = 1;
    update.lang = "es";
    write.update = update;
    write.inbound_sid = "SM0000000000000000000000000000t1";
    write.inbound_reply = "<Response/>";
    return write;
  };
  auto written = RunTurn(*store, turn);
  REQUIRE(written.ok());
  CHECK(decided == 1);
  CHECK_FALSE(written->session_ended);
  REQUIRE(written->appended.size() == 2);
  CHECK(written->appended[0].seq == 1);
  CHECK(written->appended[1].seq == 2);
  CHECK_FALSE(written->appended[0].duplicate);
  CHECK(written->before.last_seq == 0);
  CHECK(written->thread.state == ThreadState::kWaiting);
  CHECK(written->thread.last_seq == 2);
  auto after = store->GetThread(t->id);
  CHECK(after->state == ThreadState::kWaiting);
  CHECK(after->waiting_since_ms == now);
  CHECK(after->lang == "es");
  CHECK(after->last_seq == 2);
  CHECK(store->InboundReply("SM0000000000000000000000000000t1", TestNowMs())->value() ==
        "<Response/>");

  // The same client id again: nothing written, nothing decided, the original seq back.
  auto again = RunTurn(*store, turn);
  REQUIRE(again.ok());
  CHECK(decided == 1);
  REQUIRE(again->appended.size() == 1);
  CHECK(again->appended.front().duplicate);
  CHECK(again->appended.front().seq == 1);
  CHECK(store->Messages(t->id, 0, 100, true)->size() == 2);

  // A turn failing half way (a bad language in the update) leaves no message behind; so does a
  // failing decision.
  TurnRequest bad = ParentTurn(t->id, "c-2", "balance", now + 1);
  bad.decide = [&](const TurnContext&) -> Result<TurnWrite> {
    TurnWrite write;
    write.messages.push_back({t->id, Sender::kBot, "", "You owe", "balance", {}, now + 1});
    ThreadUpdate bad_update;
    bad_update.lang = "";
    write.update = bad_update;
    write.inbound_sid = "SM0000000000000000000000000000t2";
    return write;
  };
  CHECK(RunTurn(*store, bad).status().code() == Code::kInvalid);
  bad.decide = [](const TurnContext&) -> Result<TurnWrite> {
    return Status(Code::kInternal, "no answer");
  };
  CHECK(RunTurn(*store, bad).status().code() == Code::kInternal);
  // An answer on another thread is refused, and the parent's message with it.
  bad.decide = [&](const TurnContext&) -> Result<TurnWrite> {
    TurnWrite write;
    write.messages.push_back({t->id + 1, Sender::kBot, "", "b", "", {}, now});
    return write;
  };
  CHECK(RunTurn(*store, bad).status().code() == Code::kInvalid);
  CHECK(store->Messages(t->id, 0, 100, true)->size() == 2);
  CHECK(store->GetThread(t->id)->last_seq == 2);
  CHECK_FALSE(store->InboundReply("SM0000000000000000000000000000t2", TestNowMs())->has_value());
  // A bad parent message is refused before anything is queued.
  TurnRequest caseworker = ParentTurn(t->id, "c-3", "x", now);
  caseworker.parent.sender = Sender::kCaseworker;
  CHECK(RunTurn(*store, caseworker).status().code() == Code::kInvalid);
  // A turn without a decision is only the parent's message.
  auto plain = RunTurn(*store, ParentTurn(t->id, "c-4", "hello", now + 2));
  REQUIRE(plain.ok());
  REQUIRE(plain->appended.size() == 1);
  CHECK(plain->appended[0].seq == 3);
}

TEST_CASE("a turn checks its session in its own transaction", "[storage]") {
  SampleThread sample("en");
  auto& store = sample.store;
  int64_t now = sample.now;
  auto& t = sample.thread;
  REQUIRE(t.ok());
  auto token = store->CreateSession(SessionKind::kParticipant, "100000001", now);
  REQUIRE(token.ok());
  constexpr int64_t kIdle = 15 * 60'000;

  TurnRequest live = ParentTurn(t->id, "s-1", "balance", now + 1000);
  live.session_token = *token;
  live.session_idle_ms = kIdle;
  auto ok = RunTurn(*store, live);
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->session_ended);
  CHECK(ok->appended.size() == 1);

  // A turn more than a minute after the last use touches the session (the idle clock restarts).
  TurnRequest later = ParentTurn(t->id, "s-2", "balance", now + 10 * 60'000);
  later.session_token = *token;
  later.session_idle_ms = kIdle;
  REQUIRE_FALSE(RunTurn(*store, later)->session_ended);
  CHECK(store->ResolveSession(*token, now + 24 * 60'000, kIdle).ok());

  // Idle for longer than allowed: nothing written, and the session is gone.
  TurnRequest idle = ParentTurn(t->id, "s-3", "balance", now + 60 * 60'000);
  idle.session_token = *token;
  idle.session_idle_ms = kIdle;
  auto ended = RunTurn(*store, idle);
  REQUIRE(ended.ok());
  CHECK(ended->session_ended);
  CHECK(ended->appended.empty());
  CHECK(store->ResolveSession(*token, now + 60 * 60'000, kIdle).status().code() == Code::kNotFound);
  // An unknown or ended token: the same.
  auto other = store->CreateSession(SessionKind::kParticipant, "100000001", now);
  REQUIRE(store->EndSession(*other).ok());
  TurnRequest gone = ParentTurn(t->id, "s-4", "balance", now + 2000);
  gone.session_token = *other;
  gone.session_idle_ms = kIdle;
  CHECK(RunTurn(*store, gone)->session_ended);
  CHECK(store->Messages(t->id, 0, 100, true)->size() == 2);
}

TEST_CASE("a store call made from a turn's callback runs at once instead of deadlocking",
          "[storage]") {
  // SubmitTurn's callback runs on the writer thread; a blocking write from there (an event
  // subscriber, say) cannot wait for the writer's own queue, so it runs in a transaction of its
  // own on the spot.
  SampleThread sample("en");
  auto& store = sample.store;
  int64_t now = sample.now;
  auto& t = sample.thread;
  REQUIRE(t.ok());
  std::promise<Result<Appended>> nested;
  auto future = nested.get_future();
  store->SubmitTurn(ParentTurn(t->id, "n-1", "hello", now), [&](Result<TurnResult> r) {
    // (no Catch2 assertions off the test's thread)
    if (!r.ok()) return nested.set_value(r.status());
    nested.set_value(store->Append({t->id, Sender::kSystem, "", "notice", "", {}, now}));
  });
  REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto appended = future.get();
  REQUIRE(appended.ok());
  CHECK(appended->seq == 2);
  CHECK(store->Messages(t->id, 0, 10, true)->size() == 2);

  // From inside a turn's decision (a broken contract) the call fails alone; the turn commits.
  Status inside;
  auto decided = RunTurn(*store, [&] {
    TurnRequest turn = ParentTurn(t->id, "n-2", "hello again", now);
    turn.decide = [&](const TurnContext&) -> Result<TurnWrite> {
      inside = store->Append({t->id, Sender::kSystem, "", "notice", "", {}, now}).status();
      return TurnWrite{};
    };
    return turn;
  }());
  REQUIRE(decided.ok());
  CHECK(inside.code() == Code::kInternal);
  CHECK(store->Messages(t->id, 0, 10, true)->size() == 3);

  // Drain returns after the callbacks of every turn submitted before it.
  std::atomic<int> called{0};
  for (int i = 0; i < 50; ++i) {
    store->SubmitTurn(ParentTurn(t->id, "d-" + std::to_string(i), "hi", now),
                      [&called](Result<TurnResult>) { ++called; });
  }
  REQUIRE(store->Drain().ok());
  CHECK(called == 50);
}

TEST_CASE("thread list: county scoping, supervisors, states, mine", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", now);
  auto sms = store->OpenSmsThread("+15595550199", "en", now);  // unlinked: no county
  REQUIRE(sms.ok());
  CHECK(sms->participant_id.empty());
  CHECK(sms->phone == "+15595550199");
  CHECK(sms->counties.empty());
  store->UpdateThread(web->id, {.state = ThreadState::kWaiting}, now);
  store->UpdateThread(sms->id, {.state = ThreadState::kWaiting}, now + 1);

  auto madera = store->ListThreads({.county = "MADERA"});
  REQUIRE(madera.ok());
  REQUIRE(madera->size() == 1);
  CHECK((*madera)[0].id == web->id);
  CHECK(store->ListThreads({.county = "FRESNO"})->empty());
  CHECK(store->ListThreads({})->empty());
  CHECK(store->ListThreads({.supervisor = true})->size() == 2);
  CHECK(store->ListThreads({.states = {ThreadState::kAssigned}, .supervisor = true})->empty());
  auto cw = store->AddCaseworker("cw", "correct horse", "MADERA", false);
  store->Claim(web->id, *cw, now);
  auto mine = store->ListThreads({.assigned_to = *cw, .county = "MADERA"});
  REQUIRE(mine->size() == 1);
  CHECK((*mine)[0].assigned_name == "cw");
}

TEST_CASE("caseworker passwords", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  auto id = store->AddCaseworker("sup", "s3cret-pass", "", true);
  REQUIRE(id.ok());
  auto ok = store->CheckCaseworkerPassword("sup", "s3cret-pass");
  REQUIRE(ok.ok());
  CHECK(ok->supervisor);
  CHECK(ok->id == *id);
  CHECK(store->CheckCaseworkerPassword("sup", "wrong-pass").status().code() == Code::kNotFound);
  CHECK(store->CheckCaseworkerPassword("nobody", "s3cret-pass").status().code() == Code::kNotFound);
  CHECK(store->AddCaseworker("short", "1234567", "", false).status().code() == Code::kInvalid);
  CHECK(store->GetCaseworker(*id)->username == "sup");
  CHECK(store->GetCaseworker(999).status().code() == Code::kNotFound);
}

TEST_CASE("SMS: linking with TTL, opt-outs, inbound reply idempotency", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  const std::string phone = "+15595550123";
  auto thread = store->OpenSmsThread("(559) 555-0123", "en", now);
  REQUIRE(thread.ok());
  CHECK(store->OpenSmsThread(phone, "en", now)->id == thread->id);
  CHECK(store->OpenSmsThread("not a phone", "en", now).status().code() == Code::kInvalid);
  CHECK_FALSE(store->LinkedParticipant(phone, now, kDay)->has_value());
  REQUIRE(store->LinkPhone(phone, "100000001", now).ok());
  CHECK(store->LinkPhone(phone, "100000999", now).code() == Code::kNotFound);
  CHECK(store->LinkedParticipant(phone, now + 1000, kDay)->value() == "100000001");
  CHECK(store->GetThread(thread->id)->participant_id == "100000001");
  // A use refreshes the link (at most every tenth of the TTL, or an hour): the link made at
  // `now` and used at +kDay/2 is still alive after kDay.
  CHECK(store->LinkedParticipant(phone, now + kDay / 2, kDay)->has_value());
  CHECK(store->LinkedParticipant(phone, now + kDay + kDay / 4, kDay)->has_value());
  CHECK_FALSE(store->LinkedParticipant(phone, now + 3 * kDay, kDay)->has_value());
  REQUIRE(store->UnlinkPhone(phone).ok());
  CHECK_FALSE(store->LinkedParticipant(phone, now, kDay)->has_value());
  CHECK(store->GetThread(thread->id)->participant_id.empty());

  CHECK_FALSE(*store->IsOptedOut(phone));
  REQUIRE(store->SetOptOut(phone, true, now).ok());
  CHECK(*store->IsOptedOut("559-555-0123"));
  CHECK(store->GetThread(thread->id)->opted_out);
  REQUIRE(store->SetOptOut(phone, false, now).ok());
  CHECK_FALSE(*store->IsOptedOut(phone));

  CHECK_FALSE(store->InboundReply("SM0001", TestNowMs())->has_value());
  REQUIRE(store->RecordInboundReply("SM0001", "Reply STOP to stop", now).ok());
  REQUIRE(store->RecordInboundReply("SM0001", "a different answer", now).ok());
  CHECK(store->InboundReply("SM0001", TestNowMs())->value() == "Reply STOP to stop");
}

TEST_CASE("voice: one thread per caller number, its participant once signed in", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  const std::string phone = "+15595550177";
  auto call = store->OpenVoiceThread("(559) 555-0177", "", "en", now);
  REQUIRE(call.ok());
  CHECK(call->channel == Channel::kVoice);
  CHECK(call->phone == phone);
  CHECK(call->participant_id.empty());
  CHECK(call->counties.empty());
  // The SMS thread of the same number is another thread.
  auto sms = store->OpenSmsThread(phone, "en", now);
  REQUIRE(sms.ok());
  CHECK(sms->id != call->id);
  // Signed in: the same thread gets the participant (and their county), and keeps it on the next
  // call that has not signed in yet.
  auto signed_in = store->OpenVoiceThread(phone, "100000001", "es", now + 1000);
  REQUIRE(signed_in.ok());
  CHECK(signed_in->id == call->id);
  CHECK(signed_in->participant_id == "100000001");
  CHECK(signed_in->counties == std::vector<std::string>{"MADERA"});
  CHECK(store->OpenVoiceThread(phone, "", "en", now + 2000)->participant_id == "100000001");
  CHECK(store->GetThread(call->id)->channel == Channel::kVoice);
  CHECK(store->OpenVoiceThread("not a phone", "", "en", now).status().code() == Code::kInvalid);
  CHECK(store->OpenVoiceThread(phone, "100000999", "en", now).status().code() == Code::kNotFound);
  ThreadQuery all;
  all.supervisor = true;
  auto listed = store->ListThreads(all);
  REQUIRE(listed.ok());
  CHECK(std::count_if(listed->begin(), listed->end(),
                      [](const ThreadRecord& t) { return t.channel == Channel::kVoice; }) == 1);
}

TEST_CASE("migrations: schema 9 gets voice threads, keeping its web and SMS threads", "[storage]") {
  TempDir dir;
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    REQUIRE(Migrate(raw, 9).ok());
    raw.exec("INSERT INTO threads(channel, lang, state, created_ms) VALUES('web', 'en', 'bot', 1)");
    CHECK_THROWS(raw.exec(
        "INSERT INTO threads(channel, lang, state, created_ms) VALUES('voice', 'en', 'bot', 1)"));
  }
  auto store = OpenStore(dir);
  {
    SQLite::Database raw(dir.File("t.db"));
    CHECK(SchemaVersion(raw) == kSchemaVersion);
    CHECK(raw.execAndGet("SELECT count(*) FROM threads WHERE channel = 'web'").getInt() == 1);
    CHECK(raw.execAndGet("PRAGMA integrity_check").getString() == "ok");
  }
  CHECK(store->OpenVoiceThread("+15595550178", "", "en", TestNowMs()).ok());
}

TEST_CASE("outbox: dedupe, due order, retry, sent, delivery status, recovery", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto thread = store->OpenSmsThread("+15595550123", "en", now);
  auto msg =
      store->Append({thread->id, Sender::kCaseworker, "", "We got your papers", "", {}, now});
  REQUIRE_FALSE(msg.ok());  // a caseworker message needs its author
  auto cw = store->AddCaseworker("cw", "correct horse", "MADERA", false);
  msg = store->Append({thread->id, Sender::kCaseworker, "", "We got your papers", "", *cw, now});
  REQUIRE(msg.ok());
  auto id = store->EnqueueOutbound(
      {"+15595550123", "We got your papers", thread->id, msg->seq, "reply:1"}, now);
  REQUIRE(id.ok());
  CHECK(*store->EnqueueOutbound({"+15595550123", "dup", thread->id, msg->seq, "reply:1"}, now) ==
        *id);
  auto later = store->EnqueueOutbound({"+15595550124", "second", 0, 0, "x:2"}, now + 1);
  CHECK(*store->OutboxDepth() == 2);
  CHECK(store->Messages(thread->id, 0, 10, false)->at(0).delivery == "queued");

  auto due = store->TakeDueOutbound(now, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].to == "+15595550123");
  CHECK((*due)[0].body == "We got your papers");
  CHECK((*due)[0].attempts == 1);
  CHECK(store->TakeDueOutbound(now, 10)->empty());  // now sending
  CHECK_FALSE((*due)[0].unconfirmed_since_ms);
  REQUIRE(store->MarkOutboundRetry(*id, now + 5000, "HTTP 503", now).ok());
  CHECK(store->TakeDueOutbound(now + 4999, 10)->size() == 1);  // the second one
  auto retried = store->TakeDueOutbound(now + 5000, 10);
  REQUIRE(retried->size() == 1);
  CHECK((*retried)[0].attempts == 2);
  CHECK((*retried)[0].unconfirmed_since_ms == now);  // the 503 might have sent it: look first
  CHECK_FALSE(*store->ProviderSidKnown("SM123"));
  REQUIRE(store->MarkOutboundSent(*id, "SM123", now + 6000).ok());
  CHECK(*store->ProviderSidKnown("SM123"));
  CHECK(store->Messages(thread->id, 0, 10, false)->at(0).delivery == "sent");
  std::vector<std::pair<int64_t, int64_t>> changed;
  REQUIRE(store
              ->RecordDeliveryStatus("SM123", OutboxState::kDelivered, "delivered", now + 7000,
                                     &changed)
              .ok());
  CHECK(changed == std::vector<std::pair<int64_t, int64_t>>{{thread->id, msg->seq}});
  CHECK(store->Messages(thread->id, 0, 10, false)->at(0).delivery == "delivered");
  // Callbacks come in any order: a late "sent" does not undo "delivered".
  REQUIRE(store->RecordDeliveryStatus("SM123", OutboxState::kSent, "sent", now + 7500).ok());
  CHECK(store->Messages(thread->id, 0, 10, false)->at(0).delivery == "delivered");
  CHECK(store->RecordDeliveryStatus("SMnope", OutboxState::kDelivered, "delivered", now).code() ==
        Code::kNotFound);
  REQUIRE(store->MarkOutboundFailed(*later, "HTTP 400").ok());
  CHECK(*store->OutboxDepth() == 0);

  auto third = store->EnqueueOutbound({"+15595550125", "third", 0, 0, ""}, now);
  REQUIRE(store->TakeDueOutbound(now, 10)->size() == 1);
  CHECK(*store->OutboxDepth() == 1);
  REQUIRE(store->RecoverOutbound(now + 1).ok());  // as after a crash
  auto again = store->TakeDueOutbound(now + 1, 10);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].id == *third);
  // The crash left its attempt (begun at `now`) unconfirmed; a later retry keeps the earliest.
  CHECK((*again)[0].unconfirmed_since_ms == now);
  REQUIRE(store->MarkOutboundRetry(*third, now + 2, "read: end of stream", now + 1).ok());
  auto later_again = store->TakeDueOutbound(now + 2, 10);
  REQUIRE(later_again->size() == 1);
  CHECK((*later_again)[0].unconfirmed_since_ms == now);
  REQUIRE(store->MarkOutboundSent(*third, "SM9", now + 3).ok());
  CHECK(*store->OutboxDepth() == 0);
}

TEST_CASE("delivery callbacks: the state they report labels the message (sent/delivered/failed)",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t now = TestNowMs();
  auto cw = store->AddCaseworker("cw", "correct horse", "MADERA", false);
  auto thread = store->OpenSmsThread("+15595550123", "es", now);
  auto label = [&](const char* sid, OutboxState state, const char* word) {
    auto msg =
        store->Append({thread->id, Sender::kCaseworker, "", "Recibimos sus papeles", "", *cw, now});
    REQUIRE(msg.ok());
    auto id = store->EnqueueOutbound(
        {"+15595550123", "Recibimos sus papeles", thread->id, msg->seq, sid}, now);
    REQUIRE(store->TakeDueOutbound(now, 10)->size() == 1);
    REQUIRE(store->MarkOutboundSent(*id, sid, now).ok());
    REQUIRE(store->RecordDeliveryStatus(sid, state, word, now + 1).ok());
    return store->Messages(thread->id, msg->seq - 1, 1, false)->at(0).delivery;
  };
  // Twilio's words are mapped in hub/src/sms (tests/hub/sms_delivery_status_test.cpp).
  CHECK(label("SM1", OutboxState::kFailed, "undelivered") ==
        "failed");  // the parent did not get it
  CHECK(label("SM2", OutboxState::kFailed, "canceled") == "failed");
  CHECK(label("SM3", OutboxState::kDelivered, "read") == "delivered");
  CHECK(label("SM4", OutboxState::kSent, "sending") == "sent");
  CHECK(label("SM5", OutboxState::kSent, "partially_delivered") == "sent");
  // Only those three are outcomes of a callback.
  CHECK(store->RecordDeliveryStatus("SM5", OutboxState::kPending, "queued", now + 2).code() ==
        Code::kInvalid);
}

TEST_CASE("import: appointment status and reminder consent are checked", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  std::istringstream bad(
      R"({"appointment":{"appointment_id":"A-2","case_number":"200000001","participant_id":"100000001","start":"2027-02-02T08:00:00-08:00","end":"2027-02-02T08:30:00-08:00","type":"INTERVIEW","location":"Office","status":"MAYBE"}}
{"participant":{"participant_id":"100000003","first_name":"A","last_name":"B","pin":"482913","sms_reminders":"yes"}}
)");
  std::vector<std::string> errors;
  auto r = store->Import(bad, [&](int64_t, const std::string& why) { errors.push_back(why); });
  REQUIRE(r.ok());
  CHECK(r->rejected == 2);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("SCHEDULED, RESCHEDULED or CANCELLED") != std::string::npos);
  CHECK(errors[1].find("'sms_reminders' must be true or false") != std::string::npos);
}

TEST_CASE("tampering: a flipped byte or swapped ciphertexts are reported, never returned",
          "[storage]") {
  TempDir dir;
  int64_t now = TestNowMs();
  int64_t thread_id = 0;
  {
    auto store = OpenStore(dir);
    MustImport(*store, SampleExtract());
    auto t = store->OpenThread("100000001", Channel::kWeb, "es", now);
    thread_id = t->id;
    store->Append({thread_id, Sender::kParticipant, "", "first message", "", {}, now});
    store->Append({thread_id, Sender::kParticipant, "", "second message", "", {}, now});
  }
  SECTION("flip a byte") {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    SQLite::Statement get(raw, "SELECT body FROM messages WHERE seq = 2");
    REQUIRE(get.executeStep());
    std::string body = get.getColumn(0).getString();
    get.reset();
    body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x20);
    SQLite::Statement put(raw, "UPDATE messages SET body = ? WHERE seq = 2");
    put.bind(1, body.data(), static_cast<int>(body.size()));
    put.exec();
  }
  SECTION("swap two rows' ciphertexts") {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE messages SET body = (SELECT body FROM messages m2 WHERE m2.thread_id = "
        "messages.thread_id AND m2.seq = 3 - messages.seq)");
  }
  SECTION("swap two participants' names") {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE participants SET first_name = (SELECT first_name FROM participants p2 WHERE "
        "p2.participant_id != participants.participant_id)");
    auto store = OpenStore(dir);
    CHECK(store->LoadFacts("100000001", now).status().code() == Code::kTampered);
    CHECK(store->GetThread(thread_id).status().code() == Code::kTampered);
    return;
  }
  auto store = OpenStore(dir);
  auto messages = store->Messages(thread_id, 0, 10, true);
  REQUIRE_FALSE(messages.ok());
  CHECK(messages.status().code() == Code::kTampered);
  CHECK(messages.status().message().find("first message") == std::string::npos);  // no plaintext
  CHECK(messages.status().message().find("second message") == std::string::npos);
}

TEST_CASE("key rotation: rows under two key ids stay readable, then all move", "[storage]") {
  SampleThread sample("es");
  auto& store = sample.store;
  int64_t now = sample.now;
  auto& t = sample.thread;
  const TempDir& dir = sample.dir;
  store->Append({t->id, Sender::kParticipant, "", "before rotation", "", {}, now});
  REQUIRE(store->LinkPhone("+15595550101", "100000001", now).ok());
  REQUIRE(store->RecordInboundReply("SM1", "sealed reply", now).ok());
  store->EnqueueOutbound({"+15595550101", "queued text", 0, 0, "k1"}, now);

  // A second store on the same files rotates while the first keeps working (as
  // `connecthub rotate-key` beside a running hub).
  StoreOptions options;
  options.db = dir.File("t.db");
  auto rotator = Store::Open(options);
  REQUIRE(rotator.ok());
  auto stats = (*rotator)->RotateKey(2);  // tiny batches: many transactions
  REQUIRE(stats.ok());
  CHECK(stats->new_key_id == 2);
  CHECK(stats->rows_rewritten >= 8);
  CHECK(stats->rows_tampered == 0);
  // New writes through the rotator use key 2; the old store reads them (it reloads the key file).
  auto t2 = (*rotator)->OpenThread("100000002", Channel::kWeb, "en", now);
  (*rotator)->Append({t2->id, Sender::kParticipant, "", "after rotation", "", {}, now});
  // And the old store still writes under key 1: both ids live side by side.
  store->Append({t->id, Sender::kParticipant, "", "old writer", "", {}, now});
  {
    SQLite::Database raw(dir.File("t.db"));
    SQLite::Statement q(raw, "SELECT body FROM messages ORDER BY rowid");
    std::vector<uint32_t> ids;
    while (q.executeStep()) ids.push_back(KeyRing::SealedKeyId(q.getColumn(0).getString()));
    CHECK(ids == std::vector<uint32_t>{2, 2, 1});
  }
  CHECK(store->Messages(t2->id, 0, 10, false)->at(0).body == "after rotation");
  CHECK(store->Messages(t->id, 0, 10, false)->at(0).body == "before rotation");
  CHECK(store->Messages(t->id, 0, 10, false)->at(1).body == "old writer");
  CHECK(store->LoadFacts("100000001", now)->first_name == "Mariaxq");
  CHECK(store->InboundReply("SM1", TestNowMs())->value() == "sealed reply");
  // Blind index and PINs survive rotation.
  CHECK(store->LinkedParticipant("+15595550101", now, kDay)->value() == "100000001");
  CHECK(*(*rotator)->CheckPin("100000001", "482913"));

  // A second rotation moves everything, including the old writer's row, to key 3.
  auto again = (*rotator)->RotateKey(100);
  REQUIRE(again.ok());
  CHECK(again->new_key_id == 3);
  SQLite::Database raw(dir.File("t.db"));
  CHECK(raw.execAndGet("SELECT count(*) FROM messages WHERE substr(body, 1, 4) != x'00000003'")
            .getInt() == 0);
  CHECK(raw.execAndGet("SELECT count(*) FROM data_keys").getInt() == 3);
  store.reset();
  rotator = Status(Code::kInternal, "closed");
  // Reopen: the key file with three keys matches.
  CHECK(OpenStore(dir)->Messages(t->id, 0, 10, false)->size() == 2);
}

TEST_CASE("the database file holds no message text, name, phone number or e-mail", "[storage]") {
  TempDir dir;
  int64_t now = TestNowMs();
  {
    auto store = OpenStore(dir);
    MustImport(*store, SampleExtract());
    auto t = store->OpenThread("100000001", Channel::kWeb, "es", now);
    store->Append({t->id, Sender::kParticipant, "", "Zyzzyvamessage about my kids", "", {}, now});
    auto sms = store->OpenSmsThread("+15595550177", "en", now);
    store->Append({sms->id, Sender::kParticipant, "", "Quokkatext by sms", "", {}, now});
    store->LinkPhone("+15595550177", "100000002", now);
    store->EnqueueOutbound({"+15595550177", "Wombatreply outbound", sms->id, 1, "r1"}, now);
    store->RecordInboundReply("SMx", "Numbatreply cached", now);
    // Check the WAL too, before and after a checkpoint.
    for (const char* file : {"t.db", "t.db-wal"}) {
      std::string bytes = ReadFile(dir.File(file));
      for (const char* secret :
           {"Zyzzyvamessage", "Quokkatext", "Wombatreply", "Numbatreply", "Mariaxq", "Lopezqz",
            "Jamesqx", "Smithqz", "5595550101", "555-0101", "5595550102", "5595550177",
            "mxq@example.org", "482913"}) {
        INFO(file << " contains " << secret);
        CHECK(bytes.find(secret) == std::string::npos);
      }
    }
  }
  SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes = ReadFile(dir.File("t.db"));
  CHECK(bytes.size() > 10000);
  for (const char* secret : {"Zyzzyvamessage", "Mariaxq", "5595550177", "mxq@example.org"}) {
    CHECK(bytes.find(secret) == std::string::npos);
  }
  CHECK(bytes.find("MADERA") != std::string::npos);  // the scan itself works
}

TEST_CASE("concurrent writers: every append gets a unique seq and survives reopen", "[storage]") {
  TempDir dir;
  int64_t now = TestNowMs();
  int64_t thread_id = 0;
  constexpr int kThreads = 4, kPerThread = 50;
  {
    auto store = OpenStore(dir);
    MustImport(*store, SampleExtract());
    thread_id = store->OpenThread("100000001", Channel::kWeb, "es", now)->id;
    std::vector<std::thread> workers;
    std::atomic<int> failures{0};
    for (int w = 0; w < kThreads; ++w) {
      workers.emplace_back([&, w] {
        for (int i = 0; i < kPerThread; ++i) {
          auto r = store->Append({thread_id,
                                  Sender::kParticipant,
                                  "w" + std::to_string(w) + "-" + std::to_string(i),
                                  "msg",
                                  "",
                                  {},
                                  now + i});
          if (!r.ok() || r->duplicate) ++failures;
        }
      });
    }
    for (auto& t : workers) t.join();
    CHECK(failures == 0);
  }
  auto store = OpenStore(dir);
  auto all = store->Messages(thread_id, 0, 1000, true);
  REQUIRE(all->size() == kThreads * kPerThread);
  for (size_t i = 0; i < all->size(); ++i) CHECK((*all)[i].seq == static_cast<int64_t>(i + 1));
}

TEST_CASE("the WAL starts over under a steady stream of commits", "[storage]") {
  // Checkpoints run beside the writer; since one never finishes while commits keep coming, the
  // writer completes it once the WAL passes ~16 MiB so the log can restart. Without that, this
  // test's ~10,000 pages (40 MiB) would all stay in the WAL.
  TempDir dir;
  int64_t now = TestNowMs();
  auto store = OpenStore(dir);
  MustImport(*store, SampleExtract());
  int64_t thread_id = store->OpenThread("100000001", Channel::kWeb, "en", now)->id;
  const std::string body(64 * 1024, 'x');
  for (int i = 0; i < 600; ++i) {
    REQUIRE(store->Append({thread_id, Sender::kParticipant, "", body, "", {}, now + i}).ok());
  }
  struct stat st {};
  REQUIRE(::stat(dir.File("t.db-wal").c_str(), &st) == 0);
  CHECK(st.st_size < 24 * 1024 * 1024);
  CHECK(store->Messages(thread_id, 590, 100, true)->size() == 10);
}

TEST_CASE("demo data: deterministic, varied logins that work", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  DemoOptions options;
  options.participants = 60;
  options.seed = 7;
  options.now_ms = TestNowMs();
  auto demo = store->GenerateDemo(options);
  REQUIRE(demo.ok());
  CHECK(demo->participants == 60);
  CHECK(demo->cases > 20);
  CHECK(demo->payments > 100);
  REQUIRE(demo->logins.size() == 6);
  bool en = false, es = false;
  for (const auto& login : demo->logins) {
    en |= login.lang == "en";
    es |= login.lang == "es";
    CHECK(*store->CheckPin(login.participant_id, login.pin));
    auto facts = store->LoadFacts(login.participant_id, options.now_ms);
    REQUIRE(facts.ok());
    CHECK(facts->first_name == login.first_name);
    CHECK(facts->language == login.lang);
    CHECK_FALSE(facts->cases.empty());
  }
  CHECK(en);
  CHECK(es);
  auto first = store->LoadFacts(demo->logins[0].participant_id, options.now_ms);
  CHECK(first->cases.size() == 2);
  CHECK(first->cases[0].past_due_cents > 0);
  REQUIRE(first->upcoming_appointments.size() == 1);
  CHECK(first->cases[0].county == demo->caseworker_county);
  auto cw = store->CheckCaseworkerPassword(demo->caseworker_username, demo->caseworker_password);
  REQUIRE(cw.ok());
  CHECK(cw->county == demo->caseworker_county);
  CHECK(store->CheckCaseworkerPassword(demo->supervisor_username, demo->supervisor_password)
            ->supervisor);

  // Same seed, same population (in another database).
  TempDir dir2;
  auto store2 = OpenStore(dir2);
  auto demo2 = store2->GenerateDemo(options);
  REQUIRE(demo2.ok());
  CHECK(demo2->logins[0].participant_id == demo->logins[0].participant_id);
  CHECK(demo2->logins[0].pin == demo->logins[0].pin);
  CHECK(demo2->payments == demo->payments);
}

TEST_CASE("a write that returned ok survives the process being killed", "[storage]") {
  TempDir dir;
  int64_t now = TestNowMs();
  int64_t thread_id = 0;
  {
    auto store = OpenStore(dir);
    MustImport(*store, SampleExtract());
    thread_id = store->OpenThread("100000001", Channel::kWeb, "es", now)->id;
  }
  constexpr int kMessages = 30;
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child appends, then dies at once: no destructor, no checkpoint, no clean close.
    StoreOptions options;
    options.db = dir.File("t.db");
    auto store = Store::Open(options);
    if (!store.ok()) ::_exit(3);
    for (int i = 0; i < kMessages; ++i) {
      if (!(*store)->Append({thread_id, Sender::kParticipant, "", "m", "", {}, now}).ok()) {
        ::_exit(4);
      }
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(5);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  auto store = OpenStore(dir);
  CHECK(store->Messages(thread_id, 0, 100, false)->size() == kMessages);
  CHECK(store->GetThread(thread_id)->last_seq == kMessages);
}
