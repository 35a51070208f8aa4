#include <span>
#include <string_view>
#include <utility>

#include "intents/classifier.h"

namespace connecthub::intents {
namespace data {
// Generated from intents/data by connecthub_embed() (intents/CMakeLists.txt).
std::span<const std::pair<std::string_view, std::string_view>> TrainingFiles();
}  // namespace data

std::unique_ptr<Classifier> Classifier::Create(const ClassifierOptions& options,
                                               std::string* error) {
  std::string_view en, es;
  for (const auto& [path, contents] : data::TrainingFiles()) {
    if (path == "en.tsv") en = contents;
    if (path == "es.tsv") es = contents;
  }
  if (en.empty() || es.empty()) {
    if (error != nullptr) *error = "embedded training data is missing";
    return nullptr;
  }
  return CreateFromTsv(options, en, es, error);
}

}  // namespace connecthub::intents
