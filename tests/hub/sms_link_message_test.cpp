#include <catch2/catch.hpp>

#include "sms/link_message.h"

using connecthub::hub::sms::ParseLinkMessage;
using connecthub::hub::sms::RedactPin;

TEST_CASE("link messages in many spellings", "[hub][sms]") {
  for (const char* t : {"100000001 482913", "100000001-482913", "100000001,482913",
                        " 100000001   482913 ", "ID 100000001 PIN 482913",
                        "id: 100000001 pin: 482913", "100 000 001 482913", "100-000-001 / 482913",
                        "ID#100000001 PIN#482913", "my id is 100000001 and my pin is 482913"}) {
    INFO(t);
    auto a = ParseLinkMessage(t);
    REQUIRE(a);
    CHECK(a->participant_id == "100000001");
    CHECK(a->pin == "482913");
    CHECK(a->redacted.find("482913") == std::string::npos);
    CHECK(a->redacted.find("••••••") != std::string::npos);
  }
}

TEST_CASE("Spanish link messages", "[hub][sms][es]") {
  for (const char* t : {"Participante 100000001 NIP 482913",
                        "mi número es 100000001 y mi clave 482913", "¿100000001 482913?"}) {
    INFO(t);
    auto a = ParseLinkMessage(t);
    REQUIRE(a);
    CHECK(a->participant_id == "100000001");
    CHECK(a->pin == "482913");
  }
}

TEST_CASE("ordinary messages are not link attempts", "[hub][sms]") {
  for (const char* t : {"how much do I owe", "cuánto debo", "482913", "100000001",
                        "I paid 100 dollars on 2024", "call me at 559 555 0101", "100000001 12",
                        "100000001 482913 extra words", "hola 100000001 482913", "12345 678901"}) {
    INFO(t);
    CHECK_FALSE(ParseLinkMessage(t));
  }
}

TEST_CASE("redaction keeps the ID and removes only the PIN", "[hub][sms]") {
  CHECK(RedactPin("100000001 482913") == "100000001 ••••••");
  CHECK(RedactPin("ID 100000001 PIN 482913.") == "ID 100000001 PIN ••••••.");
  CHECK(RedactPin("cuánto debo") == "cuánto debo");
}
