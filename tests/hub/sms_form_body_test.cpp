#include <catch2/catch.hpp>

#include "sms/form_body.h"

using connecthub::hub::sms::EncodeForm;
using connecthub::hub::sms::FormLimits;
using connecthub::hub::sms::IsValidUtf8;
using connecthub::hub::sms::ParseForm;

TEST_CASE("form bodies decode plus, percent escapes and keep every field", "[hub][sms]") {
  auto f = ParseForm("MessageSid=SM123&Body=cu%C3%A1nto+debo%3F&From=%2B15595550101&X-Extra=1");
  REQUIRE(f.ok());
  CHECK(f->Get("MessageSid") == "SM123");
  CHECK(f->Get("Body") == "cuánto debo?");
  CHECK(f->Get("From") == "+15595550101");
  CHECK(f->Get("X-Extra") == "1");
  CHECK(f->all().size() == 4);
  CHECK(f->Get("Missing", "none") == "none");
}

TEST_CASE("form bodies keep duplicate keys, empty values and skip empty pairs", "[hub][sms]") {
  auto f = ParseForm("a=1&&a=2&b=&c");
  REQUIRE(f.ok());
  REQUIRE(f->all().size() == 4);
  CHECK(f->Get("a") == "1");
  CHECK(f->all()[1].second == "2");
  CHECK(f->Get("b") == "");
  CHECK(f->Has("c"));
  CHECK(ParseForm("").ok());
  CHECK(ParseForm("")->all().empty());
}

TEST_CASE("garbage form bodies are rejected cleanly", "[hub][sms]") {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "=value", "%=1", "a=%00", "a=%C3", "a=%FF%FE",
                          "a=%ED%A0%80", "a=%C0%AF"}) {
    INFO(bad);
    auto f = ParseForm(bad);
    CHECK_FALSE(f.ok());
    CHECK_FALSE(f.status().message().empty());
  }
  std::string many;
  for (int i = 0; i < 300; ++i) many += "k" + std::to_string(i) + "=v&";
  CHECK_FALSE(ParseForm(many, FormLimits{.max_fields = 256}).ok());
}

TEST_CASE("form encoding round-trips through the parser", "[hub][sms]") {
  std::string body = EncodeForm({{"Body", "¿Cuánto debo? 100% & más"}, {"To", "+15595550101"}});
  CHECK(body.find(' ') == std::string::npos);
  auto f = ParseForm(body);
  REQUIRE(f.ok());
  CHECK(f->Get("Body") == "¿Cuánto debo? 100% & más");
  CHECK(f->Get("To") == "+15595550101");
}

TEST_CASE("UTF-8 validation", "[hub][sms]") {
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("año ¿qué? 😀"));
  CHECK_FALSE(IsValidUtf8("\xC3"));
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
}
