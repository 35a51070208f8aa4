#pragma once

// An SMS provider in memory for the outbox worker's tests (hub/src/sms/sms_provider.h): records
// what it was asked to send, answers each send from a script (accepted by default; a 5xx, a 4xx
// or a timeout when told), answers look-ups of unconfirmed attempts, and can hold a send until the
// test lets it go (to stop the worker during a send). Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "sms/sms_provider.h"

namespace connecthub::fakes {

class FakeSmsProvider : public hub::sms::SmsProvider {
 public:
  using SendResult = hub::sms::SendResult;
  using LookupResult = hub::sms::LookupResult;

  struct Sent {
    std::string to, body;
  };
  struct Lookup {
    std::string to, body;
    int64_t since_ms = 0;
  };

  // What the provider answers a send, as TwilioClient classifies it.
  static SendResult ServerError() {  // HTTP 5xx: retried; the message may exist
    return {.outcome = SendResult::Outcome::kRetry, .error = "HTTP 503", .may_have_reached = true};
  }
  static SendResult ClientError() {  // HTTP 4xx (a bad number): never retried
    return {.outcome = SendResult::Outcome::kFailed, .error = "code 21211 (HTTP 400)"};
  }
  static SendResult Timeout() {  // the request was written, no answer came
    return {.outcome = SendResult::Outcome::kRetry, .error = "timeout", .may_have_reached = true};
  }

  // The next sends answer these, in order; once they are used up, sends are accepted.
  void Script(std::vector<SendResult> answers) {
    std::lock_guard lock(mu_);
    for (auto& a : answers) script_.push_back(std::move(a));
  }
  // What look-ups answer (default: nothing found).
  void AnswerLookups(LookupResult answer) {
    std::lock_guard lock(mu_);
    lookup_answer_ = std::move(answer);
  }
  // Sends from now on wait inside Send() until Release().
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    held_ = false;
    cv_.notify_all();
  }

  // Sends begun (held ones included) and completed; look-ups asked.
  int started() const {
    std::lock_guard lock(mu_);
    return started_;
  }
  std::vector<Sent> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<Lookup> lookups() const {
    std::lock_guard lock(mu_);
    return lookups_;
  }

  SendResult Send(const std::string& to, const std::string& body) override {
    std::unique_lock lock(mu_);
    ++started_;
    cv_.wait(lock, [this] { return !held_; });
    sent_.push_back({to, body});
    if (!script_.empty()) {
      SendResult r = std::move(script_.front());
      script_.pop_front();
      return r;
    }
    return {.outcome = SendResult::Outcome::kSent,
            .sid = "SMfake" + std::to_string(sent_.size()),
            .status = "queued"};
  }

  LookupResult FindSent(const std::string& to, const std::string& body, int64_t since_ms,
                        const std::function<bool(const std::string&)>& known) override {
    std::lock_guard lock(mu_);
    lookups_.push_back({to, body, since_ms});
    LookupResult r = lookup_answer_;
    if (r.outcome == LookupResult::Outcome::kFound && known(r.sid)) {
      r = {.outcome = LookupResult::Outcome::kNotFound};
    }
    return r;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<SendResult> script_;
  LookupResult lookup_answer_{.outcome = LookupResult::Outcome::kNotFound};
  bool held_ = false;
  int started_ = 0;
  std::vector<Sent> sent_;
  std::vector<Lookup> lookups_;
};

}  // namespace connecthub::fakes
