// Information intents, greetings, language switching, escalation (SPEC §8), SMS limits and
// reminders, in English and Spanish.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "bot_fixture.h"

namespace connecthub::bot_test {
namespace {

using bot::Channel;
using bot::Priority;
using bot::Reply;

size_t CodePointCount(const std::string& text) {
  size_t points = 0;
  for (char c : text) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return points;
}

const std::vector<Row>& InformationRows() {
  static const std::vector<Row> rows = {
      {"make_payment", &kPayer, Channel::kWeb,
       "You can pay online with a card or bank account on the agency website (Make a Payment), by "
       "phone at 1-866-901-3212, or by mail: a check or money order to the State Disbursement "
       "Unit with your case number on it. Payments usually post within 2 business days.",
       "Puede pagar en línea con tarjeta o cuenta bancaria en el sitio web de la agencia (Hacer un "
       "pago), por teléfono al 1-866-901-3212 o por correo: un cheque o giro postal a la State "
       "Disbursement Unit con su número de caso. Los pagos suelen aplicarse en 2 días hábiles."},
      {"reset_pin", &kPayer, Channel::kWeb,
       "Don’t have a PIN, or forgot it? Request a new one online in Customer Connect. It comes by "
       "mail, so a valid mailing address must be on file. After a request, wait 10 days before "
       "asking again: each new request makes the earlier PIN stop working. Or call 1-866-901-3212 "
       "(TTY 1-866-399-4096).",
       "¿No tiene PIN o lo olvidó? Pida uno nuevo en línea en Customer Connect. Llega por correo: "
       "necesita una dirección postal válida en su expediente. Luego espere 10 días antes de pedir "
       "otro; cada solicitud nueva hace que el PIN anterior deje de funcionar. O llame al "
       "1-866-901-3212 (TTY 1-866-399-4096)."},
      {"contact", &kPayer, Channel::kWeb,
       "Call us at 1-866-901-3212 (TTY 1-866-399-4096; from outside the US 1-408-273-0073), "
       "Monday to Friday, 8 AM to 5 PM. Or type \"agent\" to reach a caseworker here.",
       "Llámenos al 1-866-901-3212 (TTY 1-866-399-4096; desde fuera de EE. UU. 1-408-273-0073), "
       "de lunes a viernes, de 8 a. m. a 5 p. m. O escriba \"agente\" para hablar con un "
       "trabajador de casos aquí."},
      {"documents", &kPayer, Channel::kWeb,
       "Your notices and documents from the last six months are available online: log in and "
       "open Documents. For older copies, call 1-866-901-3212.",
       "Sus avisos y documentos de los últimos seis meses están disponibles en línea: inicie "
       "sesión y abra Documentos. Para copias más antiguas, llame al 1-866-901-3212."},
      {"update_info", &kPayer, Channel::kWeb,
       "To update your address, phone number or employer, log in and open My Profile, or call "
       "1-866-901-3212. Please tell us about a new employer within 10 days.",
       "Para actualizar su dirección, teléfono o empleador, inicie sesión y abra Mi perfil, o "
       "llame al 1-866-901-3212. Avísenos de un nuevo empleador dentro de 10 días."},
      {"help", &kPayer, Channel::kWeb,
       "I can tell you your balance, next appointment, last payment, payment history and case "
       "status, and explain how to pay, reset your PIN, get documents or update your "
       "information. Type \"agent\" to reach a caseworker.",
       "Puedo decirle su saldo, su próxima cita, su último pago, su historial de pagos y el "
       "estado de su caso, y explicarle cómo pagar, restablecer su PIN, obtener documentos o "
       "actualizar su información. Escriba \"agente\" para hablar con un trabajador de casos."},
      {"greeting", &kPayer, Channel::kWeb,
       "Hi Maria! How can I help you with your child support case today?",
       "¡Hola, Maria! ¿En qué puedo ayudarle hoy con su caso de manutención de menores?"},
      {"greeting", &kReceiver, Channel::kSms,
       "Hi Ana! How can I help you with your child support case today?",
       "¡Hola, Ana! ¿En qué puedo ayudarle hoy con su caso de manutención de menores?"},
      {"thanks", &kPayer, Channel::kWeb, "You're welcome! Is there anything else I can help with?",
       "¡De nada! ¿Hay algo más en lo que pueda ayudarle?"},
      {"goodbye", &kPayer, Channel::kWeb, "Goodbye! Message us anytime.",
       "¡Adiós! Escríbanos cuando quiera."},
      // Unlinked SMS: information is answered as usual ...
      {"make_payment", nullptr, Channel::kSms,
       "You can pay online with a card or bank account on the agency website (Make a Payment), by "
       "phone at 1-866-901-3212, or by mail: a check or money order to the State Disbursement "
       "Unit with your case number on it. Payments usually post within 2 business days.",
       "Puede pagar en línea con tarjeta o cuenta bancaria en el sitio web de la agencia (Hacer un "
       "pago), por teléfono al 1-866-901-3212 o por correo: un cheque o giro postal a la State "
       "Disbursement Unit con su número de caso. Los pagos suelen aplicarse en 2 días hábiles."},
      {"contact", nullptr, Channel::kSms,
       "Call us at 1-866-901-3212 (TTY 1-866-399-4096; from outside the US 1-408-273-0073), "
       "Monday to Friday, 8 AM to 5 PM. Or type \"agent\" to reach a caseworker here.",
       "Llámenos al 1-866-901-3212 (TTY 1-866-399-4096; desde fuera de EE. UU. 1-408-273-0073), "
       "de lunes a viernes, de 8 a. m. a 5 p. m. O escriba \"agente\" para hablar con un "
       "trabajador de casos aquí."},
      // ... and a greeting has no name but says how to link.
      {"greeting", nullptr, Channel::kSms,
       "Hi! How can I help you with your child support case today?\nTo see your case "
       "information, text your Participant ID and PIN, e.g. 100000001 123456.",
       "¡Hola! ¿En qué puedo ayudarle hoy con su caso de manutención de menores?\nPara ver la "
       "información de su caso, envíe por mensaje de texto su número de participante y su PIN, "
       "por ejemplo: 100000001 123456."},
  };
  return rows;
}

TEST_CASE("information intents, greeting, thanks, goodbye (en)", "[bot][en]") {
  CheckRows(InformationRows(), "en");
}
TEST_CASE("information intents, greeting, thanks, goodbye (es)", "[bot][es]") {
  CheckRows(InformationRows(), "es");
}

TEST_CASE("help on an unlinked number adds how to link (en, es)", "[bot][en][es]") {
  Reply en = ScriptedBot().Answer("help", nullptr, Sms("en", false), fixture::Now());
  CHECK(
      en.text.ends_with("\nTo see your case information, text your Participant ID and PIN, "
                        "e.g. 100000001 123456."));
  CHECK(CodePointCount(en.text) <= 320);
  Reply es = ScriptedBot().Answer("help", nullptr, Sms("es", false), fixture::Now());
  CHECK(es.text.starts_with("Puedo decirle su saldo"));
  CHECK(CodePointCount(es.text) <= 320);
  CHECK(es.lang == "es");
}

TEST_CASE("set_language confirms in the new language (en -> es)", "[bot][en][es]") {
  Reply reply = ScriptedBot().Answer("set_language to=es", &kPayer, Web("en"), fixture::Now());
  CHECK(reply.intent == "set_language");
  CHECK(reply.lang == "es");
  CHECK(reply.text == "De acuerdo, a partir de ahora le responderé en español.");
  CHECK_FALSE(reply.escalate);
}

TEST_CASE("set_language confirms in the new language (es -> en)", "[bot][es][en]") {
  Reply reply = ScriptedBot().Answer("set_language to=en", &kPayer, Web("es"), fixture::Now());
  CHECK(reply.lang == "en");
  CHECK(reply.text == "OK, I will answer in English from now on.");
  // Said in English without naming a language: the classifier moved the conversation.
  reply = ScriptedBot().Answer("set_language lang=en", &kPayer, Web("es"), fixture::Now());
  CHECK(reply.lang == "en");
  CHECK(reply.text == "OK, I will answer in English from now on.");
  // "Change the language" in the current one, no language named: the other one.
  reply = ScriptedBot().Answer("set_language", &kPayer, Sms("es"), fixture::Now());
  CHECK(reply.lang == "en");
  reply = ScriptedBot().Answer("set_language", &kPayer, Sms("en"), fixture::Now());
  CHECK(reply.lang == "es");
  CHECK(reply.text == "De acuerdo, a partir de ahora le responderé en español.");
}

TEST_CASE("the reply follows the classifier's language, not the conversation's", "[bot][en][es]") {
  Reply reply = ScriptedBot().Answer("balance lang=es", &kPayer, Web("en"), fixture::Now());
  CHECK(reply.lang == "es");
  CHECK(reply.text.starts_with("Caso 200000001: usted debe $667.93"));
  reply = ScriptedBot().Answer("balance lang=en", &kPayer, Web("es"), fixture::Now());
  CHECK(reply.lang == "en");
  CHECK(reply.text.starts_with("Case 200000001: you owe $667.93"));
}

TEST_CASE("agent hands over to a caseworker (en)", "[bot][en]") {
  Reply reply = ScriptedBot().Answer("agent", &kPayer, Web("en", 1), fixture::Now());
  CHECK(reply.intent == "agent");
  CHECK(reply.escalate);
  CHECK(reply.priority == Priority::kNormal);
  CHECK(reply.misses == 0);
  CHECK(reply.text ==
        "I'm passing your conversation to a caseworker, who will answer here. Office hours: "
        "Monday to Friday, 8 AM to 5 PM.");
}

TEST_CASE("agent hands over to a caseworker (es)", "[bot][es]") {
  Reply reply = ScriptedBot().Answer("agent", nullptr, Sms("es", false), fixture::Now());
  CHECK(reply.escalate);
  CHECK(reply.priority == Priority::kNormal);
  CHECK(reply.text ==
        "Voy a pasar su conversación a un trabajador de casos, que le responderá aquí. Horario: de "
        "lunes a viernes, de 8 a. m. a 5 p. m.");
}

void CheckTwoUnknowns(const std::string& lang, const std::string& first,
                      const std::string& second) {
  bot::Conversation conversation = Web(lang);
  Reply reply = ScriptedBot().Answer("what is the airspeed of a swallow", &kPayer, conversation,
                                     fixture::Now());
  CHECK(reply.intent == "unknown");
  CHECK(reply.text == first);
  CHECK(reply.misses == 1);
  CHECK_FALSE(reply.escalate);
  conversation.misses = reply.misses;
  reply = ScriptedBot().Answer("blorp", &kPayer, conversation, fixture::Now());
  CHECK(reply.intent == "unknown");
  CHECK(reply.text == second);
  CHECK(reply.escalate);
  CHECK(reply.priority == Priority::kNormal);
  CHECK(reply.misses == 0);
}

TEST_CASE("a first unknown explains, the second hands over (en)", "[bot][en]") {
  CheckTwoUnknowns("en",
                   "Sorry, I didn't understand. You can ask about your balance, next appointment, "
                   "last payment, payment history, case status or how to pay. Type \"agent\" to "
                   "reach a caseworker.",
                   "Sorry, I still didn't understand. I'm passing your conversation to a "
                   "caseworker, who will answer here.");
}

TEST_CASE("a first unknown explains, the second hands over (es)", "[bot][es]") {
  CheckTwoUnknowns("es",
                   "Lo siento, no entendí. Puede preguntar por su saldo, su próxima cita, su "
                   "último pago, su historial de pagos, el estado de su caso o cómo pagar. Escriba "
                   "\"agente\" para hablar con un trabajador de casos.",
                   "Lo siento, sigo sin entender. Voy a pasar su conversación a un trabajador "
                   "de casos, que le responderá aquí.");
}

TEST_CASE("an understood message resets the misses, low confidence is a miss", "[bot][en][es]") {
  for (const char* lang : {"en", "es"}) {
    Reply reply = ScriptedBot().Answer("balance", &kPayer, Web(lang, 1), fixture::Now());
    CHECK(reply.intent == "balance");
    CHECK(reply.misses == 0);
    CHECK_FALSE(reply.escalate);
    reply = ScriptedBot().Answer("thanks", &kPayer, Web(lang, 1), fixture::Now());
    CHECK(reply.misses == 0);
    // Below BotOptions::intent_threshold (0.5) the intent does not count.
    reply = ScriptedBot().Answer("balance conf=0.3", &kPayer, Web(lang), fixture::Now());
    CHECK(reply.intent == "unknown");
    CHECK(reply.misses == 1);
    CHECK(reply.confidence == Approx(0.3));
    reply = ScriptedBot().Answer("balance conf=0.3", &kPayer, Web(lang, 1), fixture::Now());
    CHECK(reply.escalate);
  }
}

TEST_CASE("misses_to_escalate is an option", "[bot][en]") {
  bot::BotOptions options;
  options.misses_to_escalate = 3;
  auto custom = MakeScriptedBot(options);
  Reply reply = custom->Answer("zzz", &kPayer, Web("en", 1), fixture::Now());
  CHECK(reply.misses == 2);
  CHECK_FALSE(reply.escalate);
  reply = custom->Answer("zzz", &kPayer, Web("en", 2), fixture::Now());
  CHECK(reply.escalate);
}

TEST_CASE("safety words hand over at once with high priority (en)", "[bot][en]") {
  // Even mid-question, on a first message, from an unlinked number.
  for (const bot::ParticipantFacts* facts :
       {&kPayer, static_cast<const bot::ParticipantFacts*>(nullptr)}) {
    bot::Conversation conversation = facts ? Web("en") : Sms("en", false);
    Reply reply = ScriptedBot().Answer("balance safety", facts, conversation, fixture::Now());
    CHECK(reply.escalate);
    CHECK(reply.priority == Priority::kHigh);
    CHECK(reply.intent == "agent");
    CHECK(reply.misses == 0);
    CHECK(reply.text ==
          "If you or someone else is in danger, call 911 now. If you are thinking about hurting "
          "yourself, call or text 988 (Suicide & Crisis Lifeline). A caseworker will contact you "
          "as soon as possible, or call us at 1-866-901-3212.");
  }
}

TEST_CASE("safety words hand over at once with high priority (es)", "[bot][es]") {
  Reply reply = ScriptedBot().Answer("unknown safety", &kPayer, Sms("es"), fixture::Now());
  CHECK(reply.escalate);
  CHECK(reply.priority == Priority::kHigh);
  CHECK(reply.lang == "es");
  CHECK(reply.text ==
        "Si usted u otra persona está en peligro, llame al 911 ahora. Si está pensando en hacerse "
        "daño, llame o envíe un mensaje al 988 (Línea de Prevención del Suicidio y Crisis). Un "
        "trabajador de casos se comunicará con usted lo antes posible, o llámenos al "
        "1-866-901-3212.");
  CHECK(CodePointCount(reply.text) <= 320);
}

TEST_CASE("every SMS reply fits and masks case numbers", "[bot][en][es]") {
  // A participant with long data: ten cases, long county and type names, many payments.
  bot::ParticipantFacts big = fixture::ManyCases();
  for (int i = 0; i < 5; ++i) {
    bot::CaseFacts c = big.cases[i];
    c.case_number = "2000000" + std::to_string(30 + i);
    c.county = "SAN BERNARDINO COUNTY SOUTH DESERT REGIONAL DIVISION";
    c.role = bot::Role::kReceiving;
    for (int k = 0; k < 30; ++k) {
      c.payments.push_back(fixture::MakePayment(
          "X", c.case_number, fixture::Day(2026, 1 + k % 10, 1 + k), 99999999,
          "A VERY LONG PAYMENT TYPE DESCRIPTION THAT NOBODY SHOULD EVER HAVE TO READ ON A PHONE"));
    }
    c.orders.push_back(
        bot::Order{c.case_number, fixture::Day(2020, 1, 1), c.county, "XCV99999", "ACTIVE"});
    big.cases.push_back(c);
  }
  big.upcoming_appointments.push_back(bot::Appointment{
      "L", "200000030", fixture::Utc(2026, 12, 24, 18), fixture::Utc(2026, 12, 24, 19),
      std::string(200, 'T'), std::string(300, 'L')});
  const char* asks[] = {"balance",
                        "next_appointment",
                        "last_payment",
                        "payment_history",
                        "payment_history year=2026",
                        "case_status",
                        "make_payment",
                        "reset_pin",
                        "contact",
                        "documents",
                        "update_info",
                        "help",
                        "greeting",
                        "thanks",
                        "goodbye",
                        "agent",
                        "set_language",
                        "unknown",
                        "balance case=9999",
                        "unknown safety"};
  for (const char* lang : {"en", "es"}) {
    for (const char* ask : asks) {
      INFO(lang << ": " << ask);
      Reply reply = ScriptedBot().Answer(ask, &big, Sms(lang), fixture::Now());
      CHECK(CodePointCount(reply.text) <= 320);
      CHECK(reply.text.find("20000") == std::string::npos);
      CHECK(reply.text.find("XCV99999") == std::string::npos);
      CHECK_FALSE(reply.text.empty());
    }
  }
  // The same on the web is not cut.
  Reply web = ScriptedBot().Answer("payment_history year=2026", &big, Web("en"), fixture::Now());
  CHECK(web.text.find(", case 20000003") != std::string::npos);
  CHECK(CodePointCount(web.text) > 320);
}

TEST_CASE("sms_max_chars is honoured exactly", "[bot][en]") {
  bot::BotOptions options;
  options.sms_max_chars = 80;
  auto small = MakeScriptedBot(options);
  Reply reply = small->Answer("make_payment", &kPayer, Sms("en"), fixture::Now());
  CHECK(CodePointCount(reply.text) <= 80);
  // Cut at a word boundary, with "..." inside the limit.
  CHECK(reply.text ==
        "You can pay online with a card or bank account on the agency website (Make a...");
  reply = small->Answer("balance", &kMany, Sms("es"), fixture::Now());
  CHECK(CodePointCount(reply.text) <= 80);
  CHECK(reply.text.ends_with("..."));
}

TEST_CASE("reminders: 10 and 2 days before, web and SMS (en)", "[bot][en]") {
  const bot::Appointment& hearing = kPayer.upcoming_appointments[0];
  CHECK(ScriptedBot().ReminderText(hearing, 10, "en", Channel::kSms) ==
        "Child support reminder: in 10 days, Wednesday, December 2, 2026 at 8:00 AM: appellate "
        "court hearing at Madera Superior Court (case ending 0001). Questions? Call "
        "1-866-901-3212.");
  CHECK(ScriptedBot().ReminderText(hearing, 2, "en", Channel::kWeb) ==
        "Child support reminder: in 2 days, Wednesday, December 2, 2026 at 8:00 AM: appellate "
        "court hearing at Madera Superior Court (case 200000001). Questions? Call "
        "1-866-901-3212.");
  CHECK(ScriptedBot()
            .ReminderText(hearing, 1, "en", Channel::kSms)
            .starts_with("Child support reminder: tomorrow, Wednesday"));
  // Unknown language codes read English.
  CHECK(ScriptedBot().ReminderText(hearing, 2, "xx", Channel::kSms).starts_with("Child support"));
}

TEST_CASE("reminders: 10 and 2 days before, web and SMS (es)", "[bot][es]") {
  const bot::Appointment& interview = kPayer.upcoming_appointments[1];
  CHECK(ScriptedBot().ReminderText(interview, 10, "es", Channel::kSms) ==
        "Recordatorio de manutención de menores: en 10 días, el martes, 12 de enero de 2027, a "
        "las 10:30 a. m.: entrevista en Madera County Child Support Office (caso que termina en "
        "0001). ¿Preguntas? Llame al 1-866-901-3212.");
  CHECK(ScriptedBot().ReminderText(interview, 2, "es", Channel::kWeb) ==
        "Recordatorio de manutención de menores: en 2 días, el martes, 12 de enero de 2027, a las "
        "10:30 a. m.: entrevista en Madera County Child Support Office (caso 200000001). "
        "¿Preguntas? Llame al 1-866-901-3212.");
  // One o'clock takes the singular article ("a la 1:15"), in standard and daylight time.
  bot::Appointment one = interview;
  one.start = fixture::Utc(2026, 12, 2, 21, 15);  // 1:15 PM PST
  CHECK(ScriptedBot()
            .ReminderText(one, 2, "es", Channel::kSms)
            .find("el miércoles, 2 de diciembre de 2026, a la 1:15 p. m.: entrevista") !=
        std::string::npos);
  one.start = fixture::Utc(2026, 7, 1, 20, 0);  // 1:00 PM PDT
  CHECK(ScriptedBot().ReminderText(one, 2, "es", Channel::kSms).find("a la 1:00 p. m.") !=
        std::string::npos);
  one.start = fixture::Utc(2026, 7, 1, 21, 0);  // 2:00 PM PDT
  CHECK(ScriptedBot().ReminderText(one, 2, "es", Channel::kSms).find("a las 2:00 p. m.") !=
        std::string::npos);
  CHECK(ScriptedBot().ReminderText(one, 2, "en", Channel::kSms).find("at 2:00 PM") !=
        std::string::npos);
  bot::Appointment long_one = interview;
  long_one.location = std::string(400, 'x');
  CHECK(CodePointCount(ScriptedBot().ReminderText(long_one, 2, "es", Channel::kSms)) <= 320);
}

TEST_CASE("Answer is thread-safe", "[bot][en][es]") {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        bool es = (i + t) % 2 == 1;
        Reply reply = ScriptedBot().Answer("next_appointment", &kPayer, Web(es ? "es" : "en"),
                                           fixture::Now());
        if (reply.text.find(es ? "a las 8:00 a. m." : "at 8:00 AM") == std::string::npos) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

}  // namespace
}  // namespace connecthub::bot_test
