#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace connecthub::hub {

// The hub's time source: Unix epoch milliseconds (UTC). Read once per event and passed down as
// `now`; tests inject their own.
using Clock = std::function<int64_t()>;

inline int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace connecthub::hub
