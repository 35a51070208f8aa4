// Bot answer latency: Bot::Answer() on a mix of parents' messages (English and Spanish, web and
// SMS, one case and five cases) with in-memory facts, single-threaded and from two threads at once.
// Prints p50/p90/p99/max in microseconds. Target: p99 < 200 us.
// With --db, also the path the hub takes for each message: Store::LoadFacts() of a random
// participant of that database (e.g. one from `connecthub demo-data --participants 1000000`) and
// Bot::Answer() on those facts; then the same parent's next question, whose facts come from the
// store's per-participant cache.
//
//   bot_bench [--iterations N] [--smoke] [--db FILE [--key-file K] [--participants N]]
//   (--smoke: a tiny run that checks it works, exit 0)

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
#include "storage/store.h"

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

// LoadFacts + Answer for random participants of a real database, as the hub does per message.
int RunAgainstDatabase(const Bot& bot, const std::vector<Message>& mix, const std::string& db,
                       const std::string& key_file, int64_t participants, size_t iterations) {
  connecthub::storage::StoreOptions options;
  options.db = db;
  options.key_file = key_file.empty() ? db + ".key" : key_file;
  options.create_key_if_missing = false;
  auto store = connecthub::storage::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "bot_bench: cannot open %s: %s\n", db.c_str(),
                 store.status().message().c_str());
    return 1;
  }
  uint64_t state = 0x9E3779B97F4A7C15ull;  // fixed seed: the same participants every run
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::chrono::sys_seconds now{std::chrono::seconds(now_ms / 1000)};
  std::vector<double> load_us, answer_us, total_us, next_us;
  size_t missing = 0, checksum = 0, cases = 0;
  for (size_t i = 0; i < iterations; ++i) {
    std::string pid = std::to_string(
        100000001 + static_cast<int64_t>(next() % static_cast<uint64_t>(participants)));
    const Message& m = mix[i % mix.size()];
    auto t0 = Clock::now();
    auto facts = (*store)->LoadFacts(pid, now_ms);
    auto t1 = Clock::now();
    if (!facts.ok()) {
      ++missing;
      continue;
    }
    Conversation conversation;
    conversation.channel = m.channel;
    conversation.lang = m.lang;
    auto reply = bot.Answer(m.text, &*facts, conversation, now);
    auto t2 = Clock::now();
    checksum += reply.text.size();
    cases += facts->cases.size();
    load_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    answer_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    total_us.push_back(std::chrono::duration<double, std::micro>(t2 - t0).count());
    // The same parent's next question: the store's facts cache answers it.
    const Message& m2 = mix[(i + 1) % mix.size()];
    auto t3 = Clock::now();
    auto again = (*store)->LoadFacts(pid, now_ms);
    if (!again.ok()) continue;
    conversation.channel = m2.channel;
    conversation.lang = m2.lang;
    auto reply2 = bot.Answer(m2.text, &*again, conversation, now);
    auto t4 = Clock::now();
    checksum += reply2.text.size();
    next_us.push_back(std::chrono::duration<double, std::micro>(t4 - t3).count());
  }
  std::printf("database %s: %zu answered, %zu ids not found, %.2f cases per participant\n",
              db.c_str(), total_us.size(), missing,
              total_us.empty() ? 0.0 : static_cast<double>(cases) / total_us.size());
  Print("LoadFacts (database)", load_us.size(), Summarize(load_us));
  Print("Answer on loaded facts", answer_us.size(), Summarize(answer_us));
  Stats total = Summarize(total_us);
  Print("LoadFacts + Answer", total_us.size(), total);
  Stats cached = Summarize(next_us);
  Print("next question (cached facts) + Answer", next_us.size(), cached);
  std::printf("database path p99 < 200 us: first question %s, next questions %s (checksum %zu)\n",
              total.p99 < 200 ? "met" : "MISSED", cached.p99 < 200 ? "met" : "MISSED", checksum);
  return total_us.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t iterations = 20000;
  bool smoke = false;
  std::string db, key_file;
  int64_t participants = 1000000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke = true;
    } else if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::strtoul(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      db = argv[++i];
    } else if (std::strcmp(argv[i], "--key-file") == 0 && i + 1 < argc) {
      key_file = argv[++i];
    } else if (std::strcmp(argv[i], "--participants") == 0 && i + 1 < argc) {
      participants = std::max<int64_t>(1, std::strtoll(argv[++i], nullptr, 10));
    } else {
      std::fprintf(stderr,
                   "usage: bot_bench [--iterations N] [--smoke] [--db FILE [--key-file K] "
                   "[--participants N]]\n");
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
  if (!db.empty()) return RunAgainstDatabase(*bot, mix, db, key_file, participants, iterations);
  return 0;
}
