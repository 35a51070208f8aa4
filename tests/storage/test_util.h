#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "storage/store.h"

namespace connecthub::storage::testing {

// A temporary directory removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chstore-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A file's bytes (empty when it does not exist).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// 2026-11-23T12:00:00Z: tests pass time in, never read the clock.
inline int64_t TestNowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(
             (sys_days{year{2026} / 11 / 23} + hours{12}).time_since_epoch())
      .count();
}

inline std::unique_ptr<Store> OpenStore(const TempDir& dir, const std::string& name = "t.db") {
  StoreOptions options;
  options.db = dir.File(name);
  auto store = Store::Open(options);
  if (!store.ok()) throw std::runtime_error(store.status().message());
  return std::move(store).value();
}

// As OpenStore, with no settle time before RetireKey (the key file is not shared with a hub).
inline std::unique_ptr<Store> OpenNoSettle(const TempDir& dir) {
  StoreOptions options;
  options.db = dir.File("t.db");
  options.retire_settle_ms = 0;
  auto store = Store::Open(options);
  if (!store.ok()) throw std::runtime_error(store.status().message());
  return std::move(store).value();
}

// A small synthetic extract: two participants, one case, an order, payments, an appointment.
inline std::string SampleExtract() {
  return R"({"participant":{"participant_id":"100000001","first_name":"Mariaxq","last_name":"Lopezqz","pin":"482913","phones":["(559) 555-0101"],"email":"mxq@example.org","language":"es"}}
{"participant":{"participant_id":"100000002","first_name":"Jamesqx","last_name":"Smithqz","pin":"135790","phones":["+15595550102"],"language":"en"}}
{"case":{"case_number":"200000001","county":"MADERA","status":"OPEN","opened_date":"2018-01-10","monthly_support":"10.00","past_due_installment":"667.93","past_due":"667.93","participants":[{"participant_id":"100000001","role":"PAYING"},{"participant_id":"100000002","role":"RECEIVING"}]}}
{"order":{"case_number":"200000001","file_date":"2018-03-27","county":"MADERA","court_case_number":"MCV012345","status":"ACTIVE"}}
{"payment":{"payment_id":"P-1","case_number":"200000001","date":"2026-10-16","amount":"83.08","type":"INCOME WITHHOLDING ORDER"}}
{"payment":{"payment_id":"P-2","case_number":"200000001","date":"2026-11-02","amount":"83.5","type":"PERSONAL PAYMENT"}}
{"payment":{"payment_id":"P-old","case_number":"200000001","date":"2017-11-16","amount":"1.00","type":"PERSONAL PAYMENT"}}
{"appointment":{"appointment_id":"A-1","case_number":"200000001","participant_id":"100000001","start":"2026-12-02T08:00:00-08:00","end":"2026-12-02T08:30:00-08:00","type":"APPELLATE COURT HEARING","location":"Madera Superior Court"}}
)";
}

inline ImportStats MustImport(CaseData& store, const std::string& text) {
  std::istringstream in(text);
  auto stats = store.Import(in, nullptr);
  if (!stats.ok()) throw std::runtime_error(stats.status().message());
  return *stats;
}

}  // namespace connecthub::storage::testing
