// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command CaseworkerAddCommand() {
  return {.name = "caseworker add",
          .usage = "connecthub caseworker add",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: caseworker add is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
