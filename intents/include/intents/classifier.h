#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "intents/intent.h"

namespace connecthub::intents {

// What the message mentions, beyond its intent.
struct Entities {
  std::optional<std::string> case_number;  // digits as typed, e.g. "200000001" or a last-4 "0001"
  std::optional<int> year;                 // e.g. 2025 in "payments in 2025"
  std::optional<int> month;                // 1..12, e.g. "pagos de marzo"
  std::optional<Lang> language;            // a language asked for ("en español", "english please")
};

struct Classification {
  Intent intent = Intent::kUnknown;  // kUnknown when confidence < ClassifierOptions::threshold
  double confidence = 0;             // calibrated probability of `intent`, 0..1
  Lang lang = Lang::kEn;             // language of this conversation after this message (sticky)
  double lang_confidence = 0;        // 0..1 evidence that the text itself is in `lang`
  bool safety = false;               // threats, violence or self-harm: escalate at high priority
  Entities entities;
  // Language the text itself is written in, sticky like `lang` but ignoring explicit requests:
  // "in spanish" is English text asking for Spanish (lang kEs, text_lang kEn). This is what
  // `connecthub classify` prints.
  Lang text_lang = Lang::kEn;
};

struct ClassifierOptions {
  // Below this calibrated confidence the intent is reported as kUnknown. Default 0.5.
  double threshold = 0.5;
  // A conversation's language changes only when the text's evidence for the other language is at
  // least this strong and the text has two words or more (or the text asks for it explicitly).
  // Default 0.8.
  double lang_switch_confidence = 0.8;
};

// The trained intent classifier and language identifier. Training happens in Create() from the
// training data embedded at build time (intents/data/{en,es}.tsv). Immutable after Create();
// Classify() is thread-safe and allocation-light.
class Classifier {
 public:
  // Trains on the embedded data. Fails (nullptr plus *error) only if the embedded data is corrupt.
  static std::unique_ptr<Classifier> Create(const ClassifierOptions& options, std::string* error);

  // Trains on the given TSV texts (`intent<TAB>utterance` lines) instead of the embedded ones.
  // The language identifier then learns from these texts alone (Create() also uses the embedded
  // word lists intents/data/lang-{en,es}.txt). Fails (nullptr plus *error naming the file and
  // line) on a line that is not a known intent, a tab and an utterance, or when both are empty.
  static std::unique_ptr<Classifier> CreateFromTsv(const ClassifierOptions& options,
                                                   std::string_view en_tsv, std::string_view es_tsv,
                                                   std::string* error);

  virtual ~Classifier() = default;

  // Classifies one utterance. `conversation_lang` is the conversation's current language (nullopt
  // on the first message: the text alone decides, English when it cannot). Never fails; garbage
  // input is kUnknown.
  virtual Classification Classify(std::string_view text,
                                  std::optional<Lang> conversation_lang) const = 0;
};

// ICU-based normalisation: NFC, case folding, accent removal, punctuation to spaces, SMS spellings
// and common typos mapped to canonical words ("wats" -> "whats", "kuanto" -> "cuanto").
// Thread-safe. Invalid UTF-8 is replaced, never rejected.
std::string Normalize(std::string_view text);

}  // namespace connecthub::intents
