#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace bridgesim::cli {

// Filled in when system/net lands.
void register_serve_command(CLI::App&) {}
int run_serve_command(CLI::App&) { return kExitUsage; }

}  // namespace bridgesim::cli
