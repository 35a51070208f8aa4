#pragma once

// A clock the test moves by hand: hub components take a `hub::Clock` (a function returning Unix
// milliseconds), and this one returns what the test set. Thread-safe.

#include <atomic>
#include <cstdint>

#include "clock.h"

namespace connecthub::fakes {

class FakeClock {
 public:
  explicit FakeClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t Now() const { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }
  void Set(int64_t ms) { now_ms_ = ms; }
  // The hub::Clock for a component; it reads this object, which must outlive the component.
  hub::Clock AsClock() const {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace connecthub::fakes
