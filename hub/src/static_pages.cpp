#include "static_pages.h"

#include <boost/json.hpp>

#include "log.h"

namespace connecthub::hub {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using http::PathParams;

// connect-src names the hub's own WebSocket origin (wss:// of --public-url when given, else ws://
// and wss:// of the request's Host, which the server has checked against its allow-list), never
// any ws:/wss: host.
std::string Csp(const std::string& ws_origin, const HttpRequest& req) {
  std::string connect = ws_origin;
  if (connect.empty()) {
    std::string host = req.Header("host");
    if (!host.empty()) connect = "ws://" + host + " wss://" + host;
  }
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'" +
         (connect.empty() ? std::string() : " " + connect) +
         "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

std::optional<std::string_view> FindFile(std::string_view path) {
  for (const auto& [name, contents] : web::WebFiles()) {
    if (name == path) return contents;
  }
  return std::nullopt;
}

void AddSecurityHeaders(HttpResponse* r, bool frame_deny, const std::string& csp) {
  r->headers.emplace_back("Content-Security-Policy", csp);
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Referrer-Policy", "no-referrer");
  r->headers.emplace_back("Cache-Control", "no-cache");
  if (frame_deny) r->headers.emplace_back("X-Frame-Options", "DENY");
}

HttpResponse ServeFile(std::string_view name, bool frame_deny, const std::string& csp) {
  auto contents = FindFile(name);
  if (!contents) return http::ErrorResponse(404, "not found");
  HttpResponse r;
  r.content_type = std::string(ContentTypeFor(name));
  r.body = std::string(*contents);
  AddSecurityHeaders(&r, frame_deny, csp);
  return r;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

void RegisterStaticPages(http::Router& router, const locales::Catalog& catalog,
                         const std::string& public_url) {
  std::string ws_origin;
  for (auto [scheme, ws] : {std::pair<std::string_view, std::string_view>{"https://", "wss://"},
                            {"http://", "ws://"}}) {
    if (!public_url.starts_with(scheme)) continue;
    std::string host = public_url.substr(scheme.size());
    host = host.substr(0, host.find('/'));
    if (!host.empty()) ws_origin = std::string(ws) + host;
  }
  router.Add("GET", "/", [ws_origin](const HttpRequest& req, const PathParams&) {
    return ServeFile("index.html", false, Csp(ws_origin, req));
  });
  router.Add("GET", "/widget.js", [ws_origin](const HttpRequest& req, const PathParams&) {
    return ServeFile("widget.js", false, Csp(ws_origin, req));
  });
  router.Add("GET", "/inbox", [ws_origin](const HttpRequest& req, const PathParams&) {
    return ServeFile("inbox.html", true, Csp(ws_origin, req));
  });
  router.Add("GET", "/static/{*path}", [ws_origin](const HttpRequest& req, const PathParams& p) {
    const std::string& path = p.at("path");
    if (path.find("..") != std::string::npos) {
      return http::ErrorResponse(404, "not found");
    }
    return ServeFile(path, false, Csp(ws_origin, req));
  });
  router.Add("GET", "/i18n/{file}",
             [&catalog, ws_origin](const HttpRequest& req, const PathParams& p) {
               const std::string& file = p.at("file");
               if (file != "en.json" && file != "es.json") {
                 return http::ErrorResponse(404, "not found");
               }
               boost::json::object o;
               for (const auto& [key, pattern] : catalog.Entries(file.substr(0, 2), "web.")) {
                 o[key] = pattern;
               }
               HttpResponse r;
               r.body = boost::json::serialize(o);
               AddSecurityHeaders(&r, false, Csp(ws_origin, req));
               return r;
             });
}

void RegisterOps(http::Router& router, storage::Store& store, Metrics& metrics,
                 std::function<void()> gauges) {
  router.Add("GET", "/healthz", [&store](const HttpRequest&, const PathParams&) {
    storage::Status s = store.CheckWritable();
    if (!s.ok()) {
      Log(LogLevel::kError, "unhealthy", {{"code", static_cast<int>(s.code())}});
      return http::JsonResponse(503, R"({"status":"unavailable"})");
    }
    return http::JsonResponse(200, R"({"status":"ok"})");
  });
  router.Add("GET", "/metrics",
             [&store, &metrics, gauges = std::move(gauges)](const HttpRequest&, const PathParams&) {
               if (gauges) gauges();
               if (auto depth = store.OutboxDepth(); depth.ok()) {
                 metrics.Set("connecthub_outbox_depth", {}, static_cast<double>(*depth));
               }
               HttpResponse r;
               r.content_type = "text/plain; version=0.0.4; charset=utf-8";
               r.body = metrics.Render();
               return r;
             });
}

}  // namespace connecthub::hub
