// Storage benchmark: import throughput of a synthetic extract, and sealed-message write
// throughput (each message durably committed), without and with group commit.
//
//   storage_bench            1,000,000-participant extract (several minutes, ~1.5 GB temp)
//   storage_bench --smoke    a small run for the test suite
//   storage_bench --participants N
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"

namespace {

using Clock = std::chrono::steady_clock;
using connecthub::storage::Store;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Writes a synthetic extract (pin_hash from a small pool of plain Argon2id strings: an extract
// with one Argon2id per participant would measure Argon2id, not the store). Returns line count.
int64_t WriteExtract(const std::string& path, int64_t participants) {
  std::vector<std::string> hashes;
  for (int i = 0; i < 4; ++i) {
    char out[crypto_pwhash_STRBYTES];
    std::string pin = std::to_string(100000 + i * 1111);
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      std::abort();
    }
    hashes.emplace_back(out);
  }
  std::mt19937_64 rng(42);
  std::ofstream out(path, std::ios::binary);
  int64_t lines = 0;
  char buf[1024];
  for (int64_t p = 0; p < participants; p += 2) {
    int64_t payer = 100000001 + p, receiver = payer + 1;
    for (int64_t id : {payer, receiver}) {
      std::snprintf(
          buf, sizeof buf,
          "{\"participant\":{\"participant_id\":\"%lld\",\"first_name\":\"Name%lld\","
          "\"last_name\":\"Family%lld\",\"pin_hash\":\"%s\",\"phones\":[\"+1559555%04d\"],"
          "\"language\":\"%s\"}}\n",
          static_cast<long long>(id), static_cast<long long>(id % 997),
          static_cast<long long>(id % 991), hashes[id % 4].c_str(),
          static_cast<int>(100 + id % 100), id % 2 ? "es" : "en");
      out << buf;
      ++lines;
    }
    long long c = 200000001 + p / 2;
    std::snprintf(buf, sizeof buf,
                  "{\"case\":{\"case_number\":\"%lld\",\"county\":\"MADERA\",\"status\":\"OPEN\","
                  "\"opened_date\":\"2019-03-04\",\"monthly_support\":\"%d.00\","
                  "\"past_due_installment\":\"25.00\",\"past_due\":\"%d.%02d\",\"participants\":"
                  "[{\"participant_id\":\"%lld\",\"role\":\"PAYING\"},{\"participant_id\":"
                  "\"%lld\",\"role\":\"RECEIVING\"}]}}\n",
                  c, static_cast<int>(150 + rng() % 800), static_cast<int>(rng() % 5000),
                  static_cast<int>(rng() % 100), static_cast<long long>(payer),
                  static_cast<long long>(receiver));
    out << buf;
    std::snprintf(buf, sizeof buf,
                  "{\"order\":{\"case_number\":\"%lld\",\"file_date\":\"2019-05-01\",\"county\":"
                  "\"MADERA\",\"court_case_number\":\"MCV%lld\",\"status\":\"ACTIVE\"}}\n",
                  c, c % 100000);
    out << buf;
    lines += 2;
    for (int m = 1; m <= 6; ++m) {
      std::snprintf(buf, sizeof buf,
                    "{\"payment\":{\"payment_id\":\"P%lld-%d\",\"case_number\":\"%lld\",\"date\":"
                    "\"2026-%02d-15\",\"amount\":\"%d.%02d\",\"type\":\"INCOME WITHHOLDING "
                    "ORDER\"}}\n",
                    c, m, c, m, static_cast<int>(50 + rng() % 500), static_cast<int>(rng() % 100));
      out << buf;
      ++lines;
    }
    if (rng() % 5 == 0) {
      std::snprintf(buf, sizeof buf,
                    "{\"appointment\":{\"appointment_id\":\"A%lld\",\"case_number\":\"%lld\","
                    "\"participant_id\":\"%lld\",\"start\":\"2026-12-02T08:00:00-08:00\","
                    "\"end\":\"2026-12-02T08:30:00-08:00\",\"type\":\"COURT HEARING\","
                    "\"location\":\"Madera Superior Court\"}}\n",
                    c, c, static_cast<long long>(payer));
      out << buf;
      ++lines;
    }
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  int64_t participants = 1'000'000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--smoke") {
      smoke = true;
      participants = 2000;
    } else if (a == "--participants" && i + 1 < argc) {
      participants = std::stoll(argv[++i]);
    } else {
      std::cerr << "usage: storage_bench [--smoke] [--participants N]\n";
      return 2;
    }
  }
  if (sodium_init() < 0) return 1;
  std::string dir_pattern = (std::filesystem::temp_directory_path() / "chbench-XXXXXX").string();
  std::filesystem::path dir = ::mkdtemp(dir_pattern.data());
  int rc = 0;
  {
    connecthub::storage::StoreOptions options;
    options.db = (dir / "bench.db").string();
    auto opened = Store::Open(options);
    if (!opened.ok()) {
      std::cerr << "open: " << opened.status().message() << "\n";
      return 1;
    }
    Store& store = **opened;

    std::string extract = (dir / "extract.jsonl").string();
    auto t0 = Clock::now();
    int64_t lines = WriteExtract(extract, participants);
    std::cout << "extract: " << participants << " participants, " << lines << " lines, "
              << std::filesystem::file_size(extract) / (1 << 20) << " MiB, written in "
              << Seconds(t0) << " s\n";
    std::ifstream in(extract, std::ios::binary);
    t0 = Clock::now();
    auto stats = store.Import(in, [](int64_t line, const std::string& why) {
      std::cerr << "line " << line << ": " << why << "\n";
    });
    double s = Seconds(t0);
    if (!stats.ok() || stats->rejected != 0 || stats->lines != lines) {
      std::cerr << "import failed\n";
      return 1;
    }
    std::cout << "import: " << stats->lines << " records in " << s
              << " s = " << static_cast<int64_t>(stats->lines / s) << " records/s\n";
    std::filesystem::remove(extract);

    int64_t now = 1'795'435'200'000;
    auto thread = store.OpenThread("100000001", connecthub::storage::Channel::kWeb, "en", now);
    if (!thread.ok()) return 1;
    const std::string body = "Hola, quiero saber cuanto debo este mes y cuando es mi cita.";
    int sequential = smoke ? 50 : 1000;
    t0 = Clock::now();
    for (int i = 0; i < sequential; ++i) {
      auto r = store.Append({thread->id,
                             connecthub::storage::Sender::kParticipant,
                             "s-" + std::to_string(i),
                             body,
                             "",
                             {},
                             now + i});
      if (!r.ok()) return 1;
    }
    s = Seconds(t0);
    std::cout << "messages, one writer, no batching: " << sequential << " in " << s
              << " s = " << static_cast<int64_t>(sequential / s) << " messages/s (each fsynced)\n";

    constexpr int kWriters = 32;
    int per_writer = smoke ? 20 : 500;
    std::atomic<int> failures{0};
    std::vector<int64_t> threads;
    for (int w = 0; w < kWriters; ++w) {
      auto t = store.OpenThread(std::to_string(100000001 + w), connecthub::storage::Channel::kWeb,
                                "en", now);
      if (!t.ok()) return 1;
      threads.push_back(t->id);
    }
    t0 = Clock::now();
    std::vector<std::thread> workers;
    for (int w = 0; w < kWriters; ++w) {
      workers.emplace_back([&, w] {
        for (int i = 0; i < per_writer; ++i) {
          auto r = store.Append({threads[static_cast<size_t>(w)],
                                 connecthub::storage::Sender::kParticipant,
                                 "b-" + std::to_string(i),
                                 body,
                                 "",
                                 {},
                                 now + i});
          if (!r.ok()) ++failures;
        }
      });
    }
    for (auto& t : workers) t.join();
    s = Seconds(t0);
    int total = kWriters * per_writer;
    std::cout << "messages, " << kWriters << " concurrent callers, group commit: " << total
              << " in " << s << " s = " << static_cast<int64_t>(total / s)
              << " messages/s (each durably committed before its call returned)\n";
    if (failures > 0) rc = 1;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
