#include "http/router.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace connecthub::hub::http;

namespace {

HttpRequest Req(std::string method, std::string path, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  return r;
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/healthz", [](const HttpRequest&, const PathParams&) {
    return JsonResponse(200, R"({"status":"ok"})");
  });
  router.Add("GET", "/api/inbox/threads/{id}", [](const HttpRequest&, const PathParams& p) {
    return JsonResponse(200, "thread " + p.at("id"));
  });
  router.Add("POST", "/api/inbox/threads/{id}/claim", [](const HttpRequest&, const PathParams& p) {
    return JsonResponse(200, "claim " + p.at("id"));
  });
  router.Add("GET", "/static/{*path}", [](const HttpRequest&, const PathParams& p) {
    return JsonResponse(200, "static " + p.at("path"));
  });
  router.Add(
      "POST", "/sms/twilio",
      [](const HttpRequest&, const PathParams&) { return JsonResponse(200, "sms"); },
      RouteOptions{.max_body = 16});
  router.Add("GET", "/boom", [](const HttpRequest&, const PathParams&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  return router;
}

}  // namespace

TEST_CASE("router matches literal, parameter and rest segments", "[hub][router]") {
  Router router = MakeRouter();
  CHECK(router.Handle(Req("GET", "/healthz")).status == 200);
  CHECK(router.Handle(Req("GET", "/api/inbox/threads/12")).body == "thread 12");
  CHECK(router.Handle(Req("POST", "/api/inbox/threads/12/claim")).body == "claim 12");
  CHECK(router.Handle(Req("GET", "/static/css/widget.css")).body == "static css/widget.css");
  CHECK(router.Handle(Req("HEAD", "/healthz")).status == 200);
}

TEST_CASE("router: 404, 405 with Allow, 413, 500", "[hub][router]") {
  Router router = MakeRouter();
  auto missing = router.Handle(Req("GET", "/nope"));
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"error":"not found"})");
  CHECK(router.Handle(Req("GET", "/api/inbox/threads")).status == 404);
  CHECK(router.Handle(Req("GET", "/api/inbox/threads/1/claim/x")).status == 404);
  CHECK(router.Handle(Req("GET", "/static")).status == 404);
  auto wrong = router.Handle(Req("DELETE", "/healthz"));
  CHECK(wrong.status == 405);
  REQUIRE(wrong.headers.size() == 1);
  CHECK(wrong.headers[0].second == "GET");
  CHECK(router.Handle(Req("POST", "/sms/twilio", std::string(17, 'x'))).status == 413);
  CHECK(router.Handle(Req("POST", "/sms/twilio", std::string(16, 'x'))).status == 200);
  CHECK(router.Handle(Req("GET", "/boom")).status == 500);
}

TEST_CASE("router body limits per path", "[hub][router]") {
  Router router = MakeRouter();
  CHECK(router.BodyLimit("/sms/twilio") == 16);
  CHECK(router.BodyLimit("/api/inbox/threads/3/claim") == 64 * 1024);
  CHECK(router.BodyLimit("/unknown") == 64 * 1024);
}

TEST_CASE("ParseTarget decodes path and query, rejects garbage", "[hub][router]") {
  std::string path;
  std::map<std::string, std::string> query;
  REQUIRE(ParseTarget("/api/inbox/threads?state=waiting&x=a%20b", &path, &query));
  CHECK(path == "/api/inbox/threads");
  CHECK(query.at("state") == "waiting");
  CHECK(query.at("x") == "a b");
  REQUIRE(ParseTarget("/a%2Fb", &path, &query));
  CHECK(path == "/a/b");
  CHECK_FALSE(ParseTarget("http://evil/", &path, &query));
  CHECK_FALSE(ParseTarget("/bad%zz", &path, &query));
  CHECK_FALSE(ParseTarget("", &path, &query));
  CHECK_FALSE(ParseTarget("/sp ace", &path, &query));
}

TEST_CASE("headers are looked up case-insensitively", "[hub][router]") {
  HttpRequest r;
  r.headers = {{"authorization", "Bearer x"}};
  CHECK(r.Header("Authorization") == "Bearer x");
  CHECK(r.Header("origin").empty());
}

TEST_CASE("error responses escape their message", "[hub][router]") {
  CHECK(ErrorResponse(400, "bad \"x\"\n").body == R"({"error":"bad \"x\"\n"})");
}
