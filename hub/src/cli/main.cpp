#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace connecthub::hub::cli {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all = {
      ServeCommand(),         DemoDataCommand(),    ImportCommand(),
      CaseworkerAddCommand(), ClassifyCommand(),    RotateKeyCommand(),
      UnlockCommand(),        AuditVerifyCommand(), CaseworkerMfaEnrollCommand()};
  for (auto& c : CaseworkerAdminCommands()) all.push_back(std::move(c));
  all.push_back(BackupCommand());
  all.push_back(PurgeCommand());
  all.push_back(ExportCommand());
  return all;
}

void PrintTopHelp(std::ostream& out) {
  out << "usage: connecthub COMMAND [OPTIONS]\n\ncommands:\n";
  for (const auto& c : AllCommands()) {
    std::string left = "  " + c.name;
    out << left << std::string(left.size() < 29 ? 29 - left.size() : 1, ' ') << c.summary << "\n";
  }
  out << "\n`connecthub COMMAND --help` describes a command's options.\n";
}

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintTopHelp(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  for (const auto& command : AllCommands()) {
    // A command name may be two words ("caseworker add").
    size_t words =
        1 + static_cast<size_t>(std::count(command.name.begin(), command.name.end(), ' '));
    if (args.size() < words) continue;
    std::string given = args[0];
    for (size_t i = 1; i < words; ++i) given += " " + args[i];
    if (given != command.name) continue;
    std::vector<std::string> rest(args.begin() + static_cast<long>(words), args.end());
    for (const auto& a : rest) {
      if (a == "--help" || a == "-h") {
        std::cout << HelpText(command.usage, command.options);
        return 0;
      }
    }
    std::string error;
    auto options = Parse(rest, command.options, &error);
    if (options && (static_cast<int>(options->positional().size()) < command.min_positional ||
                    static_cast<int>(options->positional().size()) > command.max_positional)) {
      error = "wrong number of arguments";
      options.reset();
    }
    if (!options) {
      std::cerr << "connecthub " << command.name << ": " << error << " (usage: " << command.usage
                << ")\n";
      return 2;
    }
    try {
      return command.run(*options);
    } catch (const std::exception& e) {
      std::cerr << "connecthub " << command.name << ": " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "connecthub: unknown command '" << args[0] << "' (try connecthub --help)\n";
  return 2;
}

}  // namespace connecthub::hub::cli
