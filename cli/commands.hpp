#pragma once
// The bridgesim command line, callable from tests with argv.
#include <stdexcept>
#include <string>

namespace bridgesim::cli {

constexpr int kExitPass = 0;
constexpr int kExitViolation = 1;
constexpr int kExitUsage = 2;
// A stop signal ended a sweep: 128 + the signal (130 SIGINT, 143 SIGTERM).
// Interrupted by SIGINT or SIGTERM: 130 for both, so a script or CI checks one
// code for "stopped early, reports partial" (stderr names the signal).
constexpr int kExitInterrupted = 130;

int main_with_args(int argc, char** argv);

// Bad input or an unusable output path: every command exits 2 with its message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes `text` to `path`, creating parent directories; nothing when `path`
// is empty. Throws UsageError naming the path when it cannot.
void write_file(const std::string& path, const std::string& text);

}  // namespace bridgesim::cli

namespace CLI {
class App;
}

namespace bridgesim::cli {
// Commands that touch the real transport live in their own files (Beast
// stays out of the rest of the CLI). Each registers its subcommand and runs
// it once parsed; probe, bench and bench-regressions are command objects
// (cli/probe_command.hpp, cli/bench_command.hpp,
// cli/bench_regressions_command.hpp).
CLI::App* register_serve_command(CLI::App& app);
int run_serve_command();
}  // namespace bridgesim::cli
