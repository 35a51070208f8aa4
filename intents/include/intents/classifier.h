#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intents/intent.h"

namespace connecthub::intents {

// What the message mentions, beyond its intent.
struct Entities {
  // Digits as typed: "200000001", or a last 4 ("case ending 0001", "owe on case 0013").
  std::optional<std::string> case_number;
  std::optional<int> year;       // e.g. 2025 in "payments in 2025"
  std::optional<int> month;      // 1..12, e.g. "pagos de marzo"
  std::optional<Lang> language;  // a language asked for ("en español", "english please")
  bool other_parent = false;  // names the other parent ("the dad", "mi ex"; data/other-parent.txt)
};

// A sensitive subject of an out-of-scope message, for the right referral (SPEC §8 addition).
enum class Topic {
  kCustody,      // custody, visitation: the family law facilitator / self-help centre
  kImmigration,  // immigration status: child support staff do not ask about it
  kDomestic,     // fear of the other parent, protective orders: safety and help information
};

struct Classification {
  Intent intent = Intent::kUnknown;  // kUnknown when confidence < ClassifierOptions::threshold
  double confidence = 0;             // calibrated probability of `intent`, 0..1
  Lang lang = Lang::kEn;             // language of this conversation after this message (sticky)
  double lang_confidence = 0;        // 0..1 evidence that the text itself is in `lang`
  bool safety = false;               // threats, violence or self-harm: escalate at high priority
  // With kUnknown: true when the model recognised an out-of-scope question (the unknown class won
  // on its own), false when the text was not understood (empty, or no intent confident enough).
  bool out_of_scope = false;
  // Set only when `intent` is kUnknown and the text names a sensitive topic (data/topic-*.txt).
  std::optional<Topic> topic;
  Entities entities;
  // Language the text itself is written in, sticky like `lang` but ignoring explicit requests:
  // "in spanish" is English text asking for Spanish (lang kEs, text_lang kEn). This is what
  // `connecthub classify` prints.
  Lang text_lang = Lang::kEn;
  // Set when the text is written in a language other than English and Spanish that
  // intents/data/other-languages.txt names: its ISO 639-1 code ("vi", "zh", "tl", ...). Such text
  // never reaches the en/es model: `intent` is kUnknown, `lang` and `text_lang` stay the
  // conversation's (English on a first message).
  std::string other_lang;
};

// Why a text got its intent (`connecthub classify --explain`).
struct Explanation {
  struct Score {
    Intent intent = Intent::kUnknown;
    double probability = 0;  // the model's calibrated probability, before word-list rules
  };
  struct Word {
    std::string word;   // a normalised word of the text
    double weight = 0;  // how much it pushed the top intent over the runner-up (logit units)
  };
  Classification result;       // what Classify() returns
  std::string normalized;      // the text as the model saw it (SMS spellings, typos fixed)
  std::vector<Score> top;      // the three most probable intents, most probable first
  std::vector<Word> deciding;  // up to five words that weighed most, strongest first
  std::string rule;            // the word-list rule that overrode the model, or empty
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

  // Classify() with its reasons. Slower; for debugging. The default gives the result alone.
  virtual Explanation Explain(std::string_view text, std::optional<Lang> conversation_lang) const {
    Explanation e;
    e.result = Classify(text, conversation_lang);
    e.top.push_back({e.result.intent, e.result.confidence});
    return e;
  }
};

// ICU-based normalisation: NFC, case folding, accent removal, punctuation to spaces, SMS spellings
// and common typos mapped to canonical words ("wats" -> "whats", "kuanto" -> "cuanto").
// Thread-safe. Invalid UTF-8 is replaced, never rejected.
std::string Normalize(std::string_view text);
// The same folding without the SMS spellings (names, search terms): "José García-Núñez" ->
// "jose garcia nunez". Thread-safe.
std::string Fold(std::string_view text);

// The ISO 639-1 code of the language `text` is written in when it is neither English nor Spanish
// and intents/data/other-languages.txt names it ("vi", "zh", ...); empty otherwise (English,
// Spanish, a language not listed, or too little text). Mostly English or Spanish with one foreign
// word is empty. Thread-safe; never fails.
std::string_view OtherLanguage(std::string_view text);

// Every code intents/data/other-languages.txt names, in its order.
std::vector<std::string> OtherLanguageCodes();

}  // namespace connecthub::intents
