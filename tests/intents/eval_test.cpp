#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

constexpr const char* kDevSet = CONNECTHUB_SOURCE_DIR "/../shared/eval/intents-dev.tsv";

TEST_CASE("dev set accuracy: intents >= 0.95, language >= 0.98", "[intents][en][es][eval]") {
  std::ifstream in(kDevSet);
  if (!in) {
    WARN("evaluation set " << kDevSet << " not found; skipped");
    return;
  }
  const Classifier& classifier = testing::Shared();
  std::string line;
  int total = 0, intent_ok = 0, lang_ok = 0;
  std::map<std::pair<std::string, std::string>, int> confusion;  // (expected, got) errors
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) {
      header = false;
      if (line.rfind("lang\t", 0) == 0) continue;
    }
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    std::string lang = line.substr(0, a), intent = line.substr(a + 1, b - a - 1);
    std::string text = line.substr(b + 1);
    Classification c = classifier.Classify(text, std::nullopt);
    ++total;
    std::string got(IntentName(c.intent));
    std::string got_lang(LangCode(c.text_lang));
    if (got == intent) {
      ++intent_ok;
    } else {
      ++confusion[{intent, got}];
      std::cout << "intent " << lang << " '" << text << "': " << intent << " -> " << got << " ("
                << c.confidence << ")\n";
    }
    if (got_lang == lang) {
      ++lang_ok;
    } else {
      std::cout << "lang '" << text << "': " << lang << " -> " << got_lang << " ("
                << c.lang_confidence << ")\n";
    }
  }
  REQUIRE(total > 0);
  double intent_accuracy = static_cast<double>(intent_ok) / total;
  double lang_accuracy = static_cast<double>(lang_ok) / total;
  std::cout << "dev set: " << total << " lines, intent accuracy " << intent_accuracy
            << ", language accuracy " << lang_accuracy << "\n";
  for (const auto& [pair, n] : confusion) {
    std::cout << "  confusion " << pair.first << " -> " << pair.second << ": " << n << "\n";
  }
  CHECK(intent_accuracy >= 0.95);
  CHECK(lang_accuracy >= 0.98);
}

}  // namespace
}  // namespace connecthub::intents
