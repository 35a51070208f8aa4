#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace connecthub::hub::http {

// Values of `{name}` segments of the matched pattern; `{*name}` captures the rest of the path.
using PathParams = std::map<std::string, std::string, std::less<>>;

// A request handler. Runs on the blocking worker pool (it may call the Store); must not throw —
// the router turns an escaping exception into a 500 anyway.
using Handler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

struct RouteOptions {
  size_t max_body = 64 * 1024;  // request bodies over this get 413. Default 64 KiB (SPEC §3).
};

// Maps method + path to handlers. Pure (no sockets): the HTTP session parses a request into an
// HttpRequest and calls Handle(). Patterns are literal segments, `{name}` (one segment) and a final
// `{*name}` (the rest). Routes are added at start-up, before the server runs; afterwards the router
// is read-only and thread-safe. Add() is not thread-safe.
class Router {
 public:
  // Adds a route. Later routes never shadow earlier ones: the first match wins.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  // The body limit for a request to `path` (the largest of the routes matching the path; the
  // default limit when none matches), so the session can refuse an oversized body with 413 before
  // reading it.
  size_t BodyLimit(std::string_view path) const;

  // Runs the matching handler. 404 when no pattern matches the path, 405 (with Allow) when it
  // matches with another method, 413 when the body is over the route's limit, 500 when the
  // handler throws.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  static std::optional<PathParams> Match(const Route& route, std::string_view path);

  std::vector<Route> routes_;
};

// Splits a request target into its decoded path and query. False on a malformed target (not
// origin-form, bad percent-encoding).
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace connecthub::hub::http
