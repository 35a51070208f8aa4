#pragma once

#include <string>
#include <vector>

#include "cli/options.h"

namespace connecthub::hub::cli {

// One sub-command of the `connecthub` binary. `Run` returns the process exit code: 0 success,
// 1 failure (after printing a one-line reason on stderr); usage errors (2) are the dispatcher's.
struct Command {
  std::string name;     // "serve", "import", "caseworker add", ...
  std::string usage;    // e.g. "connecthub import --db FILE EXTRACT.jsonl"
  std::string summary;  // one line for `connecthub --help`
  std::vector<OptionSpec> options;
  int min_positional = 0;
  int max_positional = 0;
  int (*run)(const Options& options) = nullptr;
};

// Each command lives in its own cmd_<name>.cpp and exposes its descriptor here.
Command ServeCommand();
Command DemoDataCommand();
Command ImportCommand();
Command CaseworkerAddCommand();
Command CaseworkerMfaEnrollCommand();
Command ClassifyCommand();
Command RotateKeyCommand();
Command UnlockCommand();
Command AuditVerifyCommand();
// Operators (issue 19): caseworker list/disable/enable/reset-password, backup, purge.
std::vector<Command> CaseworkerAdminCommands();
Command BackupCommand();
Command PurgeCommand();
// Records export (issue 19): a participant's conversations as JSON and printable HTML.
Command ExportCommand();

// Runs the CLI: picks the command, parses options, calls it.
int Main(int argc, char** argv);

}  // namespace connecthub::hub::cli
