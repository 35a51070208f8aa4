#include "intents/classifier.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "lexicon.h"
#include "normalize.h"
#include "other_language.h"

namespace connecthub::intents {
namespace data {
// Generated from intents/data by connecthub_embed() (intents/CMakeLists.txt).
std::span<const std::pair<std::string_view, std::string_view>> EmbeddedFiles();
}  // namespace data

namespace {

using internal::Token;
using internal::Tokens;

constexpr int kHashBits = 16;
constexpr uint32_t kBuckets = 1u << kHashBits;
constexpr uint32_t kMask = kBuckets - 1;
constexpr int kClasses = kIntentCount;
constexpr int kUnknownClass = static_cast<int>(Intent::kUnknown);
// Rows of the weight table are padded to a multiple of 4 floats so that the scoring loop runs on
// 4-wide vectors with no remainder.
constexpr int kStride = (kClasses + 3) / 4 * 4;
using Vec4 = float __attribute__((vector_size(16)));
constexpr size_t kMaxTokens = 64;     // longer messages: the first 64 words decide
constexpr size_t kMaxNgramWord = 32;  // character n-grams come from a word's first 32 bytes
constexpr uint32_t kSeed = 20261123;  // SGD shuffling; fixed so training is reproducible
constexpr int kEpochs = 14;
constexpr float kLearningRate = 0.6f;
constexpr int kHeldOutEvery = 5;  // every 5th example calibrates the temperature

constexpr uint32_t kFnvBasis = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

uint32_t Fnv(uint32_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

uint32_t Mix(uint32_t a, uint32_t b) {
  uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  return h;
}

bool HasLetter(std::string_view t) {
  return std::any_of(t.begin(), t.end(), [](char c) { return c < '0' || c > '9'; });
}

void SplitTokens(std::string_view norm, std::vector<Token>* tokens) {
  tokens->clear();
  size_t i = 0;
  while (i < norm.size() && tokens->size() < kMaxTokens) {
    size_t sp = norm.find(' ', i);
    if (sp == std::string_view::npos) sp = norm.size();
    if (sp > i) tokens->emplace_back(norm.substr(i, sp - i));
    i = sp + 1;
  }
}

// Writes the hashes (from `seed`) of the character n-grams of `padded` ("<word>"), N bytes each,
// to out[] and returns the end. N is a constant so that the hash of each n-gram is unrolled.
template <size_t N>
uint32_t* AddGrams(uint32_t seed, std::string_view padded, uint32_t* out) {
  for (size_t i = 0; i + N <= padded.size(); ++i) *out++ = Fnv(seed, padded.substr(i, N)) & kMask;
  return out;
}

// Hashed features: word unigrams and bigrams, character 3- to 5-grams of "<word>". Language
// features are the unigrams and n-grams of words with a letter (numbers say nothing about it).
// With `ends`, ends[i] is the number of features once token i is done (the end marker counts
// with the last token).
void Featurize(Tokens tokens, std::vector<uint32_t>* features, std::vector<uint32_t>* lang,
               std::vector<size_t>* ends = nullptr) {
  static const uint32_t kWordSeed = Fnv(kFnvBasis, "w:");
  static const uint32_t kGramSeed[6] = {
      0, 0, 0, Fnv(kFnvBasis, "3:"), Fnv(kFnvBasis, "4:"), Fnv(kFnvBasis, "5:")};
  static const uint32_t kStart = Fnv(kFnvBasis, "<s>");
  static const uint32_t kEnd = Fnv(kFnvBasis, "</s>");
  features->clear();
  lang->clear();
  uint32_t prev = kStart;
  char padded[kMaxNgramWord + 2];
  for (const Token& token : tokens) {
    std::string_view t = token.text;
    bool alpha = HasLetter(t);
    uint32_t word = Fnv(kWordSeed, t);
    features->push_back(word & kMask);
    if (alpha) lang->push_back(word & kMask);
    features->push_back(Mix(prev, word) & kMask);
    prev = word;
    size_t len = std::min(t.size(), kMaxNgramWord);
    padded[0] = '<';
    std::memcpy(padded + 1, t.data(), len);
    padded[len + 1] = '>';
    // The token's n-grams go to a local buffer first, then to each vector in a loop of its own:
    // pushed to both in turn, each push had to reload the other vector's end.
    std::string_view word_grams(padded, len + 2);
    uint32_t grams[3 * (kMaxNgramWord + 2)];
    uint32_t* end = AddGrams<3>(kGramSeed[3], word_grams, grams);
    end = AddGrams<4>(kGramSeed[4], word_grams, end);
    end = AddGrams<5>(kGramSeed[5], word_grams, end);
    for (const uint32_t* g = grams; g != end; ++g) features->push_back(*g);
    if (alpha) {
      for (const uint32_t* g = grams; g != end; ++g) lang->push_back(*g);
    }
    if (ends != nullptr) ends->push_back(features->size());
  }
  if (!tokens.empty()) features->push_back(Mix(prev, kEnd) & kMask);
  if (ends != nullptr && !ends->empty()) ends->back() = features->size();
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return false;
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (i == a.size() || a.substr(i + 1) == b.substr(i + 1)) return true;
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);
  }
  if (a.size() > b.size()) return a.substr(i + 1) == b.substr(i);
  return a.substr(i) == b.substr(i + 1);
}

struct Example {
  std::vector<uint32_t> features;
  std::vector<uint32_t> lang_features;
  int intent = -1;  // -1: a word-list entry that trains only the language identifier
  int lang = 0;     // 1 = Spanish
};

// Multinomial logistic regression over the intents plus a binary one for the language, sharing
// the hashed feature space.
struct Model {
  std::vector<float> w = std::vector<float>(static_cast<size_t>(kBuckets) * kStride, 0.0f);
  std::array<float, kClasses> bias{};
  std::vector<float> lang_w = std::vector<float>(kBuckets, 0.0f);
  double temperature = 1;
  double lang_temperature = 1;
  // Added to the logit of `unknown` (the out-of-scope class) before the softmax: the calibrated
  // threshold between "out of scope" and the case intents (see CalibrateUnknown).
  float unknown_shift = 0;

  void Logits(std::span<const uint32_t> features, std::array<float, kClasses>* z) const {
    *z = bias;
    if (features.empty()) return;
    Vec4 acc[kStride / 4] = {};
    for (uint32_t f : features) {
      const float* row = &w[static_cast<size_t>(f) * kStride];
      // Unrolled, the accumulators stay in registers instead of going through memory.
#pragma GCC unroll 8
      for (int j = 0; j < kStride / 4; ++j) {
        Vec4 v;
        std::memcpy(&v, row + 4 * j, sizeof v);
        acc[j] += v;
      }
    }
    float sum[kStride];
    std::memcpy(sum, acc, sizeof sum);
    float v = 1.0f / std::sqrt(static_cast<float>(features.size()));
    for (int k = 0; k < kClasses; ++k) (*z)[k] += sum[k] * v;
  }

  float LangScore(std::span<const uint32_t> features) const {
    if (features.empty()) return 0;
    float sum = 0;
    for (uint32_t f : features) sum += lang_w[f];
    return sum / std::sqrt(static_cast<float>(features.size()));
  }
};

void Softmax(const std::array<float, kClasses>& z, double temperature,
             std::array<double, kClasses>* p) {
  double max = *std::max_element(z.begin(), z.end());
  double total = 0;
  for (int k = 0; k < kClasses; ++k) {
    (*p)[k] = std::exp((z[k] - max) / temperature);
    total += (*p)[k];
  }
  for (double& x : *p) x /= total;
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

void TrainIntent(const Example& ex, float lr, Model* m) {
  std::array<float, kClasses> z;
  std::array<double, kClasses> p;
  m->Logits(ex.features, &z);
  Softmax(z, 1.0, &p);
  float v = ex.features.empty() ? 0 : 1.0f / std::sqrt(static_cast<float>(ex.features.size()));
  std::array<float, kClasses> g;
  for (int k = 0; k < kClasses; ++k) {
    g[k] = lr * static_cast<float>(p[k] - (k == ex.intent ? 1.0 : 0.0));
    m->bias[k] -= g[k] * 0.1f;
  }
  for (uint32_t f : ex.features) {
    float* row = &m->w[static_cast<size_t>(f) * kStride];
    for (int k = 0; k < kClasses; ++k) row[k] -= g[k] * v;
  }
}

void Train(const std::vector<const Example*>& data, Model* m) {
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(kSeed);
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    float lr = kLearningRate / (1.0f + 0.3f * static_cast<float>(epoch));
    for (size_t idx : order) {
      const Example& ex = *data[idx];
      if (ex.intent >= 0) TrainIntent(ex, lr, m);
      if (!ex.lang_features.empty()) {
        double pl = Sigmoid(m->LangScore(ex.lang_features));
        float gl = lr * static_cast<float>(pl - ex.lang);
        float vl = 1.0f / std::sqrt(static_cast<float>(ex.lang_features.size()));
        for (uint32_t f : ex.lang_features) m->lang_w[f] -= gl * vl;
      }
    }
  }
}

// Picks the softmax temperature (and the language one) that minimise the negative
// log-likelihood of held-out examples under a model trained without them.
void Calibrate(const Model& m, const std::vector<const Example*>& held_out, double* temperature,
               double* lang_temperature) {
  double best = 1e300, best_lang = 1e300;
  std::array<float, kClasses> z;
  std::array<double, kClasses> p;
  for (double t = 0.2; t <= 6.0; t *= 1.08) {
    double nll = 0, nll_lang = 0;
    for (const Example* ex : held_out) {
      if (ex->intent >= 0) {
        m.Logits(ex->features, &z);
        Softmax(z, t, &p);
        nll -= std::log(std::max(p[ex->intent], 1e-12));
      }
      if (!ex->lang_features.empty()) {
        double pl = Sigmoid(m.LangScore(ex->lang_features) / t);
        nll_lang -= std::log(std::max(ex->lang ? pl : 1 - pl, 1e-12));
      }
    }
    if (nll < best) {
      best = nll;
      *temperature = t;
    }
    if (nll_lang < best_lang) {
      best_lang = nll_lang;
      *lang_temperature = t;
    }
  }
}

// The out-of-scope threshold: the shift of the `unknown` logit that costs least on held-out
// examples, where answering an out-of-scope question with a case intent, or an in-scope one with
// the wrong intent, costs 3 and an in-scope question answered "unknown" (the bot offers a
// caseworker) costs 1. Among equal costs the shift nearest 0 wins.
float CalibrateUnknown(const Model& m, const std::vector<const Example*>& held_out,
                       double temperature, double threshold) {
  std::vector<std::array<float, kClasses>> logits;
  std::vector<int> truth;
  for (const Example* ex : held_out) {
    if (ex->intent < 0) continue;
    logits.emplace_back();
    m.Logits(ex->features, &logits.back());
    truth.push_back(ex->intent);
  }
  double best_cost = 1e300;
  float best = 0;
  std::array<float, kClasses> z;
  std::array<double, kClasses> p;
  for (int step = -12; step <= 8; ++step) {
    float shift = 0.125f * static_cast<float>(step);
    double cost = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
      z = logits[i];
      z[kUnknownClass] += shift;
      Softmax(z, temperature, &p);
      int got = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      if (p[got] < threshold) got = kUnknownClass;
      if (got == truth[i]) continue;
      cost += got == kUnknownClass ? 2 : 3;
    }
    if (cost < best_cost - 1e-9 ||
        (std::abs(cost - best_cost) < 1e-9 && std::abs(shift) < std::abs(best))) {
      best_cost = cost;
      best = shift;
    }
  }
  return best;
}

// The intents answered from the parent's case data.
bool IsCaseQuestion(Intent intent) {
  return intent == Intent::kBalance || intent == Intent::kNextAppointment ||
         intent == Intent::kLastPayment || intent == Intent::kPaymentHistory ||
         intent == Intent::kCaseStatus;
}

struct Scratch {
  std::string norm;
  std::string fixed;
  std::vector<Token> tokens;
  std::vector<uint32_t> features;
  std::vector<uint32_t> lang_features;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

class TrainedClassifier final : public Classifier {
 public:
  TrainedClassifier(const ClassifierOptions& options, Model model,
                    const std::vector<std::string>& vocabulary)
      : options_(options), model_(std::move(model)) {
    for (const std::string& word : vocabulary) vocabulary_.push_back(internal::WordHash(word));
    std::sort(vocabulary_.begin(), vocabulary_.end());
  }

  Classification Classify(std::string_view text,
                          std::optional<Lang> conversation_lang) const override;
  Explanation Explain(std::string_view text, std::optional<Lang> conversation_lang) const override;

  // Normalises `text` into scratch->tokens, correcting one-edit typos of keywords.
  void Tokenize(std::string_view text, Scratch* scratch) const;

 private:
  bool Known(const Token& word) const {
    return std::binary_search(vocabulary_.begin(), vocabulary_.end(), word.hash);
  }

  ClassifierOptions options_;
  Model model_;
  std::vector<uint64_t> vocabulary_;  // sorted WordHash() of the training data's words
};

void TrainedClassifier::Tokenize(std::string_view text, Scratch* s) const {
  s->norm.clear();
  internal::NormalizeInto(text, &s->norm);
  SplitTokens(s->norm, &s->tokens);
  bool changed = false;
  s->fixed.clear();
  for (const Token& t : s->tokens) {
    std::string_view out = t.text;
    if (t.text.size() >= 5 && HasLetter(t.text) && !Known(t)) {
      for (std::string_view k : internal::FuzzyKeywords()) {
        if (WithinOneEdit(t.text, k)) {
          out = k;
          changed = true;
          break;
        }
      }
    }
    if (!s->fixed.empty()) s->fixed.push_back(' ');
    s->fixed.append(out);
  }
  if (changed) SplitTokens(s->fixed, &s->tokens);
}

Classification TrainedClassifier::Classify(std::string_view text,
                                           std::optional<Lang> conversation_lang) const {
  Classification result;
  // Neither English nor Spanish: the en/es model would guess (Vietnamese looked Spanish to it).
  std::string_view other = internal::DetectOtherLanguage(internal::OtherLanguages(), text);
  if (!other.empty()) {
    result.intent = Intent::kUnknown;
    result.confidence = 1;
    result.lang = result.text_lang = conversation_lang.value_or(Lang::kEn);
    result.other_lang = std::string(other);
    return result;
  }
  Scratch& s = ThreadScratch();
  Tokenize(text, &s);
  Tokens tokens(s.tokens);
  Featurize(tokens, &s.features, &s.lang_features);

  std::array<float, kClasses> z;
  std::array<double, kClasses> p;
  model_.Logits(s.features, &z);
  z[kUnknownClass] += model_.unknown_shift;
  Softmax(z, model_.temperature, &p);
  int best = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
  Intent intent = static_cast<Intent>(best);
  double confidence = p[best];

  // High-precision word lists override a hesitant model.
  bool only_request = false;
  result.entities.language = internal::RequestedLanguage(tokens, &only_request);
  if (result.entities.language && only_request) {
    intent = Intent::kSetLanguage;
    confidence = std::max(p[static_cast<int>(Intent::kSetLanguage)], 0.95);
  } else if (std::optional<Intent> social = internal::SocialIntent(tokens)) {
    intent = *social;
    confidence = std::max(p[static_cast<int>(*social)], 0.9);
  } else if (intent != Intent::kAgent && internal::OnlyAgentRequest(tokens)) {
    intent = Intent::kAgent;
    confidence = std::max(p[static_cast<int>(Intent::kAgent)], 0.9);
  } else if (intent != Intent::kAgent && !IsCaseQuestion(intent) && confidence < 0.7 &&
             internal::HasAgentKeyword(tokens)) {
    // "when is my interview with the caseworker" stays a case question.
    intent = Intent::kAgent;
    confidence = std::max(p[static_cast<int>(Intent::kAgent)], 0.75);
  }
  if (tokens.empty()) {
    intent = Intent::kUnknown;
    confidence = 1;
  } else if (intent != Intent::kUnknown && confidence < options_.threshold) {
    intent = Intent::kUnknown;
    confidence = 1 - confidence;
  }
  result.intent = intent;
  result.confidence = confidence;
  result.safety = internal::HasSafetyWords(tokens);
  if (intent == Intent::kUnknown && !tokens.empty()) {
    result.out_of_scope = best == kUnknownClass;
    result.topic = internal::SensitiveTopic(tokens);
  }
  internal::ExtractEntities(tokens, &result.entities);

  // Language: sticky; the text must be clearly in the other language to switch.
  double p_es = s.lang_features.empty()
                    ? 0.5
                    : Sigmoid(model_.LangScore(s.lang_features) / model_.lang_temperature);
  Lang evident = p_es > 0.5 ? Lang::kEs : Lang::kEn;
  double evidence = std::max(p_es, 1 - p_es);
  Lang text_lang = evident;
  // One word ("hi", "ok", "balance") is too little to move a whole conversation.
  size_t words =
      std::count_if(tokens.begin(), tokens.end(), [](const Token& t) { return HasLetter(t.text); });
  if (conversation_lang && evident != *conversation_lang &&
      (evidence < options_.lang_switch_confidence || words < 2)) {
    text_lang = *conversation_lang;
  } else if (!conversation_lang && evident == Lang::kEs && p_es < 0.55) {
    text_lang = Lang::kEn;  // no conversation yet: English unless the text is Spanish
  }
  result.text_lang = text_lang;
  result.lang = result.entities.language.value_or(text_lang);
  result.lang_confidence = result.lang == Lang::kEs ? p_es : 1 - p_es;
  return result;
}

Explanation TrainedClassifier::Explain(std::string_view text,
                                       std::optional<Lang> conversation_lang) const {
  Explanation e;
  e.result = Classify(text, conversation_lang);
  if (!e.result.other_lang.empty()) {
    e.rule = "other language (other-languages.txt): " + e.result.other_lang;
    e.top.push_back({Intent::kUnknown, 1});
    return e;
  }
  Scratch& s = ThreadScratch();
  Tokenize(text, &s);
  Tokens tokens(s.tokens);
  for (const Token& t : tokens) {
    if (!e.normalized.empty()) e.normalized.push_back(' ');
    e.normalized.append(t.text);
  }
  std::vector<size_t> ends;
  Featurize(tokens, &s.features, &s.lang_features, &ends);
  std::array<float, kClasses> z;
  std::array<double, kClasses> p;
  model_.Logits(s.features, &z);
  z[kUnknownClass] += model_.unknown_shift;
  Softmax(z, model_.temperature, &p);
  std::array<int, kClasses> order;
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
  for (int i = 0; i < 3; ++i) e.top.push_back({static_cast<Intent>(order[i]), p[order[i]]});
  // Each word's share of the margin between the top intent and the runner-up: the weights of its
  // features (word, bigram with the previous word, character n-grams) for one minus the other.
  int first = order[0], second = order[1];
  float scale = s.features.empty() ? 0 : 1.0f / std::sqrt(static_cast<float>(s.features.size()));
  size_t begin = 0;
  for (size_t i = 0; i < tokens.size() && i < ends.size(); ++i) {
    double margin = 0;
    for (size_t f = begin; f < ends[i]; ++f) {
      const float* row = &model_.w[static_cast<size_t>(s.features[f]) * kStride];
      margin += (row[first] - row[second]) * scale;
    }
    begin = ends[i];
    e.deciding.push_back({std::string(tokens[i].text), margin / model_.temperature});
  }
  std::stable_sort(e.deciding.begin(), e.deciding.end(),
                   [](const Explanation::Word& a, const Explanation::Word& b) {
                     return std::abs(a.weight) > std::abs(b.weight);
                   });
  if (e.deciding.size() > 5) e.deciding.resize(5);
  Intent model_intent = static_cast<Intent>(first);
  if (e.result.intent != model_intent) {
    bool only_request = false;
    if (tokens.empty()) {
      e.rule = "empty text";
    } else if (internal::RequestedLanguage(tokens, &only_request) && only_request) {
      e.rule = "language request (word list)";
    } else if (internal::SocialIntent(tokens)) {
      e.rule = "pleasantries only (greetings.txt, thanks.txt, goodbyes.txt)";
    } else if (e.result.intent == Intent::kAgent) {
      e.rule = "request for a person (agent-phrases.txt)";
    } else if (e.result.intent == Intent::kUnknown) {
      e.rule = "below the confidence threshold";
    }
  }
  return e;
}

// Parses `intent<TAB>utterance` lines. Blank lines and lines starting with '#' are skipped.
bool ParseTsv(std::string_view tsv, int lang, std::string_view name, std::vector<Example>* out,
              std::vector<std::string>* vocabulary, std::string* error) {
  Scratch& s = ThreadScratch();
  int line_no = 0;
  while (!tsv.empty()) {
    size_t nl = tsv.find('\n');
    std::string_view line = tsv.substr(0, nl);
    tsv = nl == std::string_view::npos ? std::string_view() : tsv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    std::optional<Intent> intent =
        tab == std::string_view::npos ? std::nullopt : ParseIntent(line.substr(0, tab));
    if (!intent) {
      *error = std::string(name) + " line " + std::to_string(line_no) +
               ": expected a known intent, a tab and an utterance";
      return false;
    }
    s.norm.clear();
    internal::NormalizeInto(line.substr(tab + 1), &s.norm);
    SplitTokens(s.norm, &s.tokens);
    Example ex;
    ex.intent = static_cast<int>(*intent);
    ex.lang = lang;
    Featurize(s.tokens, &ex.features, &ex.lang_features);
    for (const Token& t : s.tokens) vocabulary->emplace_back(t.text);
    out->push_back(std::move(ex));
  }
  return true;
}

// Word-list lines (one word or phrase a line, '#' comments) train the language identifier only.
void ParseWordList(std::string_view text, int lang, std::vector<Example>* out) {
  Scratch& s = ThreadScratch();
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    s.norm.clear();
    internal::NormalizeInto(line, &s.norm);
    SplitTokens(s.norm, &s.tokens);
    Example ex;
    ex.lang = lang;
    Featurize(s.tokens, &ex.features, &ex.lang_features);
    ex.features.clear();
    if (!ex.lang_features.empty()) out->push_back(std::move(ex));
  }
}

// One training text: its file name (for errors), its language (1 = Spanish) and its contents.
struct TrainingText {
  std::string_view name;
  int lang = 0;
  std::string_view text;
};

std::unique_ptr<Classifier> Train(const ClassifierOptions& options,
                                  std::span<const TrainingText> tsvs,
                                  std::span<const TrainingText> word_lists, std::string* error) {
  std::vector<Example> examples;
  std::vector<std::string> vocabulary;
  std::string ignored;
  if (error == nullptr) error = &ignored;
  for (const TrainingText& t : tsvs) {
    if (!ParseTsv(t.text, t.lang, t.name, &examples, &vocabulary, error)) return nullptr;
  }
  for (const TrainingText& t : word_lists) ParseWordList(t.text, t.lang, &examples);
  if (examples.empty()) {
    *error = "no training examples";
    return nullptr;
  }
  std::sort(vocabulary.begin(), vocabulary.end());
  vocabulary.erase(std::unique(vocabulary.begin(), vocabulary.end()), vocabulary.end());

  std::vector<const Example*> train, held_out, all;
  for (size_t i = 0; i < examples.size(); ++i) {
    all.push_back(&examples[i]);
    (i % kHeldOutEvery == kHeldOutEvery - 1 ? held_out : train).push_back(&examples[i]);
  }
  Model model;
  double temperature = 1, lang_temperature = 1;
  float unknown_shift = 0;
  if (!held_out.empty()) {
    Model probe;
    Train(train, &probe);
    Calibrate(probe, held_out, &temperature, &lang_temperature);
    unknown_shift = CalibrateUnknown(probe, held_out, temperature, options.threshold);
  }
  Train(all, &model);
  model.temperature = temperature;
  model.lang_temperature = lang_temperature;
  model.unknown_shift = unknown_shift;
  return std::make_unique<TrainedClassifier>(options, std::move(model), vocabulary);
}

}  // namespace

std::unique_ptr<Classifier> Classifier::CreateFromTsv(const ClassifierOptions& options,
                                                      std::string_view en_tsv,
                                                      std::string_view es_tsv, std::string* error) {
  const TrainingText tsvs[] = {{"en.tsv", 0, en_tsv}, {"es.tsv", 1, es_tsv}};
  return Train(options, tsvs, {}, error);
}

std::unique_ptr<Classifier> Classifier::Create(const ClassifierOptions& options,
                                               std::string* error) {
  // en.tsv and es.tsv (and any "*-en.tsv" / "*-es.tsv" embedded beside them) train both models;
  // lang-{en,es}.txt train the language identifier only.
  if (const std::string& bad = internal::OtherLanguages().error; !bad.empty()) {
    if (error != nullptr) *error = bad;
    return nullptr;
  }
  std::vector<TrainingText> tsvs, word_lists;
  bool has_en = false, has_es = false;
  for (const auto& [path, contents] : data::EmbeddedFiles()) {
    auto ends = [name = path](std::string_view suffix) {
      return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
    };
    if (path == "en.tsv" || path == "es.tsv" || ends("-en.tsv") || ends("-es.tsv")) {
      int lang = ends("es.tsv") ? 1 : 0;
      tsvs.push_back({path, lang, contents});
      if (path == "en.tsv" && !contents.empty()) has_en = true;
      if (path == "es.tsv" && !contents.empty()) has_es = true;
    } else if (path == "lang-en.txt" || path == "lang-es.txt") {
      word_lists.push_back({path, path == "lang-es.txt" ? 1 : 0, contents});
    }
  }
  if (!has_en || !has_es) {
    if (error != nullptr) *error = "embedded training data is missing";
    return nullptr;
  }
  return Train(options, tsvs, word_lists, error);
}

}  // namespace connecthub::intents
