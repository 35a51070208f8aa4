#include "http/router.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <exception>

namespace connecthub::hub::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

std::string HttpRequest::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse ErrorResponse(int status, std::string_view message) {
  boost::json::object o;
  o["error"] = message;
  return JsonResponse(status, boost::json::serialize(o));
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  Route r;
  r.method = std::move(method);
  for (auto s : SplitPath(pattern)) r.segments.emplace_back(s);
  r.handler = std::move(handler);
  r.options = options;
  routes_.push_back(std::move(r));
}

std::optional<PathParams> Router::Match(const Route& route, std::string_view path) {
  auto parts = SplitPath(path);
  PathParams params;
  size_t i = 0;
  for (; i < route.segments.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (seg.size() > 3 && seg.starts_with("{*") && seg.ends_with("}")) {
      if (i >= parts.size()) return std::nullopt;
      // The rest of the path, as given (segments joined by '/').
      std::string rest;
      for (size_t k = i; k < parts.size(); ++k) {
        if (!rest.empty()) rest += '/';
        rest += parts[k];
      }
      params[seg.substr(2, seg.size() - 3)] = rest;
      return params;
    }
    if (i >= parts.size()) return std::nullopt;
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return std::nullopt;
    }
  }
  if (i != parts.size()) return std::nullopt;
  return params;
}

size_t Router::BodyLimit(std::string_view path) const {
  std::optional<size_t> limit;
  for (const auto& r : routes_) {
    if (Match(r, path)) limit = std::max(limit.value_or(0), r.options.max_body);
  }
  return limit.value_or(RouteOptions{}.max_body);
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  std::string allow;
  for (const auto& r : routes_) {
    auto params = Match(r, request.path);
    if (!params) continue;
    bool method_ok = r.method == request.method || (r.method == "GET" && request.method == "HEAD");
    if (!method_ok) {
      if (!allow.empty()) allow += ", ";
      allow += r.method;
      continue;
    }
    if (request.body.size() > r.options.max_body) {
      return ErrorResponse(413, "request body too large");
    }
    try {
      return r.handler(request, *params);
    } catch (const std::exception&) {
      return ErrorResponse(500, "internal error");
    }
  }
  if (!allow.empty()) {
    HttpResponse r = ErrorResponse(405, "method not allowed");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  return ErrorResponse(404, "not found");
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  try {
    *path = parsed->path();  // decoded
    query->clear();
    for (auto param : parsed->params()) {
      (*query)[param.key] = param.has_value ? param.value : "";
    }
  } catch (const std::exception&) {
    return false;
  }
  if (path->empty()) path->push_back('/');
  return true;
}

}  // namespace connecthub::hub::http
