#include "log.h"

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace connecthub::hub {
namespace {

std::mutex& LogMutex() {
  static std::mutex mu;
  return mu;
}

std::string FormatUtc(int64_t epoch_ms, bool millis) {
  std::time_t secs =
      static_cast<std::time_t>(epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (millis) {
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(((epoch_ms % 1000) + 1000) % 1000));
    out += ms;
  }
  return out + "Z";
}

}  // namespace

std::string IsoTime(int64_t epoch_ms) { return FormatUtc(epoch_ms, false); }

void Log(LogLevel level, std::string_view event, boost::json::object fields) {
  boost::json::object line;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  line["ts"] = FormatUtc(now_ms, true);
  line["level"] = level == LogLevel::kInfo ? "info" : level == LogLevel::kWarn ? "warn" : "error";
  line["event"] = event;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string text = boost::json::serialize(line);
  text += '\n';
  std::lock_guard lock(LogMutex());
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace connecthub::hub
