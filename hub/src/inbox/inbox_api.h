#pragma once

#include <functional>

#include "auth/session_policy.h"
#include "auth/totp.h"
#include "chat/limits.h"
#include "clock.h"
#include "conversation/conversation_service.h"
#include "http/router.h"
#include "inbox/reply_target.h"
#include "metrics.h"
#include "sms/twilio_client.h"
#include "storage/store.h"

namespace connecthub::hub::inbox {

struct InboxApiOptions {
  auth::SessionLimits session_limits;  // caseworker tokens: idle 15 min, at most 12 h
  size_t max_text_bytes = 4000;        // reply / note text. Default 4000 bytes.
  int page_messages = 200;             // messages a thread opens with (the newest). Default 200.
  int max_messages = 2000;             // the most one page may ask for (?limit=). Default 2000.
  // A TOTP code (`caseworker mfa-enroll`) is required with the password. Default on; off
  // (`serve --inbox-mfa off`) only for demos.
  bool require_mfa = true;
  auth::TotpOptions totp;  // 30 s steps, 6 digits, +-1 step
  // Counties whose caseworkers see the triage queue (`serve --triage-county`); empty: all.
  std::vector<std::string> triage_counties;
};

struct InboxDeps {
  storage::Store& store;
  conversation::ConversationService& conversations;
  Metrics& metrics;
  Clock clock;
  chat::LoginLimiter& login_limiter;     // failed caseworker logins per source address
  chat::LoginLimiter& username_limiter;  // and per username, whatever the address
  InboxApiOptions options;
  // Called with the token after a logout (closes the sockets bound to it). May be empty.
  std::function<void(const std::string& token)> session_ended;
  // Called after the accounts API ended an account's sessions (disable, reset-password): the
  // hub's live sockets re-check theirs at once (server::Registry::RecheckAll). May be empty.
  std::function<void()> sessions_changed;
  // Due times of waiting threads (serve --reply-target-hours, office hours).
  ReplyTarget reply_target;
  // Fetches a picture a parent sent by MMS from the provider, with the account's credentials
  // (sms::TwilioClient::FetchMedia). Empty: SMS is not configured, pictures cannot be opened.
  std::function<sms::MediaResult(const std::string& url, size_t max_bytes)> fetch_media;
};

// Adds the caseworker inbox API (SPEC §7, hub/API.md) to `router`: login, me, thread lists and
// detail, claim, reply, note, resolve. County scoping and the supervisor role are checked on every
// call (a thread outside the caseworker's county is a 404); every thread read is audit-logged.
// `deps` must outlive the router.
void RegisterInboxApi(http::Router& router, const InboxDeps& deps);

// The caseworker behind a bearer token at `now_ms` (the session is touched); kNotFound when the
// token is unknown, expired (idle or past its lifetime) or not a caseworker's. Blocking (Store).
storage::Result<storage::Caseworker> AuthenticateCaseworker(storage::Store& store,
                                                            const std::string& token,
                                                            int64_t now_ms,
                                                            const auth::SessionLimits& limits);
// The same without touching the session (a live socket's re-check). Blocking (Store).
storage::Result<storage::Caseworker> CheckCaseworkerSession(storage::Store& store,
                                                            const std::string& token,
                                                            int64_t now_ms,
                                                            const auth::SessionLimits& limits);

}  // namespace connecthub::hub::inbox
