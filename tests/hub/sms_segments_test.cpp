#include <catch2/catch.hpp>

#include "sms/segments.h"

using connecthub::hub::sms::MeasureSms;
using connecthub::hub::sms::SmsEncoding;
using connecthub::hub::sms::SplitOptions;
using connecthub::hub::sms::SplitSms;

TEST_CASE("GSM-7 sizes: basic set, extension table, segment boundaries", "[hub][sms]") {
  CHECK(MeasureSms("").segments == 0);
  CHECK(MeasureSms("Hello").encoding == SmsEncoding::kGsm7);
  CHECK(MeasureSms(std::string(160, 'a')).segments == 1);
  CHECK(MeasureSms(std::string(161, 'a')).segments == 2);
  CHECK(MeasureSms(std::string(306, 'a')).segments == 2);
  CHECK(MeasureSms(std::string(307, 'a')).segments == 3);
  auto euro = MeasureSms("Pay €10 {now}");
  CHECK(euro.encoding == SmsEncoding::kGsm7);
  CHECK(euro.characters == 13);
  CHECK(euro.units == 16);
  // 152 'a' then '€' (2 septets) does not straddle: 153 + 1 would, so it moves to segment 2.
  CHECK(MeasureSms(std::string(159, 'a') + "€").segments == 2);
  CHECK(MeasureSms(std::string(158, 'a') + "€").segments == 1);
  CHECK(MeasureSms(std::string(152, 'a') + "€" + std::string(10, 'a')).segments == 2);
}

TEST_CASE("GSM-7 table edges: Greek capitals, the euro sign, Cyrillic", "[hub][sms]") {
  // The basic set's Greek capitals and the euro sign (the only extension character above
  // U+03FF) are GSM-7; lowercase Greek and Cyrillic are not.
  CHECK(MeasureSms("ΔΦΓΛΩΠΨΣΘΞ").encoding == SmsEncoding::kGsm7);
  CHECK(MeasureSms("ΔΦΓΛΩΠΨΣΘΞ").units == 10);
  CHECK(MeasureSms("€").units == 2);
  CHECK(MeasureSms("α").encoding == SmsEncoding::kUcs2);
  CHECK(MeasureSms("Ѐ").encoding == SmsEncoding::kUcs2);
  CHECK(MeasureSms("`").encoding == SmsEncoding::kUcs2);  // not in GSM 03.38
}

TEST_CASE("Spanish accents: é ñ ü ¿ ¡ are GSM-7, á í ó ú are not", "[hub][sms][es]") {
  CHECK(MeasureSms("¿Qué pasó?").encoding == SmsEncoding::kUcs2);  // ó
  CHECK(MeasureSms("¡Señor Müller, qué tal!").encoding == SmsEncoding::kGsm7);
  CHECK(MeasureSms("año").encoding == SmsEncoding::kGsm7);
  CHECK(MeasureSms("está").encoding == SmsEncoding::kUcs2);
  std::string ucs70;
  for (int i = 0; i < 70; ++i) ucs70 += "á";
  CHECK(MeasureSms(ucs70).segments == 1);
  CHECK(MeasureSms(ucs70 + "a").segments == 2);
  std::string ucs134 = ucs70;
  for (int i = 0; i < 64; ++i) ucs134 += "ó";
  CHECK(MeasureSms(ucs134).segments == 2);
  CHECK(MeasureSms(ucs134 + "x").segments == 3);
  auto emoji = MeasureSms("😀");
  CHECK(emoji.units == 2);
  CHECK(emoji.characters == 1);
}

TEST_CASE("short replies stay whole", "[hub][sms]") {
  auto parts = SplitSms("  Your balance is $667.93.  ");
  REQUIRE(parts.size() == 1);
  CHECK(parts[0] == "Your balance is $667.93.");
  CHECK(SplitSms("   ").empty());
}

TEST_CASE("long replies split on word boundaries within the segment budget", "[hub][sms]") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Sentence number " + std::to_string(i) + " is here. ";
  SplitOptions o{.max_total_chars = 1600, .max_message_chars = 1600, .max_message_segments = 2};
  auto parts = SplitSms(text, o);
  REQUIRE(parts.size() > 1);
  std::string joined;
  for (const auto& p : parts) {
    CHECK(MeasureSms(p).segments <= 2);
    CHECK(p.back() == '.');  // ends on a sentence
    joined += (joined.empty() ? "" : " ") + p;
  }
  CHECK(joined + " " == text);
}

TEST_CASE("Spanish long replies split by UCS-2 budget", "[hub][sms][es]") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Su próxima cita está programada. ";
  SplitOptions o{.max_message_segments = 1};
  auto parts = SplitSms(text, o);
  REQUIRE(parts.size() > 1);
  for (const auto& p : parts) {
    CHECK(MeasureSms(p).segments == 1);
    CHECK(MeasureSms(p).characters <= 70);
  }
}

TEST_CASE("replies over 1600 characters are cut at a word with an ellipsis", "[hub][sms]") {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "word ";
  auto parts = SplitSms(text, SplitOptions{.max_message_segments = 100});
  REQUIRE(parts.size() == 1);
  auto shape = MeasureSms(parts[0]);
  CHECK(shape.characters <= 1600);
  CHECK(parts[0].size() >= 3);
  CHECK(parts[0].substr(parts[0].size() - 7) == "word\xE2\x80\xA6");
  // With the default 10-segment parts, the total still never exceeds 1600 characters.
  size_t total = 0;
  for (const auto& p : SplitSms(text)) total += MeasureSms(p).characters;
  CHECK(total <= 1600);
}

TEST_CASE("a word longer than a part is cut", "[hub][sms]") {
  auto parts = SplitSms(std::string(400, 'x'), SplitOptions{.max_message_segments = 1});
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].size() == 160);
}
