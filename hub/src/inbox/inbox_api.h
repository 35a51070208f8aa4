#pragma once

#include "chat/limits.h"
#include "clock.h"
#include "conversation/conversation_service.h"
#include "http/router.h"
#include "metrics.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

struct InboxApiOptions {
  int64_t session_idle_ms = 15 * 60 * 1000;  // caseworker tokens expire idle. Default 15 min.
  size_t max_text_bytes = 4000;              // reply / note text. Default 4000 bytes.
  int max_messages = 2000;                   // messages in a thread detail. Default 2000.
};

struct InboxDeps {
  storage::Store& store;
  conversation::ConversationService& conversations;
  Metrics& metrics;
  Clock clock;
  chat::LoginLimiter& login_limiter;  // failed caseworker logins per source address
  InboxApiOptions options;
};

// Adds the caseworker inbox API (SPEC §7, hub/API.md) to `router`: login, me, thread lists and
// detail, claim, reply, note, resolve. County scoping and the supervisor role are checked on every
// call (a thread outside the caseworker's county is a 404); every thread read is audit-logged.
// `deps` must outlive the router.
void RegisterInboxApi(http::Router& router, const InboxDeps& deps);

// The caseworker behind a bearer token at `now_ms`; kNotFound when the token is unknown, expired
// or not a caseworker's. Blocking (Store).
storage::Result<storage::Caseworker> AuthenticateCaseworker(storage::Store& store,
                                                            const std::string& token,
                                                            int64_t now_ms, int64_t idle_ms);

}  // namespace connecthub::hub::inbox
