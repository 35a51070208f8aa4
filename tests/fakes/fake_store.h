#pragma once

// In-memory stand-ins for the store's narrow contracts (storage/include/storage/*.h), for unit
// tests of components above the store: no SQLite, no Argon2id, no files. Each is thread-safe (one
// mutex), and keeps what a test needs to look at (how many PIN checks ran, the counters).

#include <map>
#include <mutex>
#include <string>

#include "storage/case_data.h"
#include "storage/sessions.h"

namespace connecthub::fakes {

// Case data that only knows PINs. CheckPin compares in memory and counts its calls, so a test can
// see how many attempts were really verified; the other methods are not part of this fake.
class FakePins : public storage::CaseData {
 public:
  void SetPin(const std::string& participant_id, const std::string& pin) {
    std::lock_guard lock(mu_);
    pins_[participant_id] = pin;
  }
  int checks() const {
    std::lock_guard lock(mu_);
    return checks_;
  }

  storage::Result<bool> CheckPin(const std::string& participant_id,
                                 const std::string& pin) override {
    std::lock_guard lock(mu_);
    ++checks_;
    auto it = pins_.find(participant_id);
    return it != pins_.end() && it->second == pin;
  }
  storage::Result<storage::ImportStats> Import(
      std::istream&, const std::function<void(int64_t, const std::string&)>&) override {
    return NotHere();
  }
  storage::Result<storage::DemoSummary> GenerateDemo(const storage::DemoOptions&) override {
    return NotHere();
  }
  storage::Result<bot::ParticipantFacts> LoadFacts(const std::string&, int64_t) override {
    return NotHere();
  }

 private:
  static storage::Status NotHere() {
    return storage::Status(storage::Code::kInternal, "not part of FakePins");
  }
  mutable std::mutex mu_;
  std::map<std::string, std::string> pins_;
  int checks_ = 0;
};

// Sessions and failed-login counters in memory, with the contract's atomic UpdatePinCounter.
class FakeSessions : public storage::Sessions {
 public:
  storage::PinCounter Counter(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = counters_.find(key);
    return it == counters_.end() ? storage::PinCounter{} : it->second;
  }

  storage::Result<storage::PinCounter> UpdatePinCounter(
      const std::string& key,
      const std::function<storage::PinCounter(const storage::PinCounter&)>& update) override {
    std::lock_guard lock(mu_);
    auto it = counters_.find(key);
    storage::PinCounter next = update(it == counters_.end() ? storage::PinCounter{} : it->second);
    if (next.failures == 0 && next.window_start_ms == 0 && next.locked_until_ms == 0 &&
        next.lockouts == 0 && next.consecutive == 0) {
      counters_.erase(key);
    } else {
      counters_[key] = next;
    }
    return next;
  }
  storage::Result<int64_t> PurgePinCounters(int64_t before_ms) override {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (auto it = counters_.begin(); it != counters_.end();) {
      const storage::PinCounter& c = it->second;
      if (c.locked_until_ms < before_ms && c.window_start_ms < before_ms) {
        it = counters_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }
  storage::Status ClearPinFailures(const std::string& key) override {
    std::lock_guard lock(mu_);
    counters_.erase(key);
    return storage::Status::Ok();
  }

  storage::Result<std::string> CreateSession(storage::SessionKind kind, const std::string& subject,
                                             int64_t now_ms) override {
    std::lock_guard lock(mu_);
    std::string token = "fake-token-" + std::to_string(++issued_);
    sessions_[token] = {kind, subject, now_ms, now_ms};
    return token;
  }
  storage::Result<storage::Session> ResolveSession(const std::string& token, int64_t now_ms,
                                                   int64_t idle_ttl_ms) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return NotFound();
    if (now_ms - it->second.last_used_ms > idle_ttl_ms) {
      sessions_.erase(it);
      return NotFound();
    }
    it->second.last_used_ms = now_ms;
    return it->second;
  }
  storage::Status EndSession(const std::string& token) override {
    std::lock_guard lock(mu_);
    sessions_.erase(token);
    return storage::Status::Ok();
  }
  storage::Result<storage::Session> PeekSession(const std::string& token) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return NotFound();
    return it->second;
  }
  storage::Result<int64_t> PurgeSessions(int64_t used_before_ms,
                                         int64_t created_before_ms) override {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.last_used_ms < used_before_ms || it->second.created_ms < created_before_ms) {
        it = sessions_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

 private:
  static storage::Status NotFound() {
    return storage::Status(storage::Code::kNotFound, "no such session");
  }
  mutable std::mutex mu_;
  std::map<std::string, storage::PinCounter> counters_;
  std::map<std::string, storage::Session> sessions_;
  int64_t issued_ = 0;
};

}  // namespace connecthub::fakes
