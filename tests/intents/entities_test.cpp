#include <catch2/catch.hpp>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

using testing::Shared;

TEST_CASE("entities: case numbers", "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("balance for case 200000001", std::nullopt).entities.case_number == "200000001");
  CHECK(c.Classify("saldo del caso 200000002 por favor", std::nullopt).entities.case_number ==
        "200000002");
  CHECK(c.Classify("my case ending 0001", std::nullopt).entities.case_number == "0001");
  CHECK(c.Classify("case ending in 2024", std::nullopt).entities.case_number == "2024");
  CHECK(c.Classify("caso terminado en 0042", std::nullopt).entities.case_number == "0042");
  CHECK(c.Classify("el caso que termina en 7731", std::nullopt).entities.case_number == "7731");
  CHECK_FALSE(c.Classify("i paid 250 dollars", std::nullopt).entities.case_number.has_value());
  CHECK_FALSE(c.Classify("call 5595550101", std::nullopt).entities.case_number.has_value());
}

TEST_CASE("entities: a case named by its last 4 digits after the word case", "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("how much do i owe on case 0013", std::nullopt).entities.case_number == "0013");
  CHECK(c.Classify("balance case number 0013", std::nullopt).entities.case_number == "0013");
  CHECK(c.Classify("cuanto debo en el caso 0013", std::nullopt).entities.case_number == "0013");
  CHECK(c.Classify("caso no. 4410 pagos", std::nullopt).entities.case_number == "4410");
  // A year elsewhere stays a year.
  Classification year = c.Classify("payments on my case in 2024", std::nullopt);
  CHECK_FALSE(year.entities.case_number.has_value());
  CHECK(year.entities.year == 2024);
}

TEST_CASE("entities: the other parent", "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("did the dad pay this month", std::nullopt).entities.other_parent);
  CHECK(c.Classify("when did the other parent last pay", std::nullopt).entities.other_parent);
  CHECK(c.Classify("ya pagó el papá de mis hijos", std::nullopt).entities.other_parent);
  CHECK(c.Classify("cuanto me debe mi ex", std::nullopt).entities.other_parent);
  CHECK_FALSE(c.Classify("how much do i owe", std::nullopt).entities.other_parent);
  CHECK_FALSE(c.Classify("cuánto debo", std::nullopt).entities.other_parent);
}

TEST_CASE("entities: years 2015-2035", "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("payments in 2023", std::nullopt).entities.year == 2023);
  CHECK(c.Classify("pagos del 2019", std::nullopt).entities.year == 2019);
  CHECK_FALSE(c.Classify("payments in 1999", std::nullopt).entities.year.has_value());
  CHECK_FALSE(c.Classify("case ending in 2024", std::nullopt).entities.year.has_value());
}

TEST_CASE("entities: months in English", "[intents][en]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("payments in January", std::nullopt).entities.month == 1);
  CHECK(c.Classify("what did I pay in sept 2024", std::nullopt).entities.month == 9);
  CHECK(c.Classify("payments from dec", std::nullopt).entities.month == 12);
  CHECK(c.Classify("payments in may", std::nullopt).entities.month == 5);
  // "may" the verb is not a month.
  CHECK_FALSE(c.Classify("may I pay online", std::nullopt).entities.month.has_value());
}

TEST_CASE("entities: months in Spanish", "[intents][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("pagos de marzo", std::nullopt).entities.month == 3);
  CHECK(c.Classify("pagos de ene 2024", std::nullopt).entities.month == 1);
  CHECK(c.Classify("cuánto pagué en septiembre", std::nullopt).entities.month == 9);
  CHECK(c.Classify("pagos de diciembre de 2022", std::nullopt).entities.year == 2022);
}

TEST_CASE("entities: requested language", "[intents][en][es]") {
  const Classifier& c = Shared();
  CHECK(c.Classify("english please", Lang::kEs).entities.language == Lang::kEn);
  CHECK(c.Classify("en español", Lang::kEn).entities.language == Lang::kEs);
  CHECK_FALSE(c.Classify("what is my balance", Lang::kEn).entities.language.has_value());
  // A language named in passing is not a request.
  CHECK_FALSE(c.Classify("my son is taking a spanish class and i need my balance", Lang::kEn)
                  .entities.language.has_value());
}

}  // namespace
}  // namespace connecthub::intents
