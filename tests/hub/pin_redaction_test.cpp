// A PIN inside a text the link parser gives up on (or typed into web chat) is masked before it is
// stored; money, dates, ids and ordinary numbers are kept.
#include <catch2/catch.hpp>

#include "sms/link_message.h"

namespace connecthub::hub::sms {
namespace {

TEST_CASE("RedactPin: PINs among other words, English and Spanish", "[hub][sms]") {
  CHECK(RedactPin("hi, my pin is 482913, why can't I log in?") ==
        "hi, my pin is ••••••, why can't I log in?");
  CHECK(RedactPin("PIN:482913") == "PIN:••••••");
  CHECK(RedactPin("my PIN-4829") == "my PIN-••••••");
  CHECK(RedactPin("100000001 and my password would be 482913 thanks") ==
        "100000001 and my password would be •••••• thanks");
  CHECK(RedactPin("hola, mi NIP es 482913, no puedo entrar") ==
        "hola, mi NIP es ••••••, no puedo entrar");
  CHECK(RedactPin("100000001 y mi clave 482913 gracias") == "100000001 y mi clave •••••• gracias");
  CHECK(RedactPin("soy 100000001, código 482913") == "soy 100000001, código ••••••");
  CHECK(RedactPin("my id 100000001 then 482913 please help") ==
        "my id 100000001 then •••••• please help");
  // The link message itself, as before.
  CHECK(RedactPin("100000001 482913") == "100000001 ••••••");
}

TEST_CASE("RedactPin keeps what is not a PIN", "[hub][sms]") {
  for (const char* text : {
           "I paid 1000 dollars yesterday",
           "what is my balance",
           "my pin is not working",
           "pin reset please, I paid $1000",
           "mi clave no funciona desde el 2026-11-23",
           "pin? I paid 1,000.00 on 11/23",
           "case 200000001 shows 667.93 past due",
           "my pin was reset, the order is MCV012345",
           "pin 12",
           "¿cuánto debo?",
           "",
       }) {
    CHECK(RedactPin(text) == text);
  }
  // A number of PIN length too far after the label (more than 3 words) is kept.
  CHECK(RedactPin("pin changed and then I paid 5000") == "pin changed and then I paid 5000");
}

TEST_CASE("RedactPin never crashes on garbage", "[hub][sms]") {
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes += static_cast<char>((i * 37 + 11) % 256);
  CHECK_NOTHROW(RedactPin(bytes));
  CHECK_NOTHROW(RedactPin("pin \xff\xfe 482913"));
  CHECK(RedactPin(std::string(5000, '9')).size() == 5000);
}

}  // namespace
}  // namespace connecthub::hub::sms
