#pragma once
// The bridgesim command line, callable from tests with argv.
namespace bridgesim::cli {

constexpr int kExitPass = 0;
constexpr int kExitViolation = 1;
constexpr int kExitUsage = 2;

int main_with_args(int argc, char** argv);

}  // namespace bridgesim::cli

namespace CLI {
class App;
}

namespace bridgesim::cli {
// `serve`: registered here, implemented in serve_command.cpp (the only CLI
// file that touches the real transport).
void register_serve_command(CLI::App& app);
// Runs serve if it was the parsed subcommand; otherwise returns kExitUsage.
int run_serve_command(CLI::App& app);
}  // namespace bridgesim::cli
