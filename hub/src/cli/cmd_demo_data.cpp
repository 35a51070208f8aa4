// TEMPORARY STUB: replaced by the real command.
#include <iostream>

#include "cli/commands.h"

namespace connecthub::hub::cli {

Command DemoDataCommand() {
  return {.name = "demo-data",
          .usage = "connecthub demo-data",
          .summary = "(not built yet)",
          .options = DatabaseOptionSpecs(),
          .run = [](const Options&) {
            std::cerr << "connecthub: demo-data is not built yet\n";
            return 1;
          }};
}

}  // namespace connecthub::hub::cli
