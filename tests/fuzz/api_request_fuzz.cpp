// libFuzzer target: caseworker API requests as the router sees them (SPEC §7): the first input line
// is "METHOD target", the rest the body. The request target goes through ParseTarget (percent
// decoding, query), then the Router with the inbox API's route patterns, whose handlers read the
// JSON body as the API does (object, string fields, bounded sizes). Invariants: no crash, only the
// documented statuses, error bodies are JSON objects with an "error" string.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/router.h"

namespace http = connecthub::hub::http;
namespace json = boost::json;

namespace {

// Reads a body the way the inbox API does: a JSON object with string fields.
http::HttpResponse ReadBody(const http::HttpRequest& req, const http::PathParams& params) {
  for (const auto& [name, value] : params) {
    if (value.empty() || value.size() > 20) return http::ErrorResponse(404, "not found");
  }
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec || !v.is_object()) return http::ErrorResponse(400, "body must be a JSON object");
  for (const char* key : {"text", "username", "password"}) {
    if (const json::value* f = v.as_object().if_contains(key); f && !f->is_string()) {
      return http::ErrorResponse(400, "field must be a string");
    }
  }
  return http::JsonResponse(200, json::serialize(v));
}

http::Router& MakeRouter() {
  static http::Router router = [] {
    http::Router r;
    r.Add("POST", "/api/inbox/login", ReadBody);
    r.Add("GET", "/api/inbox/threads", ReadBody);
    r.Add("GET", "/api/inbox/threads/{id}", ReadBody);
    for (const char* what : {"claim", "reply", "note", "resolve"}) {
      r.Add("POST", std::string("/api/inbox/threads/{id}/") + what, ReadBody);
    }
    r.Add("GET", "/static/{*path}", ReadBody);
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t eol = input.find('\n');
  std::string_view first = input.substr(0, eol);
  size_t space = first.find(' ');
  http::HttpRequest req;
  req.method = std::string(first.substr(0, space));
  req.target = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  if (eol != std::string_view::npos) req.body = std::string(input.substr(eol + 1));
  if (!http::ParseTarget(req.target, &req.path, &req.query)) return 0;
  http::HttpResponse res = MakeRouter().Handle(req);
  switch (res.status) {
    case 200:
    case 400:
    case 404:
    case 405:
    case 413:
      break;
    default:
      std::abort();
  }
  if (res.status != 200) {
    boost::system::error_code ec;
    json::value v = json::parse(res.body, ec);
    if (ec || !v.is_object() || !v.as_object().if_contains("error")) std::abort();
  }
  return 0;
}
