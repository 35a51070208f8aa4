#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::cli {

// One option a command accepts. `--name VALUE`, `--name=VALUE`, or `--name` for flags.
struct OptionSpec {
  std::string name;          // without dashes, e.g. "db", "key-file", "allowed-origin"
  bool takes_value = true;   // false: a flag
  bool repeatable = false;   // may be given several times (all values kept, in order)
  bool secret = false;       // value never printed (help shows "<secret>")
  std::string default_value; // shown in --help; applied when absent everywhere
  std::string help;
};

// Parsed options of one command. Values come from, in increasing precedence: defaults, the
// --config file (`name = value` lines, same names), CONNECTHUB_<NAME> environment variables
// (upper case, dashes as underscores), the command line.
class Options {
 public:
  bool Has(std::string_view name) const;
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Flag(std::string_view name) const;  // present and not "0"/"false"/"no"
  const std::vector<std::string>& positional() const { return positional_; }

  // The database and key file paths every database command shares (SPEC §2 defaults).
  std::string DbPath() const;
  std::string KeyFilePath() const;

  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// Parses argv (after the command words) against `specs`. On a usage error returns nullopt and
// sets *error to a one-line reason. `env` is injected so tests control it (nullptr: the process
// environment).
std::optional<Options> Parse(const std::vector<std::string>& args,
                             const std::vector<OptionSpec>& specs, std::string* error,
                             char** env = nullptr);

// Help text for a command: usage line plus one line per option (secrets never shown).
std::string HelpText(std::string_view usage, const std::vector<OptionSpec>& specs);

// Options shared by every command that opens the database.
std::vector<OptionSpec> DatabaseOptionSpecs();

}  // namespace connecthub::hub::cli
