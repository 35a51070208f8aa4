#include <iostream>
#include <string>

#include "auth/parent_auth.h"
#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

// The agency's reset of a PIN lockout, hard locks included (issue 16: only the agency lifts
// those).
int RunUnlock(const Options& options) {
  std::string participant = options.Get("participant");
  std::string thread = options.Get("sms-thread");
  if (participant.empty() == thread.empty()) {
    std::cerr << "connecthub unlock: give one of --participant ID or --sms-thread ID\n";
    return 2;
  }
  if (!thread.empty() && thread.find_first_not_of("0123456789") != std::string::npos) {
    std::cerr << "connecthub unlock: --sms-thread must be a thread id\n";
    return 2;
  }
  auto store = OpenStore(options, "unlock");
  if (!store) return 1;
  std::string key = !participant.empty() ? auth::ParentAuth::ParticipantKey(participant)
                                         : auth::ParentAuth::SmsThreadKey(std::stoll(thread));
  if (auto s = auth::ResetLockout(*store, key); !s.ok()) {
    std::cerr << "connecthub unlock: " << s.message() << "\n";
    return 1;
  }
  std::cout << "lockout cleared\n";
  return 0;
}

}  // namespace

Command UnlockCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "participant", .help = "participant id whose PIN lockout to clear"});
  specs.push_back({.name = "sms-thread", .help = "SMS thread (one phone) whose lockout to clear"});
  return {.name = "unlock",
          .usage = "connecthub unlock [--db FILE] (--participant ID | --sms-thread ID)",
          .summary = "clear a PIN lockout, hard locks included (the agency's reset)",
          .options = specs,
          .run = RunUnlock};
}

}  // namespace connecthub::hub::cli
