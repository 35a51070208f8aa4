// MMS media (issue 17 item 8b): which URLs from a webhook are kept, NumMedia parsing, and the
// type check by a file's first bytes.
#include <catch2/catch.hpp>
#include <string>

#include "sms/form_body.h"
#include "sms/mms.h"
#include "sms/twilio_client.h"

using connecthub::hub::sms::FormFields;
using connecthub::hub::sms::InboundMedia;
using connecthub::hub::sms::IsAccountMediaUrl;
using connecthub::hub::sms::ParseApiBase;
using connecthub::hub::sms::SniffMediaType;

namespace {

const std::string kSid = "AC00000000000000000000000000000001";
const std::string kBase = "https://api.twilio.com/2010-04-01/Accounts/" + kSid;

}  // namespace

TEST_CASE("only the account's media URLs on the API are accepted", "[hub][sms]") {
  auto api = ParseApiBase("https://api.twilio.com");
  REQUIRE(api);
  CHECK(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/MM123/Media/ME456"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/MM123/Media/ME456/x"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/MM123/Media/"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/MM123/Media/ME4?x=1"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/../Media/ME4"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Messages/MM1/Media/ME4#f"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, kBase + "/Calls/CA1/Media/ME4"));
  CHECK_FALSE(IsAccountMediaUrl(
      *api, kSid, "https://api.twilio.com/2010-04-01/Accounts/AC2/Messages/MM1/Media/ME4"));
  CHECK_FALSE(IsAccountMediaUrl(
      *api, kSid, "http://api.twilio.com/2010-04-01/Accounts/" + kSid + "/Messages/MM1/Media/ME4"));
  CHECK_FALSE(IsAccountMediaUrl(
      *api, kSid, "https://evil.example/2010-04-01/Accounts/" + kSid + "/Messages/MM1/Media/ME4"));
  CHECK_FALSE(IsAccountMediaUrl(
      *api, kSid,
      "https://u:p@api.twilio.com/2010-04-01/Accounts/" + kSid + "/Messages/M/Media/E"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, "not a url"));
  CHECK_FALSE(IsAccountMediaUrl(*api, kSid, ""));

  // A loopback stand-in with a path prefix (tests).
  auto local = ParseApiBase("http://127.0.0.1:8123/twilio");
  REQUIRE(local);
  CHECK(IsAccountMediaUrl(
      *local, kSid,
      "http://127.0.0.1:8123/twilio/2010-04-01/Accounts/" + kSid + "/Messages/MM1/Media/ME1"));
  CHECK_FALSE(IsAccountMediaUrl(
      *local, kSid,
      "http://127.0.0.1:8124/twilio/2010-04-01/Accounts/" + kSid + "/Messages/M/Media/E"));
}

TEST_CASE("a webhook's media: counted by NumMedia, bad URLs dropped and counted", "[hub][sms]") {
  auto api = ParseApiBase("https://api.twilio.com");
  REQUIRE(api);
  int refused = -1;
  FormFields none({{"NumMedia", "0"}, {"Body", "hola"}});
  CHECK(InboundMedia(none, *api, kSid, &refused).empty());
  CHECK(refused == 0);

  FormFields two({{"NumMedia", "3"},
                  {"MediaUrl0", kBase + "/Messages/MM1/Media/ME1"},
                  {"MediaContentType0", "image/jpeg"},
                  {"MediaUrl1", "https://evil.example/x"},
                  {"MediaContentType1", "image/png"},
                  {"MediaUrl2", kBase + "/Messages/MM1/Media/ME3"},
                  {"MediaContentType2", "text/html\"><script>"}});
  auto media = InboundMedia(two, *api, kSid, &refused);
  REQUIRE(media.size() == 2);
  CHECK(refused == 1);
  CHECK(media[0].content_type == "image/jpeg");
  CHECK(media[0].url == kBase + "/Messages/MM1/Media/ME1");
  CHECK(media[1].content_type == "application/octet-stream");  // not a plain type/subtype

  for (const char* bad : {"-1", "11", "abc", "2x", ""}) {
    FormFields f({{"NumMedia", bad}, {"MediaUrl0", kBase + "/Messages/MM1/Media/ME1"}});
    CHECK(InboundMedia(f, *api, kSid, &refused).empty());
    CHECK(refused == 1);
  }
  FormFields missing(std::vector<std::pair<std::string, std::string>>{{"NumMedia", "1"}});
  CHECK(InboundMedia(missing, *api, kSid, &refused).empty());
  CHECK(refused == 1);
}

TEST_CASE("a file's type is decided by its first bytes", "[hub][sms]") {
  using namespace std::string_literals;
  CHECK(SniffMediaType("\xFF\xD8\xFF\xE0rest"s) == "image/jpeg");
  CHECK(SniffMediaType("\x89PNG\r\n\x1A\n...."s) == "image/png");
  CHECK(SniffMediaType("GIF89a..."s) == "image/gif");
  CHECK(SniffMediaType("RIFF\x10\0\0\0WEBPVP8 "s) == "image/webp");
  CHECK(SniffMediaType("%PDF-1.7"s) == "application/pdf");
  CHECK(SniffMediaType("<html><script>alert(1)</script>"s).empty());
  CHECK(SniffMediaType("RIFF\x10\0\0\0WAVE"s).empty());
  CHECK(SniffMediaType(""s).empty());
  CHECK(SniffMediaType("\xFF\xD8"s).empty());
}
