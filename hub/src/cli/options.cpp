#include "cli/options.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

extern char** environ;

namespace connecthub::hub::cli {
namespace {

std::string EnvName(std::string_view option) {
  std::string out = "CONNECTHUB_";
  for (char c : option) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

const OptionSpec* Find(const std::vector<OptionSpec>& specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Reads `name = value` lines; '#' starts a comment line. Values of repeatable options may repeat.
bool ReadConfig(const std::string& path, const std::vector<OptionSpec>& specs,
                std::map<std::string, std::vector<std::string>, std::less<>>* out,
                std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read config file " + path;
    return false;
  }
  std::string line;
  int n = 0;
  bool secret_seen = false;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) {
      *error = "config " + path + " line " + std::to_string(n) + ": expected name = value";
      return false;
    }
    std::string name = Trim(std::string_view(t).substr(0, eq));
    std::string value = Trim(std::string_view(t).substr(eq + 1));
    const OptionSpec* spec = Find(specs, name);
    if (spec == nullptr || name == "config") {
      *error = "config " + path + " line " + std::to_string(n) + ": unknown option '" + name + "'";
      return false;
    }
    if (spec->secret && !secret_seen) {
      secret_seen = true;
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || (st.st_mode & 077) != 0) {
        *error = "config " + path + " holds '" + name +
                 "' but group or others may read it: chmod 600 it";
        return false;
      }
    }
    (*out)[name].push_back(value);
  }
  return true;
}

}  // namespace

bool Options::Has(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.empty();
}

std::string Options::Get(std::string_view name, std::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> Options::GetAll(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Options::Flag(std::string_view name) const {
  if (!Has(name)) return false;
  std::string v = Get(name);
  return !(v == "0" || v == "false" || v == "no");
}

std::string Options::DbPath() const { return Get("db", "connecthub.db"); }

std::string Options::KeyFilePath() const {
  return Has("key-file") ? Get("key-file") : DbPath() + ".key";
}

std::optional<Options> Parse(const std::vector<std::string>& args,
                             const std::vector<OptionSpec>& specs, std::string* error, char** env) {
  Options opts;
  std::map<std::string, std::vector<std::string>, std::less<>> cli;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.rfind("--", 0) != 0) {
      if (a.size() > 1 && a[0] == '-' && a != "-") {
        *error = "unknown option '" + a + "'";
        return std::nullopt;
      }
      opts.positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = Find(specs, name);
    if (spec == nullptr) {
      *error = "unknown option '--" + name + "'";
      return std::nullopt;
    }
    if (spec->secret) {
      // Every user of the machine reads command lines (ps, /proc/PID/cmdline).
      *error = "'--" + name + "' is not accepted on the command line, where ps shows it: set " +
               EnvName(name) + " or put it in a --config file only its owner can read (0600)";
      return std::nullopt;
    }
    if (!spec->takes_value) {
      cli[name].push_back(value.value_or("1"));
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        *error = "option '--" + name + "' needs a value";
        return std::nullopt;
      }
      value = args[++i];
    }
    if (!spec->repeatable && !cli[name].empty()) {
      *error = "option '--" + name + "' given twice";
      return std::nullopt;
    }
    cli[name].push_back(*value);
  }

  char** environment = env != nullptr ? env : environ;
  std::map<std::string, std::string, std::less<>> env_values;
  for (char** e = environment; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env_values.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }

  std::string config_path;
  if (auto it = cli.find("config"); it != cli.end()) {
    config_path = it->second.back();
  } else if (auto e = env_values.find("CONNECTHUB_CONFIG"); e != env_values.end()) {
    config_path = e->second;
  }
  std::map<std::string, std::vector<std::string>, std::less<>> config;
  if (!config_path.empty() && Find(specs, "config") != nullptr &&
      !ReadConfig(config_path, specs, &config, error)) {
    return std::nullopt;
  }

  for (const auto& spec : specs) {
    if (auto it = cli.find(spec.name); it != cli.end()) {
      opts.values_[spec.name] = it->second;
    } else if (auto e = env_values.find(EnvName(spec.name)); e != env_values.end()) {
      opts.values_[spec.name] = {e->second};
    } else if (auto c = config.find(spec.name); c != config.end()) {
      opts.values_[spec.name] = c->second;
    } else if (!spec.default_value.empty()) {
      opts.values_[spec.name] = {spec.default_value};
    }
  }
  return opts;
}

std::string HelpText(std::string_view usage, const std::vector<OptionSpec>& specs) {
  std::ostringstream out;
  out << "usage: " << usage << "\n";
  if (!specs.empty()) out << "\noptions (each also CONNECTHUB_<NAME> in the environment):\n";
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? (s.secret ? " <secret>" : " VALUE") : "");
    out << left;
    if (left.size() < 34)
      out << std::string(34 - left.size(), ' ');
    else
      out << "\n" << std::string(34, ' ');
    out << s.help;
    if (!s.default_value.empty() && !s.secret) out << " (default " << s.default_value << ")";
    if (s.repeatable) out << " (repeatable)";
    out << "\n";
  }
  return out.str();
}

std::vector<OptionSpec> DatabaseOptionSpecs() {
  return {
      {.name = "db", .default_value = "connecthub.db", .help = "SQLite database file"},
      {.name = "key-file", .help = "master key file (default: the database path + .key)"},
  };
}

}  // namespace connecthub::hub::cli
