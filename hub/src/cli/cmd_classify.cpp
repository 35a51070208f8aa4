// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command ClassifyCommand() {
  return {.name = "classify",
          .usage = "connecthub classify",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: classify is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
