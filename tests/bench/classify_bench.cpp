// Intent classification throughput on one thread over a mix of realistic utterances.
// `classify_bench [--smoke] [--seconds N]`; --smoke runs a tiny batch and exits 0.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "intents/classifier.h"

namespace {

using connecthub::intents::Classifier;
using connecthub::intents::ClassifierOptions;
using connecthub::intents::Lang;

// English, Spanish, SMS spellings, accents, typos, a case number, an emoji, a long message.
const std::vector<std::string> kUtterances = {
    "how much do i owe",
    "cuánto debo de manutención",
    "wats my bal",
    "when is my next court date",
    "a q hora es mi sita",
    "did my last payment go through?",
    "¿ya pagó el papá de mis hijos?",
    "payments received in march 2024",
    "historial de pagos del 2023",
    "is my case still open",
    "estado del caso que termina en 0001",
    "how can i pay with a card",
    "olvidé mi PIN",
    "what are your office hours",
    "quiero hablar con una persona",
    "representativ please",
    "help",
    "hola buenas tardes",
    "thanks!! 👍",
    "adiós, gracias",
    "en español por favor",
    "i need a copy of my order",
    "cambié de dirección y de teléfono",
    "who won the game last night",
    "100000001 482913",
    "Hi, I moved last month and my ex says I owe more than the statement shows, can someone "
    "call me back about case 200000001 before my hearing?",
};

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  double seconds = 3.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) smoke = true;
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  std::unique_ptr<Classifier> classifier = Classifier::Create(ClassifierOptions{}, &error);
  if (!classifier) {
    std::fprintf(stderr, "classify_bench: %s\n", error.c_str());
    return 1;
  }
  double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("training (Classifier::Create): %.3f s\n", train_s);

  size_t total = 0, checksum = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  const size_t batches = smoke ? 2 : SIZE_MAX;
  for (size_t b = 0; b < batches; ++b) {
    for (int rep = 0; rep < 100; ++rep) {
      for (size_t i = 0; i < kUtterances.size(); ++i) {
        auto r = classifier->Classify(kUtterances[i], i % 2 ? Lang::kEs : Lang::kEn);
        checksum += static_cast<size_t>(r.intent) + (r.safety ? 1 : 0);
        ++total;
      }
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed >= seconds) break;
  }
  std::printf("classify: %zu utterances in %.3f s = %.0f utterances/s (one thread, checksum %zu)\n",
              total, elapsed, static_cast<double>(total) / elapsed, checksum);
  return 0;
}
