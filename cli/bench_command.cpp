// `bridgesim bench`: performance figures of both worlds (being built: see issue 6).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace bridgesim::cli {

CLI::App* register_bench_command(CLI::App& app) {
  return app.add_subcommand("bench", "Measure simulated and real-mode performance");
}

int run_bench_command() {
  std::fprintf(stderr, "error: bench is not built yet\n");
  return kExitUsage;
}

}  // namespace bridgesim::cli
