// libFuzzer target: the intent classifier and the ICU normaliser on arbitrary bytes (invalid UTF-8,
// control characters, huge words). Invariants: no crash, confidences are probabilities, Normalize
// returns valid output twice the same way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "intents/classifier.h"

namespace intents = connecthub::intents;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<intents::Classifier> classifier = [] {
    std::string error;
    auto c = intents::Classifier::Create({}, &error);
    if (!c) std::abort();
    return c;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string normalized = intents::Normalize(text);
  if (intents::Normalize(text) != normalized) std::abort();
  for (auto lang :
       {std::optional<intents::Lang>{}, std::optional<intents::Lang>{intents::Lang::kEn},
        std::optional<intents::Lang>{intents::Lang::kEs}}) {
    intents::Classification c = classifier->Classify(text, lang);
    if (!(c.confidence >= 0 && c.confidence <= 1)) std::abort();
    if (!(c.lang_confidence >= 0 && c.lang_confidence <= 1)) std::abort();
  }
  return 0;
}
