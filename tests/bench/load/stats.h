#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace connecthub::bench {

// Monotonic nanoseconds, for round-trip times and schedules.
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Round-trip samples of one run (microseconds) and their percentiles. Not thread-safe.
class LatencySamples {
 public:
  void Add(int64_t ns) {
    us_.push_back(static_cast<int32_t>(std::min<int64_t>(ns / 1000, INT32_MAX)));
  }
  size_t count() const { return us_.size(); }

  // The q-quantile (0..1) in milliseconds, nearest rank; 0 when there are no samples.
  double QuantileMs(double q) {
    if (us_.empty()) return 0;
    if (!sorted_) {
      std::sort(us_.begin(), us_.end());
      sorted_ = true;
    }
    size_t rank = static_cast<size_t>(q * static_cast<double>(us_.size()));
    if (rank >= us_.size()) rank = us_.size() - 1;
    return static_cast<double>(us_[rank]) / 1000.0;
  }
  void Clear() {
    us_.clear();
    sorted_ = false;
  }

 private:
  std::vector<int32_t> us_;
  bool sorted_ = false;
};

}  // namespace connecthub::bench
