#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

int RunCaseworkerAdd(const Options& options) {
  std::string username = options.Get("username");
  if (username.empty()) {
    std::cerr << "connecthub caseworker add: --username is required\n";
    return 2;
  }
  // The password comes from stdin (one line) so it never shows in `ps` or shell history.
  std::string password;
  if (!std::getline(std::cin, password)) password.clear();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < 8) {
    std::cerr << "connecthub caseworker add: the password (one line on stdin) must have at least "
                 "8 characters\n";
    return 1;
  }
  auto store = OpenStore(options, "caseworker add", KeyFile::kCreateIfMissing);
  if (!store) return 1;
  std::string county = options.Get("county");
  for (char& c : county) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto id = store->AddCaseworker(username, password, county, options.Flag("supervisor"));
  std::fill(password.begin(), password.end(), '\0');
  if (!id.ok()) {
    std::cerr << "connecthub caseworker add: " << id.status().message() << "\n";
    return 1;
  }
  if (std::string display = options.Get("display-name"); !display.empty()) {
    if (auto s = store->SetCaseworkerDisplayName(*id, display); !s.ok()) {
      std::cerr << "connecthub caseworker add: --display-name: " << s.message() << "\n";
      return 1;
    }
  }
  std::cout << "caseworker " << username << " added (id " << *id << ")\n";
  return 0;
}

}  // namespace

Command CaseworkerAddCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "username", .help = "login name (required)"});
  specs.push_back({.name = "county", .help = "county whose threads the caseworker sees"});
  specs.push_back({.name = "display-name",
                   .help = "the name parents see, e.g. \"Ms. Garcia\" (never the username)"});
  specs.push_back(
      {.name = "supervisor", .takes_value = false, .help = "sees every county's threads"});
  return {.name = "caseworker add",
          .usage =
              "connecthub caseworker add [--db FILE] --username U [--county C] [--display-name N] "
              "[--supervisor] < password",
          .summary = "add a caseworker (password read from stdin)",
          .options = specs,
          .run = RunCaseworkerAdd};
}

}  // namespace connecthub::hub::cli
