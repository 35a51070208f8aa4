// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command ServeCommand() {
  return {.name = "serve",
          .usage = "connecthub serve",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: serve is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
