#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "sms/twilio_client.h"

using connecthub::hub::sms::ClassifyLookupResponse;
using connecthub::hub::sms::ClassifySendResponse;
using connecthub::hub::sms::LookupResult;
using connecthub::hub::sms::ParseApiBase;
using connecthub::hub::sms::ParseRfc2822Date;
using connecthub::hub::sms::SendResult;
using connecthub::hub::sms::TwilioClient;
using connecthub::hub::sms::TwilioClientOptions;
using Outcome = SendResult::Outcome;

TEST_CASE("api base: https anywhere, http only on loopback", "[hub][sms]") {
  auto twilio = ParseApiBase("https://api.twilio.com");
  REQUIRE(twilio.ok());
  CHECK(twilio->tls);
  CHECK(twilio->host == "api.twilio.com");
  CHECK(twilio->port == "443");
  CHECK(twilio->prefix.empty());
  auto local = ParseApiBase("http://127.0.0.1:4010/fake/");
  REQUIRE(local.ok());
  CHECK_FALSE(local->tls);
  CHECK(local->port == "4010");
  CHECK(local->prefix == "/fake");
  CHECK(ParseApiBase("http://localhost:1").ok());
  CHECK(ParseApiBase("http://[::1]:1").ok());
  CHECK(ParseApiBase("http://[::1]:1")->host == "::1");
  CHECK_FALSE(ParseApiBase("http://api.twilio.com").ok());
  CHECK_FALSE(ParseApiBase("http://10.0.0.1:80").ok());
  CHECK_FALSE(ParseApiBase("ftp://127.0.0.1").ok());
  CHECK_FALSE(ParseApiBase("not a url").ok());
  CHECK_FALSE(ParseApiBase("https://user:pw@api.twilio.com").ok());
  CHECK_FALSE(ParseApiBase("https://api.twilio.com/?x=1").ok());
}

TEST_CASE("send responses are classified: sent, retry, failed", "[hub][sms]") {
  auto ok = ClassifySendResponse(201, R"({"sid":"SM0123","status":"queued"})", "");
  CHECK(ok.outcome == Outcome::kSent);
  CHECK(ok.sid == "SM0123");
  CHECK(ok.status == "queued");

  auto garbage = ClassifySendResponse(201, "<html>", "");
  CHECK(garbage.outcome == Outcome::kSent);  // the provider took it: never send it twice
  CHECK(garbage.sid.empty());

  auto rejected = ClassifySendResponse(201, R"({"sid":"SM1","status":"failed"})", "");
  CHECK(rejected.outcome == Outcome::kFailed);

  auto busy = ClassifySendResponse(429, R"({"code":20429,"message":"Too Many Requests"})", "7");
  CHECK(busy.outcome == Outcome::kRetry);
  REQUIRE(busy.retry_after_ms);
  CHECK(*busy.retry_after_ms == 7000);
  CHECK(busy.error == "code 20429 (HTTP 429)");

  CHECK_FALSE(busy.may_have_reached);  // a 429 created nothing

  auto down = ClassifySendResponse(503, "oops", "soon");
  CHECK(down.outcome == Outcome::kRetry);
  CHECK_FALSE(down.retry_after_ms);
  CHECK(down.may_have_reached);  // a 5xx might have: look before sending again
  CHECK(ClassifySendResponse(500, "", "").outcome == Outcome::kRetry);

  auto bad_to = ClassifySendResponse(
      400, R"({"code":21211,"message":"The 'To' number +15551234567 is not valid"})", "");
  CHECK(bad_to.outcome == Outcome::kFailed);
  CHECK(bad_to.error.find("21211") != std::string::npos);
  CHECK(bad_to.error.find("+1555") == std::string::npos);  // never the number
  CHECK(ClassifySendResponse(401, "{}", "").outcome == Outcome::kFailed);
  CHECK(ClassifySendResponse(404, "[1,2", "").outcome == Outcome::kFailed);
}

TEST_CASE("client creation checks its options", "[hub][sms]") {
  TwilioClientOptions o;
  o.api_base = "http://127.0.0.1:9";
  o.account_sid = "AC123";
  o.auth_token = "secret";
  o.from = "+15550000000";
  CHECK(TwilioClient::Create(o).ok());
  auto no_sender = o;
  no_sender.from.clear();
  CHECK_FALSE(TwilioClient::Create(no_sender).ok());
  auto bad_sid = o;
  bad_sid.account_sid = "AC/../x";
  CHECK_FALSE(TwilioClient::Create(bad_sid).ok());
  auto remote_http = o;
  remote_http.api_base = "http://api.twilio.com";
  CHECK_FALSE(TwilioClient::Create(remote_http).ok());
}

TEST_CASE("a refused connection is a retry, not a crash", "[hub][sms]") {
  // A loopback port that is bound but not listening: connecting to it is refused, and no other
  // process can take it while the test runs (a fixed port such as 1 may be in use).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  TwilioClientOptions o;
  o.api_base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  o.account_sid = "AC123";
  o.auth_token = "secret";
  o.from = "+15550000000";
  o.timeout = std::chrono::milliseconds(2000);
  auto client = TwilioClient::Create(o);
  REQUIRE(client.ok());
  auto r = (*client)->Send("+15559990000", "hello");
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.error.rfind("connect", 0) == 0);
  CHECK_FALSE(r.may_have_reached);  // nothing was written
  auto lookup =
      (*client)->FindSent("+15559990000", "hello", 0, [](const std::string&) { return false; });
  CHECK(lookup.outcome == LookupResult::Outcome::kError);
  ::close(fd);
}

TEST_CASE("a look-up recognises a message Twilio's Smart Encoding rewrote", "[hub][sms][en][es]") {
  auto none = [](const std::string&) { return false; };
  const std::string list = R"({"messages":[
    {"sid":"SM7","to":"+15559990000","direction":"outbound-api",
     "body":"Don't miss it... \"Court\" - 9 AM",
     "date_created":"Mon, 30 Nov 2026 09:33:08 +0000"},
    {"sid":"SM8","to":"+15559990000","direction":"outbound-api",
     "body":"\u00bfCu\u00e1ndo es mi cita? \u2014 Le esperamos",
     "date_created":"Mon, 30 Nov 2026 09:33:08 +0000"}]})";
  const int64_t since = 1796031188000LL;
  // The hub's catalogs write ’ “ ” … –; the provider may list ' " ... -.
  auto en = ClassifyLookupResponse(200, list, "+15559990000",
                                   "Don\u2019t miss it\u2026 \u201cCourt\u201d \u2013 9\u00a0AM",
                                   since, none);
  CHECK(en.outcome == LookupResult::Outcome::kFound);
  CHECK(en.sid == "SM7");
  // Spanish accents are letters, never folded: the exact text matches, a text without them not.
  auto es = ClassifyLookupResponse(
      200, list, "+15559990000", "\u00bfCu\u00e1ndo es mi cita? \u2014 Le esperamos", since, none);
  CHECK(es.sid == "SM8");
  CHECK(ClassifyLookupResponse(200, list, "+15559990000", "\u00bfCuando es mi cita? - Le esperamos",
                               since, none)
            .outcome == LookupResult::Outcome::kNotFound);
}

TEST_CASE("Twilio's RFC 2822 dates", "[hub][sms]") {
  CHECK(ParseRfc2822Date("Thu, 01 Jan 1970 00:00:00 +0000") == 0);
  CHECK(ParseRfc2822Date("Wed, 18 Aug 2010 20:01:40 +0000") == 1282161700000LL);
  CHECK(ParseRfc2822Date("18 Aug 2010 13:01:40 -0700") == 1282161700000LL);
  CHECK(ParseRfc2822Date("Mon, 30 Nov 2026 9:33:08 +0000") == std::nullopt);   // one-digit hour
  CHECK(ParseRfc2822Date("Mon, 31 Nov 2026 09:33:08 +0000") == std::nullopt);  // no such day
  CHECK(ParseRfc2822Date("Mon, 30 Nov 2026 09:33:08 GMT") == std::nullopt);
  CHECK(ParseRfc2822Date("") == std::nullopt);
  CHECK(ParseRfc2822Date("Mon, 30 Foo 2026 09:33:08 +0000") == std::nullopt);
}

TEST_CASE("an unconfirmed attempt is looked up in the provider's message list", "[hub][sms]") {
  const std::string to = "+15559990000";
  auto none = [](const std::string&) { return false; };
  // 2026-11-30 09:33:08 UTC.
  const int64_t since = 1796031188000LL + 250;
  const std::string list = R"({"messages":[
    {"sid":"SM3","to":"+15559990000","body":"hello","direction":"outbound-api",
     "date_created":"Mon, 30 Nov 2026 09:33:08 +0000"},
    {"sid":"SM2","to":"+15559990000","body":"hello","direction":"outbound-api",
     "date_created":"Mon, 30 Nov 2026 09:30:00 +0000"},
    {"sid":"SM1","to":"+15559990000","body":"hello","direction":"inbound",
     "date_created":"Mon, 30 Nov 2026 09:34:00 +0000"}]})";
  // Created in the same second as the attempt began (Twilio has whole seconds): found.
  auto found = ClassifyLookupResponse(200, list, to, "hello", since, none);
  CHECK(found.outcome == LookupResult::Outcome::kFound);
  CHECK(found.sid == "SM3");
  // A sid another item already holds is never claimed; an older message is not this attempt.
  auto known = [](const std::string& sid) { return sid == "SM3"; };
  CHECK(ClassifyLookupResponse(200, list, to, "hello", since, known).outcome ==
        LookupResult::Outcome::kNotFound);
  // Another text, another number, an inbound message: not found.
  CHECK(ClassifyLookupResponse(200, list, to, "hello!", since, none).outcome ==
        LookupResult::Outcome::kNotFound);
  CHECK(ClassifyLookupResponse(200, list, "+15559990001", "hello", since, none).outcome ==
        LookupResult::Outcome::kNotFound);
  // Errors and garbage: cannot tell, so nothing is sent.
  CHECK(ClassifyLookupResponse(500, list, to, "hello", since, none).outcome ==
        LookupResult::Outcome::kError);
  CHECK(ClassifyLookupResponse(200, "<html>", to, "hello", since, none).outcome ==
        LookupResult::Outcome::kError);
  CHECK(ClassifyLookupResponse(200, R"({"messages":{}})", to, "hello", since, none).outcome ==
        LookupResult::Outcome::kError);
  auto odd = ClassifyLookupResponse(
      200, R"({"messages":[1,null,{"sid":"bad sid","to":"+15559990000","body":"hello"}]})", to,
      "hello", since, none);
  CHECK(odd.outcome == LookupResult::Outcome::kNotFound);
}
