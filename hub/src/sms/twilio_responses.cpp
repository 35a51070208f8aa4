#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <chrono>
#include <string_view>

#include "sms/twilio_client.h"
#include "sms/utf8.h"

// The provider's answers, read without any networking code (the fuzz build links this file
// alone): a message creation's result, the message list, RFC 2822 dates.
namespace connecthub::hub::sms {
namespace {

std::string JsonString(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

// `text` as Twilio's Smart Encoding (on by default for new Messaging Services) may have sent it:
// typographic quotes, apostrophes, dashes, ellipses and odd spaces replaced by their GSM-7
// look-alikes. The catalogs write apostrophes as U+2019, so a message list can hold "Don't" for
// the "Don’t" that was sent. Applied to both sides of a comparison.
std::string SmartEncodingFold(std::string_view text) {
  struct Fold {
    std::u32string_view from;
    const char* to;
  };
  static constexpr Fold kFolds[] = {
      {U"\u00AB\u00BB\u201C\u201D\u201E\u201F\u02BA\u02EE\u275D\u275E\u301D\u301E\uFF02", "\""},
      {U"\u2018\u2019\u201A\u201B\u02B9\u02BB\u02BC\u02BD\u02C8\u02CA\u02CB\u00B4\u0060"
       U"\u275B\u275C\uFF07",
       "'"},
      {U"\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D", "-"},
      {U"\u2026", "..."},
      {U"\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F"
       U"\u205F\u3000",
       " "},
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = NextCodePoint(text, &i);
    const Fold* fold = nullptr;
    for (const Fold& f : kFolds) {
      if (f.from.find(static_cast<char32_t>(cp)) != std::u32string_view::npos) fold = &f;
    }
    if (fold != nullptr) {
      out += fold->to;
    } else {
      AppendUtf8(cp, &out);
    }
  }
  return out;
}

}  // namespace

bool IsSafeToken(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

SendResult ClassifySendResponse(int http_status, std::string_view body,
                                std::string_view retry_after) {
  SendResult r;
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(body, ec);
  const boost::json::object* obj = (!ec && json.is_object()) ? &json.as_object() : nullptr;
  std::string code = obj != nullptr ? JsonString(*obj, "code") : "";
  if (!IsSafeToken(code, 16)) code.clear();

  if (http_status >= 200 && http_status < 300) {
    r.outcome = SendResult::Outcome::kSent;
    if (obj != nullptr) {
      std::string sid = JsonString(*obj, "sid");
      if (IsSafeToken(sid, 64)) r.sid = sid;
      std::string status = JsonString(*obj, "status");
      if (IsSafeToken(status, 32)) r.status = status;
    }
    if (r.sid.empty()) r.error = "accepted without a message sid";
    if (r.status == "failed" || r.status == "undelivered") {
      r.outcome = SendResult::Outcome::kFailed;
      r.error = "provider status " + r.status + (code.empty() ? "" : " code " + code);
    }
    return r;
  }

  r.error =
      (code.empty() ? "" : "code " + code + " ") + "(HTTP " + std::to_string(http_status) + ")";
  if (http_status == 429 || http_status == 408 || http_status >= 500) {
    r.outcome = SendResult::Outcome::kRetry;
    r.may_have_reached = http_status >= 500;
    int64_t seconds = 0;
    auto [ptr, err] =
        std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    if (err == std::errc() && ptr == retry_after.data() + retry_after.size() && seconds >= 0 &&
        seconds < 86400) {
      r.retry_after_ms = seconds * 1000;
    }
  } else {
    r.outcome = SendResult::Outcome::kFailed;
  }
  return r;
}

std::optional<int64_t> ParseRfc2822Date(std::string_view date) {
  // [Day, ]DD Mon YYYY HH:MM:SS +HHMM
  if (auto comma = date.find(','); comma != std::string_view::npos) date.remove_prefix(comma + 1);
  while (!date.empty() && date.front() == ' ') date.remove_prefix(1);
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto number = [&date](size_t digits_min, size_t digits_max, int* out) {
    size_t n = 0;
    int v = 0;
    while (n < date.size() && n < digits_max && date[n] >= '0' && date[n] <= '9') {
      v = v * 10 + (date[n] - '0');
      ++n;
    }
    if (n < digits_min) return false;
    date.remove_prefix(n);
    *out = v;
    return true;
  };
  auto literal = [&date](char c) {
    if (date.empty() || date.front() != c) return false;
    date.remove_prefix(1);
    return true;
  };
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, offset = 0;
  if (!number(1, 2, &day) || !literal(' ') || date.size() < 4) return std::nullopt;
  unsigned month = 0;
  while (month < 12 && date.substr(0, 3) != kMonths[month]) ++month;
  if (month == 12) return std::nullopt;
  date.remove_prefix(3);
  if (!literal(' ') || !number(4, 4, &year) || !literal(' ') || !number(2, 2, &hour) ||
      !literal(':') || !number(2, 2, &minute) || !literal(':') || !number(2, 2, &second) ||
      !literal(' ') || date.size() != 5 || (date[0] != '+' && date[0] != '-')) {
    return std::nullopt;
  }
  int sign = date[0] == '-' ? -1 : 1;
  date.remove_prefix(1);
  if (!number(4, 4, &offset) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month + 1),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  int64_t seconds = std::chrono::sys_days(ymd).time_since_epoch().count() * 86400LL +
                    hour * 3600LL + minute * 60LL + second -
                    sign * ((offset / 100) * 3600LL + (offset % 100) * 60LL);
  return seconds * 1000;
}

LookupResult ClassifyLookupResponse(int http_status, std::string_view response_body,
                                    const std::string& to, const std::string& body,
                                    int64_t since_ms,
                                    const std::function<bool(const std::string&)>& known) {
  LookupResult r;
  if (http_status < 200 || http_status >= 300) {
    r.error = "lookup: HTTP " + std::to_string(http_status);
    return r;
  }
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(response_body, ec);
  const boost::json::array* messages = nullptr;
  if (!ec && json.is_object()) {
    if (auto* m = json.as_object().if_contains("messages"); m != nullptr && m->is_array()) {
      messages = &m->as_array();
    }
  }
  if (messages == nullptr) {
    r.error = "lookup: not a message list";
    return r;
  }
  // Twilio's date_created has whole seconds; the attempt's start has milliseconds.
  int64_t from_ms = since_ms - since_ms % 1000;
  const std::string wanted = SmartEncodingFold(body);
  for (const auto& m : *messages) {
    if (!m.is_object()) continue;
    const auto& o = m.as_object();
    std::string sid = JsonString(o, "sid");
    if (!IsSafeToken(sid, 64) || JsonString(o, "to") != to ||
        SmartEncodingFold(JsonString(o, "body")) != wanted ||
        !JsonString(o, "direction").starts_with("outbound")) {
      continue;
    }
    auto created = ParseRfc2822Date(JsonString(o, "date_created"));
    if (!created || *created < from_ms || known(sid)) continue;
    r.outcome = LookupResult::Outcome::kFound;
    r.sid = sid;
    return r;
  }
  r.outcome = LookupResult::Outcome::kNotFound;
  return r;
}

}  // namespace connecthub::hub::sms
