// The payment-notice policy (Bot::PaymentNotice): which payments are news to a parent, and what
// the SMS says, in English and Spanish.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "bot_fixture.h"

namespace connecthub::bot_test {
namespace {

using bot::Role;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr sys_days kPosted{std::chrono::year{2026} / 11 / 30};

bot::Payment Withholding(int64_t cents = 41'200, const char* type = "INCOME WITHHOLDING ORDER") {
  return {.payment_id = "P-9",
          .case_number = "200000417",
          .date = kPosted,
          .amount_cents = cents,
          .type = type};
}

// 10:00 AM Pacific (18:00 UTC) on the payment's day plus `days_after`.
sys_seconds Morning(int days_after) {
  return std::chrono::time_point_cast<std::chrono::seconds>(kPosted + days(days_after) + hours(18));
}

std::string Notice(const bot::Payment& p, Role role, const char* lang, sys_seconds now,
                   bool sent = false) {
  return ScriptedBot().PaymentNotice(p, role, sent, lang, now).value_or("");
}

}  // namespace

TEST_CASE("a payment sent to the receiving parent is announced with the case's last 4 only (en)",
          "[bot][en]") {
  CHECK(Notice(Withholding(), Role::kReceiving, "en", Morning(0)) ==
        "Child support: a payment of $412.00 dated November 30, 2026 was sent to you on case "
        "ending 0417. Reply STOP to stop texts.");
  CHECK(Notice(Withholding(), Role::kPaying, "en", Morning(1)) ==
        "Child support: your payment of $412.00 dated November 30, 2026 posted to case ending "
        "0417. Thank you. Reply STOP to stop texts.");
  CHECK(Notice(Withholding(), Role::kReceiving, "en", Morning(0)).find("200000417") ==
        std::string::npos);
}

TEST_CASE("un pago enviado se anuncia en español con los 4 últimos dígitos del caso", "[bot][es]") {
  CHECK(Notice(Withholding(), Role::kReceiving, "es", Morning(0)) ==
        "Manutención: se le envió un pago de $412.00 con fecha del 30 de noviembre de 2026 en el "
        "caso que termina en 0417. Responda STOP para no recibir textos.");
  CHECK(Notice(Withholding(), Role::kPaying, "es", Morning(2)) ==
        "Manutención: su pago de $412.00 con fecha del 30 de noviembre de 2026 se registró en el "
        "caso que termina en 0417. Gracias. Responda STOP para no recibir textos.");
}

TEST_CASE("only fresh, positive, real payments are news, once per number", "[bot][en][es]") {
  for (const char* lang : {"en", "es"}) {
    CAPTURE(lang);
    // The window: the payment's own day up to kPaymentNoticeDays days after, in Pacific days.
    CHECK_FALSE(
        Notice(Withholding(), Role::kReceiving, lang, Morning(bot::kPaymentNoticeDays)).empty());
    CHECK(Notice(Withholding(), Role::kReceiving, lang, Morning(bot::kPaymentNoticeDays + 1))
              .empty());
    CHECK(Notice(Withholding(), Role::kReceiving, lang, Morning(-1)).empty());  // not yet dated
    // 7:00 PM Pacific on Nov 29 is already Nov 30 in UTC: still the day before, no notice.
    CHECK(Notice(Withholding(), Role::kReceiving, lang,
                 std::chrono::time_point_cast<std::chrono::seconds>(kPosted + hours(3)))
              .empty());
    CHECK(Notice(Withholding(), Role::kReceiving, lang, Morning(0), /*sent=*/true).empty());
    CHECK(Notice(Withholding(0), Role::kReceiving, lang, Morning(0)).empty());
    CHECK(Notice(Withholding(-41'200), Role::kReceiving, lang, Morning(0)).empty());
    for (const char* type : {"PAYMENT REVERSAL", "Correction", "NSF CHECK", "adjustment"}) {
      CAPTURE(type);
      CHECK(Notice(Withholding(41'200, type), Role::kReceiving, lang, Morning(0)).empty());
    }
  }
}

TEST_CASE("an unknown language falls back to English", "[bot][en]") {
  CHECK(Notice(Withholding(), Role::kReceiving, "fr", Morning(0)) ==
        Notice(Withholding(), Role::kReceiving, "en", Morning(0)));
}

}  // namespace connecthub::bot_test
