// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command RotateKeyCommand() {
  return {.name = "rotate-key",
          .usage = "connecthub rotate-key",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: rotate-key is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
