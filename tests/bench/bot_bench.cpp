// Bot answer latency: Bot::Answer() on a mix of parents' messages (English and Spanish, web and
// SMS, one case and five cases) with in-memory facts, single-threaded and from two threads at once.
// Prints p50/p90/p99/max in microseconds. Target: p99 < 200 us.
//
//   bot_bench [--iterations N] [--smoke]     (--smoke: a tiny run that checks it works, exit 0)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../fakes/facts_fixture.h"
#include "bot/bot.h"

namespace {

using connecthub::bot::Bot;
using connecthub::bot::Channel;
using connecthub::bot::Conversation;
using connecthub::bot::ParticipantFacts;
using Clock = std::chrono::steady_clock;

struct Message {
  const char* text;
  const char* lang;
  Channel channel;
  const ParticipantFacts* facts;
};

struct Stats {
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

Stats Summarize(std::vector<double> micros) {
  Stats s;
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = micros.back();
  double sum = 0;
  for (double m : micros) sum += m;
  s.mean = sum / micros.size();
  return s;
}

void Print(const char* name, size_t count, const Stats& s) {
  std::printf(
      "%-34s n=%-7zu p50=%7.1f us  p90=%7.1f us  p99=%7.1f us  max=%8.1f us  mean=%7.1f us\n", name,
      count, s.p50, s.p90, s.p99, s.max, s.mean);
}

// Answers `iterations` messages round-robin from `mix`, timing each; returns microseconds.
std::vector<double> Run(const Bot& bot, const std::vector<Message>& mix, size_t iterations,
                        size_t offset, size_t* checksum) {
  std::vector<double> micros;
  micros.reserve(iterations);
  for (size_t i = 0; i < iterations; ++i) {
    const Message& m = mix[(i + offset) % mix.size()];
    Conversation conversation;
    conversation.channel = m.channel;
    conversation.lang = m.lang;
    auto start = Clock::now();
    auto reply = bot.Answer(m.text, m.facts, conversation, connecthub::fixture::Now());
    auto end = Clock::now();
    *checksum += reply.text.size();
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  return micros;
}

}  // namespace

int main(int argc, char** argv) {
  size_t iterations = 20000;
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke = true;
    } else if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::strtoul(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: bot_bench [--iterations N] [--smoke]\n");
      return 2;
    }
  }
  if (smoke) iterations = 200;

  auto created = Clock::now();
  std::string error;
  auto bot = Bot::Create(connecthub::bot::BotOptions{}, &error);
  if (!bot) {
    std::fprintf(stderr, "bot_bench: %s\n", error.c_str());
    return 1;
  }
  double create_ms = std::chrono::duration<double, std::milli>(Clock::now() - created).count();
  std::printf("Bot::Create (train classifier, load catalogs): %.1f ms\n", create_ms);

  const ParticipantFacts payer = connecthub::fixture::Payer();
  const ParticipantFacts receiver = connecthub::fixture::Receiver();
  const ParticipantFacts many = connecthub::fixture::ManyCases();
  const std::vector<Message> mix = {
      {"how much do I owe", "en", Channel::kWeb, &payer},
      {"what is my balance", "en", Channel::kSms, &many},
      {"when is my next appointment", "en", Channel::kWeb, &payer},
      {"when was my last payment", "en", Channel::kWeb, &receiver},
      {"show my payments in 2026", "en", Channel::kWeb, &payer},
      {"case status", "en", Channel::kSms, &many},
      {"how do I pay", "en", Channel::kWeb, &payer},
      {"I forgot my PIN", "en", Channel::kSms, &payer},
      {"hi", "en", Channel::kWeb, &payer},
      {"thanks", "en", Channel::kWeb, &payer},
      {"asdf qwer", "en", Channel::kWeb, &payer},
      {"cuánto debo", "es", Channel::kWeb, &payer},
      {"cuanto debo del caso 0013", "es", Channel::kSms, &many},
      {"cuándo es mi próxima cita", "es", Channel::kSms, &payer},
      {"cuál fue mi último pago", "es", Channel::kWeb, &receiver},
      {"mis pagos de marzo", "es", Channel::kWeb, &payer},
      {"estado de mi caso", "es", Channel::kWeb, &many},
      {"cómo hago un pago", "es", Channel::kSms, &payer},
      {"quiero hablar con un agente", "es", Channel::kWeb, &payer},
      {"hola", "es", Channel::kWeb, &payer},
  };

  // What the mix asks and what it gets, so a reader can see the run answers real questions.
  for (const Message& m : mix) {
    Conversation conversation;
    conversation.channel = m.channel;
    conversation.lang = m.lang;
    auto reply = bot->Answer(m.text, m.facts, conversation, connecthub::fixture::Now());
    std::printf("  %-30s -> %-16s %s %3zu bytes%s\n", m.text, reply.intent.c_str(),
                reply.lang.c_str(), reply.text.size(), reply.escalate ? " (escalate)" : "");
  }

  size_t checksum = 0;
  Run(*bot, mix, std::min<size_t>(iterations, 1000), 0, &checksum);  // warm caches

  auto single = Run(*bot, mix, iterations, 0, &checksum);
  Stats s1 = Summarize(single);
  Print("answer, 1 thread", single.size(), s1);

  // Two threads at once: the catalog's per-pattern locks and the classifier under contention.
  std::vector<double> a, b;
  size_t checksum_a = 0, checksum_b = 0;
  std::thread ta([&] { a = Run(*bot, mix, iterations / 2, 0, &checksum_a); });
  std::thread tb([&] { b = Run(*bot, mix, iterations / 2, 7, &checksum_b); });
  ta.join();
  tb.join();
  a.insert(a.end(), b.begin(), b.end());
  Stats s2 = Summarize(a);
  Print("answer, 2 threads", a.size(), s2);

  std::vector<double> reminders;
  reminders.reserve(iterations / 10 + 1);
  for (size_t i = 0; i < iterations / 10 + 1; ++i) {
    auto start = Clock::now();
    std::string text = bot->ReminderText(payer.upcoming_appointments[i % 2], i % 2 ? 10 : 2,
                                         i % 3 ? "es" : "en", Channel::kSms);
    checksum += text.size();
    reminders.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  Print("reminder text", reminders.size(), Summarize(reminders));

  std::printf("target p99 < 200 us: %s (checksum %zu)\n", s1.p99 < 200 ? "met" : "MISSED",
              checksum + checksum_a + checksum_b);
  return 0;
}
