// What parents read must be true and consistent: PIN help is one text in the bot (web and SMS) and
// the widget, following the Customer Connect guide; every appointment type of the guide has a
// label in both languages; Spanish uses one word for the caseworker and one name for the agency.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bot_fixture.h"

namespace connecthub::bot_test {

TEST_CASE("PIN help is the same in the bot, on SMS and in the widget (en)", "[bot][en]") {
  std::string web = ScriptedBot().Answer("reset_pin", &kPayer, Web("en"), fixture::Now()).text;
  std::string sms =
      ScriptedBot().Answer("reset_pin", &kPayer, Sms("en", true), fixture::Now()).text;
  CHECK(web == sms);
  CHECK(web == RealCatalog().Format("en", "web.widget.help.noPin"));
  CHECK(web.find("online") != std::string::npos);
  CHECK(web.find("valid mailing address") != std::string::npos);
  CHECK(web.find("wait 10 days") != std::string::npos);
  CHECK(web.find("earlier PIN stop working") != std::string::npos);
  CHECK(web.find("Forgot PIN") == std::string::npos);  // the widget has no such link
}

TEST_CASE("PIN help is the same in the bot, on SMS and in the widget (es)", "[bot][es]") {
  std::string web = ScriptedBot().Answer("reset_pin", &kPayer, Web("es"), fixture::Now()).text;
  std::string sms =
      ScriptedBot().Answer("reset_pin", &kPayer, Sms("es", true), fixture::Now()).text;
  CHECK(web == sms);
  CHECK(web == RealCatalog().Format("es", "web.widget.help.noPin"));
  CHECK(web.find("en línea") != std::string::npos);
  CHECK(web.find("dirección postal válida") != std::string::npos);
  CHECK(web.find("espere 10 días") != std::string::npos);
  CHECK(web.find("PIN anterior deje de funcionar") != std::string::npos);
  CHECK(web.find("Olvidé") == std::string::npos);
}

TEST_CASE("the nine appointment types of the guide are labelled (en, es)", "[bot][en][es]") {
  struct Row {
    const char* type;
    const char* en;
    const char* es;
  };
  const Row rows[] = {
      {"APPELLATE COURT HEARING", "appellate court hearing",
       "audiencia en la corte de apelaciones"},
      {"BANKRUPTCY COURT HEARING", "bankruptcy court hearing",
       "audiencia en la corte de bancarrota"},
      {"GENETIC TEST", "genetic test", "prueba genética"},
      {"INTERVIEW", "interview", "entrevista"},
      {"JUVENILE COURT HEARING", "juvenile court hearing", "audiencia en la corte de menores"},
      {"SUPERIOR COURT HEARING", "superior court hearing", "audiencia en la corte superior"},
      {"WORKERS' COMPENSATION APPEALS BOARD HEARING", "Workers' Compensation Appeals Board hearing",
       "audiencia ante la Junta de Apelaciones de Compensación de Trabajadores"},
      {"UNEMPLOYMENT/DISABILITY INSURANCE APPEALS BOARD HEARING",
       "Unemployment/Disability Insurance Appeals Board hearing",
       "audiencia ante la Junta de Apelaciones del Seguro de Desempleo e Incapacidad"},
      {"STATE HEARING", "state hearing", "audiencia estatal"},
  };
  for (const Row& row : rows) {
    bot::ParticipantFacts facts = kPayer;
    facts.upcoming_appointments.resize(1);
    facts.upcoming_appointments[0].type = row.type;
    std::string en =
        ScriptedBot().Answer("next_appointment", &facts, Web("en"), fixture::Now()).text;
    std::string es =
        ScriptedBot().Answer("next_appointment", &facts, Web("es"), fixture::Now()).text;
    INFO(row.type);
    CHECK(en.find(row.en) != std::string::npos);
    CHECK(es.find(row.es) != std::string::npos);
    CHECK(es.find(row.type) == std::string::npos);  // never the English value in Spanish
    std::string reminder =
        ScriptedBot().ReminderText(facts.upcoming_appointments[0], 2, "es", bot::Channel::kSms);
    CHECK(reminder.find(row.es) != std::string::npos);
  }
}

TEST_CASE("Spanish: one word for the caseworker, one name for the agency", "[bot][es]") {
  // Parent-facing catalogs (the inbox's own strings are for staff).
  std::vector<std::pair<std::string, std::string>> texts;
  for (const char* prefix : {"bot.", "sms.", "hub.", "web.widget.", "web.demo."}) {
    for (const auto& [key, pattern] : RealCatalog().Entries("es", prefix)) {
      texts.emplace_back(key, pattern);
    }
  }
  REQUIRE(texts.size() > 50);
  int caseworker = 0;
  for (const auto& [key, text] : texts) {
    INFO(key << ": " << text);
    CHECK(text.find("Manutención Infantil") == std::string::npos);
    CHECK(text.find("manutención infantil") == std::string::npos);
    CHECK(text.find("trabajador/a") == std::string::npos);
    CHECK(text.find("Trabajador/a") == std::string::npos);
    CHECK(text.find("trabajadora") == std::string::npos);
    CHECK(text.find("trabajador del caso") == std::string::npos);
    CHECK(text.find("Olvidé mi PIN") == std::string::npos);  // the portal's button is English
    if (text.find("rabajador de casos") != std::string::npos) ++caseworker;
  }
  CHECK(caseworker >= 8);
}

}  // namespace connecthub::bot_test

namespace connecthub::bot_test {

// The store loads the last 24 months (since 2024-11-23 when "now" is 2026-11-23).
TEST_CASE("payments before the loaded window: what the bot can see, never a false 'none'",
          "[bot][en][es]") {
  bot::ParticipantFacts facts = kPayer;
  facts.payments_since = std::chrono::sys_days(std::chrono::year(2024) / 11 / 23);
  auto ask = [&](const char* text, const char* lang) {
    return ScriptedBot().Answer(text, &facts, Web(lang), fixture::Now()).text;
  };
  CHECK(ask("payment_history year=2023", "en") ==
        "I can show payments from the last 24 months, since November 23, 2024, and none of them "
        "is from 2023. For older records, call 1-866-901-3212.");
  CHECK(ask("payment_history year=2023", "es") ==
        "Puedo mostrarle los pagos de los últimos 24 meses, desde el 23 de noviembre de 2024, y "
        "ninguno es de 2023. Para registros más antiguos, llame al 1-866-901-3212.");
  // A year partly inside the window: its payments, and what cannot be seen.
  std::string part = ask("payment_history year=2024", "en");
  CHECK(part.find("No payments in 2024") == std::string::npos);
  CHECK(part.find("since November 23, 2024") != std::string::npos);
  // Inside the window, "none" is true and said as before.
  CHECK(ask("payment_history month=12", "en") == "No payments in December 2025.");
  CHECK(ask("payment_history month=12", "es") == "No hay pagos en diciembre de 2025.");
}

}  // namespace connecthub::bot_test
