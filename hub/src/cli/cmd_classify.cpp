// `connecthub classify`: classifies stdin lines for evaluation and debugging (SPEC §2).
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "intents/classifier.h"

namespace connecthub::hub::cli {
namespace {

int RunClassify(const Options& options) {
  std::string mode = options.Get("lang", "auto");
  std::optional<intents::Lang> conversation;
  if (mode != "auto") {
    conversation = intents::ParseLang(mode);
    if (!conversation) {
      std::cerr << "connecthub: --lang must be auto, en or es\n";
      return 2;
    }
  }
  std::string error;
  std::unique_ptr<intents::Classifier> classifier =
      intents::Classifier::Create(intents::ClassifierOptions{}, &error);
  if (!classifier) {
    std::cerr << "connecthub: cannot train the intent classifier: " << error << "\n";
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  char confidence[32];
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // --lang auto: every line stands alone; en/es: that is the conversation's language.
    intents::Classification c = classifier->Classify(line, conversation);
    std::snprintf(confidence, sizeof confidence, "%.3f", c.confidence);
    std::cout << intents::IntentName(c.intent) << '\t' << intents::LangCode(c.text_lang) << '\t'
              << confidence << '\n';
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "connecthub: cannot write to stdout\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command ClassifyCommand() {
  return {.name = "classify",
          .usage = "connecthub classify [--lang auto|en|es] < utterances.txt",
          .summary = "classify one utterance a line: prints intent<TAB>lang<TAB>confidence",
          .options = {{.name = "lang",
                       .default_value = "auto",
                       .help = "auto: each line alone; en/es: the conversation's language"}},
          .run = RunClassify};
}

}  // namespace connecthub::hub::cli
