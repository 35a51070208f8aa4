#pragma once

#include <memory>
#include <string>

#include "bot/bot.h"

namespace connecthub::intents {
class Classifier;
}
namespace connecthub::locales {
class Catalog;
}

namespace connecthub::bot {

// Builds a bot from its parts (Bot::Create passes the trained classifier and the embedded
// catalogs; tests pass a scripted classifier). Fails (nullptr plus *error) when a part is missing
// or options.time_zone is unknown.
std::unique_ptr<Bot> NewBot(const BotOptions& options,
                            std::unique_ptr<const intents::Classifier> classifier,
                            std::unique_ptr<const locales::Catalog> catalog, std::string* error);

}  // namespace connecthub::bot
