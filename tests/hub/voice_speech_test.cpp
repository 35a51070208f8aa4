#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "locales/catalog.h"
#include "voice/speech.h"
#include "voice/voice_twiml.h"

namespace voice = connecthub::hub::voice;
using voice::ReadSpeech;
using voice::Word;

namespace {

const connecthub::locales::Catalog& Catalog() {
  static const std::unique_ptr<connecthub::locales::Catalog> catalog = [] {
    std::string error;
    auto c = connecthub::locales::Catalog::Create(connecthub::locales::CatalogOptions{}, &error);
    INFO(error);
    REQUIRE(c != nullptr);
    return c;
  }();
  return *catalog;
}

}  // namespace

TEST_CASE("voice: amounts are spoken in dollars and cents, in English and Spanish",
          "[hub][voice]") {
  const auto& c = Catalog();
  CHECK(voice::ForTheEar("You owe $667.93 past due.", "en", c) ==
        "You owe 667 dollars and 93 cents past due.");
  CHECK(voice::ForTheEar("Usted debe $667.93.", "es", c) ==
        "Usted debe 667 dólares con 93 centavos.");
  CHECK(voice::ForTheEar("$1.00 and $0.01", "en", c) == "1 dollar and 1 cent");
  CHECK(voice::ForTheEar("$0.50", "es", c) == "50 centavos");
  CHECK(voice::ForTheEar("$0.00", "en", c) == "0 dollars");
  CHECK(voice::ForTheEar("$1.00", "es", c) == "1 dólar");
  CHECK(voice::ForTheEar("$50", "en", c) == "50 dollars");
  // Thousands separators are read as one number, whatever ICU groups them as.
  std::string big = voice::ForTheEar("$1,234.50", "en", c);
  CHECK(big.find("dollars and 50 cents") != std::string::npos);
  CHECK(big.find('$') == std::string::npos);
  // Not amounts: left as they are.
  CHECK(voice::ForTheEar("a $ sign, $x and US$", "en", c) == "a $ sign, $x and US$");
  CHECK(voice::ForTheEar("$12.345", "en", c) == "12 dollars.345");
}

TEST_CASE("voice: each line of an answer becomes a sentence", "[hub][voice]") {
  const auto& c = Catalog();
  CHECK(voice::ForTheEar("Recent payments:\n10/01 $83.08\n09/01 $50.00", "en", c) ==
        "Recent payments: 10/01 83 dollars and 8 cents. 09/01 50 dollars");
  CHECK(voice::ForTheEar("Done.\nNext?", "en", c) == "Done. Next?");
  // List bullets are not read out; a dash inside a line stays.
  CHECK(
      voice::ForTheEar("Last 2 payments:\n- November 12: $83.08\n- October 13: $50.00", "en", c) ==
      "Last 2 payments: November 12: 83 dollars and 8 cents. October 13: 50 dollars");
  CHECK(voice::ForTheEar("- a - b", "en", c) == "a - b");
  CHECK(voice::ForTheEar("", "en", c).empty());
}

TEST_CASE("voice: the call flow's own words in both languages", "[hub][voice]") {
  CHECK(ReadSpeech("Yes.") == Word::kYes);
  CHECK(ReadSpeech("yes please") == Word::kYes);
  CHECK(ReadSpeech("Sí") == Word::kYes);
  CHECK(ReadSpeech("SI, por favor") == Word::kYes);
  CHECK(ReadSpeech("No.") == Word::kNo);
  CHECK(ReadSpeech("Agent") == Word::kAgent);
  CHECK(ReadSpeech("un agente") == Word::kAgent);
  CHECK(ReadSpeech("Español") == Word::kSpanish);
  CHECK(ReadSpeech("More.") == Word::kMore);
  CHECK(ReadSpeech("más") == Word::kMore);
  CHECK(ReadSpeech("Payments") == Word::kPayments);
  CHECK(ReadSpeech("pagos") == Word::kPayments);
  CHECK(ReadSpeech("No, thank you.") == Word::kDone);
  CHECK(ReadSpeech("nada más") == Word::kDone);
  CHECK(ReadSpeech("Eso es todo.") == Word::kDone);
  CHECK(ReadSpeech("Goodbye!") == Word::kDone);
  // A sentence that merely contains one of the words is for the bot.
  CHECK(ReadSpeech("no I did not get my payment") == Word::kNone);
  CHECK(ReadSpeech("I want to talk to an agent about my case") == Word::kNone);
  CHECK(ReadSpeech("what is my balance") == Word::kNone);
  CHECK(ReadSpeech("") == Word::kNone);
  CHECK(ReadSpeech("   ...  ") == Word::kNone);
  CHECK(ReadSpeech("\xC3\x28 invalid") == Word::kNone);
}

TEST_CASE("voice: answering the greeting in Spanish", "[hub][voice]") {
  CHECK(voice::SaidInSpanish("Sí"));
  CHECK(voice::SaidInSpanish("claro"));
  CHECK(voice::SaidInSpanish("agente"));
  CHECK(voice::SaidInSpanish("en español"));
  CHECK_FALSE(voice::SaidInSpanish("yes"));
  CHECK_FALSE(voice::SaidInSpanish("no"));  // the same word in both languages
  CHECK_FALSE(voice::SaidInSpanish("Spanish"));
  CHECK_FALSE(voice::SaidInSpanish("cuánto debo"));
}

TEST_CASE("voice: TwiML says, gathers, dials and hangs up, escaped", "[hub][voice]") {
  voice::GatherSpec keys;
  keys.action = "/voice/twilio/gather?step=pin&x=<1>";
  keys.speech = false;
  keys.num_digits = 0;
  voice::GatherSpec speech;
  speech.action = "/voice/twilio/gather";
  speech.lang = "es";
  speech.hints = "saldo, pagos";
  std::string xml = voice::VoiceResponse()
                        .Say("Tom & \"Jerry\" <b>", "en")
                        .Gather(keys, {{"Enter your PIN", "en"}, {"Marque su PIN", "es"}})
                        .Gather(speech, {})
                        .Dial("+15550100")
                        .Hangup()
                        .Xml();
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
        "<Say language=\"en-US\">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</Say>"
        "<Gather input=\"dtmf\" action=\"/voice/twilio/gather?step=pin&amp;x=&lt;1&gt;\" "
        "method=\"POST\" actionOnEmptyResult=\"true\" timeout=\"6\" finishOnKey=\"#\">"
        "<Say language=\"en-US\">Enter your PIN</Say><Say language=\"es-US\">Marque su PIN</Say>"
        "</Gather>"
        "<Gather input=\"dtmf speech\" action=\"/voice/twilio/gather\" method=\"POST\" "
        "actionOnEmptyResult=\"true\" timeout=\"6\" numDigits=\"1\" language=\"es-US\" "
        "speechTimeout=\"auto\" hints=\"saldo, pagos\"></Gather>"
        "<Dial>+15550100</Dial><Hangup/></Response>");
  CHECK(voice::VoiceResponse().Say("", "en").Xml() ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
  CHECK(voice::SpeechLanguage("es") == "es-US");
  CHECK(voice::SpeechLanguage("en") == "en-US");
  CHECK(voice::SpeechLanguage("fr") == "en-US");
}
