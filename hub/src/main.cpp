#include "cli/commands.h"

int main(int argc, char** argv) { return connecthub::hub::cli::Main(argc, argv); }
