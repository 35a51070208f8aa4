#include <algorithm>

#include "bot_impl.h"
#include "intents/classifier.h"
#include "locales/catalog.h"
#include "locales/other_languages.h"

namespace connecthub::bot {

// Kept apart from bot.cpp so that tests which inject their own classifier do not link the real
// one's training.
std::unique_ptr<Bot> Bot::Create(const BotOptions& options, std::string* error) {
  intents::ClassifierOptions classifier_options;
  classifier_options.threshold = options.intent_threshold;
  auto classifier = intents::Classifier::Create(classifier_options, error);
  if (!classifier) return nullptr;
  locales::CatalogOptions catalog_options;
  catalog_options.time_zone = options.time_zone;
  auto catalog = locales::Catalog::Create(catalog_options, error);
  if (!catalog) return nullptr;
  std::vector<locales::InterpreterNotice> notices;
  if (!locales::LoadInterpreterNotices(&notices, error)) return nullptr;
  // Every language the classifier names must have its notice (the agency adds both files).
  for (const std::string& code : intents::OtherLanguageCodes()) {
    if (std::none_of(notices.begin(), notices.end(),
                     [&](const auto& n) { return n.code == code; })) {
      *error = "bot: intents/data/other-languages.txt names '" + code + "' but locales/other/" +
               code + ".properties is missing";
      return nullptr;
    }
  }
  return NewBot(options, std::move(classifier), std::move(catalog), error);
}

}  // namespace connecthub::bot
