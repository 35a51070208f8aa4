#include "static_pages.h"

#include <boost/json.hpp>

#include "log.h"
#include "server/server.h"

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
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
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

// What a page of another origin loads to embed the widget (widget.js and widget.css by plain tags,
// the catalogs by fetch): readable across origins whatever Cross-Origin-Resource-Policy default
// the rest of the hub's pages get.
void MarkEmbeddable(HttpResponse* r) {
  r->headers.emplace_back("Cross-Origin-Resource-Policy", "cross-origin");
}

// A catalog fetched from a page of another origin: refused (403, no CORS header) unless the
// origin is allowed, so the widget there can tell it was refused.
std::optional<HttpResponse> RefuseCrossOrigin(const HttpRequest& request,
                                              const std::vector<std::string>& allowed_origins) {
  std::string origin = request.Header("origin");
  if (origin.empty()) return std::nullopt;  // same-origin GET, curl, a server
  if (server::OriginAllowed(origin, request.Header("host"), allowed_origins)) return std::nullopt;
  Log(LogLevel::kWarn, "cors_refused", {{"path", request.path}, {"origin", origin}});
  HttpResponse r = http::ErrorResponse(403, "origin not allowed");
  AddSecurityHeaders(&r, false, "default-src 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("Vary", "Origin");
  return r;
}

void AllowCrossOrigin(const HttpRequest& request, HttpResponse* r) {
  // Exactly the requesting origin (already checked), never "*", and no
  // Access-Control-Allow-Credentials: the widget fetches with credentials: 'omit'.
  r->headers.emplace_back("Vary", "Origin");
  std::string origin = request.Header("origin");
  if (!origin.empty()) r->headers.emplace_back("Access-Control-Allow-Origin", origin);
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
                         std::vector<std::string> allowed_origins, const std::string& public_url) {
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
    HttpResponse r = ServeFile("widget.js", false, Csp(ws_origin, req));
    MarkEmbeddable(&r);
    return r;
  });
  router.Add("GET", "/inbox", [ws_origin](const HttpRequest& req, const PathParams&) {
    return ServeFile("inbox.html", true, Csp(ws_origin, req));
  });
  router.Add("GET", "/static/{*path}", [ws_origin](const HttpRequest& req, const PathParams& p) {
    const std::string& path = p.at("path");
    if (path.find("..") != std::string::npos) return http::ErrorResponse(404, "not found");
    HttpResponse r = ServeFile(path, false, Csp(ws_origin, req));
    if (path == "widget.css") MarkEmbeddable(&r);
    return r;
  });
  router.Add("GET", "/i18n/{file}",
             [&catalog, ws_origin, allowed = std::move(allowed_origins)](const HttpRequest& request,
                                                                         const PathParams& p) {
               const std::string& file = p.at("file");
               if (file != "en.json" && file != "es.json")
                 return http::ErrorResponse(404, "not found");
               if (auto refused = RefuseCrossOrigin(request, allowed)) return *refused;
               boost::json::object o;
               for (const auto& [key, pattern] : catalog.Entries(file.substr(0, 2), "web.")) {
                 o[key] = pattern;
               }
               HttpResponse r;
               r.body = boost::json::serialize(o);
               AddSecurityHeaders(&r, false, Csp(ws_origin, request));
               MarkEmbeddable(&r);
               AllowCrossOrigin(request, &r);
               return r;
             });
}

void RegisterOps(http::Router& router, storage::Operations& ops, storage::Outbox& outbox,
                 Metrics& metrics, std::function<void()> gauges) {
  router.Add("GET", "/healthz", [&ops](const HttpRequest&, const PathParams&) {
    storage::Status s = ops.CheckWritable();
    if (!s.ok()) {
      Log(LogLevel::kError, "unhealthy", {{"code", static_cast<int>(s.code())}});
      return http::JsonResponse(503, R"({"status":"unavailable"})");
    }
    return http::JsonResponse(200, R"({"status":"ok"})");
  });
  router.Add(
      "GET", "/metrics",
      [&outbox, &metrics, gauges = std::move(gauges)](const HttpRequest&, const PathParams&) {
        if (gauges) gauges();
        if (auto depth = outbox.OutboxDepth(); depth.ok()) {
          metrics.Set("connecthub_outbox_depth", {}, static_cast<double>(*depth));
        }
        HttpResponse r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics.Render();
        return r;
      });
}

}  // namespace connecthub::hub
