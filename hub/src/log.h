#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace connecthub::hub {

// Structured logging: one JSON object a line on stderr, e.g.
// {"ts":"2026-11-23T17:05:00.123Z","level":"info","event":"listening","url":"http://..."}.
// Callers must never pass message text, PINs, tokens, passwords or phone numbers. Thread-safe
// (lines are written whole under a lock).
enum class LogLevel { kInfo, kWarn, kError };

void Log(LogLevel level, std::string_view event, boost::json::object fields = {});

// Formats epoch milliseconds as ISO 8601 UTC with a "Z" (seconds precision), as on the wire.
std::string IsoTime(int64_t epoch_ms);

}  // namespace connecthub::hub
