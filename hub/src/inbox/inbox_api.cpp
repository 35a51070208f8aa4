#include "inbox/inbox_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "auth/parent_auth.h"
#include "inbox/inbox_json.h"
#include "inbox/inbox_reports.h"
#include "inbox/inbox_search.h"
#include "log.h"
#include "sms/mms.h"

namespace connecthub::hub::inbox {
namespace {

namespace json = boost::json;
using http::ErrorResponse;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonResponse;
using http::PathParams;

constexpr int kSearchLimit = 50;  // threads a search returns at most

HttpResponse Json(int status, const json::value& v) {
  return JsonResponse(status, json::serialize(v));
}

HttpResponse StoreError(const storage::Status& s) {
  switch (s.code()) {
    case storage::Code::kNotFound:
      return ErrorResponse(404, "not found");
    case storage::Code::kConflict:
      return ErrorResponse(409, "claimed by another caseworker");
    case storage::Code::kInvalid:
      return ErrorResponse(400, "invalid request");
    default:
      Log(LogLevel::kError, "store_error",
          {{"code", static_cast<int>(s.code())}, {"error", s.message()}});
      return ErrorResponse(500, "internal error");
  }
}

// Parses a JSON object body. nullopt (and *error set) for garbage.
std::optional<json::object> ParseBody(const HttpRequest& req, HttpResponse* error) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec || !v.is_object()) {
    *error = ErrorResponse(400, "body must be a JSON object");
    return std::nullopt;
  }
  return std::move(v.as_object());
}

std::optional<std::string> StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<int64_t> ParseId(const PathParams& params) {
  auto it = params.find("id");
  if (it == params.end()) return std::nullopt;
  int64_t id = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

std::string BearerToken(const HttpRequest& req) {
  std::string h = req.Header("authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (h.size() <= kPrefix.size()) return "";
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return "";
    }
  }
  return h.substr(kPrefix.size());
}

// Runs `fn(caseworker, now)` for an authenticated caseworker; 401 otherwise.
template <typename Fn>
HttpResponse WithCaseworker(const InboxDeps& deps, const HttpRequest& req, Fn fn) {
  int64_t now = deps.clock();
  std::string token = BearerToken(req);
  if (token.empty()) return ErrorResponse(401, "missing bearer token");
  auto cw = AuthenticateCaseworker(deps.store, token, now, deps.options.session_limits);
  if (!cw.ok()) {
    if (cw.status().code() == storage::Code::kNotFound) {
      return ErrorResponse(401, "invalid or expired token");
    }
    return StoreError(cw.status());
  }
  return fn(*cw, now);
}

// Runs `fn(supervisor, now)` for an authenticated supervisor; 403 for other caseworkers.
template <typename Fn>
HttpResponse WithSupervisor(const InboxDeps& deps, const HttpRequest& req, Fn fn) {
  return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
    if (!cw.supervisor) return ErrorResponse(403, "supervisors only");
    return fn(cw, now);
  });
}

// Reads positive-number query parameters into their fields; an absent one leaves its field as it
// was. A malformed one is a 400 that names it.
std::optional<HttpResponse> QueryNumbers(
    const HttpRequest& req, std::initializer_list<std::pair<const char*, int64_t*>> fields) {
  for (auto [name, field] : fields) {
    std::string text = req.Query(name, "");
    if (text.empty()) continue;
    auto value = ParseId(PathParams{{"id", text}});
    if (!value) return ErrorResponse(400, std::string(name) + " must be a positive number");
    *field = *value;
  }
  return std::nullopt;
}

// Loads a thread the caseworker may see: 404 for unknown and for out-of-county alike.
template <typename Fn>
HttpResponse WithThread(const InboxDeps& deps, const HttpRequest& req, const PathParams& params,
                        Fn fn) {
  auto id = ParseId(params);
  if (!id) return ErrorResponse(404, "not found");
  return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
    auto thread = deps.store.GetThread(*id);
    if (!thread.ok()) return StoreError(thread.status());
    if (!Visible(cw, *thread, deps.options.triage_counties)) return ErrorResponse(404, "not found");
    return fn(cw, *thread, now);
  });
}

std::optional<std::string> TextBody(const InboxDeps& deps, const HttpRequest& req,
                                    HttpResponse* error) {
  auto body = ParseBody(req, error);
  if (!body) return std::nullopt;
  auto text = StringField(*body, "text");
  if (!text) {
    *error = ErrorResponse(400, "\"text\" must be a string");
    return std::nullopt;
  }
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
    *error = ErrorResponse(400, "\"text\" is empty");
    return std::nullopt;
  }
  if (text->size() > deps.options.max_text_bytes) {
    *error = ErrorResponse(413, "\"text\" is too long");
    return std::nullopt;
  }
  return text;
}

}  // namespace

namespace {

storage::Result<storage::Caseworker> CaseworkerOf(
    storage::Store& store, const storage::Result<storage::Session>& session) {
  if (!session.ok()) return session.status();
  if (session->kind != storage::SessionKind::kCaseworker) {
    return storage::Status(storage::Code::kNotFound, "not a caseworker session");
  }
  int64_t id = 0;
  const std::string& s = session->subject;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return storage::Status(storage::Code::kNotFound, "bad session subject");
  }
  auto caseworker = store.GetCaseworker(id);
  if (caseworker.ok() && caseworker->disabled) {
    return storage::Status(storage::Code::kNotFound, "caseworker disabled");
  }
  return caseworker;
}

}  // namespace

storage::Result<storage::Caseworker> AuthenticateCaseworker(storage::Store& store,
                                                            const std::string& token,
                                                            int64_t now_ms,
                                                            const auth::SessionLimits& limits) {
  return CaseworkerOf(store, auth::ResolveLiveSession(store, token, now_ms, limits));
}

storage::Result<storage::Caseworker> CheckCaseworkerSession(storage::Store& store,
                                                            const std::string& token,
                                                            int64_t now_ms,
                                                            const auth::SessionLimits& limits) {
  return CaseworkerOf(store, auth::CheckLiveSession(store, token, now_ms, limits));
}

namespace {

// --- Assignment (issue 19): release and transfer -----------------------------------------------

// A move's refusal as the API answers it: the status's own message (409, 404, 400).
HttpResponse MoveError(const storage::Status& s) {
  switch (s.code()) {
    case storage::Code::kConflict:
      return ErrorResponse(409, s.message());
    case storage::Code::kNotFound:
      return ErrorResponse(404, s.message().empty() ? "not found" : s.message());
    default:
      return StoreError(s);
  }
}

// What every move requires of the thread, as it is under the thread's lock: still visible to the
// actor, waiting or assigned, and not held by another active caseworker (a supervisor may move
// any thread; anyone who sees it may move one held by a disabled account).
storage::Status CheckMovable(const InboxDeps& deps, const storage::Caseworker& actor,
                             const storage::ThreadRecord& t) {
  using storage::Code;
  if (!Visible(actor, t, deps.options.triage_counties)) return {Code::kNotFound, "not found"};
  if (t.state != storage::ThreadState::kWaiting && t.state != storage::ThreadState::kAssigned) {
    return {Code::kConflict, "the thread is not waiting or assigned"};
  }
  if (t.assigned_to && *t.assigned_to != actor.id && !actor.supervisor && !t.assigned_disabled) {
    return {Code::kConflict, "claimed by another caseworker"};
  }
  return storage::Status::Ok();
}

// A caseworker account by username (case-insensitive, as logins are).
std::optional<storage::Caseworker> FindCaseworker(const std::vector<storage::Caseworker>& all,
                                                  const std::string& username) {
  auto fold = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string wanted = fold(username);
  for (const auto& c : all) {
    if (fold(c.username) == wanted) return c;
  }
  return std::nullopt;
}

// A move's answer: the thread afterwards, and whether the mover still sees it (a thread put in
// another county's queue leaves their lists).
HttpResponse MovedJson(const InboxDeps& deps, const storage::Caseworker& mover,
                       const storage::ThreadRecord& moved, int64_t now) {
  return Json(200, json::object{{"thread", ThreadSummaryJson(moved, deps.reply_target, now)},
                                {"visible", Visible(mover, moved, deps.options.triage_counties)}});
}

void RegisterAssignmentApi(http::Router& router, const std::shared_ptr<const InboxDeps>& holder) {
  router.Add("POST", "/api/inbox/threads/{id}/release",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithThread(
                   deps, req, params,
                   [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
                     auto moved = deps.conversations.Move(
                         t.id, cw, std::nullopt, std::nullopt, "release", now,
                         [&](const storage::ThreadRecord& current) -> storage::Status {
                           if (storage::Status s = CheckMovable(deps, cw, current); !s.ok())
                             return s;
                           if (current.state != storage::ThreadState::kAssigned) {
                             return {storage::Code::kConflict, "the thread is not claimed"};
                           }
                           return storage::Status::Ok();
                         });
                     if (!moved.ok()) return MoveError(moved.status());
                     return MovedJson(deps, cw, *moved, now);
                   });
             });

  // {"username": …} hands the thread to that caseworker; {"county": …} puts it, waiting and
  // unassigned, in that county's queue.
  router.Add(
      "POST", "/api/inbox/threads/{id}/transfer",
      [holder](const HttpRequest& req, const PathParams& params) {
        const InboxDeps& deps = *holder;
        HttpResponse error;
        auto body = ParseBody(req, &error);
        std::optional<std::string> username;
        std::optional<std::string> county;
        if (body) {
          username = StringField(*body, "username");
          county = StringField(*body, "county");
          bool has_username = body->contains("username");
          bool has_county = body->contains("county");
          if (has_username == has_county ||
              (has_username && (!username || username->empty() || username->size() > 128)) ||
              (has_county && (!county || county->empty() || county->size() > 64))) {
            body.reset();
            error = ErrorResponse(
                400, "give exactly one of \"username\" and \"county\", a non-empty string");
          }
        }
        return WithThread(
            deps, req, params,
            [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
              if (!body) return error;
              auto all = deps.store.ListCaseworkers();
              if (!all.ok()) return StoreError(all.status());
              if (username) {
                auto target = FindCaseworker(*all, *username);
                if (!target) return ErrorResponse(404, "no such caseworker");
                if (target->disabled) return ErrorResponse(409, "that caseworker is disabled");
                auto moved = deps.conversations.Move(
                    t.id, cw, target->id, std::nullopt, "transfer", now,
                    [&](const storage::ThreadRecord& current) -> storage::Status {
                      if (storage::Status s = CheckMovable(deps, cw, current); !s.ok()) return s;
                      if (current.assigned_to == target->id) {
                        return {storage::Code::kConflict, "already assigned to that caseworker"};
                      }
                      if (!Visible(*target, current, deps.options.triage_counties)) {
                        return {storage::Code::kConflict,
                                "that caseworker's county does not see this thread: transfer it "
                                "to their county"};
                      }
                      return storage::Status::Ok();
                    });
                if (!moved.ok()) return MoveError(moved.status());
                return MovedJson(deps, cw, *moved, now);
              }
              bool staffed = false;
              for (const auto& c : *all) {
                if (!c.disabled && !c.supervisor && c.county == *county) staffed = true;
              }
              if (!staffed) return ErrorResponse(404, "no active caseworker in that county");
              auto moved = deps.conversations.Move(
                  t.id, cw, std::nullopt, *county, "transfer_county", now,
                  [&](const storage::ThreadRecord& current) -> storage::Status {
                    if (storage::Status s = CheckMovable(deps, cw, current); !s.ok()) return s;
                    if (current.queue_county == *county &&
                        current.state == storage::ThreadState::kWaiting) {
                      return {storage::Code::kConflict, "already in that county's queue"};
                    }
                    return storage::Status::Ok();
                  });
              if (!moved.ok()) return MoveError(moved.status());
              return MovedJson(deps, cw, *moved, now);
            });
      });
}

// --- Canned replies (issue 19): per language, managed by supervisors -----------------------------

json::object CannedJson(const storage::CannedReply& r) {
  return json::object{{"id", r.id}, {"lang", r.lang}, {"label", r.label}, {"text", r.text}};
}

// A refused canned write as the API answers it: the store's reason (400), 404 for an unknown id.
HttpResponse CannedError(const storage::Status& s) {
  if (s.code() == storage::Code::kInvalid) return ErrorResponse(400, s.message());
  return StoreError(s);
}

// {"label","text"} (and {"lang"} when `with_lang`), strings. json::parse refuses invalid UTF-8
// and lone surrogates, so both are valid UTF-8 (the store checks their lengths).
struct CannedBody {
  std::string lang, label, text;
};
std::optional<CannedBody> ParseCannedBody(const HttpRequest& req, bool with_lang,
                                          HttpResponse* error) {
  auto body = ParseBody(req, error);
  if (!body) return std::nullopt;
  auto lang = StringField(*body, "lang");
  auto label = StringField(*body, "label");
  auto text = StringField(*body, "text");
  if ((with_lang && !lang) || !label || !text) {
    *error = ErrorResponse(400, with_lang ? "\"lang\", \"label\" and \"text\" must be strings"
                                          : "\"label\" and \"text\" must be strings");
    return std::nullopt;
  }
  return CannedBody{lang.value_or(""), *label, *text};
}

// WithSupervisor with the canned reply id of the path (404 when it is not a positive number).
template <typename Fn>
HttpResponse WithCannedId(const InboxDeps& deps, const HttpRequest& req, const PathParams& params,
                          Fn fn) {
  return WithSupervisor(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
    auto id = ParseId(params);
    if (!id) return ErrorResponse(404, "not found");
    return fn(cw, *id, now);
  });
}

void RegisterCannedApi(http::Router& router, const std::shared_ptr<const InboxDeps>& holder) {
  router.Add("GET", "/api/inbox/canned", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker&, int64_t) {
      auto list = deps.store.ListCanned(req.Query("lang", "en"));
      if (!list.ok()) return CannedError(list.status());
      json::array replies;
      for (const auto& r : *list) replies.push_back(CannedJson(r));
      return Json(200, json::object{{"replies", std::move(replies)}});
    });
  });

  router.Add("POST", "/api/inbox/canned", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithSupervisor(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
      HttpResponse error;
      auto body = ParseCannedBody(req, true, &error);
      if (!body) return error;
      auto added = deps.store.AddCanned(cw.id, body->lang, body->label, body->text, now);
      if (!added.ok()) return CannedError(added.status());
      return Json(201, json::object{{"reply", CannedJson(*added)}});
    });
  });

  router.Add("PUT", "/api/inbox/canned/{id}",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithCannedId(
                   deps, req, params, [&](const storage::Caseworker& cw, int64_t id, int64_t now) {
                     HttpResponse error;
                     auto body = ParseCannedBody(req, false, &error);
                     if (!body) return error;
                     auto edited = deps.store.UpdateCanned(cw.id, id, body->label, body->text, now);
                     if (!edited.ok()) return CannedError(edited.status());
                     return Json(200, json::object{{"reply", CannedJson(*edited)}});
                   });
             });

  router.Add("DELETE", "/api/inbox/canned/{id}",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithCannedId(deps, req, params,
                                   [&](const storage::Caseworker& cw, int64_t id, int64_t now) {
                                     if (auto s = deps.store.DeleteCanned(cw.id, id, now); !s.ok())
                                       return CannedError(s);
                                     return Json(200, json::object{{"ok", true}});
                                   });
             });
}

// --- Accounts (issue 19): supervisors list, disable, enable and reset caseworkers ---------------

json::object AccountJson(const storage::Caseworker& c) {
  return json::object{
      {"id", c.id},         {"username", c.username},     {"display_name", c.display_name},
      {"county", c.county}, {"supervisor", c.supervisor}, {"disabled", c.disabled}};
}

void RegisterAccountsApi(http::Router& router, const std::shared_ptr<const InboxDeps>& holder) {
  router.Add("GET", "/api/inbox/accounts", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithSupervisor(deps, req, [&](const storage::Caseworker&, int64_t) {
      auto all = deps.store.ListCaseworkers();
      if (!all.ok()) return StoreError(all.status());
      json::array list;
      for (const auto& c : *all) list.push_back(AccountJson(c));
      return Json(200, json::object{{"accounts", std::move(list)}});
    });
  });

  // disable / enable / reset-password: the store audits each (on the account, thread 0) and
  // ends the account's sessions; the hub's live sockets re-check theirs at once.
  for (std::string verb : {"disable", "enable", "reset-password"}) {
    router.Add(
        "POST", "/api/inbox/accounts/{username}/" + verb,
        [holder, verb](const HttpRequest& req, const PathParams& params) {
          const InboxDeps& deps = *holder;
          return WithSupervisor(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
            const std::string& username = params.at("username");
            if (username.empty() || username.size() > 128) return ErrorResponse(404, "not found");
            std::string password;
            if (verb == "reset-password") {
              HttpResponse error;
              auto body = ParseBody(req, &error);
              if (!body) return error;
              auto given = StringField(*body, "password");
              if (!given || given->size() < 8 || given->size() > 1024) {
                return ErrorResponse(400, "\"password\" must be a string of 8 to 1024 characters");
              }
              password = std::move(*given);
            } else if (verb == "disable" && username == cw.username) {
              return ErrorResponse(409, "supervisors cannot disable their own account");
            }
            auto done = verb == "reset-password"
                            ? deps.store.ResetCaseworkerPassword(username, password, now)
                            : deps.store.SetCaseworkerDisabled(username, verb == "disable", now);
            std::fill(password.begin(), password.end(), '\0');
            if (!done.ok()) {
              if (done.status().code() == storage::Code::kNotFound) {
                return ErrorResponse(404, "no such caseworker");
              }
              if (done.status().code() == storage::Code::kInvalid) {
                return ErrorResponse(400, done.status().message());
              }
              return StoreError(done.status());
            }
            Log(LogLevel::kInfo, "account_changed",
                {{"caseworker_id", cw.id}, {"account_id", done->id}, {"action", verb}});
            if (verb != "enable" && deps.sessions_changed) deps.sessions_changed();
            return Json(200, json::object{{"account", AccountJson(*done)}});
          });
        });
  }
}

}  // namespace

void RegisterInboxApi(http::Router& router, const InboxDeps& deps_in) {
  // The handlers outlive this call: they share one copy of the dependencies.
  auto holder = std::make_shared<const InboxDeps>(deps_in);
  router.Add("POST", "/api/inbox/login", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    int64_t now = deps.clock();
    HttpResponse error;
    auto body = ParseBody(req, &error);
    if (!body) return error;
    auto username = StringField(*body, "username");
    auto password = StringField(*body, "password");
    if (!username || !password || username->empty() || username->size() > 128 ||
        password->size() > 1024) {
      return ErrorResponse(400, "\"username\" and \"password\" must be strings");
    }
    // The TOTP code: optional in the body (required by policy below); spaces, as authenticator
    // apps show it ("123 456"), are ignored.
    std::string code;
    if (const json::value* c = body->if_contains("code"); c != nullptr && !c->is_null()) {
      if (!c->is_string() || c->as_string().size() > 32) {
        return ErrorResponse(400, "\"code\" must be a string of digits");
      }
      for (char ch : c->as_string()) {
        if (ch != ' ') code.push_back(ch);
      }
    }
    // Both limits count the attempt before the password is checked (concurrent guesses cannot
    // all pass); a success takes it back. Usernames are case-folded so that case does not
    // multiply the attempts.
    std::string user_key = *username;
    for (char& c : user_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int64_t until = deps.login_limiter.Reserve(req.remote_address, now);
    if (until == 0) {
      until = deps.username_limiter.Reserve(user_key, now);
      if (until > 0) deps.login_limiter.Forgive(req.remote_address, now);
    }
    if (until > 0) {
      deps.metrics.Inc("connecthub_logins_total",
                       {{"kind", "caseworker"}, {"result", "locked_out"}});
      return Json(429,
                  json::object{{"error", "too many failed logins"}, {"retry_at", IsoTime(until)}});
    }
    auto forgive = [&] {
      deps.login_limiter.Forgive(req.remote_address, now);
      deps.username_limiter.Forgive(user_key, now);
    };
    auto cw = deps.store.CheckCaseworkerPassword(*username, *password);
    if (!cw.ok()) {
      if (cw.status().code() != storage::Code::kNotFound) {
        forgive();
        return StoreError(cw.status());
      }
      deps.metrics.Inc("connecthub_logins_total", {{"kind", "caseworker"}, {"result", "failed"}});
      Log(LogLevel::kInfo, "inbox_login_failed");
      return ErrorResponse(401, "invalid username or password");
    }
    if (deps.options.require_mfa) {
      // A missing or wrong code stays counted in both limits, like a wrong password: the code
      // is only checked once the password is right, so guessing codes costs attempts too.
      auto check = auth::CheckCaseworkerTotp(deps.store, cw->id, code, now, deps.options.totp);
      auto refuse = [&](int status, const char* error_code, const char* message) {
        deps.metrics.Inc("connecthub_logins_total",
                         {{"kind", "caseworker"}, {"result", error_code}});
        Log(LogLevel::kInfo, "inbox_login_failed",
            {{"caseworker_id", cw->id}, {"reason", error_code}});
        return Json(status, json::object{{"error", message}, {"code", error_code}});
      };
      switch (check) {
        case auth::TotpCheck::kOk:
          break;
        case auth::TotpCheck::kNotEnrolled:
          forgive();
          return refuse(403, "mfa_not_enrolled",
                        "no second factor enrolled for this account: the operator must run "
                        "`connecthub caseworker mfa-enroll`");
        case auth::TotpCheck::kMissing:
          return refuse(401, "mfa_required", "the code from the authenticator app is required");
        case auth::TotpCheck::kWrong:
          return refuse(401, "mfa_failed", "wrong or expired code");
        case auth::TotpCheck::kReused:
          return refuse(401, "mfa_failed", "this code was already used: wait for the next one");
        case auth::TotpCheck::kError:
          forgive();
          return ErrorResponse(500, "internal error");
      }
    }
    forgive();
    auto token =
        deps.store.CreateSession(storage::SessionKind::kCaseworker, std::to_string(cw->id), now);
    if (!token.ok()) return StoreError(token.status());
    deps.metrics.Inc("connecthub_logins_total", {{"kind", "caseworker"}, {"result", "ok"}});
    Log(LogLevel::kInfo, "inbox_login", {{"caseworker_id", cw->id}});
    return Json(200, json::object{{"token", *token}, {"caseworker", CaseworkerJson(*cw)}});
  });

  router.Add("POST", "/api/inbox/logout", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker&, int64_t) {
      std::string token = BearerToken(req);
      (void)deps.store.EndSession(token);
      if (deps.session_ended) deps.session_ended(token);
      return Json(200, json::object{{"ok", true}});
    });
  });

  // A supervisor lifts a parent's PIN lockout, hard locks included (the agency's reset).
  router.Add("POST", "/api/inbox/participants/{id}/unlock",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithSupervisor(deps, req, [&](const storage::Caseworker& cw, int64_t) {
                 auto it = params.find("id");
                 if (it == params.end() || it->second.empty() || it->second.size() > 64 ||
                     it->second.find_first_not_of("0123456789") != std::string::npos) {
                   return ErrorResponse(400, "participant id must be digits");
                 }
                 auto s =
                     auth::ResetLockout(deps.store, auth::ParentAuth::ParticipantKey(it->second));
                 if (!s.ok()) return StoreError(s);
                 Log(LogLevel::kInfo, "lockout_reset", {{"caseworker_id", cw.id}});
                 return Json(200, json::object{{"ok", true}});
               });
             });

  router.Add("GET", "/api/inbox/me", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t) {
      return Json(200, CaseworkerJson(cw));
    });
  });

  // Who a thread can be transferred to: the active accounts and their counties (no one's
  // secrets, no disabled account).
  router.Add("GET", "/api/inbox/caseworkers", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker&, int64_t) {
      auto all = deps.store.ListCaseworkers();
      if (!all.ok()) return StoreError(all.status());
      json::array list;
      for (const auto& c : *all) {
        if (c.disabled) continue;
        list.push_back(json::object{{"username", c.username},
                                    {"display_name", c.display_name},
                                    {"county", c.county},
                                    {"supervisor", c.supervisor}});
      }
      return Json(200, json::object{{"caseworkers", std::move(list)}});
    });
  });

  router.Add("GET", "/api/inbox/threads", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
      std::string state = req.Query("state", "all");
      storage::ThreadQuery q;
      if (state == "waiting") {
        q.states = {storage::ThreadState::kWaiting};
      } else if (state == "assigned") {
        q.states = {storage::ThreadState::kAssigned};
      } else if (state == "mine") {
        q.states = {storage::ThreadState::kAssigned};
        q.assigned_to = cw.id;
      } else if (state == "bot") {
        q.states = {storage::ThreadState::kBot};
      } else if (state == "resolved") {
        q.states = {storage::ThreadState::kResolved};
      } else if (state != "all") {
        return ErrorResponse(400, "state must be waiting, assigned, mine, bot, resolved or all");
      }
      q.supervisor = cw.supervisor;
      if (!cw.supervisor) q.county = cw.county;
      q.triage = SeesTriage(cw, deps.options.triage_counties);
      auto threads = deps.store.ListThreads(q);
      if (!threads.ok()) return StoreError(threads.status());
      SortForInbox(deps.reply_target, now, &*threads);  // high priority, overdue, the rest
      json::array list;
      std::vector<int64_t> shown;
      for (const auto& t : *threads) {
        if (!Visible(cw, t, deps.options.triage_counties)) continue;
        list.push_back(ThreadSummaryJson(t, deps.reply_target, now));
        shown.push_back(t.id);
      }
      // A list shows names and previews: each listed thread is an audited read ("list").
      if (auto s = deps.store.AuditThreads(cw.id, shown, "list", now); !s.ok()) {
        return StoreError(s);
      }
      return Json(200, json::object{{"threads", std::move(list)}});
    });
  });

  // Search within the caseworker's scope (the thread list's): ?q= a participant id, a case
  // number, a phone number (blind index) or a name. The search is audited ("search", thread 0)
  // without its text, and so is each thread found ("search"): the results show names.
  router.Add("GET", "/api/inbox/search", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
      std::string error;
      auto search = ParseSearch(req.Query("q", ""), &error);
      if (!search) return ErrorResponse(400, error);
      search->supervisor = cw.supervisor;
      if (!cw.supervisor) search->county = cw.county;
      search->triage = SeesTriage(cw, deps.options.triage_counties);
      search->limit = kSearchLimit;
      auto threads = deps.store.SearchThreads(*search);
      if (!threads.ok()) return StoreError(threads.status());
      SortForInbox(deps.reply_target, now, &*threads);
      json::array list;
      std::vector<int64_t> shown = {0};  // 0: the search itself
      for (const auto& t : *threads) {
        if (!Visible(cw, t, deps.options.triage_counties)) continue;
        list.push_back(ThreadSummaryJson(t, deps.reply_target, now));
        shown.push_back(t.id);
      }
      if (auto s = deps.store.AuditThreads(cw.id, shown, "search", now); !s.ok()) {
        return StoreError(s);
      }
      return Json(200, json::object{{"threads", std::move(list)}});
    });
  });

  // The audit log, for supervisors: ?thread_id=N, ?caseworker_id=N, ?before_id=N, ?limit=N.
  router.Add("GET", "/api/inbox/audit", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithSupervisor(deps, req, [&](const storage::Caseworker&, int64_t) {
      storage::AuditQuery q;
      int64_t thread_id = 0;
      int64_t caseworker_id = 0;
      int64_t limit = 0;
      if (auto bad = QueryNumbers(req, {{"thread_id", &thread_id},
                                        {"caseworker_id", &caseworker_id},
                                        {"before_id", &q.before_id},
                                        {"limit", &limit}})) {
        return *bad;
      }
      if (thread_id > 0) q.thread_id = thread_id;
      if (caseworker_id > 0) q.caseworker_id = caseworker_id;
      if (limit > 0) q.limit = static_cast<int>(std::min<int64_t>(limit, 1000));
      auto rows = deps.store.ListAudit(q);
      if (!rows.ok()) return StoreError(rows.status());
      json::array list;
      for (const auto& r : *rows) list.push_back(AuditJson(r));
      return Json(200, json::object{{"entries", std::move(list)}});
    });
  });

  // Supervisors' reports: ?from=YYYY-MM-DD&to=YYYY-MM-DD (the agency's days, both included;
  // default the last 7), &format=csv for a download. Each read is audited ("report", thread 0).
  router.Add("GET", "/api/inbox/reports", [holder](const HttpRequest& req, const PathParams&) {
    const InboxDeps& deps = *holder;
    return WithCaseworker(deps, req, [&](const storage::Caseworker& cw, int64_t now) {
      if (!cw.supervisor) return ErrorResponse(403, "supervisors only");
      std::string format = req.Query("format", "json");
      if (format != "json" && format != "csv")
        return ErrorResponse(400, "format must be json or csv");
      const bot::OfficeHours* hours = deps.reply_target.hours;
      std::string error;
      auto range = ParseReportRange(req.Query("from", ""), req.Query("to", ""),
                                    ReportToday(hours, now), &error);
      if (!range) return ErrorResponse(400, error);
      auto rows = deps.store.Report(MakeReportQuery(*range, hours));
      if (!rows.ok()) return StoreError(rows.status());
      // An unaudited read is not allowed to happen.
      if (auto s = deps.store.Audit(cw.id, 0, "report", now); !s.ok()) return StoreError(s);
      if (format == "json") return Json(200, ReportJson(*range, *rows));
      HttpResponse r;
      r.content_type = "text/csv; charset=utf-8";
      r.body = ReportCsv(*rows);
      std::string name = "connecthub-report-" + IsoDate(std::chrono::sys_days(range->from)) + "-" +
                         IsoDate(std::chrono::sys_days(range->to)) + ".csv";
      r.headers = {{"Cache-Control", "no-store"},
                   {"Content-Disposition", "attachment; filename=\"" + name + "\""}};
      return r;
    });
  });

  router.Add(
      "GET", "/api/inbox/threads/{id}", [holder](const HttpRequest& req, const PathParams& params) {
        const InboxDeps& deps = *holder;
        return WithThread(
            deps, req, params,
            [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
              if (auto s = deps.store.Audit(cw.id, t.id, "read", now); !s.ok()) {
                // An unaudited read is not allowed to happen.
                return StoreError(s);
              }
              // A long thread opens at its newest messages; ?before_seq=N&limit=N
              // pages back ("load older"). Seqs are dense (notes included), so a page
              // is the seq range just below `before_seq`.
              int64_t before_seq = 0;
              int64_t limit = 0;
              if (auto bad = QueryNumbers(req, {{"before_seq", &before_seq}, {"limit", &limit}})) {
                return *bad;
              }
              int64_t last = t.last_seq;
              if (before_seq > 0) last = std::min(last, before_seq - 1);
              limit = limit > 0 ? std::min<int64_t>(limit, deps.options.max_messages)
                                : deps.options.page_messages;
              int64_t after = std::max<int64_t>(0, last - limit);
              auto messages =
                  deps.store.Messages(t.id, after, static_cast<int>(last - after), true);
              if (!messages.ok()) return StoreError(messages.status());
              json::object out;
              out["thread"] = ThreadSummaryJson(t, deps.reply_target, now);
              json::array list;
              for (const auto& m : *messages) list.push_back(MessageJson(m));
              out["messages"] = std::move(list);
              out["older"] = after > 0;  // "load older" has more to show
              out["cases"] = json::array();
              out["appointments"] = json::array();
              json::array together;  // one history: the participant's threads on every channel
              if (!t.participant_id.empty()) {
                auto facts = deps.store.LoadFacts(t.participant_id, now);
                if (facts.ok()) AddFactsJson(*facts, &out);
                storage::ThreadSearch mine;
                mine.exact = t.participant_id;
                mine.supervisor = cw.supervisor;
                if (!cw.supervisor) mine.county = cw.county;
                mine.triage = SeesTriage(cw, deps.options.triage_counties);
                mine.limit = 20;
                auto threads = deps.store.SearchThreads(mine);
                if (!threads.ok()) return StoreError(threads.status());
                std::sort(threads->begin(), threads->end(),
                          [](const auto& a, const auto& b) { return a.id < b.id; });
                std::vector<int64_t> listed;
                for (const auto& o : *threads) {
                  if (o.participant_id != t.participant_id ||
                      !Visible(cw, o, deps.options.triage_counties)) {
                    continue;
                  }
                  if (o.id != t.id) listed.push_back(o.id);
                  together.push_back(
                      json::object{{"id", o.id},
                                   {"channel", storage::ChannelName(o.channel)},
                                   {"state", storage::ThreadStateName(o.state)},
                                   {"last_message_at", o.last_message_ms > 0
                                                           ? json::value(IsoTime(o.last_message_ms))
                                                           : json::value(nullptr)},
                                   {"messages", o.last_seq}});
                }
                // Listed with their state and time: audited like a thread list.
                if (auto a = deps.store.AuditThreads(cw.id, listed, "list", now); !a.ok()) {
                  return StoreError(a);
                }
              }
              out["participant_threads"] = std::move(together);
              return Json(200, out);
            });
      });

  // A picture (or file) a parent sent by MMS: fetched from the provider for this request, checked
  // by its first bytes, and given to the caseworker's browser only, never cached or stored.
  router.Add(
      "GET", "/api/inbox/threads/{id}/messages/{seq}/media/{index}",
      [holder](const HttpRequest& req, const PathParams& params) {
        const InboxDeps& deps = *holder;
        return WithThread(
            deps, req, params,
            [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
              auto seq = ParseId(PathParams{{"id", params.at("seq")}});
              const std::string& ix = params.at("index");  // 0 to 9 (at most 10 per message)
              if (!seq || ix.size() != 1 || ix[0] < '0' || ix[0] > '9') {
                return ErrorResponse(400, "seq must be a positive number and index 0 to 9");
              }
              size_t i = static_cast<size_t>(ix[0] - '0');
              auto messages = deps.store.Messages(t.id, *seq - 1, 1, false);
              if (!messages.ok()) return StoreError(messages.status());
              if (messages->empty() || messages->front().seq != *seq ||
                  i >= messages->front().media.size()) {
                return ErrorResponse(404, "no such picture");
              }
              if (!deps.fetch_media) {
                return ErrorResponse(503, "SMS is not configured: pictures cannot be opened");
              }
              // An unaudited read is not allowed to happen.
              if (auto s = deps.store.Audit(cw.id, t.id, "media", now); !s.ok()) {
                return StoreError(s);
              }
              auto got = deps.fetch_media(messages->front().media[i].url, sms::kMaxMediaBytes);
              using Outcome = sms::MediaResult::Outcome;
              deps.metrics.Inc("connecthub_media_fetches_total",
                               {{"result", got.outcome == Outcome::kOk         ? "ok"
                                           : got.outcome == Outcome::kNotFound ? "not_found"
                                           : got.outcome == Outcome::kTooLarge ? "too_large"
                                           : got.outcome == Outcome::kRefused  ? "refused"
                                                                               : "error"}});
              if (got.outcome == Outcome::kNotFound) {
                return ErrorResponse(404, "the provider no longer has this picture");
              }
              if (got.outcome == Outcome::kTooLarge) {
                return ErrorResponse(502, "the picture is larger than 5 MB");
              }
              if (got.outcome != Outcome::kOk) {
                Log(LogLevel::kWarn, "media_fetch_failed",
                    {{"thread_id", t.id}, {"error", got.error}});
                return ErrorResponse(502, "the picture could not be fetched from the SMS provider");
              }
              std::string_view type = sms::SniffMediaType(got.body);
              if (type.empty()) {
                return ErrorResponse(415, "this kind of file cannot be opened here");
              }
              HttpResponse r;
              r.content_type = std::string(type);
              r.body = std::move(got.body);
              std::string name = "message-" + std::to_string(*seq) + "-" + std::to_string(i + 1);
              bool pdf = type == "application/pdf";
              r.headers = {
                  {"Cache-Control", "no-store"},
                  {"X-Content-Type-Options", "nosniff"},
                  {"Content-Security-Policy", "default-src 'none'; sandbox"},
                  {"Content-Disposition", std::string(pdf ? "attachment" : "inline") +
                                              "; filename=\"" + name + (pdf ? ".pdf" : "") + "\""},
              };
              return r;
            });
      });

  router.Add("POST", "/api/inbox/threads/{id}/claim",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithThread(
                   deps, req, params,
                   [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
                     auto claimed = deps.conversations.Claim(t.id, cw, now);
                     if (!claimed.ok()) return StoreError(claimed.status());
                     return Json(
                         200, json::object{
                                  {"thread", ThreadSummaryJson(*claimed, deps.reply_target, now)}});
                   });
             });

  router.Add("POST", "/api/inbox/threads/{id}/reply",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               HttpResponse error;
               auto text = TextBody(deps, req, &error);
               return WithThread(
                   deps, req, params,
                   [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
                     if (!text) return error;
                     auto m = deps.conversations.Reply(t.id, cw, *text, now);
                     if (!m.ok()) return StoreError(m.status());
                     return Json(200, json::object{{"seq", m->seq}});
                   });
             });

  router.Add("POST", "/api/inbox/threads/{id}/note",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               HttpResponse error;
               auto text = TextBody(deps, req, &error);
               return WithThread(
                   deps, req, params,
                   [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
                     if (!text) return error;
                     auto m = deps.conversations.Note(t.id, cw, *text, now);
                     if (!m.ok()) return StoreError(m.status());
                     return Json(200, json::object{{"seq", m->seq}});
                   });
             });

  router.Add("POST", "/api/inbox/threads/{id}/resolve",
             [holder](const HttpRequest& req, const PathParams& params) {
               const InboxDeps& deps = *holder;
               return WithThread(
                   deps, req, params,
                   [&](const storage::Caseworker& cw, const storage::ThreadRecord& t, int64_t now) {
                     auto resolved = deps.conversations.Resolve(t.id, cw, now);
                     if (!resolved.ok()) return StoreError(resolved.status());
                     return Json(
                         200, json::object{{"thread",
                                            ThreadSummaryJson(*resolved, deps.reply_target, now)}});
                   });
             });

  RegisterAssignmentApi(router, holder);
  RegisterCannedApi(router, holder);
  RegisterAccountsApi(router, holder);
}

}  // namespace connecthub::hub::inbox
