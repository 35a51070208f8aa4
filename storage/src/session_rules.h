#pragma once

#include <algorithm>
#include <cstdint>

#include "storage/sessions.h"

namespace connecthub::storage {

// What every backend's ResolveSession does with a session it found (one rule, so backends agree):
// a session used within the last minute is live and needs no touch. Every chat message resolves
// its session, and a write for each would cost a commit before any work is done; expiry stays
// within a minute of `idle_ttl_ms`.
inline bool FreshSession(const Session& session, int64_t now_ms, int64_t idle_ttl_ms) {
  constexpr int64_t kTouchEveryMs = 60'000;
  return now_ms >= session.last_used_ms &&
         now_ms - session.last_used_ms < std::min(kTouchEveryMs, idle_ttl_ms);
}

// A session idle for longer than `idle_ttl_ms` is ended (deleted) when it is next resolved.
inline bool IdleExpired(const Session& session, int64_t now_ms, int64_t idle_ttl_ms) {
  return now_ms - session.last_used_ms > idle_ttl_ms;
}

}  // namespace connecthub::storage
