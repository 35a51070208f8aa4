// The Caseworkers contract (storage/include/storage/caseworkers.h), on every backend
// (contract.h): accounts, the second factor, and the audit log's chain.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {
const std::string kSecret = "12345678901234567890";  // RFC 6238's test secret (20 bytes)
}  // namespace

TEMPLATE_TEST_CASE("caseworker TOTP: not enrolled, enrolled, steps used once and in order",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Caseworkers& store = backend.caseworkers();
  auto added = store.AddCaseworker("jdoe", "madera-password-1", "MADERA", false);
  REQUIRE(added.ok());
  int64_t id = *added;
  auto none = store.GetCaseworkerTotp(id);
  REQUIRE(none.ok());
  CHECK(none->secret.empty());
  CHECK(store.GetCaseworkerTotp(id + 99).status().code() == Code::kNotFound);
  CHECK(store.SetCaseworkerTotpSecret("nobody", kSecret).status().code() == Code::kNotFound);
  CHECK(store.SetCaseworkerTotpSecret("jdoe", "short").status().code() == Code::kInvalid);

  CHECK_FALSE(store.GetCaseworker(id)->mfa_enrolled);
  CHECK_FALSE(store.ListCaseworkers()->at(0).mfa_enrolled);
  auto cw = store.SetCaseworkerTotpSecret("jdoe", kSecret);
  REQUIRE(cw.ok());
  CHECK(cw->id == id);
  CHECK(store.GetCaseworker(id)->mfa_enrolled);
  CHECK(store.ListCaseworkers()->at(0).mfa_enrolled);
  auto totp = store.GetCaseworkerTotp(id);
  REQUIRE(totp.ok());
  CHECK(totp->secret == kSecret);
  CHECK(totp->last_step == 0);

  CHECK(*store.UseCaseworkerTotpStep(id, 1000));
  CHECK_FALSE(*store.UseCaseworkerTotpStep(id, 1000));  // the same step again: refused
  CHECK_FALSE(*store.UseCaseworkerTotpStep(id, 999));   // an older one too
  CHECK(*store.UseCaseworkerTotpStep(id, 1001));
  CHECK(store.GetCaseworkerTotp(id)->last_step == 1001);
  CHECK(store.UseCaseworkerTotpStep(id + 99, 5).status().code() == Code::kNotFound);

  // Re-enrolling (a lost phone) replaces the secret and forgets the used steps.
  REQUIRE(store.SetCaseworkerTotpSecret("jdoe", std::string(20, 'x')).ok());
  CHECK(store.GetCaseworkerTotp(id)->secret == std::string(20, 'x'));
  CHECK(store.GetCaseworkerTotp(id)->last_step == 0);
}

TEMPLATE_TEST_CASE("a disabled caseworker cannot log in and loses every session, at once",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Caseworkers& store = backend.caseworkers();
  Sessions& sessions = backend.sessions();
  int64_t now = TestNowMs();
  int64_t id = store.AddCaseworker("jdoe", "password-123", "MADERA", false).value();
  int64_t other = store.AddCaseworker("asmith", "password-456", "MADERA", false).value();
  CHECK(store.AddCaseworker("jdoe", "password-789", "MADERA", false).status().code() ==
        Code::kConflict);
  CHECK(store.AddCaseworker("", "password-789", "MADERA", false).status().code() == Code::kInvalid);
  std::string token =
      sessions.CreateSession(SessionKind::kCaseworker, std::to_string(id), now).value();
  std::string kept =
      sessions.CreateSession(SessionKind::kCaseworker, std::to_string(other), now).value();
  // A participant whose id is the same digits is not a caseworker: untouched.
  std::string parent =
      sessions.CreateSession(SessionKind::kParticipant, std::to_string(id), now).value();

  auto disabled = store.SetCaseworkerDisabled("jdoe", true, now);
  REQUIRE(disabled.ok());
  CHECK(disabled->disabled);
  CHECK(sessions.PeekSession(token).status().code() == Code::kNotFound);
  CHECK(sessions.PeekSession(kept).ok());
  CHECK(sessions.PeekSession(parent).ok());
  CHECK(store.CheckCaseworkerPassword("jdoe", "password-123").status().code() == Code::kNotFound);
  CHECK(store.GetCaseworker(id)->disabled);

  auto list = store.ListCaseworkers().value();
  REQUIRE(list.size() == 2);
  CHECK(list[0].username == "asmith");
  CHECK(!list[0].disabled);
  CHECK(list[1].username == "jdoe");
  CHECK(list[1].disabled);

  // A reset password keeps the account disabled; enabling lets the new password in.
  REQUIRE(store.ResetCaseworkerPassword("jdoe", "new-password-9", now).ok());
  CHECK(!store.CheckCaseworkerPassword("jdoe", "new-password-9").ok());
  REQUIRE(store.SetCaseworkerDisabled("jdoe", false, now).ok());
  CHECK(store.CheckCaseworkerPassword("jdoe", "new-password-9").ok());
  CHECK(!store.CheckCaseworkerPassword("jdoe", "password-123").ok());
  CHECK(!store.GetCaseworker(id)->disabled);

  // A reset ends the sessions too.
  std::string again =
      sessions.CreateSession(SessionKind::kCaseworker, std::to_string(id), now).value();
  REQUIRE(store.ResetCaseworkerPassword("jdoe", "third-password", now).ok());
  CHECK(sessions.PeekSession(again).status().code() == Code::kNotFound);
  CHECK(store.ResetCaseworkerPassword("jdoe", "short", now).status().code() == Code::kInvalid);
  CHECK(store.SetCaseworkerDisabled("nobody", true, now).status().code() == Code::kNotFound);

  // Every change is audited on the caseworker's id, and the chain holds.
  AuditQuery q;
  q.caseworker_id = id;
  std::vector<std::string> actions;
  auto rows = store.ListAudit(q);
  REQUIRE(rows.ok());
  for (const auto& a : *rows) actions.push_back(a.action);
  CHECK(actions == std::vector<std::string>{"caseworker password reset", "caseworker enabled",
                                            "caseworker password reset", "caseworker disabled"});
  CHECK(store.VerifyAudit()->first_bad_id == 0);
}

TEMPLATE_TEST_CASE("display names: set, cleared, bounded, and never the login name",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Caseworkers& store = backend.caseworkers();
  int64_t id = store.AddCaseworker("jdoe", "password-123", "FRESNO", true).value();
  CHECK(store.GetCaseworker(id)->display_name.empty());
  CHECK(store.GetCaseworker(id)->supervisor);
  CHECK(store.GetCaseworker(id)->county == "FRESNO");
  REQUIRE(store.SetCaseworkerDisplayName(id, "Ms. Garcia").ok());
  CHECK(store.GetCaseworker(id)->display_name == "Ms. Garcia");
  CHECK(store.CheckCaseworkerPassword("jdoe", "password-123")->display_name == "Ms. Garcia");
  CHECK(store.SetCaseworkerDisplayName(id, std::string(65, 'x')).code() == Code::kInvalid);
  CHECK(store.SetCaseworkerDisplayName(id + 99, "x").code() == Code::kNotFound);
  REQUIRE(store.SetCaseworkerDisplayName(id, "").ok());
  CHECK(store.GetCaseworker(id)->display_name.empty());
  CHECK(store.GetCaseworker(id + 99).status().code() == Code::kNotFound);
  CHECK(store.CheckCaseworkerPassword("nobody", "password-123").status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("the audit log is append-only, filtered, paged, and its chain verifies",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  Caseworkers& store = backend.caseworkers();
  int64_t now = TestNowMs();
  int64_t cw = store.AddCaseworker("jdoe", "password-123", "MADERA", false).value();
  REQUIRE(store.Audit(cw, 7, "read", now).ok());
  REQUIRE(store.AuditThreads(cw, {7, 8, 9}, "list", now + 1).ok());
  REQUIRE(store.AuditThreads(cw, {}, "list", now + 2).ok());
  REQUIRE(store.Audit(cw + 1, 8, "claim", now + 3).ok());

  auto all = store.ListAudit({});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 5);
  CHECK(all->front().action == "claim");        // newest first
  CHECK(all->front().caseworker_name.empty());  // no such account
  CHECK(all->back().caseworker_name == "jdoe");
  AuditQuery by_thread;
  by_thread.thread_id = 8;
  CHECK(store.ListAudit(by_thread)->size() == 2);
  AuditQuery by_both = by_thread;
  by_both.caseworker_id = cw;
  CHECK(store.ListAudit(by_both)->size() == 1);
  AuditQuery page;
  page.before_id = all->at(1).id;
  page.limit = 2;
  auto older = store.ListAudit(page);
  REQUIRE(older->size() == 2);
  CHECK(older->front().id == all->at(2).id);

  auto check = store.VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->rows == 5);
  CHECK(check->first_bad_id == 0);
  // Someone with the database but not the key file can neither change nor remove a row.
  CHECK_FALSE(backend.RawSql("UPDATE audit_log SET action = 'read' WHERE id = 5"));
  CHECK_FALSE(backend.RawSql("DELETE FROM audit_log WHERE id = 2"));
  CHECK(store.VerifyAudit()->rows == 5);
}

TEMPLATE_TEST_CASE("two hubs auditing at once keep one unbroken chain", "[storage][contract]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  auto other = backend.OpenAnother();
  int64_t now = TestNowMs();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      Caseworkers& c = i % 2 ? static_cast<Caseworkers&>(*other) : backend.caseworkers();
      for (int j = 0; j < 10; ++j) (void)c.Audit(i + 1, j, "read", now + j);
    });
  }
  for (auto& t : threads) t.join();
  auto check = other->VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->rows == 40);
  CHECK(check->first_bad_id == 0);
  CHECK(backend.caseworkers().VerifyAudit()->rows == 40);
}
