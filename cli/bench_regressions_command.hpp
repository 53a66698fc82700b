#pragma once
// `bridgesim bench-regressions` as a subcommand; its options live in the
// command object that registered them.
#include <cstdint>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace bridgesim::cli {

struct BenchRegressionsArgs {
  std::string scenario_dir;  // default: harness::default_scenario_dir()
  std::uint64_t max_seeds = 200;
  std::string markdown;
};

class BenchRegressionsCommand {
 public:
  // Adds `bench-regressions` to `app`, its options bound to this object.
  explicit BenchRegressionsCommand(CLI::App& app);
  BenchRegressionsCommand(const BenchRegressionsCommand&) = delete;
  BenchRegressionsCommand& operator=(const BenchRegressionsCommand&) = delete;

  bool parsed() const;
  // Prints (and optionally writes) the table; 0 every variant caught, 1 not.
  int run() const;

 private:
  BenchRegressionsArgs args_;
  CLI::App* command_ = nullptr;
};

}  // namespace bridgesim::cli
