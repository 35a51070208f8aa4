#pragma once

#include <memory>
#include <string>

#include "intents/classifier.h"

namespace connecthub::intents::testing {

// One classifier trained from the embedded data, shared by every test (training takes a while
// and Classify() is thread-safe).
inline const Classifier& Shared() {
  static const std::unique_ptr<Classifier> classifier = [] {
    std::string error;
    auto c = Classifier::Create(ClassifierOptions{}, &error);
    if (!c) throw std::runtime_error("Classifier::Create failed: " + error);
    return c;
  }();
  return *classifier;
}

}  // namespace connecthub::intents::testing
