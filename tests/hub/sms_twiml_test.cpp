#include <catch2/catch.hpp>

#include "sms/twiml.h"

using connecthub::hub::sms::BuildTwiml;
using connecthub::hub::sms::XmlEscape;

TEST_CASE("TwiML: empty response and messages", "[hub][sms]") {
  CHECK(BuildTwiml({}) == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  CHECK(BuildTwiml({""}) == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  CHECK(BuildTwiml({"Hi", "Adiós"}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Hi</Message>"
        "<Message>Adiós</Message></Response>");
}

TEST_CASE("XML escaping of markup and invalid characters", "[hub][sms]") {
  CHECK(XmlEscape("<b>Tom & \"Jerry's\"</b>") ==
        "&lt;b&gt;Tom &amp; &quot;Jerry&apos;s&quot;&lt;/b&gt;");
  CHECK(XmlEscape("a\x01"
                  "b\x0B"
                  "c\td\ne") == "abc\td\ne");
  CHECK(XmlEscape("bad \xC3 byte") == "bad \xEF\xBF\xBD byte");  // U+FFFD
  CHECK(XmlEscape("\xEF\xBF\xBE") == "");                        // U+FFFE is not XML
  CHECK(XmlEscape("¿Cuánto? 😀 ]]>") == "¿Cuánto? 😀 ]]&gt;");
}
