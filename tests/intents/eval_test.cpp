#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "intents/classifier.h"
#include "intents/test_util.h"

namespace connecthub::intents {
namespace {

// Held-out evaluation sets (`lang<TAB>intent<TAB>text`, shared by the project, never trained on):
// in $CONNECTHUB_EVAL_DIR, else in ../shared/eval beside the source tree.
std::string EvalFile(const char* name) {
  const char* dir = std::getenv("CONNECTHUB_EVAL_DIR");
  return (dir != nullptr && *dir != '\0' ? std::string(dir)
                                         : std::string(CONNECTHUB_SOURCE_DIR "/../shared/eval")) +
         "/" + name;
}
const std::string kDevSet = EvalFile("intents-dev.tsv");
const std::string kHardSet = EvalFile("intents-dev-hard.tsv");

struct Figures {
  int total = 0;
  int intent_ok = 0;
  int lang_ok = 0;
  int out_of_scope = 0;           // lines labelled unknown
  int out_of_scope_answered = 0;  // ... classified as any other intent
  int in_scope = 0;
  int in_scope_wrong = 0;  // in-scope lines classified as another in-scope intent (not unknown)
  double Accuracy() const { return static_cast<double>(intent_ok) / total; }
  double LangAccuracy() const { return static_cast<double>(lang_ok) / total; }
  double OutOfScopeAnswered() const {
    return out_of_scope == 0 ? 0 : static_cast<double>(out_of_scope_answered) / out_of_scope;
  }
  double InScopeWrong() const {
    return in_scope == 0 ? 0 : static_cast<double>(in_scope_wrong) / in_scope;
  }
};

// Classifies every line of `path` (each line alone, as `connecthub classify --lang auto` does),
// printing the errors and the confusion pairs. nullopt when the file is absent.
std::optional<Figures> Evaluate(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const Classifier& classifier = testing::Shared();
  Figures f;
  std::string line;
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
    ++f.total;
    std::string got(IntentName(c.intent));
    std::string got_lang(LangCode(c.text_lang));
    bool unknown = intent == IntentName(Intent::kUnknown);
    (unknown ? f.out_of_scope : f.in_scope)++;
    if (got == intent) {
      ++f.intent_ok;
    } else {
      ++confusion[{intent, got}];
      if (unknown) ++f.out_of_scope_answered;
      if (!unknown && c.intent != Intent::kUnknown) ++f.in_scope_wrong;
      std::cout << "intent " << lang << " '" << text << "': " << intent << " -> " << got << " ("
                << c.confidence << ")\n";
    }
    if (got_lang == lang) {
      ++f.lang_ok;
    } else {
      std::cout << "lang '" << text << "': " << lang << " -> " << got_lang << " ("
                << c.lang_confidence << ")\n";
    }
  }
  std::cout << path << ": " << f.total << " lines, intent accuracy " << f.Accuracy()
            << ", language accuracy " << f.LangAccuracy()
            << ", out of scope answered with an intent " << f.out_of_scope_answered << "/"
            << f.out_of_scope << ", in scope with the wrong intent " << f.in_scope_wrong << "/"
            << f.in_scope << "\n";
  for (const auto& [pair, n] : confusion) {
    std::cout << "  confusion " << pair.first << " -> " << pair.second << ": " << n << "\n";
  }
  return f;
}

// Goals of issue 18 on both shared sets.
constexpr double kMaxOutOfScopeAnswered = 0.04;
constexpr double kMaxInScopeWrong = 0.01;
constexpr double kMinLangAccuracy = 0.99;

TEST_CASE("dev set: intents >= 0.98, language >= 0.99, out of scope kept out",
          "[intents][en][es][eval]") {
  std::optional<Figures> f = Evaluate(kDevSet);
  if (!f) {
    WARN("evaluation set " << kDevSet << " not found; skipped");
    return;
  }
  REQUIRE(f->total > 0);
  CHECK(f->Accuracy() >= 0.98);
  CHECK(f->LangAccuracy() >= kMinLangAccuracy);
  CHECK(f->OutOfScopeAnswered() <= kMaxOutOfScopeAnswered);
  CHECK(f->InScopeWrong() <= kMaxInScopeWrong);
}

TEST_CASE("both sets together: out of scope answered with an intent <= 4%",
          "[intents][en][es][eval]") {
  std::optional<Figures> dev = Evaluate(kDevSet), hard = Evaluate(kHardSet);
  if (!dev || !hard) {
    WARN("evaluation sets not found; skipped");
    return;
  }
  int out_of_scope = dev->out_of_scope + hard->out_of_scope;
  REQUIRE(out_of_scope > 0);
  double answered =
      static_cast<double>(dev->out_of_scope_answered + hard->out_of_scope_answered) / out_of_scope;
  CHECK(answered <= kMaxOutOfScopeAnswered);
}

// The evaluation sets measure text the model has never seen: no training utterance of two words or
// more may be an evaluation line again (the same words after normalising, in any order). Single
// words ("hola", "help") are left out: they are every engine's first example.
std::set<std::string> WordsOf(const std::string& text) {
  std::set<std::string> words;
  std::string normal = Normalize(text);
  size_t start = 0;
  while (start < normal.size()) {
    size_t end = normal.find(' ', start);
    if (end == std::string::npos) end = normal.size();
    if (end > start) words.insert(normal.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

TEST_CASE("no training utterance repeats an evaluation line", "[intents][en][es][eval]") {
  std::set<std::set<std::string>> eval_lines;
  for (const std::string& file : {kDevSet, kHardSet}) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      size_t b = line.find('\t', line.find('\t') + 1);
      if (b != std::string::npos) eval_lines.insert(WordsOf(line.substr(b + 1)));
    }
  }
  if (eval_lines.empty()) {
    WARN("evaluation sets not found; skipped");
    return;
  }
  int checked = 0;
  for (const char* lang : {"en", "es"}) {
    std::ifstream in(std::string(CONNECTHUB_SOURCE_DIR "/intents/data/") + lang + ".tsv");
    std::string line;
    while (std::getline(in, line)) {
      size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      std::set<std::string> words = WordsOf(line.substr(tab + 1));
      ++checked;
      if (words.size() < 2) continue;
      INFO(lang << ".tsv: " << line);
      CHECK(eval_lines.count(words) == 0);
    }
  }
  CHECK(checked > 2000);
}

TEST_CASE("hard set (shorthand, Spanglish, long messages, out of scope): intents >= 0.95",
          "[intents][en][es][eval]") {
  std::optional<Figures> f = Evaluate(kHardSet);
  if (!f) {
    WARN("evaluation set " << kHardSet << " not found; skipped");
    return;
  }
  REQUIRE(f->total > 0);
  CHECK(f->Accuracy() >= 0.95);
  CHECK(f->LangAccuracy() >= kMinLangAccuracy);
  CHECK(f->OutOfScopeAnswered() <= kMaxOutOfScopeAnswered);
  CHECK(f->InScopeWrong() <= kMaxInScopeWrong);
}

}  // namespace
}  // namespace connecthub::intents
