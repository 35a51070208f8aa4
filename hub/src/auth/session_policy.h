#pragma once

#include <cstdint>

#include "storage/sessions.h"

namespace connecthub::hub::auth {

// When a parent's or caseworker's session ends: idle for longer than `idle_ms`, or older than
// `max_age_ms` whatever its use (the absolute lifetime).
struct SessionLimits {
  int64_t idle_ms = 15 * 60 * 1000;    // Default 15 min.
  int64_t max_age_ms = 12 * 3600'000;  // Default 12 h.
};

// Whether `session` is still live at `now_ms`. Pure.
inline bool SessionLive(const storage::Session& session, int64_t now_ms,
                        const SessionLimits& limits) {
  if (now_ms - session.created_ms >= limits.max_age_ms) return false;
  return now_ms - session.last_used_ms <= limits.idle_ms;
}

// ResolveSession (which touches the session) plus the absolute lifetime: a session past its
// lifetime is ended and reported kNotFound. Blocking (Store).
inline storage::Result<storage::Session> ResolveLiveSession(storage::Sessions& sessions,
                                                            const std::string& token,
                                                            int64_t now_ms,
                                                            const SessionLimits& limits) {
  auto session = sessions.ResolveSession(token, now_ms, limits.idle_ms);
  if (!session.ok()) return session;
  if (now_ms - session->created_ms >= limits.max_age_ms) {
    (void)sessions.EndSession(token);
    return storage::Status(storage::Code::kNotFound, "session past its lifetime");
  }
  return session;
}

// PeekSession (no touch) plus SessionLive: what a live socket's re-check asks. kNotFound when
// the session is gone or over either limit. Blocking (Store).
inline storage::Result<storage::Session> CheckLiveSession(storage::Sessions& sessions,
                                                          const std::string& token, int64_t now_ms,
                                                          const SessionLimits& limits) {
  auto session = sessions.PeekSession(token);
  if (!session.ok()) return session;
  if (!SessionLive(*session, now_ms, limits)) {
    return storage::Status(storage::Code::kNotFound, "session ended");
  }
  return session;
}

}  // namespace connecthub::hub::auth
