#include "lexicon.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace connecthub::intents::internal {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// SMS spellings and frequent typos -> canonical words. Sorted at first use for binary search.
constexpr Pair kSms[] = {
    // English
    {"u", "you"},
    {"ur", "your"},
    {"yr", "your"},
    {"r", "are"},
    {"pls", "please"},
    {"plz", "please"},
    {"plze", "please"},
    {"pleas", "please"},
    {"thx", "thanks"},
    {"thnx", "thanks"},
    {"thanx", "thanks"},
    {"tnx", "thanks"},
    {"thks", "thanks"},
    {"thankz", "thanks"},
    {"tks", "thanks"},
    {"ty", "thank you"},
    {"tyvm", "thank you"},
    {"wats", "whats"},
    {"wat", "what"},
    {"wut", "what"},
    {"whta", "what"},
    {"wht", "what"},
    {"whn", "when"},
    {"wen", "when"},
    {"hw", "how"},
    {"nxt", "next"},
    {"appt", "appointment"},
    {"appts", "appointments"},
    {"apt", "appointment"},
    {"apptmt", "appointment"},
    {"appointmnt", "appointment"},
    {"bal", "balance"},
    {"pmt", "payment"},
    {"pymt", "payment"},
    {"pymnt", "payment"},
    {"paymt", "payment"},
    {"paymnt", "payment"},
    {"pmts", "payments"},
    {"pymts", "payments"},
    {"pymnts", "payments"},
    {"pd", "paid"},
    {"acct", "account"},
    {"addr", "address"},
    {"addy", "address"},
    {"ph", "phone"},
    {"phn", "phone"},
    {"fone", "phone"},
    {"num", "number"},
    {"nmbr", "number"},
    {"hlp", "help"},
    {"im", "i am"},
    {"ima", "i am going to"},
    {"imma", "i am going to"},
    {"wanna", "want to"},
    {"gonna", "going to"},
    {"gotta", "got to"},
    {"dont", "do not"},
    {"cant", "can not"},
    {"cannot", "can not"},
    {"didnt", "did not"},
    {"doesnt", "does not"},
    {"havent", "have not"},
    {"wont", "will not"},
    {"isnt", "is not"},
    {"idk", "i do not know"},
    {"b4", "before"},
    {"tmrw", "tomorrow"},
    {"tmr", "tomorrow"},
    {"2moro", "tomorrow"},
    {"2day", "today"},
    {"gd", "good"},
    {"nite", "night"},
    {"msg", "message"},
    {"txt", "text"},
    {"hv", "have"},
    {"cud", "could"},
    {"shud", "should"},
    {"wud", "would"},
    {"abt", "about"},
    {"bc", "because"},
    {"cuz", "because"},
    {"coz", "because"},
    {"ppl", "people"},
    {"sum1", "someone"},
    {"some1", "someone"},
    {"any1", "anyone"},
    {"cs", "child support"},
    {"supprt", "support"},
    {"chld", "child"},
    {"pwd", "password"},
    {"pw", "password"},
    {"docs", "documents"},
    {"doc", "document"},
    {"hrs", "hours"},
    {"hr", "hour"},
    {"yrs", "years"},
    {"mo", "month"},
    {"mos", "months"},
    {"hiya", "hi"},
    {"helo", "hello"},
    {"hellow", "hello"},
    {"hii", "hi"},
    {"heyy", "hey"},
    {"k", "ok"},
    {"kk", "ok"},
    {"okk", "ok"},
    {"okay", "ok"},
    {"oky", "ok"},
    {"bye", "bye"},
    {"byee", "bye"},
    {"cya", "see you"},
    {"ttyl", "talk to you later"},
    {"recvd", "received"},
    {"rcvd", "received"},
    {"recieved", "received"},
    {"recieve", "receive"},
    {"owe", "owe"},
    {"ow", "owe"},
    // Spanish
    {"q", "que"},
    {"ke", "que"},
    {"qe", "que"},
    {"xq", "porque"},
    {"pq", "porque"},
    {"porq", "porque"},
    {"xk", "porque"},
    {"tmb", "tambien"},
    {"tb", "tambien"},
    {"tmbn", "tambien"},
    {"kuanto", "cuanto"},
    {"kuando", "cuando"},
    {"kual", "cual"},
    {"cuanto", "cuanto"},
    {"quanto", "cuanto"},
    {"cuato", "cuanto"},
    {"sita", "cita"},
    {"sitas", "citas"},
    {"zita", "cita"},
    {"kiero", "quiero"},
    {"qiero", "quiero"},
    {"kisiera", "quisiera"},
    {"aki", "aqui"},
    {"x", "por"},
    {"xfa", "por favor"},
    {"xfavor", "por favor"},
    {"porfa", "por favor"},
    {"porfavor", "por favor"},
    {"pf", "por favor"},
    {"grax", "gracias"},
    {"grasias", "gracias"},
    {"grcs", "gracias"},
    {"grs", "gracias"},
    {"gracas", "gracias"},
    {"dnd", "donde"},
    {"dnde", "donde"},
    {"cdo", "cuando"},
    {"cnd", "cuando"},
    {"cmo", "como"},
    {"komo", "como"},
    {"cn", "con"},
    {"pa", "para"},
    {"pra", "para"},
    {"toy", "estoy"},
    {"ola", "hola"},
    {"holaa", "hola"},
    {"bn", "bien"},
    {"nesesito", "necesito"},
    {"nececito", "necesito"},
    {"nesecito", "necesito"},
    {"nsesito", "necesito"},
    {"ncsito", "necesito"},
    {"d", "de"},
    {"tngo", "tengo"},
    {"tengp", "tengo"},
    {"dl", "del"},
    {"pgo", "pago"},
    {"pgos", "pagos"},
    {"pagé", "pague"},
    {"ultmo", "ultimo"},
    {"salfo", "saldo"},
    {"manutension", "manutencion"},
    {"manutencon", "manutencion"},
    {"telefno", "telefono"},
    {"tel", "telefono"},
    {"tlf", "telefono"},
    {"cel", "celular"},
    {"dir", "direccion"},
    {"direcion", "direccion"},
    {"dsps", "despues"},
    {"xa", "para"},
    {"tqm", "te quiero mucho"},
    {"bss", "besos"},
    {"adio", "adios"},
    {"nv", "nos vemos"},
    {"bno", "bueno"},
    {"bns", "buenas"},
    {"wenas", "buenas"},
    {"buenass", "buenas"},
    {"ntp", "no te preocupes"},
    {"sta", "esta"},
    {"stoy", "estoy"},
    {"ahi", "ahi"},
    {"tiempo", "tiempo"},
    {"tmpo", "tiempo"},
    {"audencia", "audiencia"},
    {"odiencia", "audiencia"},
    {"corte", "corte"},
    {"kaso", "caso"},
    {"kasos", "casos"},
    {"ablar", "hablar"},
    {"avlar", "hablar"},
    {"abla", "habla"},
    {"ablo", "hablo"},
    {"aser", "hacer"},
    {"acer", "hacer"},
    {"ase", "hace"},
    {"ise", "hice"},
    {"iso", "hizo"},
    {"ora", "hora"},
    {"oras", "horas"},
    {"orario", "horario"},
    {"espanol", "espanol"},
    {"espaniol", "espanol"},
    {"espanyol", "espanol"},
    {"spanol", "espanol"},
    {"ingels", "ingles"},
    {"engles", "ingles"},
    {"inglish", "english"},
    {"englis", "english"},
    {"spanis", "spanish"},
    {"espanish", "spanish"},
};

// Duplicated keys above would be ambiguous; the first one wins (stable sort).
// Sorted by the hash of the spelling, so that a lookup is a hash and a binary search on integers.
struct SmsTable {
  struct Entry {
    uint64_t hash;
    Pair pair;
  };
  std::array<Entry, std::size(kSms)> sorted;
  SmsTable() {
    for (size_t i = 0; i < std::size(kSms); ++i) sorted[i] = {WordHash(kSms[i].first), kSms[i]};
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
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
    if (i >= tokens.size() || tokens[i] != word) return false;
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
    for (std::string_view p : phrases) {
      entries_.push_back({WordHash(p.substr(0, p.find(' '))), p});
    }
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.first < b.first; });
  }

  // True when `word` is one of the single-word entries.
  bool Contains(std::string_view word) const {
    auto [lo, hi] = Range(WordHash(word));
    for (auto it = lo; it != hi; ++it) {
      if (it->phrase == word) return true;
    }
    return false;
  }

  // True when one of the phrases occurs in `tokens`.
  bool MatchAnywhere(Tokens tokens) const {
    for (size_t i = 0; i < tokens.size(); ++i) {
      auto [lo, hi] = Range(WordHash(tokens[i]));
      for (auto it = lo; it != hi; ++it) {
        if (PhraseAt(tokens, i, it->phrase)) return true;
      }
    }
    return false;
  }

 private:
  struct Entry {
    uint64_t first;
    std::string_view phrase;
  };
  using Iterator = std::vector<Entry>::const_iterator;

  std::pair<Iterator, Iterator> Range(uint64_t first) const {
    return std::equal_range(entries_.begin(), entries_.end(), Entry{first, {}},
                            [](const Entry& a, const Entry& b) { return a.first < b.first; });
  }

  std::vector<Entry> entries_;
};

const PhraseSet& SafetyPhrases() {
  static const PhraseSet set({"hurt myself",
                              "hurt me",
                              "hurt him",
                              "hurt her",
                              "hurt them",
                              "hurt you",
                              "hurt my",
                              "hurt the",
                              "harm myself",
                              "harm me",
                              "harm him",
                              "harm her",
                              "self harm",
                              "end my life",
                              "take my life",
                              "want to die",
                              "wanna die",
                              "going to die",
                              "better off dead",
                              "no reason to live",
                              "not worth living",
                              "cut myself",
                              "beat him",
                              "beat her",
                              "beat me",
                              "beat you",
                              "beats me",
                              "hit me",
                              "hits me",
                              "hit him",
                              "hit her",
                              "punch",
                              "shoot",
                              "stab",
                              "strangle",
                              "choke me",
                              "burn down",
                              "blow up",
                              "me quiero morir",
                              "quiero morir",
                              "quiero morirme",
                              "me voy a morir",
                              "hacerme dano",
                              "hacerle dano",
                              "hacerte dano",
                              "le voy a hacer dano",
                              "me hace dano",
                              "hacer dano",
                              "quitarme la vida",
                              "acabar con mi vida",
                              "no quiero vivir",
                              "ya no quiero vivir",
                              "me pega",
                              "le voy a pegar",
                              "lo voy a pegar",
                              "me golpea",
                              "me amenaza",
                              "me amenazo",
                              "lo voy a matar",
                              "la voy a matar",
                              "voy a quemar",
                              "no vale la pena vivir"});
  return set;
}

const PhraseSet& KillWords() {
  static const PhraseSet set({"kill", "killing", "kills"});
  return set;
}

const PhraseSet& KillIdioms() {
  static const PhraseSet set({"time", "it"});
  return set;
}

const PhraseSet& SafetyWords() {
  static const PhraseSet set(
      {"killed",     "murder",      "murdered",   "suicide",    "suicidal",   "gun",
       "guns",       "pistol",      "rifle",      "knife",      "bomb",       "threaten",
       "threatened", "threatening", "threat",     "threats",    "violence",   "violent",
       "abuse",      "abused",      "abusing",    "abusive",    "overdose",   "kms",
       "rape",       "raped",       "hostage",    "kidnap",     "kidnapped",  "matar",
       "mato",       "matarlo",     "matarla",    "matarle",    "matarme",    "matarte",
       "matarlos",   "matare",      "suicidio",   "suicidarme", "suicidar",   "suicida",
       "amenaza",    "amenazas",    "amenazo",    "amenazado",  "amenazando", "golpear",
       "golpearlo",  "golpearla",   "golpeo",     "golpea",     "golpes",     "golpiza",
       "pistola",    "cuchillo",    "violencia",  "violento",   "abuso",      "abusa",
       "lastimar",   "lastimarme",  "lastimarlo", "lastimarla", "herir",      "disparar",
       "disparo",    "balazo",      "balacera",   "bomba",      "secuestrar", "secuestro",
       "violar",     "violacion",   "asesinar",   "muerto",     "morirme",    "arma",
       "armas"});
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
  static const PhraseSet set({"thanks", "thank", "gracias", "appreciate", "agradezco"});
  return set;
}

const PhraseSet& GreetingPhrases() {
  static const PhraseSet set({"hi", "hello", "hey", "hola", "buenas", "buenos dias", "good morning",
                              "good afternoon", "good evening", "saludos", "greetings", "howdy",
                              "buenas tardes", "buenas noches", "que tal"});
  return set;
}

const PhraseSet& AgentPhrases() {
  static const PhraseSet set({"human",
                              "person",
                              "representative",
                              "rep",
                              "agent",
                              "operator",
                              "caseworker",
                              "case worker",
                              "case manager",
                              "real person",
                              "live person",
                              "somebody",
                              "someone",
                              "agente",
                              "persona",
                              "representante",
                              "operador",
                              "operadora",
                              "hablar con alguien",
                              "trabajador de caso",
                              "trabajadora de caso",
                              "trabajador social",
                              "trabajadora social",
                              "humano",
                              "alguien real"});
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
  static const PhraseSet set({"bye",
                              "goodbye",
                              "adios",
                              "chao",
                              "chau",
                              "ciao",
                              "see you",
                              "nos vemos",
                              "hasta luego",
                              "hasta pronto",
                              "hasta manana",
                              "take care",
                              "that is all",
                              "thats all",
                              "thats it",
                              "eso es todo",
                              "es todo",
                              "good night",
                              "have a nice day",
                              "have a good day",
                              "talk to you later",
                              "cuidate",
                              "cuidese",
                              "nada mas",
                              "buen dia",
                              "feliz dia",
                              "nothing else"});
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
  std::string_view t = tokens[i];
  for (const auto& [name, month] : kMonths) {
    if (t == name) return month;
  }
  // "may" is usually the verb: count it only in "in may", "may 2024", "de may", ...
  if (t == "may") {
    bool before = i > 0 && BeforeMonthMay().Contains(tokens[i - 1]);
    bool after = i + 1 < tokens.size() && AllDigits(tokens[i + 1]);
    if (before || after) return 5;
  }
  return std::nullopt;
}

}  // namespace

std::string_view SmsReplacement(std::string_view token) {
  static const SmsTable table;
  uint64_t hash = WordHash(token);
  auto it = std::lower_bound(table.sorted.begin(), table.sorted.end(), hash,
                             [](const SmsTable::Entry& e, uint64_t h) { return e.hash < h; });
  for (; it != table.sorted.end() && it->hash == hash; ++it) {
    if (it->pair.first == token) return it->pair.second;
  }
  return {};
}

std::span<const std::string_view> FuzzyKeywords() { return kFuzzy; }

bool HasSafetyWords(Tokens tokens) {
  if (SafetyPhrases().MatchAnywhere(tokens)) {
    return true;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    // "kill time" is idle talk, not a threat.
    if (KillWords().Contains(t)) {
      if (i + 1 < tokens.size() && KillIdioms().Contains(tokens[i + 1])) continue;
      return true;
    }
    if (SafetyWords().Contains(t)) {
      return true;
    }
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
    std::string_view t = tokens[i];
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
                              [](std::string_view t) { return kRequestWords.Contains(t); });
  return found;
}

std::optional<Intent> SocialIntent(Tokens tokens) {
  // Every word that may appear in a message made only of pleasantries.
  static const PhraseSet kSocialWords(
      {"hi",        "hello",     "hey",     "hola",     "buenas",     "buenos",   "dias",
       "tardes",    "noches",    "good",    "morning",  "afternoon",  "evening",  "saludos",
       "greetings", "howdy",     "yo",      "que",      "tal",        "how",      "are",
       "you",       "como",      "esta",    "estas",    "there",      "everyone", "sup",
       "whats",     "up",        "thanks",  "thank",    "gracias",    "muchas",   "mil",
       "many",      "so",        "much",    "very",     "appreciate", "it",       "agradezco",
       "te",        "lo",        "se",      "le",       "ok",         "great",    "perfect",
       "perfecto",  "excelente", "awesome", "cool",     "a",          "lot",      "bunch",
       "for",       "the",       "help",    "por",      "la",         "ayuda",    "su",
       "tu",        "muy",       "amable",  "bien",     "nice",       "got",      "okay",
       "vale",      "sounds",    "genial",  "bueno",    "alright",    "all",      "right",
       "and",       "y",         "bye",     "goodbye",  "adios",      "chao",     "chau",
       "ciao",      "see",       "later",   "soon",     "nos",        "vemos",    "luego",
       "hasta",     "pronto",    "manana",  "tomorrow", "take",       "care",     "that",
       "is",        "eso",       "es",      "todo",     "have",       "day",      "night",
       "bonito",    "dia",       "feliz",   "talk",     "to",         "cuidate",  "done",
       "im",        "i",         "am",      "nothing",  "else",       "nada",     "mas",
       "thats",     "now",       "ahora",   "no",       "cuidese",    "vaya",     "weekend",
       "fin",       "de",        "semana",  "be",       "well"});
  if (tokens.empty() || tokens.size() > 8) return std::nullopt;
  bool all_social = true;
  for (std::string_view t : tokens) {
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

void ExtractEntities(Tokens tokens, Entities* entities) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    if (AllDigits(t)) {
      if (t.size() == 9) {
        entities->case_number = std::string(t);
        continue;
      }
      if (t.size() == 4) {
        // "case ending 0001", "ending in 0001", "caso terminado en 0001", "last 4 0001".
        bool ending = false;
        for (size_t j = i >= 3 ? i - 3 : 0; j < i; ++j) {
          std::string_view w = tokens[j];
          if (StartsWith(w, "ending") || StartsWith(w, "ends") || StartsWith(w, "termin") ||
              EndingWords().Contains(w)) {
            ending = true;
          }
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

}  // namespace connecthub::intents::internal
