#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connecthub::locales {

// The interpreter notice for a language the bot does not speak: locales/other/<code>.properties
// (UTF-8, one key `notice=`, plain text without MessageFormat; `#` comments), one reviewed
// sentence or three: we received the message, a caseworker will contact the parent with an
// interpreter, interpreters are free at the agency's number.
struct InterpreterNotice {
  std::string code;    // ISO 639-1, e.g. "vi" (the file's name)
  std::string notice;  // the text in that language
};

// The notices embedded at build time, sorted by code. Fails (false plus *error naming the file)
// when a file is malformed, its name is not a two-letter code or it has no `notice`.
bool LoadInterpreterNotices(std::vector<InterpreterNotice>* out, std::string* error);

// The same from the given (path "other/<code>.properties", contents) files.
bool ParseInterpreterNotices(std::span<const std::pair<std::string_view, std::string_view>> files,
                             std::vector<InterpreterNotice>* out, std::string* error);

}  // namespace connecthub::locales
