// The Supervision contract (storage/include/storage/supervision.h), on every backend
// (contract.h): canned replies (issue 19), and reports over rows written directly.
#include <catch2/catch.hpp>

#include "contract.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

std::vector<std::string> Labels(Supervision& store, const std::string& lang) {
  auto list = store.ListCanned(lang);
  REQUIRE(list.ok());
  std::vector<std::string> out;
  for (const auto& r : *list) out.push_back(r.label);
  return out;
}

std::vector<std::string> AuditActions(Caseworkers& store) {
  auto rows = store.ListAudit({});
  REQUIRE(rows.ok());
  std::vector<std::string> out;
  for (const auto& r : *rows) {
    CHECK(r.thread_id == 0);
    out.push_back(r.action);
  }
  return out;  // newest first
}

}  // namespace

TEMPLATE_TEST_CASE("canned replies: the built-in four per language after migration 13",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  using L = std::vector<std::string>;
  CHECK(Labels(*store, "en") ==
        L{"Greeting", "Payment timing", "Please call us", "Anything else?"});
  CHECK(Labels(*store, "es") == L{"Saludo", "Plazo de los pagos", "Llámenos", "¿Algo más?"});
  auto es = store->ListCanned("es");
  REQUIRE(es.ok());
  CHECK(es->front().text ==
        "Hola, {name}. Le saluda {me}, de Servicios de Manutención de Menores. Estoy revisando su "
        "caso ahora.");
  CHECK(es->front().lang == "es");
  CHECK(es->front().updated_by == 0);
  auto en = store->ListCanned("en");
  REQUIRE(en.ok());
  CHECK((*en)[2].text.find("Please call {phone}") != std::string::npos);
  CHECK(store->ListCanned("fr").status().code() == Code::kInvalid);
}

TEMPLATE_TEST_CASE("canned replies: add, edit, delete, each audited in its transaction",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  int64_t now = TestNowMs();
  auto boss = store->AddCaseworker("boss", "supervisor-password-1", "", true);
  REQUIRE(boss.ok());

  auto added = store->AddCanned(*boss, "es", "Documentos", "Envíe sus documentos, {name}.", now);
  REQUIRE(added.ok());
  CHECK(added->lang == "es");
  CHECK(added->position == 5);
  CHECK(added->updated_by == *boss);
  CHECK(Labels(*store, "es").back() == "Documentos");
  CHECK(Labels(*store, "en").size() == 4);

  auto edited =
      store->UpdateCanned(*boss, added->id, "Documentos pendientes", "Faltan documentos.", now + 1);
  REQUIRE(edited.ok());
  CHECK(edited->label == "Documentos pendientes");
  CHECK(edited->text == "Faltan documentos.");
  CHECK(edited->lang == "es");
  CHECK(edited->updated_ms == now + 1);
  CHECK(store->ListCanned("es")->back().text == "Faltan documentos.");

  REQUIRE(store->DeleteCanned(*boss, added->id, now + 2).ok());
  CHECK(Labels(*store, "es").size() == 4);
  CHECK(store->DeleteCanned(*boss, added->id, now + 3).code() == Code::kNotFound);
  CHECK(store->UpdateCanned(*boss, added->id, "x", "y", now + 3).status().code() ==
        Code::kNotFound);

  // A default can be edited and deleted like any other.
  int64_t greeting = store->ListCanned("en")->front().id;
  REQUIRE(store->DeleteCanned(*boss, greeting, now + 4).ok());
  CHECK(Labels(*store, "en").front() == "Payment timing");

  using A = std::vector<std::string>;
  CHECK(AuditActions(*store) == A{"canned_delete", "canned_delete", "canned_edit", "canned_add"});
  auto rows = store->ListAudit({});
  REQUIRE(rows.ok());
  for (const auto& r : *rows) CHECK(r.caseworker_id == *boss);
  auto check = store->VerifyAudit();
  REQUIRE(check.ok());
  CHECK(check->first_bad_id == 0);
  CHECK(check->rows == 4);
}

TEMPLATE_TEST_CASE("canned replies: validation writes nothing", "[storage][contract]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  auto* store = backend.store.get();
  int64_t now = TestNowMs();
  auto invalid = [](const Result<CannedReply>& r) { return r.status().code() == Code::kInvalid; };
  CHECK(invalid(store->AddCanned(1, "fr", "Label", "Text", now)));
  CHECK(invalid(store->AddCanned(1, "", "Label", "Text", now)));
  CHECK(invalid(store->AddCanned(1, "en", "", "Text", now)));
  CHECK(invalid(store->AddCanned(1, "en", "  ", "Text", now)));
  CHECK(invalid(store->AddCanned(1, "en", "Label", "", now)));
  CHECK(invalid(store->AddCanned(1, "en", "Label", " \n ", now)));
  // 80 characters are fine, counted as characters (ñ is two bytes), 81 are not.
  CHECK(store
            ->AddCanned(
                1, "es",
                std::string(40, 'a') +
                    [] {
                      std::string s;
                      for (int i = 0; i < 40; ++i) s += "ñ";
                      return s;
                    }(),
                "Texto", now)
            .ok());
  CHECK(invalid(store->AddCanned(1, "en", std::string(81, 'a'), "Text", now)));
  CHECK(store->AddCanned(1, "en", "Long", std::string(1600, 'x'), now).ok());
  CHECK(invalid(store->AddCanned(1, "en", "Too long", std::string(1601, 'x'), now)));
  int64_t id = store->ListCanned("en")->front().id;
  CHECK(invalid(store->UpdateCanned(1, id, "", "Text", now)));
  CHECK(invalid(store->UpdateCanned(1, id, "Label", std::string(1601, 'x'), now)));
  CHECK(store->ListCanned("en")->front().label == "Greeting");

  // At most 100 per language: English is full, Spanish is not.
  for (int i = static_cast<int>(store->ListCanned("en")->size()); i < 100; ++i) {
    REQUIRE(store->AddCanned(1, "en", "Reply " + std::to_string(i), "Text", now).ok());
  }
  CHECK(invalid(store->AddCanned(1, "en", "One more", "Text", now)));
  CHECK(store->AddCanned(1, "es", "Una más", "Texto", now).ok());
  CHECK(store->ListCanned("en")->size() == 100);
  // Only the successful writes were audited.
  CHECK(AuditActions(*store).size() == 2 + 95 + 1);
}

TEMPLATE_TEST_CASE("reports: bot answers, escalations with first replies, resolves, by day",
                   "[storage][contract]", SqliteBackend, PostgresBackend) {
  // Rows as Conversations writes them, written directly (the same SQL on both backends), so the
  // report's counting is checked on every backend; reports_test.cpp drives it through threads.
  TestType backend;
  constexpr int64_t kDay = 86'400'000;
  int64_t d0 = 20'000 * kDay;  // a day boundary
  auto sql = [&](const std::string& s) { REQUIRE(backend.RawSql(s)); };
  auto at = [](int64_t ms) { return std::to_string(ms); };
  sql("INSERT INTO threads(id, channel, lang, state, created_ms) VALUES(1, 'web', 'es', 'bot', 0)");
  sql("INSERT INTO threads(id, channel, lang, state, created_ms) VALUES(2, 'sms', 'en', 'bot', 0)");
  sql("INSERT INTO messages(thread_id, seq, sender, body, intent, at_ms) VALUES"
      "(1, 1, 'bot', '', 'balance', " +
      at(d0 + 10) +
      "),"
      "(1, 2, 'bot', '', 'balance', " +
      at(d0 + 20) +
      "),"
      "(2, 1, 'bot', '', 'next_appointment', " +
      at(d0 + kDay + 5) +
      "),"
      "(1, 3, 'caseworker', '', '', " +
      at(d0 + 900) +
      "),"
      "(1, 4, 'bot', '', 'last_payment', " +
      at(d0 - 1) + ")");
  sql("INSERT INTO thread_events(thread_id, kind, at_ms) VALUES(1, 'escalated', " + at(d0 + 100) +
      "), (2, 'escalated', " + at(d0 + kDay + 50) + ")");
  REQUIRE(backend.caseworkers().Audit(7, 1, "resolve", d0 + 1000).ok());
  REQUIRE(backend.caseworkers().Audit(7, 1, "read", d0 + 1001).ok());

  ReportQuery q;
  q.from_ms = d0;
  q.to_ms = d0 + 2 * kDay;
  q.day_of = [=](int64_t ms) { return "day" + std::to_string((ms - d0) / kDay); };
  auto rows = backend.store->Report(q);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const ReportRow& first = (*rows)[0];
  CHECK(first.date == "day0");
  CHECK(first.county.empty());  // no participant: no county
  CHECK(first.lang == "es");
  CHECK(first.intents == std::vector<std::pair<std::string, int64_t>>{{"balance", 2}});
  CHECK(first.escalations == 1);
  CHECK(first.first_reply_ms == std::vector<int64_t>{800});
  CHECK(first.resolved == 1);
  const ReportRow& second = (*rows)[1];
  CHECK(second.date == "day1");
  CHECK(second.lang == "en");
  CHECK(second.intents == std::vector<std::pair<std::string, int64_t>>{{"next_appointment", 1}});
  CHECK(second.escalations == 1);
  CHECK(second.first_reply_ms.empty());  // not answered yet
  CHECK(second.resolved == 0);
  CHECK(backend.store->Report({d0, d0 + kDay, nullptr}).status().code() == Code::kInvalid);
  CHECK(backend.store->Report({d0 + kDay, d0, q.day_of})->empty());
}
