// Answers from case data: every case intent, both roles, several cases, named cases, no data, SMS
// masking, in English and Spanish, word for word.

#include <catch2/catch.hpp>

#include "bot_fixture.h"

namespace connecthub::bot_test {
namespace {

using bot::Channel;
using fixture::Utc;

const std::vector<Row>& BalanceRows() {
  static const std::vector<Row> rows = {
      {"balance", &kPayer, Channel::kWeb,
       "Case 200000001: you owe $667.93 past due. Current support: $10.00 a month, plus $50.00 a "
       "month toward the past-due balance.",
       "Caso 200000001: usted debe $667.93 de manutención atrasada. Manutención actual: $10.00 al "
       "mes, más $50.00 al mes para el saldo atrasado."},
      {"balance", &kReceiver, Channel::kWeb,
       "Case 200000001: $667.93 past due is owed to you. Current support: $10.00 a month.",
       "Caso 200000001: se le deben $667.93 de manutención atrasada. Manutención actual: $10.00 al "
       "mes."},
      {"balance", &kMixed, Channel::kWeb,
       "You have 2 cases:\n"
       "Case 200000021: you have no past-due balance. Current support: $250.00 a month.\n"
       "Case 200000022: $1,234.56 past due is owed to you. Current support: $0.00 a month.",
       "Usted tiene 2 casos:\n"
       "Caso 200000021: no tiene saldo atrasado. Manutención actual: $250.00 al mes.\n"
       "Caso 200000022: se le deben $1,234.56 de manutención atrasada. Manutención actual: "
       "$0.00 al mes."},
      {"balance case=200000022", &kMixed, Channel::kWeb,
       "Case 200000022: $1,234.56 past due is owed to you. Current support: $0.00 a month.",
       "Caso 200000022: se le deben $1,234.56 de manutención atrasada. Manutención actual: "
       "$0.00 al mes."},
      {"balance", &kMany, Channel::kWeb,
       "You have 5 cases:\n"
       "Case 200000011: you owe $100.00 past due. Current support: $50.00 a month.\n"
       "Case 200000012: you owe $200.00 past due. Current support: $50.00 a month.\n"
       "Case 200000013: you owe $300.00 past due. Current support: $50.00 a month.\n"
       "...and 2 more cases. Send a case number to see one case.",
       "Usted tiene 5 casos:\n"
       "Caso 200000011: usted debe $100.00 de manutención atrasada. Manutención actual: $50.00 al "
       "mes.\n"
       "Caso 200000012: usted debe $200.00 de manutención atrasada. Manutención actual: $50.00 al "
       "mes.\n"
       "Caso 200000013: usted debe $300.00 de manutención atrasada. Manutención actual: $50.00 al "
       "mes.\n"
       "...y 2 casos más. Envíe un número de caso para ver solo ese caso."},
      // Named by full number, and by its last four digits.
      {"balance case=200000014", &kMany, Channel::kWeb,
       "Case 200000014: you owe $400.00 past due. Current support: $50.00 a month.",
       "Caso 200000014: usted debe $400.00 de manutención atrasada. Manutención actual: $50.00 al "
       "mes."},
      {"balance case=0015", &kMany, Channel::kWeb,
       "Case 200000015: you owe $500.00 past due. Current support: $50.00 a month.",
       "Caso 200000015: usted debe $500.00 de manutención atrasada. Manutención actual: $50.00 al "
       "mes."},
      // A case that is not theirs: their own are listed, never another parent's.
      {"balance case=9999", &kMany, Channel::kWeb,
       "I couldn't find case 9999 among your cases. Your cases: case 200000011, case 200000012, "
       "case 200000013 and 2 more.",
       "No encontré el caso 9999 entre sus casos. Sus casos: caso 200000011, caso 200000012, caso "
       "200000013 y 2 más."},
      {"balance case=200000099", &kPayer, Channel::kWeb,
       "I couldn't find case 200000099 among your cases. Your cases: case 200000001.",
       "No encontré el caso 200000099 entre sus casos. Sus casos: caso 200000001."},
      {"balance", &kNoCases, Channel::kWeb,
       "I couldn't find a child support case for your account. If you think this is wrong, call "
       "1-866-901-3212.",
       "No encontré un caso de manutención de menores en su cuenta. Si cree que es un error, "
       "llame al 1-866-901-3212."},
      // SMS: masked to the last four digits.
      {"balance", &kPayer, Channel::kSms,
       "Case ending 0001: you owe $667.93 past due. Current support: $10.00 a month, plus $50.00 a "
       "month toward the past-due balance.",
       "Caso que termina en 0001: usted debe $667.93 de manutención atrasada. Manutención actual: "
       "$10.00 al mes, más $50.00 al mes para el saldo atrasado."},
      {"balance case=200000099", &kPayer, Channel::kSms,
       "I couldn't find case ending 0099 among your cases. Your cases: case ending 0001.",
       "No encontré el caso que termina en 0099 entre sus casos. Sus casos: caso que termina en "
       "0001."},
      // Five cases on SMS: fewer lines so that it fits, still "and N more".
      {"balance", &kMany, Channel::kSms,
       "You have 5 cases:\n"
       "Case ending 0011: you owe $100.00 past due. Current support: $50.00 a month.\n"
       "Case ending 0012: you owe $200.00 past due. Current support: $50.00 a month.\n"
       "Case ending 0013: you owe $300.00 past due. Current support: $50.00 a month.\n"
       "...and 2 more cases. Send a case number to see one case.",
       "Usted tiene 5 casos:\n"
       "Caso que termina en 0011: usted debe $100.00 de manutención atrasada. Manutención actual: "
       "$50.00 al mes.\n"
       "Caso que termina en 0012: usted debe $200.00 de manutención atrasada. Manutención actual: "
       "$50.00 al mes.\n"
       "...y 3 casos más. Envíe un número de caso para ver solo ese caso."},
  };
  return rows;
}

TEST_CASE("balance: payer, receiver, several cases, named, masked (en)", "[bot][en]") {
  CheckRows(BalanceRows(), "en");
}
TEST_CASE("balance: payer, receiver, several cases, named, masked (es)", "[bot][es]") {
  CheckRows(BalanceRows(), "es");
}

// An appointment at 1 PM with no case number.
const bot::ParticipantFacts& OneOClock() {
  static const bot::ParticipantFacts facts = [] {
    bot::ParticipantFacts p = fixture::Receiver();
    p.upcoming_appointments.push_back(bot::Appointment{"A-9", "", Utc(2026, 12, 3, 21),
                                                       Utc(2026, 12, 3, 22), "COURT HEARING",
                                                       "Fresno County Courthouse"});
    return p;
  }();
  return facts;
}

const std::vector<Row>& AppointmentRows() {
  static const std::vector<Row> rows = {
      {"next_appointment", &kPayer, Channel::kWeb,
       "Your next appointment: appellate court hearing on Wednesday, December 2, 2026 at 8:00 AM, "
       "Madera Superior Court (case 200000001). You have 1 more upcoming appointment.",
       "Su próxima cita: audiencia en la corte de apelaciones, el miércoles, 2 de diciembre de "
       "2026, a las 8:00 a. m., en Madera Superior Court (caso 200000001). Tiene 1 cita más "
       "programada."},
      // Once the hearing is over (a minute after it ends), the interview is next.
      {"next_appointment", &kPayer, Channel::kWeb,
       "Your next appointment: interview on Tuesday, January 12, 2027 at 10:30 AM, Madera County "
       "Child Support Office (case 200000001).",
       "Su próxima cita: entrevista, el martes, 12 de enero de 2027, a las 10:30 a. m., en Madera "
       "County Child Support Office (caso 200000001).",
       Utc(2026, 12, 2, 16, 31)},
      {"next_appointment", &kPayer, Channel::kSms,
       "Your next appointment: appellate court hearing on Wednesday, December 2, 2026 at 8:00 AM, "
       "Madera Superior Court (case ending 0001). You have 1 more upcoming appointment.",
       "Su próxima cita: audiencia en la corte de apelaciones, el miércoles, 2 de diciembre de "
       "2026, a las 8:00 a. m., en Madera Superior Court (caso que termina en 0001). Tiene 1 cita "
       "más programada."},
      {"next_appointment", &OneOClock(), Channel::kWeb,
       "Your next appointment: court hearing on Thursday, December 3, 2026 at 1:00 PM, Fresno "
       "County Courthouse.",
       "Su próxima cita: audiencia en la corte, el jueves, 3 de diciembre de 2026, a la 1:00 p. "
       "m., "
       "en Fresno County Courthouse."},
      {"next_appointment", &kReceiver, Channel::kWeb, "You have no upcoming appointments.",
       "No tiene citas programadas."},
      {"next_appointment", &kPayer, Channel::kWeb, "You have no upcoming appointments.",
       "No tiene citas programadas.", Utc(2027, 1, 12, 19)},
      {"next_appointment", &kNoCases, Channel::kWeb,
       "I couldn't find a child support case for your account. If you think this is wrong, call "
       "1-866-901-3212.",
       "No encontré un caso de manutención de menores en su cuenta. Si cree que es un error, "
       "llame al 1-866-901-3212."},
  };
  return rows;
}

TEST_CASE("next appointment: date, time in Los Angeles, type, location (en)", "[bot][en]") {
  CheckRows(AppointmentRows(), "en");
}
TEST_CASE("next appointment: date, time in Los Angeles, type, location (es)", "[bot][es]") {
  CheckRows(AppointmentRows(), "es");
}

const std::vector<Row>& LastPaymentRows() {
  static const std::vector<Row> rows = {
      {"last_payment", &kPayer, Channel::kWeb,
       "Case 200000001: your last payment was $83.08 on November 2, 2026 (income withholding).",
       "Caso 200000001: su último pago fue de $83.08 el 2 de noviembre de 2026 (retención de "
       "ingresos)."},
      {"last_payment", &kReceiver, Channel::kWeb,
       "Case 200000001: the last payment received for you was $83.08 on November 2, 2026 (income "
       "withholding).",
       "Caso 200000001: el último pago recibido para usted fue de $83.08 el 2 de noviembre de 2026 "
       "(retención de ingresos)."},
      {"last_payment", &kMixed, Channel::kWeb,
       "You have 2 cases:\n"
       "Case 200000021: no payments from you in the last 24 months.\n"
       "Case 200000022: the last payment received for you was $25.00 on August 14, 2026 (personal "
       "payment).",
       "Usted tiene 2 casos:\n"
       "Caso 200000021: no hay pagos suyos en los últimos 24 meses.\n"
       "Caso 200000022: el último pago recibido para usted fue de $25.00 el 14 de agosto de 2026 "
       "(pago personal)."},
      {"last_payment case=0013", &kMany, Channel::kSms,
       "Case ending 0013: your last payment was $13.00 on November 3, 2026 (income withholding).",
       "Caso que termina en 0013: su último pago fue de $13.00 el 3 de noviembre de 2026 "
       "(retención de ingresos)."},
      {"last_payment", &kNoCases, Channel::kSms,
       "I couldn't find a child support case for your account. If you think this is wrong, call "
       "1-866-901-3212.",
       "No encontré un caso de manutención de menores en su cuenta. Si cree que es un error, "
       "llame al 1-866-901-3212."},
  };
  return rows;
}

TEST_CASE("last payment: made by a payer, received by a receiver, none (en)", "[bot][en]") {
  CheckRows(LastPaymentRows(), "en");
}
TEST_CASE("last payment: made by a payer, received by a receiver, none (es)", "[bot][es]") {
  CheckRows(LastPaymentRows(), "es");
}

// Eight payments in 2026 (one a month, March to October): more than are listed for a period.
const bot::ParticipantFacts& Busy() {
  static const bot::ParticipantFacts facts = [] {
    bot::ParticipantFacts p = fixture::Payer();
    auto& payments = p.cases[0].payments;
    payments.clear();
    for (unsigned m = 10; m >= 3; --m) {
      payments.push_back(fixture::MakePayment("B-" + std::to_string(m), "200000001",
                                              fixture::Day(2026, m, 15), 10000 + m,
                                              "INCOME WITHHOLDING ORDER"));
    }
    return p;
  }();
  return facts;
}

const std::vector<Row>& HistoryRows() {
  static const std::vector<Row> rows = {
      {"payment_history", &kPayer, Channel::kWeb,
       "Your last 3 payments:\n"
       "- November 2, 2026: $83.08 (income withholding)\n"
       "- October 1, 2026: $83.08 (income withholding)\n"
       "- September 1, 2026: $83.08 (income withholding)",
       "Sus últimos 3 pagos:\n"
       "- 2 de noviembre de 2026: $83.08 (retención de ingresos)\n"
       "- 1 de octubre de 2026: $83.08 (retención de ingresos)\n"
       "- 1 de septiembre de 2026: $83.08 (retención de ingresos)"},
      {"payment_history year=2025", &kPayer, Channel::kWeb,
       "Your payments in 2025: 1 payment, total $120.00.\n"
       "- March 3, 2025: $120.00 (tax refund intercept)",
       "Sus pagos en 2025: 1 pago, total $120.00.\n"
       "- 3 de marzo de 2025: $120.00 (intercepción de reembolso de impuestos)"},
      // A month without a year is the last such month as of now (November 2026).
      {"payment_history month=3", &kPayer, Channel::kWeb,
       "Your payments in March 2026: 1 payment, total $50.00.\n"
       "- March 16, 2026: $50.00 (personal payment)",
       "Sus pagos en marzo de 2026: 1 pago, total $50.00.\n"
       "- 16 de marzo de 2026: $50.00 (pago personal)"},
      {"payment_history month=12", &kPayer, Channel::kWeb, "No payments in December 2025.",
       "No hay pagos en diciembre de 2025."},
      {"payment_history year=2025 month=3", &kPayer, Channel::kWeb,
       "Your payments in March 2025: 1 payment, total $120.00.\n"
       "- March 3, 2025: $120.00 (tax refund intercept)",
       "Sus pagos en marzo de 2025: 1 pago, total $120.00.\n"
       "- 3 de marzo de 2025: $120.00 (intercepción de reembolso de impuestos)"},
      {"payment_history year=2026", &kReceiver, Channel::kWeb,
       "Payments received for you in 2026: 4 payments, total $299.24.\n"
       "- November 2, 2026: $83.08 (income withholding)\n"
       "- October 1, 2026: $83.08 (income withholding)\n"
       "- September 1, 2026: $83.08 (income withholding)\n"
       "- March 16, 2026: $50.00 (personal payment)",
       "Pagos recibidos para usted en 2026: 4 pagos, total $299.24.\n"
       "- 2 de noviembre de 2026: $83.08 (retención de ingresos)\n"
       "- 1 de octubre de 2026: $83.08 (retención de ingresos)\n"
       "- 1 de septiembre de 2026: $83.08 (retención de ingresos)\n"
       "- 16 de marzo de 2026: $50.00 (pago personal)"},
      {"payment_history year=2026", &Busy(), Channel::kWeb,
       "Your payments in 2026: 8 payments, total $800.52.\n"
       "- October 15, 2026: $100.10 (income withholding)\n"
       "- September 15, 2026: $100.09 (income withholding)\n"
       "- August 15, 2026: $100.08 (income withholding)\n"
       "- July 15, 2026: $100.07 (income withholding)\n"
       "- June 15, 2026: $100.06 (income withholding)\n"
       "- May 15, 2026: $100.05 (income withholding)\n"
       "...and 2 more payments.",
       "Sus pagos en 2026: 8 pagos, total $800.52.\n"
       "- 15 de octubre de 2026: $100.10 (retención de ingresos)\n"
       "- 15 de septiembre de 2026: $100.09 (retención de ingresos)\n"
       "- 15 de agosto de 2026: $100.08 (retención de ingresos)\n"
       "- 15 de julio de 2026: $100.07 (retención de ingresos)\n"
       "- 15 de junio de 2026: $100.06 (retención de ingresos)\n"
       "- 15 de mayo de 2026: $100.05 (retención de ingresos)\n"
       "...y 2 pagos más."},
      // Several cases: merged newest first, each line says its case.
      {"payment_history", &kMany, Channel::kWeb,
       "Your last 3 payments:\n"
       "- November 5, 2026: $15.00 (income withholding), case 200000015\n"
       "- November 4, 2026: $14.00 (income withholding), case 200000014\n"
       "- November 3, 2026: $13.00 (income withholding), case 200000013",
       "Sus últimos 3 pagos:\n"
       "- 5 de noviembre de 2026: $15.00 (retención de ingresos), caso 200000015\n"
       "- 4 de noviembre de 2026: $14.00 (retención de ingresos), caso 200000014\n"
       "- 3 de noviembre de 2026: $13.00 (retención de ingresos), caso 200000013"},
      {"payment_history", &kMany, Channel::kSms,
       "Your last 3 payments:\n"
       "- November 5, 2026: $15.00 (income withholding), case ending 0015\n"
       "- November 4, 2026: $14.00 (income withholding), case ending 0014\n"
       "- November 3, 2026: $13.00 (income withholding), case ending 0013",
       "Sus últimos 3 pagos:\n"
       "- 5 de noviembre de 2026: $15.00 (retención de ingresos), caso que termina en 0015\n"
       "- 4 de noviembre de 2026: $14.00 (retención de ingresos), caso que termina en 0014\n"
       "- 3 de noviembre de 2026: $13.00 (retención de ingresos), caso que termina en 0013"},
      {"payment_history", &kMixed, Channel::kWeb,
       "Last payment on your cases:\n"
       "- August 14, 2026: $25.00 (personal payment), case 200000022",
       "Último pago en sus casos:\n"
       "- 14 de agosto de 2026: $25.00 (pago personal), caso 200000022"},
      {"payment_history case=200000021", &kMixed, Channel::kWeb,
       "No payments in the last 24 months.", "No hay pagos en los últimos 24 meses."},
  };
  return rows;
}

TEST_CASE("payment history: recent, by year, by month, several cases (en)", "[bot][en]") {
  CheckRows(HistoryRows(), "en");
}
TEST_CASE("payment history: recent, by year, by month, several cases (es)", "[bot][es]") {
  CheckRows(HistoryRows(), "es");
}

const std::vector<Row>& StatusRows() {
  static const std::vector<Row> rows = {
      {"case_status", &kPayer, Channel::kWeb,
       "Case 200000001 (Madera County): status open, opened January 10, 2018. Court order "
       "MCV012345 filed March 27, 2018: active.",
       "Caso 200000001 (condado de Madera): estado abierto, fecha de apertura 10 de enero de 2018. "
       "Orden judicial MCV012345 del 27 de marzo de 2018: estado vigente."},
      // On SMS, no court case number: only how many orders.
      {"case_status", &kPayer, Channel::kSms,
       "Case ending 0001 (Madera County): status open, opened January 10, 2018. 1 court order on "
       "file.",
       "Caso que termina en 0001 (condado de Madera): estado abierto, fecha de apertura 10 de "
       "enero de 2018. 1 orden judicial registrada."},
      {"case_status", &kMixed, Channel::kWeb,
       "You have 2 cases:\n"
       "Case 200000021 (Kings County): status open, opened June 1, 2024. No court orders.\n"
       "Case 200000022 (Kings County): status closed, opened June 1, 2024. No court orders.",
       "Usted tiene 2 casos:\n"
       "Caso 200000021 (condado de Kings): estado abierto, fecha de apertura 1 de junio de 2024. "
       "No hay órdenes judiciales.\n"
       "Caso 200000022 (condado de Kings): estado cerrado, fecha de apertura 1 de junio de 2024. "
       "No hay órdenes judiciales."},
      {"case_status case=0012", &kMany, Channel::kWeb,
       "Case 200000012 (San Luis Obispo County): status open, opened February 5, 2019. No court "
       "orders.",
       "Caso 200000012 (condado de San Luis Obispo): estado abierto, fecha de apertura 5 de "
       "febrero de 2019. No hay órdenes judiciales."},
      {"case_status", &kNoCases, Channel::kWeb,
       "I couldn't find a child support case for your account. If you think this is wrong, call "
       "1-866-901-3212.",
       "No encontré un caso de manutención de menores en su cuenta. Si cree que es un error, "
       "llame al 1-866-901-3212."},
  };
  return rows;
}

TEST_CASE("case status: status, county, opened, orders (en)", "[bot][en]") {
  CheckRows(StatusRows(), "en");
}
TEST_CASE("case status: status, county, opened, orders (es)", "[bot][es]") {
  CheckRows(StatusRows(), "es");
}

const std::vector<Row>& UnlinkedRows() {
  static const std::string en =
      "To see your case information, text your Participant ID and PIN, e.g. 100000001 123456.";
  static const std::string es =
      "Para ver la información de su caso, envíe por mensaje de texto su número de participante y "
      "su PIN, por ejemplo: 100000001 123456.";
  static const std::vector<Row> rows = {
      {"balance", nullptr, Channel::kSms, en, es},
      {"next_appointment", nullptr, Channel::kSms, en, es},
      {"last_payment", nullptr, Channel::kSms, en, es},
      {"payment_history year=2025", nullptr, Channel::kSms, en, es},
      {"case_status case=0001", nullptr, Channel::kSms, en, es},
  };
  return rows;
}

TEST_CASE("unlinked SMS: case questions get how to link (en)", "[bot][en]") {
  CheckRows(UnlinkedRows(), "en");
}
TEST_CASE("unlinked SMS: case questions get how to link (es)", "[bot][es]") {
  CheckRows(UnlinkedRows(), "es");
}

// On a call: case numbers digit by digit, at most three items in a list, court case numbers
// counted (not read: letters and digits spoken by text-to-speech are hard to follow).
const std::vector<Row>& VoiceRows() {
  static const std::vector<Row> rows = {
      {"balance", &kPayer, Channel::kVoice,
       "Case 2 0 0 0 0 0 0 0 1: you owe $667.93 past due. Current support: $10.00 a month, plus "
       "$50.00 a month toward the past-due balance.",
       "Caso 2 0 0 0 0 0 0 0 1: usted debe $667.93 de manutención atrasada. Manutención actual: "
       "$10.00 al mes, más $50.00 al mes para el saldo atrasado."},
      {"balance", &kMany, Channel::kVoice,
       "You have 5 cases:\n"
       "Case 2 0 0 0 0 0 0 1 1: you owe $100.00 past due. Current support: $50.00 a month.\n"
       "Case 2 0 0 0 0 0 0 1 2: you owe $200.00 past due. Current support: $50.00 a month.\n"
       "Case 2 0 0 0 0 0 0 1 3: you owe $300.00 past due. Current support: $50.00 a month.\n"
       "...and 2 more cases. A caseworker can tell you about them: say agent.",
       "Usted tiene 5 casos:\n"
       "Caso 2 0 0 0 0 0 0 1 1: usted debe $100.00 de manutención atrasada. Manutención actual: "
       "$50.00 al mes.\n"
       "Caso 2 0 0 0 0 0 0 1 2: usted debe $200.00 de manutención atrasada. Manutención actual: "
       "$50.00 al mes.\n"
       "Caso 2 0 0 0 0 0 0 1 3: usted debe $300.00 de manutención atrasada. Manutención actual: "
       "$50.00 al mes.\n"
       "...y 2 casos más. Un trabajador de casos le puede informar sobre esos casos: diga "
       "agente."},
      {"case_status", &kPayer, Channel::kVoice,
       "Case 2 0 0 0 0 0 0 0 1 (Madera County): status open, opened January 10, 2018. 1 court "
       "order on file.",
       "Caso 2 0 0 0 0 0 0 0 1 (condado de Madera): estado abierto, fecha de apertura 10 de enero "
       "de 2018. 1 orden judicial registrada."},
      {"payment_history", &kMany, Channel::kVoice,
       "Your last 3 payments:\n"
       "- November 5, 2026: $15.00 (income withholding), case 2 0 0 0 0 0 0 1 5\n"
       "- November 4, 2026: $14.00 (income withholding), case 2 0 0 0 0 0 0 1 4\n"
       "- November 3, 2026: $13.00 (income withholding), case 2 0 0 0 0 0 0 1 3",
       "Sus últimos 3 pagos:\n"
       "- 5 de noviembre de 2026: $15.00 (retención de ingresos), caso 2 0 0 0 0 0 0 1 5\n"
       "- 4 de noviembre de 2026: $14.00 (retención de ingresos), caso 2 0 0 0 0 0 0 1 4\n"
       "- 3 de noviembre de 2026: $13.00 (retención de ingresos), caso 2 0 0 0 0 0 0 1 3"},
      {"balance case=9999", &kMany, Channel::kVoice,
       "I couldn't find case 9 9 9 9 among your cases. Your cases: case 2 0 0 0 0 0 0 1 1, case "
       "2 0 0 0 0 0 0 1 2, case 2 0 0 0 0 0 0 1 3 and 2 more.",
       "No encontré el caso 9 9 9 9 entre sus casos. Sus casos: caso 2 0 0 0 0 0 0 1 1, caso 2 0 "
       "0 0 0 0 0 1 2, caso 2 0 0 0 0 0 0 1 3 y 2 más."},
  };
  return rows;
}

TEST_CASE("on a call: case numbers digit by digit, short lists (en)", "[bot][en]") {
  CheckRows(VoiceRows(), "en");
}
TEST_CASE("on a call: case numbers digit by digit, short lists (es)", "[bot][es]") {
  CheckRows(VoiceRows(), "es");
}

TEST_CASE("a web conversation without facts gets no case, not a crash", "[bot][en][es]") {
  for (const char* lang : {"en", "es"}) {
    bot::Reply reply = ScriptedBot().Answer("balance", nullptr, Web(lang), fixture::Now());
    CHECK(reply.text == RealCatalog().Format(lang, "bot.no_case"));
  }
}

}  // namespace
}  // namespace connecthub::bot_test
