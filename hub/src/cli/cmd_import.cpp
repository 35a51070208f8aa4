// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command ImportCommand() {
  return {.name = "import",
          .usage = "connecthub import",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: import is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
