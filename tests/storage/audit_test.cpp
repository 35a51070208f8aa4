// The audit log: rows written in the action's transaction, append-only, hash-chained.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "schema.h"
#include "storage/test_util.h"

namespace connecthub::storage {
namespace {

using testing::OpenStore;
using testing::TempDir;
using testing::TestNowMs;

struct AuditFixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  int64_t cw = 0;
  int64_t thread = 0;
  AuditFixture() {
    testing::MustImport(*store, testing::SampleExtract());
    cw = store->AddCaseworker("jdoe", "password-123", "MADERA", false).value();
    thread = store->OpenThread("100000001", Channel::kWeb, "es", TestNowMs()).value().id;
  }
  // A second connection that makes every audit insert fail, as a full disk or a broken log would.
  void BreakAudit(bool broken) {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE);
    raw.exec(broken ? "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log "
                      "BEGIN SELECT RAISE(ABORT, 'no room'); END"
                    : "DROP TRIGGER fail_audit");
  }
};

TEST_CASE("audit rows are written in the action's transaction, or the action is not",
          "[storage][audit]") {
  AuditFixture f;
  int64_t now = TestNowMs();
  f.BreakAudit(true);
  CHECK(!f.store->Claim(f.thread, f.cw, now).ok());
  CHECK(!f.store->GetThread(f.thread)->assigned_to.has_value());
  AppendRequest reply;
  reply.thread_id = f.thread;
  reply.sender = Sender::kCaseworker;
  reply.caseworker_id = f.cw;
  reply.body = "Hola";
  reply.at_ms = now;
  reply.audit_action = "reply";
  CHECK(!f.store->Append(reply).ok());
  CHECK(f.store->Messages(f.thread, 0, 10, true)->empty());
  ThreadUpdate resolve;
  resolve.state = ThreadState::kResolved;
  resolve.audit = ThreadUpdate::Audit{f.cw, "resolve"};
  CHECK(!f.store->UpdateThread(f.thread, resolve, now).ok());
  CHECK(f.store->GetThread(f.thread)->state == ThreadState::kBot);
  // Without an audit row asked for, the same append goes through.
  AppendRequest bot;
  bot.thread_id = f.thread;
  bot.sender = Sender::kBot;
  bot.body = "Hola";
  bot.at_ms = now;
  CHECK(f.store->Append(bot).ok());

  f.BreakAudit(false);
  REQUIRE(f.store->Claim(f.thread, f.cw, now + 1).ok());
  REQUIRE(f.store->Append(reply).ok());
  REQUIRE(f.store->UpdateThread(f.thread, resolve, now + 2).ok());
  REQUIRE(f.store->AuditThreads(f.cw, {f.thread, f.thread}, "list", now + 3).ok());
  auto rows = f.store->ListAudit(AuditQuery{});
  REQUIRE(rows.ok());
  std::vector<std::string> actions;
  for (const auto& r : *rows) actions.push_back(r.action);
  CHECK(actions == std::vector<std::string>{"list", "list", "resolve", "reply", "claim"});
  CHECK((*rows)[0].caseworker_name == "jdoe");
  CHECK((*rows)[4].at_ms == now + 1);
  AuditQuery paged;
  paged.before_id = (*rows)[1].id;
  paged.limit = 1;
  CHECK(f.store->ListAudit(paged)->at(0).action == "resolve");
  AuditQuery other;
  other.caseworker_id = f.cw + 1;
  CHECK(f.store->ListAudit(other)->empty());
  other = AuditQuery{};
  other.thread_id = f.thread + 1;
  CHECK(f.store->ListAudit(other)->empty());
  auto check = f.store->VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->rows == 5);
  CHECK(check->first_bad_id == 0);
}

TEST_CASE("the audit chain: append-only, and an edit, a removal or an insert is found",
          "[storage][audit]") {
  AuditFixture f;
  for (int i = 0; i < 4; ++i) REQUIRE(f.store->Audit(f.cw, f.thread, "read", TestNowMs() + i).ok());
  SQLite::Database raw(f.dir.File("t.db"), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE audit_log SET action = 'claim' WHERE id = 2"));
  CHECK_THROWS(raw.exec("DELETE FROM audit_log WHERE id = 2"));
  raw.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");

  SECTION("an edited field") {
    raw.exec("UPDATE audit_log SET at_ms = at_ms + 1 WHERE id = 3");
    auto check = f.store->VerifyAudit();
    CHECK(check->first_bad_id == 3);
    CHECK(check->rows == 2);
  }
  SECTION("a removed row") {
    raw.exec("DELETE FROM audit_log WHERE id = 2");
    CHECK(f.store->VerifyAudit()->first_bad_id == 3);
  }
  SECTION("rows swapped with their links") {
    raw.exec(
        "UPDATE audit_log SET id = 10 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3;"
        "UPDATE audit_log SET id = 3 WHERE id = 10");
    CHECK(f.store->VerifyAudit()->first_bad_id == 2);
  }
  SECTION("a forged row without the key") {
    raw.exec(
        "INSERT INTO audit_log(id, caseworker_id, thread_id, action, at_ms, link) "
        "VALUES(5, 1, 1, 'read', 0, zeroblob(32))");
    CHECK(f.store->VerifyAudit()->first_bad_id == 5);
  }
  SECTION("a link removed") {
    raw.exec("UPDATE audit_log SET link = NULL WHERE id = 4");
    CHECK(f.store->VerifyAudit()->first_bad_id == 4);
  }
}

TEST_CASE("the audit chain starts after rows from before schema 4", "[storage][audit]") {
  TempDir dir;
  {
    SQLite::Database raw(dir.File("t.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    REQUIRE(Migrate(raw, 3).ok());
    raw.exec(
        "INSERT INTO audit_log(caseworker_id, thread_id, action, at_ms) VALUES(1, 1, 'read', 1)");
  }
  auto store = OpenStore(dir);
  REQUIRE(store->Audit(1, 1, "read", TestNowMs()).ok());
  auto check = store->VerifyAudit();
  CHECK(check->unchained == 1);
  CHECK(check->rows == 1);
  CHECK(check->first_bad_id == 0);
}

}  // namespace
}  // namespace connecthub::storage
