#pragma once

#include <map>
#include <string>
#include <string_view>

namespace connecthub::locales {

// Parses one catalog file (UTF-8; `key=pattern` a line; `#` or `!` comments; blank lines; `\n`
// and `\\` escapes in patterns) into `entries`. Fails (false plus *error "path:line: reason") on
// invalid UTF-8, a line without '=', an empty key, or a key already in `entries` (keys of every
// file of a language share one namespace). Thread-compatible: a pure function.
bool ParseProperties(std::string_view path, std::string_view contents,
                     std::map<std::string, std::string, std::less<>>* entries, std::string* error);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace connecthub::locales
