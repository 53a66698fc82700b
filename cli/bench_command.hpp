#pragma once
// `bridgesim bench` as a subcommand: simulated and real-mode (Beast,
// loopback) figures in one table. Its options live in the command object
// that registered them.
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace bridgesim::cli {

struct BenchOptions {
  int connections = 1'000;
  int users = 100;
  double duration_s = 5;
  double paced_rate = 200;  // requests per second, all users together, in the latency phase
  int golden_reps = 5;
  int sim_seeds = 500;
  std::string markdown;  // also write the table here
};

class BenchCommand {
 public:
  // Adds `bench` to `app`, its options bound to this object.
  explicit BenchCommand(CLI::App& app);
  BenchCommand(const BenchCommand&) = delete;
  BenchCommand& operator=(const BenchCommand&) = delete;

  bool parsed() const;
  // Measures and prints; 0 clean, 1 a violation while measuring, 2 bad options.
  int run() const;

 private:
  BenchOptions options_;
  CLI::App* command_ = nullptr;
};

}  // namespace bridgesim::cli
