#include "voice/voice_twiml.h"

#include "sms/twiml.h"

namespace connecthub::hub::voice {
namespace {

std::string SayXml(std::string_view text, std::string_view lang) {
  if (text.empty()) return {};
  return "<Say language=\"" + std::string(SpeechLanguage(lang)) + "\">" + sms::XmlEscape(text) +
         "</Say>";
}

std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + sms::XmlEscape(value) + "\"";
}

}  // namespace

std::string_view SpeechLanguage(std::string_view lang) { return lang == "es" ? "es-US" : "en-US"; }

VoiceResponse& VoiceResponse::Say(std::string_view text, std::string_view lang) {
  body_ += SayXml(text, lang);
  return *this;
}

VoiceResponse& VoiceResponse::Gather(const GatherSpec& spec,
                                     const std::vector<std::pair<std::string, std::string>>& says) {
  body_ += "<Gather";
  body_ += Attr("input", spec.speech ? "dtmf speech" : "dtmf");
  body_ += Attr("action", spec.action);
  body_ += Attr("method", "POST");
  body_ += Attr("actionOnEmptyResult", "true");
  body_ += Attr("timeout", std::to_string(spec.timeout_s));
  if (spec.num_digits > 0) {
    body_ += Attr("numDigits", std::to_string(spec.num_digits));
  } else {
    body_ += Attr("finishOnKey", "#");
  }
  if (spec.speech) {
    body_ += Attr("language", SpeechLanguage(spec.lang));
    body_ += Attr("speechTimeout", "auto");
    if (!spec.hints.empty()) body_ += Attr("hints", spec.hints);
  }
  body_ += ">";
  for (const auto& [text, lang] : says) body_ += SayXml(text, lang);
  body_ += "</Gather>";
  return *this;
}

VoiceResponse& VoiceResponse::Dial(std::string_view number) {
  body_ += "<Dial>" + sms::XmlEscape(number) + "</Dial>";
  return *this;
}

VoiceResponse& VoiceResponse::Hangup() {
  body_ += "<Hangup/>";
  return *this;
}

std::string VoiceResponse::Xml() const {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + body_ + "</Response>";
}

}  // namespace connecthub::hub::voice
