#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connecthub::hub::http {

// One HTTP request as the router sees it: plain data, no Beast types, so handlers (inbox API, SMS
// webhook, static pages) are testable without sockets. Built by the HTTP session.
struct HttpRequest {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/api/inbox/threads?state=waiting"
  std::string path;    // percent-decoded path of target, e.g. "/api/inbox/threads"
  std::map<std::string, std::string> query;  // decoded query parameters (last one wins)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case, in order
  std::string body;
  std::string remote_address;  // peer IP address (no port)

  // The value of header `name` (case-insensitive); empty when absent.
  std::string Header(std::string_view name) const;
  // The query parameter `name`, or `fallback` when absent.
  std::string Query(const std::string& name, const std::string& fallback = "") const;
};

// One HTTP response produced by a handler; the HTTP session adds Content-Length, Server, Date and
// keep-alive handling.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
};

// A JSON response: `body` must already be serialised JSON.
HttpResponse JsonResponse(int status, std::string body);
// `{"error": message}` with `status` (message JSON-escaped).
HttpResponse ErrorResponse(int status, std::string_view message);

}  // namespace connecthub::hub::http
