// The reminder policy (Bot::Reminder): which SMS is due about an appointment, and what it says,
// in English and Spanish.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bot_fixture.h"

namespace connecthub::bot_test {
namespace {

using bot::AppointmentStatus;
using std::chrono::hours;
using std::chrono::minutes;
using Sent = std::vector<std::string>;

// The hearing on Wednesday 2026-12-02 at 8:00 AM PST (16:00 UTC).
bot::Appointment Hearing() { return fixture::MaderaAppointments()[0]; }
constexpr const char* kStart = "1796227200";

std::string Due(const bot::Appointment& a, const Sent& sent, std::chrono::sys_seconds now,
                const char* lang, bool details = true) {
  auto r = ScriptedBot().Reminder(a, sent, details, lang, now);
  return r ? r->kind + " | " + r->text : "";
}

}  // namespace

TEST_CASE("reminders give the real number of days, 1, 2, 5 and 10 days away (en)", "[bot][en]") {
  bot::Appointment a = Hearing();
  CHECK(Due(a, {}, a.start - hours(24 * 10), "en") ==
        std::string(kStart) +
            ".d10 | Child support reminder: in 10 days, Wednesday, December 2, 2026 at 8:00 AM: "
            "appellate court hearing at Madera Superior Court (case ending 0001). Questions? Call "
            "1-866-901-3212.");
  // Imported 5 days ahead: the first reminder goes out at once and says 5, not 10.
  CHECK(Due(a, {}, a.start - hours(24 * 5), "en") ==
        std::string(kStart) +
            ".d10 | Child support reminder: in 5 days, Wednesday, December 2, 2026 at 8:00 AM: "
            "appellate court hearing at Madera Superior Court (case ending 0001). Questions? Call "
            "1-866-901-3212.");
  CHECK(Due(a, {std::string(kStart) + ".d10"}, a.start - hours(24 * 5), "en").empty());
  CHECK(Due(a, {std::string(kStart) + ".d10"}, a.start - hours(48), "en") ==
        std::string(kStart) +
            ".d2 | Child support reminder: in 2 days, Wednesday, December 2, 2026 at 8:00 AM: "
            "appellate court hearing at Madera Superior Court (case ending 0001). Questions? Call "
            "1-866-901-3212.");
  // Imported the day before: "tomorrow", not "in 2 days"; the 10-day one is not sent as well.
  CHECK(Due(a, {}, a.start - hours(24), "en") ==
        std::string(kStart) +
            ".d2 | Child support reminder: tomorrow, Wednesday, December 2, 2026 at 8:00 AM: "
            "appellate court hearing at Madera Superior Court (case ending 0001). Questions? Call "
            "1-866-901-3212.");
  CHECK(Due(a, {std::string(kStart) + ".d2"}, a.start - hours(24), "en").empty());
  // Reminders sent before the upgrade (keys "10" and "2") are not sent again.
  CHECK(Due(a, {"10"}, a.start - hours(24 * 5), "en").empty());
  CHECK(Due(a, {}, a.start - hours(24 * 10) - minutes(1), "en").empty());  // not yet
  CHECK(Due(a, {}, a.start, "en").empty());                                // over
}

TEST_CASE("reminders give the real number of days, 1, 2, 5 and 10 days away (es)", "[bot][es]") {
  bot::Appointment a = Hearing();
  CHECK(Due(a, {}, a.start - hours(24 * 10), "es") ==
        std::string(kStart) +
            ".d10 | Recordatorio de manutención de menores: en 10 días, el miércoles, 2 de "
            "diciembre de 2026, a las 8:00 a. m.: audiencia en la corte de apelaciones en Madera "
            "Superior Court (caso que termina en 0001). ¿Preguntas? Llame al 1-866-901-3212.");
  CHECK(Due(a, {}, a.start - hours(24 * 5), "es").find(": en 5 días, el miércoles") !=
        std::string::npos);
  CHECK(Due(a, {std::string(kStart) + ".d10"}, a.start - hours(48), "es")
            .find(": en 2 días, el miércoles") != std::string::npos);
  CHECK(Due(a, {}, a.start - hours(24), "es")
            .find(".d2 | Recordatorio de manutención de menores: "
                  "mañana, el miércoles, 2 de diciembre") != std::string::npos);
}

TEST_CASE("days are counted in the agency's time zone, not UTC", "[bot][en][es]") {
  bot::Appointment late = Hearing();
  late.start = fixture::Utc(2026, 12, 2, 7, 30);  // Tuesday Dec 1, 11:30 PM PST
  late.end = late.start + minutes(30);
  auto noon = fixture::Utc(2026, 12, 1, 20);  // Tuesday Dec 1, noon PST (Dec 2 is 4 h away in UTC)
  CHECK(Due(late, {}, noon, "en").find("reminder: today, Tuesday, December 1") !=
        std::string::npos);
  CHECK(Due(late, {}, noon, "es").find("menores: hoy, el martes, 1 de diciembre") !=
        std::string::npos);
}

TEST_CASE("a moved appointment: 'has moved', then the reminders of its new time", "[bot][en][es]") {
  bot::Appointment moved = Hearing();
  moved.status = AppointmentStatus::kRescheduled;
  // The old time's reminders were sent; the new time is 5 days after "now".
  Sent old = {"1764000000.d10", "1764000000.d2"};
  auto now = moved.start - hours(24 * 5);
  CHECK(Due(moved, old, now, "en") ==
        std::string(kStart) +
            ".d10.moved | Child support: your appointment has moved. New time: in 5 days, "
            "Wednesday, December 2, 2026 at 8:00 AM: appellate court hearing at Madera Superior "
            "Court (case ending 0001). Questions? Call 1-866-901-3212.");
  CHECK(Due(moved, old, now, "es") ==
        std::string(kStart) +
            ".d10.moved | Manutención de menores: su cita cambió de fecha. Nueva fecha: en 5 días, "
            "el miércoles, 2 de diciembre de 2026, a las 8:00 a. m.: audiencia en la corte de "
            "apelaciones en Madera Superior Court (caso que termina en 0001). ¿Preguntas? Llame al "
            "1-866-901-3212.");
  // The notice stands for the reminder of its window; the 2-day one still comes.
  Sent after = old;
  after.push_back(std::string(kStart) + ".d10.moved");
  CHECK(Due(moved, after, now, "en").empty());
  CHECK(Due(moved, after, moved.start - hours(30), "en")
            .starts_with(std::string(kStart) + ".d2 | Child support reminder: tomorrow,"));
  // Moved far ahead: told at once, reminders later.
  CHECK(Due(moved, old, moved.start - hours(24 * 30), "en")
            .starts_with(std::string(kStart) + ".far.moved | Child support: your appointment has "
                                               "moved. New time: in 30 days,"));
}

TEST_CASE("a cancelled appointment: one cancellation notice and no reminders", "[bot][en][es]") {
  bot::Appointment cancelled = Hearing();
  cancelled.status = AppointmentStatus::kCancelled;
  auto now = cancelled.start - hours(24 * 5);
  CHECK(Due(cancelled, {std::string(kStart) + ".d10"}, now, "en") ==
        "cancelled | Child support: your appointment on Wednesday, December 2, 2026 at 8:00 AM is "
        "cancelled: appellate court hearing at Madera Superior Court (case ending 0001). You do "
        "not need to go. Questions? Call 1-866-901-3212.");
  CHECK(Due(cancelled, {}, now, "es") ==
        "cancelled | Manutención de menores: se canceló su cita del miércoles, 2 de diciembre de "
        "2026, a las 8:00 a. m.: audiencia en la corte de apelaciones en Madera Superior Court "
        "(caso que termina en 0001). No necesita presentarse. ¿Preguntas? Llame al "
        "1-866-901-3212.");
  for (auto at : {now, cancelled.start - hours(24), cancelled.start - hours(2)}) {
    CHECK(Due(cancelled, {"cancelled"}, at, "en").empty());
  }
}

TEST_CASE("an expired link without consent gets a notice without case details", "[bot][en][es]") {
  bot::Appointment a = Hearing();
  auto now = a.start - hours(24 * 5);
  std::string en = Due(a, {}, now, "en", false);
  CHECK(en == std::string(kStart) +
                  ".expired | Child support: you have an appointment coming up, or one has "
                  "changed. Your text link has expired: to get the details by text, text your "
                  "Participant ID and PIN to this number, or call 1-866-901-3212.");
  std::string es = Due(a, {}, now, "es", false);
  CHECK(es.starts_with(std::string(kStart) + ".expired | Manutención de menores: tiene una cita"));
  for (const std::string& text : {en, es}) {
    CHECK(text.find("0001") == std::string::npos);
    CHECK(text.find("Madera Superior Court") == std::string::npos);
  }
  // Once per appointment time, not once per window.
  CHECK(Due(a, {std::string(kStart) + ".expired"}, a.start - hours(24), "en", false).empty());
  CHECK(Due(a, {}, a.start - hours(24 * 30), "en", false).empty());  // nothing due yet
}

TEST_CASE("a cancelled appointment is not the next appointment", "[bot][en][es]") {
  bot::ParticipantFacts facts = kPayer;
  facts.upcoming_appointments[0].status = AppointmentStatus::kCancelled;  // the Dec 2 hearing
  std::string en = ScriptedBot().Answer("next_appointment", &facts, Web("en"), fixture::Now()).text;
  std::string es = ScriptedBot().Answer("next_appointment", &facts, Web("es"), fixture::Now()).text;
  CHECK(en.find("January 12, 2027") != std::string::npos);
  CHECK(en.find("December 2") == std::string::npos);
  CHECK(es.find("12 de enero de 2027") != std::string::npos);
  CHECK(es.find("2 de diciembre") == std::string::npos);
}

}  // namespace connecthub::bot_test
