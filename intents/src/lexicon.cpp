#include "lexicon.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace connecthub::intents {
namespace data {
// Generated from intents/data by connecthub_embed() (intents/CMakeLists.txt).
std::span<const std::pair<std::string_view, std::string_view>> EmbeddedFiles();
}  // namespace data

namespace internal {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// The embedded word list `name` (intents/data/<name>), empty when absent.
std::string_view ListFile(std::string_view name) {
  for (const auto& [path, contents] : data::EmbeddedFiles()) {
    if (path == name) return contents;
  }
  return {};
}

// Calls fn(line) for every line of `text` that is not blank or a '#' comment, trimmed.
template <typename Fn>
void ForEachEntry(std::string_view text, Fn fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    fn(line);
  }
}

// SMS spellings and frequent typos -> canonical words (data/sms-spellings.tsv), sorted by the hash
// of the spelling, so that a lookup is a hash and a binary search on integers, behind a filter
// (4,096 bits for about 240 spellings). Duplicated spellings would be ambiguous; the first line
// wins (stable sort).
struct SmsTable {
  struct Entry {
    uint64_t hash;
    Pair pair;
  };
  std::vector<Entry> sorted;
  HashFilter<4096> filter;
  SmsTable() {
    ForEachEntry(ListFile("sms-spellings.tsv"), [&](std::string_view line) {
      size_t tab = line.find('\t');
      if (tab == std::string_view::npos) return;
      std::string_view from = line.substr(0, tab), to = line.substr(tab + 1);
      sorted.push_back({WordHash(from), {from, to}});
    });
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
    for (const Entry& e : sorted) filter.Add(e.hash);
  }
};

constexpr std::string_view kFuzzy[] = {
    "payment",    "payments",   "appointment", "appointments",  "balance",     "representative",
    "document",   "documents",  "address",     "history",       "schedule",    "hearing",
    "status",     "caseworker", "account",     "statement",     "employer",    "support",
    "password",   "forgot",     "number",      "office",        "telephone",   "english",
    "spanish",    "received",   "receive",     "court",         "please",      "thanks",
    "hello",      "goodbye",    "order",       "orders",        "notice",      "change",
    "update",     "human",      "person",      "agent",         "espanol",     "ingles",
    "hablar",     "persona",    "agente",      "representante", "manutencion", "historial",
    "audiencia",  "documentos", "direccion",   "telefono",      "empleador",   "contrasena",
    "olvide",     "ultimo",     "pagos",       "deuda",         "atrasado",    "estado",
    "oficina",    "horario",    "gracias",     "adios",         "buenos",      "buenas",
    "cuanto",     "necesito",   "quiero",      "trabajador",    "trabajadora", "cambiar",
    "actualizar", "correo",     "numero",      "saldo",         "atrasos",     "cuando",
    "recibieron", "recibido",   "pague",       "ayuda",         "ayudame",     "informacion",
    "proxima",    "citas",      "abierto",     "cerrado",       "tarjeta",     "where",
    "arrears",    "behind",     "child",       "today",         "genetic",     "paternity",
    "paternidad", "nuevo",      "nueva",       "mensual",       "monthly",     "copia",
};

bool StartsWith(std::string_view token, std::string_view prefix) {
  return token.substr(0, prefix.size()) == prefix;
}

// True when tokens[i..] starts with the words of `phrase` (space-separated).
bool PhraseAt(Tokens tokens, size_t i, std::string_view phrase) {
  while (!phrase.empty()) {
    size_t sp = phrase.find(' ');
    std::string_view word = phrase.substr(0, sp);
    if (i >= tokens.size() || tokens[i].text != word) return false;
    ++i;
    phrase = sp == std::string_view::npos ? std::string_view() : phrase.substr(sp + 1);
  }
  return true;
}

bool AllDigits(std::string_view token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A fixed set of words and phrases (space-separated words), indexed by the hash of the first
// word so that a lookup costs a hash and a binary search instead of a scan.
class PhraseSet {
 public:
  PhraseSet(std::initializer_list<std::string_view> phrases) {
    for (std::string_view p : phrases) Add(p);
    Sort();
  }

  // The names of a table of (name, value) pairs.
  template <typename Pairs>
  static PhraseSet Keys(const Pairs& pairs) {
    PhraseSet set({});
    for (const auto& pair : pairs) set.Add(pair.first);
    set.Sort();
    return set;
  }

  // The entries of an embedded word list (one word or phrase a line, '#' comments); with
  // `words_only`, each word of each phrase instead.
  static PhraseSet FromList(std::string_view name, bool words_only = false) {
    PhraseSet set({});
    ForEachEntry(ListFile(name), [&](std::string_view line) {
      if (!words_only) {
        set.Add(line);
        return;
      }
      while (!line.empty()) {
        size_t sp = line.find(' ');
        if (sp != 0) set.Add(line.substr(0, sp));
        line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
      }
    });
    set.Sort();
    return set;
  }

  // True when one of the phrases starts at tokens[i].
  bool MatchAt(Tokens tokens, size_t i) const {
    auto [lo, hi] = Range(tokens[i].hash);
    for (auto it = lo; it != hi; ++it) {
      if (PhraseAt(tokens, i, it->phrase)) return true;
    }
    return false;
  }

  void Merge(const PhraseSet& other) {
    entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
    Sort();
  }

  // True when `token` is one of the single-word entries.
  bool Contains(const Token& token) const {
    auto [lo, hi] = Range(token.hash);
    for (auto it = lo; it != hi; ++it) {
      if (it->phrase == token.text) return true;
    }
    return false;
  }

  // True when one of the phrases occurs in `tokens`.
  bool MatchAnywhere(Tokens tokens) const {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (MatchAt(tokens, i)) return true;
    }
    return false;
  }

 private:
  void Add(std::string_view p) { entries_.push_back({WordHash(p.substr(0, p.find(' '))), p}); }
  void Sort() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.first < b.first; });
    filter_ = {};
    for (const Entry& e : entries_) filter_.Add(e.first);
  }

  struct Entry {
    uint64_t first;
    std::string_view phrase;
  };
  using Iterator = std::vector<Entry>::const_iterator;

  std::pair<Iterator, Iterator> Range(uint64_t first) const {
    if (!filter_.MayContain(first)) return {entries_.end(), entries_.end()};
    return std::equal_range(entries_.begin(), entries_.end(), Entry{first, {}},
                            [](const Entry& a, const Entry& b) { return a.first < b.first; });
  }

  std::vector<Entry> entries_;
  HashFilter<1024> filter_;  // of the first words' hashes
};

// Threats, violence and self-harm (data/safety-phrases.txt, reviewed by the agency's safety staff).
const PhraseSet& SafetyPhrases() {
  static const PhraseSet set = PhraseSet::FromList("safety-phrases.txt");
  return set;
}

// Idioms that start with a safety word and are no threat ("kill time"; data/safety-exceptions.txt).
const PhraseSet& SafetyExceptions() {
  static const PhraseSet set = PhraseSet::FromList("safety-exceptions.txt");
  return set;
}

const PhraseSet& EnglishNames() {
  static const PhraseSet set({"english", "ingles", "inglesh"});
  return set;
}

const PhraseSet& SpanishNames() {
  static const PhraseSet set({"spanish", "espanol", "castellano"});
  return set;
}

const PhraseSet& SwitchContext() {
  static const PhraseSet set({"in", "en", "speak", "hablar", "hablo", "hablas", "habla", "hable",
                              "switch", "cambiar", "idioma", "language", "prefer", "prefiero"});
  return set;
}

const PhraseSet& Negations() {
  static const PhraseSet set({"no", "not", "nada"});
  return set;
}

const PhraseSet& ThanksWords() {
  static const PhraseSet set = PhraseSet::FromList("thanks.txt");
  return set;
}

const PhraseSet& GreetingPhrases() {
  static const PhraseSet set = PhraseSet::FromList("greetings.txt");
  return set;
}

const PhraseSet& AgentPhrases() {
  static const PhraseSet set = PhraseSet::FromList("agent-phrases.txt");
  return set;
}

// The words a bare request for a person is made of: agent phrases' words and their filler.
const PhraseSet& AgentRequestWords() {
  static const PhraseSet set = [] {
    PhraseSet words = PhraseSet::FromList("agent-phrases.txt", true);
    words.Merge(PhraseSet::FromList("agent-request-words.txt", true));
    return words;
  }();
  return set;
}

const PhraseSet& EndingWords() {
  static const PhraseSet set({"last", "ultimos", "ultimo", "end", "final"});
  return set;
}

const PhraseSet& BeforeMonthMay() {
  static const PhraseSet set({"in", "of", "for", "since", "from", "last", "this", "until", "de",
                              "en", "del", "since", "to"});
  return set;
}

const PhraseSet& GoodbyePhrases() {
  static const PhraseSet set = PhraseSet::FromList("goodbyes.txt");
  return set;
}

std::optional<int> MonthOf(Tokens tokens, size_t i) {
  static constexpr std::pair<std::string_view, int> kMonths[] = {
      {"january", 1},    {"jan", 1},       {"enero", 1},    {"ene", 1},        {"february", 2},
      {"feb", 2},        {"febrero", 2},   {"march", 3},    {"mar", 3},        {"marzo", 3},
      {"april", 4},      {"apr", 4},       {"abril", 4},    {"abr", 4},        {"mayo", 5},
      {"june", 6},       {"jun", 6},       {"junio", 6},    {"july", 7},       {"jul", 7},
      {"julio", 7},      {"august", 8},    {"aug", 8},      {"agosto", 8},     {"agto", 8},
      {"september", 9},  {"sep", 9},       {"sept", 9},     {"septiembre", 9}, {"setiembre", 9},
      {"october", 10},   {"oct", 10},      {"octubre", 10}, {"november", 11},  {"nov", 11},
      {"noviembre", 11}, {"december", 12}, {"dec", 12},     {"diciembre", 12}, {"dic", 12},
  };
  // Most words are no month: the set's filter turns them away before the scan.
  static const PhraseSet kNames = PhraseSet::Keys(kMonths);
  std::string_view t = tokens[i].text;
  if (kNames.Contains(tokens[i])) {
    for (const auto& [name, month] : kMonths) {
      if (t == name) return month;
    }
  }
  // "may" is usually the verb: count it only in "in may", "may 2024", "de may", ...
  if (t == "may") {
    bool before = i > 0 && BeforeMonthMay().Contains(tokens[i - 1]);
    bool after = i + 1 < tokens.size() && AllDigits(tokens[i + 1].text);
    if (before || after) return 5;
  }
  return std::nullopt;
}

}  // namespace

std::string_view SmsReplacement(std::string_view token) {
  static const SmsTable table;
  uint64_t hash = WordHash(token);
  if (!table.filter.MayContain(hash)) return {};
  auto it = std::lower_bound(table.sorted.begin(), table.sorted.end(), hash,
                             [](const SmsTable::Entry& e, uint64_t h) { return e.hash < h; });
  for (; it != table.sorted.end() && it->hash == hash; ++it) {
    if (it->pair.first == token) return it->pair.second;
  }
  return {};
}

std::span<const std::string_view> FuzzyKeywords() { return kFuzzy; }

bool HasSafetyWords(Tokens tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (SafetyExceptions().MatchAt(tokens, i)) continue;
    if (SafetyPhrases().MatchAt(tokens, i)) return true;
  }
  return false;
}

std::optional<Lang> RequestedLanguage(Tokens tokens, bool* only_request) {
  // Words that may surround a language name in a request to switch ("can you speak spanish").
  static const PhraseSet kRequestWords({
      "in",         "en",       "a",        "al",     "to",      "please",  "por",
      "favor",      "speak",    "talk",     "hablar", "hablo",   "habla",   "hablas",
      "hable",      "hablame",  "switch",   "change", "cambiar", "cambia",  "cambie",
      "idioma",     "language", "lenguaje", "i",      "you",     "can",     "could",
      "do",         "puedes",   "puede",    "quiero", "want",    "prefer",  "prefiero",
      "need",       "necesito", "only",     "solo",   "el",      "ok",      "yes",
      "si",         "no",       "not",      "do not", "use",     "usar",    "write",
      "escribe",    "escribir", "text",     "me",     "respond", "answer",  "reply",
      "contesta",   "responde", "fa",       "ingles", "english", "spanish", "espanol",
      "castellano", "sabes",    "know",     "hi",     "hola",    "is",      "there",
      "anyone",     "alguien",  "que",      "who",    "quien",   "us",      "usted",
      "would",      "like",     "gustaria", "me",     "let",     "lets",    "let's",
      "am",         "we",       "tu",       "with",   "con",     "de",      "of",
      "version",    "mode",     "modo",     "chat",   "say",     "it",      "again",
      "instead",    "mejor",    "better",   "otra",   "vez",     "are",     "does",
      "anybody",    "someone",  "who",      "sorry",  "perdon",  "not",     "entiendo",
      "understand",
  });
  *only_request = false;
  std::optional<Lang> found;
  bool has_request_context = tokens.size() <= 3;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    std::optional<Lang> lang;
    if (EnglishNames().Contains(t)) lang = Lang::kEn;
    if (SpanishNames().Contains(t)) lang = Lang::kEs;
    if (SwitchContext().Contains(t)) {
      has_request_context = true;
    }
    if (!lang) continue;
    // "no hablo ingles", "i do not speak spanish": the other language is wanted.
    bool negated = false;
    for (size_t j = i >= 3 ? i - 3 : 0; j < i; ++j) {
      if (Negations().Contains(tokens[j])) negated = true;
    }
    found = negated ? (*lang == Lang::kEn ? Lang::kEs : Lang::kEn) : *lang;
  }
  if (!found || !has_request_context) return std::nullopt;
  *only_request = std::all_of(tokens.begin(), tokens.end(),
                              [](const Token& t) { return kRequestWords.Contains(t); });
  return found;
}

std::optional<Intent> SocialIntent(Tokens tokens) {
  // Every word that may appear in a message made only of pleasantries.
  static const PhraseSet kSocialWords = PhraseSet::FromList("social-words.txt");
  if (tokens.empty() || tokens.size() > 8) return std::nullopt;
  bool all_social = true;
  for (const Token& t : tokens) {
    if (!kSocialWords.Contains(t)) all_social = false;
  }
  if (!all_social) return std::nullopt;
  bool bye = GoodbyePhrases().MatchAnywhere(tokens);
  if (bye) return Intent::kGoodbye;
  if (ThanksWords().MatchAnywhere(tokens)) {
    return Intent::kThanks;
  }
  if (GreetingPhrases().MatchAnywhere(tokens)) {
    return Intent::kGreeting;
  }
  return std::nullopt;
}

bool HasAgentKeyword(Tokens tokens) { return AgentPhrases().MatchAnywhere(tokens); }

bool OnlyAgentRequest(Tokens tokens) {
  // The word check fails on the first word of almost every message: do it first.
  if (tokens.empty() || tokens.size() > 12) return false;
  return std::all_of(tokens.begin(), tokens.end(),
                     [](const Token& t) { return AgentRequestWords().Contains(t); }) &&
         HasAgentKeyword(tokens);
}

std::optional<Topic> SensitiveTopic(Tokens tokens) {
  static const PhraseSet custody = PhraseSet::FromList("topic-custody.txt");
  static const PhraseSet immigration = PhraseSet::FromList("topic-immigration.txt");
  static const PhraseSet domestic = PhraseSet::FromList("topic-domestic.txt");
  // Domestic trouble first: the safety information matters most.
  if (domestic.MatchAnywhere(tokens)) return Topic::kDomestic;
  if (immigration.MatchAnywhere(tokens)) return Topic::kImmigration;
  if (custody.MatchAnywhere(tokens)) return Topic::kCustody;
  return std::nullopt;
}

void ExtractEntities(Tokens tokens, Entities* entities) {
  static const PhraseSet other_parent = PhraseSet::FromList("other-parent.txt");
  entities->other_parent = other_parent.MatchAnywhere(tokens);
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i].text;
    if (AllDigits(t)) {
      if (t.size() == 9) {
        entities->case_number = std::string(t);
        continue;
      }
      if (t.size() == 4) {
        // "case ending 0001", "ending in 0001", "caso terminado en 0001", "last 4 0001".
        bool ending = false;
        for (size_t j = i >= 3 ? i - 3 : 0; j < i; ++j) {
          std::string_view w = tokens[j].text;
          if (StartsWith(w, "ending") || StartsWith(w, "ends") || StartsWith(w, "termin") ||
              EndingWords().Contains(tokens[j])) {
            ending = true;
          }
        }
        // "case 0013", "caso 0013", "case number 0013", "caso no 0013".
        auto case_word = [](const Token& w) { return w.text == "case" || w.text == "caso"; };
        if (i >= 1 && case_word(tokens[i - 1])) ending = true;
        if (i >= 2 && case_word(tokens[i - 2]) &&
            (tokens[i - 1].text == "number" || tokens[i - 1].text == "numero" ||
             tokens[i - 1].text == "no")) {
          ending = true;
        }
        if (ending && !entities->case_number) {
          entities->case_number = std::string(t);
          continue;
        }
        int value = 0;
        std::from_chars(t.data(), t.data() + t.size(), value);
        if (value >= 2015 && value <= 2035) entities->year = value;
      }
      continue;
    }
    if (std::optional<int> month = MonthOf(tokens, i)) entities->month = month;
  }
}

}  // namespace internal
}  // namespace connecthub::intents
