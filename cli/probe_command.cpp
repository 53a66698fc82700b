// `bridgesim probe`: drives a live server with the simulated clients'
// workloads over real sockets (being built: see issue 6).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace bridgesim::cli {

CLI::App* register_probe_command(CLI::App& app) {
  return app.add_subcommand("probe", "Drive a live server with the scenario workloads and check the properties");
}

int run_probe_command() {
  std::fprintf(stderr, "error: probe is not built yet\n");
  return kExitUsage;
}

}  // namespace bridgesim::cli
