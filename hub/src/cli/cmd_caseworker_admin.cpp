#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "clock.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

int RunList(const Options& options) {
  auto store = OpenStore(options, "caseworker list");
  if (!store) return 1;
  auto all = store->ListCaseworkers();
  if (!all.ok()) {
    std::cerr << "connecthub caseworker list: " << all.status().message() << "\n";
    return 1;
  }
  std::cout << "id\tusername\tcounty\trole\tstatus\tdisplay name\tsecond factor\n";
  for (const auto& c : *all) {
    std::cout << c.id << "\t" << c.username << "\t" << (c.county.empty() ? "-" : c.county) << "\t"
              << (c.supervisor ? "supervisor" : "caseworker") << "\t"
              << (c.disabled ? "disabled" : "active") << "\t" << c.display_name << "\t"
              << (c.mfa_enrolled ? "totp" : "none") << "\n";
  }
  return 0;
}

int Change(const Options& options, const std::string& verb) {
  const std::string name = "connecthub caseworker " + verb;
  std::string username = options.Get("username");
  if (username.empty()) {
    std::cerr << name << ": --username is required\n";
    return 2;
  }
  std::string password;
  if (verb == "reset-password") {
    // From stdin (one line), as `caseworker add`: never in `ps` or shell history.
    if (!std::getline(std::cin, password)) password.clear();
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < 8) {
      std::cerr << name << ": the password (one line on stdin) must have at least 8 characters\n";
      return 1;
    }
  }
  auto store = OpenStore(options, "caseworker " + verb);
  if (!store) return 1;
  int64_t now = SystemNowMs();
  auto done = verb == "reset-password"
                  ? store->ResetCaseworkerPassword(username, password, now)
                  : store->SetCaseworkerDisabled(username, verb == "disable", now);
  std::fill(password.begin(), password.end(), '\0');
  if (!done.ok()) {
    std::cerr << name << ": " << done.status().message() << "\n";
    return 1;
  }
  if (verb == "disable") {
    std::cout << "caseworker " << username << " disabled; sessions ended\n";
  } else if (verb == "enable") {
    std::cout << "caseworker " << username << " enabled\n";
  } else {
    std::cout << "password of caseworker " << username << " reset; sessions ended\n";
  }
  return 0;
}

int RunDisable(const Options& options) { return Change(options, "disable"); }
int RunEnable(const Options& options) { return Change(options, "enable"); }
int RunResetPassword(const Options& options) { return Change(options, "reset-password"); }

std::vector<OptionSpec> UsernameSpecs() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "username", .help = "login name (required)"});
  return specs;
}

}  // namespace

std::vector<Command> CaseworkerAdminCommands() {
  return {
      {.name = "caseworker list",
       .usage = "connecthub caseworker list [--db FILE]",
       .summary = "list caseworker accounts (active or disabled)",
       .options = DatabaseOptionSpecs(),
       .run = RunList},
      {.name = "caseworker disable",
       .usage = "connecthub caseworker disable [--db FILE] --username U",
       .summary = "refuse a caseworker's logins and end their sessions (audited)",
       .options = UsernameSpecs(),
       .run = RunDisable},
      {.name = "caseworker enable",
       .usage = "connecthub caseworker enable [--db FILE] --username U",
       .summary = "let a disabled caseworker log in again (audited)",
       .options = UsernameSpecs(),
       .run = RunEnable},
      {.name = "caseworker reset-password",
       .usage = "connecthub caseworker reset-password [--db FILE] --username U < password",
       .summary = "set a new password (stdin) and end the sessions (audited)",
       .options = UsernameSpecs(),
       .run = RunResetPassword},
  };
}

}  // namespace connecthub::hub::cli
