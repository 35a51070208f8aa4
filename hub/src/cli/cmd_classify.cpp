// `connecthub classify`: classifies stdin lines for evaluation and debugging (SPEC §2).
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "intents/classifier.h"

namespace connecthub::hub::cli {
namespace {

// --explain: the usual line, then the three most probable intents, the words that decided
// between the first two, and the word-list rule that overrode the model, if any.
// The language column: the text's own language, "en"/"es" or another's ISO 639-1 code ("vi").
std::string_view TextLang(const intents::Classification& c) {
  return c.other_lang.empty() ? intents::LangCode(c.text_lang) : std::string_view(c.other_lang);
}

void PrintExplanation(const intents::Explanation& e) {
  char number[32];
  std::snprintf(number, sizeof number, "%.3f", e.result.confidence);
  std::cout << intents::IntentName(e.result.intent) << '\t' << TextLang(e.result) << '\t' << number
            << '\n';
  std::cout << "  normalized: " << e.normalized << '\n';
  for (size_t i = 0; i < e.top.size(); ++i) {
    std::snprintf(number, sizeof number, "%.3f", e.top[i].probability);
    std::cout << "  " << i + 1 << ". " << intents::IntentName(e.top[i].intent) << ' ' << number
              << '\n';
  }
  if (e.top.size() >= 2 && !e.deciding.empty()) {
    std::cout << "  deciding words (" << intents::IntentName(e.top[0].intent) << " over "
              << intents::IntentName(e.top[1].intent) << "):";
    for (const auto& w : e.deciding) {
      std::snprintf(number, sizeof number, "%+.2f", w.weight);
      std::cout << ' ' << w.word << ' ' << number;
    }
    std::cout << '\n';
  }
  if (!e.rule.empty()) std::cout << "  rule: " << e.rule << '\n';
  if (e.result.safety) std::cout << "  safety: yes (safety-phrases.txt)\n";
}

int RunClassify(const Options& options) {
  std::string mode = options.Get("lang", "auto");
  bool explain = options.Flag("explain");
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
    if (explain) {
      PrintExplanation(classifier->Explain(line, conversation));
      continue;
    }
    intents::Classification c = classifier->Classify(line, conversation);
    std::snprintf(confidence, sizeof confidence, "%.3f", c.confidence);
    std::cout << intents::IntentName(c.intent) << '\t' << TextLang(c) << '\t' << confidence << '\n';
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
          .usage = "connecthub classify [--lang auto|en|es] [--explain] < utterances.txt",
          .summary = "classify one utterance a line: prints intent<TAB>lang<TAB>confidence",
          .options = {{.name = "lang",
                       .default_value = "auto",
                       .help = "auto: each line alone; en/es: the conversation's language"},
                      {.name = "explain",
                       .takes_value = false,
                       .help = "also print the top three intents, the deciding words and any "
                               "word-list rule"}},
          .run = RunClassify};
}

}  // namespace connecthub::hub::cli
