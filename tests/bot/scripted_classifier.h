#pragma once

#include <charconv>
#include <string>
#include <string_view>

#include "intents/classifier.h"

namespace connecthub::bot_test {

// A classifier whose answer is written in the message, so bot tests say exactly what the bot was
// told: "<intent> [lang=en|es] [case=DIGITS] [year=N] [month=N] [to=en|es] [conf=0.N] [safety]".
// Without lang= the conversation's language stays (English on a first message). Thread-safe.
class ScriptedClassifier final : public intents::Classifier {
 public:
  intents::Classification Classify(std::string_view text,
                                   std::optional<intents::Lang> conversation_lang) const override {
    intents::Classification c;
    c.lang = conversation_lang.value_or(intents::Lang::kEn);
    c.confidence = 0.9;
    bool first = true;
    while (!text.empty()) {
      size_t space = text.find(' ');
      std::string_view word = text.substr(0, space);
      text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
      if (first) {
        c.intent = intents::ParseIntent(word).value_or(intents::Intent::kUnknown);
        first = false;
        continue;
      }
      size_t eq = word.find('=');
      std::string_view key = word.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : word.substr(eq + 1);
      if (key == "lang") {
        c.lang = intents::ParseLang(value).value_or(c.lang);
      } else if (key == "case") {
        c.entities.case_number = std::string(value);
      } else if (key == "year") {
        c.entities.year = Int(value);
      } else if (key == "month") {
        c.entities.month = Int(value);
      } else if (key == "to") {
        c.entities.language = intents::ParseLang(value);
      } else if (key == "conf") {
        c.confidence = std::stod(std::string(value));
      } else if (key == "safety") {
        c.safety = true;
      }
    }
    return c;
  }

 private:
  static int Int(std::string_view s) {
    int n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return n;
  }
};

}  // namespace connecthub::bot_test
