#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::voice {

// Twilio's speech language for a conversation language: "es" -> "es-US", anything else "en-US".
std::string_view SpeechLanguage(std::string_view lang);

// What one <Gather> collects and where its answer goes.
struct GatherSpec {
  std::string action;       // the URL Twilio POSTs the answer to (the hub's, under /voice/)
  bool speech = true;       // input="dtmf speech"; false: keys only (IDs and PINs are never spoken)
  int num_digits = 1;       // 0: until finish_on_key ('#')
  int timeout_s = 6;        // silence before the answer is sent empty
  std::string lang = "en";  // speech recognised in this language
  std::string hints;        // expected words, comma separated (speech recognition hints)
};

// A TwiML voice response, built verb by verb. Text is XML-escaped (sms::XmlEscape); every <Say>
// names its language.
class VoiceResponse {
 public:
  // <Say language="en-US|es-US">text</Say>; empty text says nothing.
  VoiceResponse& Say(std::string_view text, std::string_view lang);
  // <Gather input=… action=… method="POST" actionOnEmptyResult="true" …> around `says` (pairs of
  // text and language): the prompt is heard while the caller may already answer.
  VoiceResponse& Gather(const GatherSpec& spec,
                        const std::vector<std::pair<std::string, std::string>>& says);
  // <Dial>number</Dial>: the call goes on to that number.
  VoiceResponse& Dial(std::string_view number);
  VoiceResponse& Hangup();
  std::string Xml() const;

 private:
  std::string body_;
};

}  // namespace connecthub::hub::voice
