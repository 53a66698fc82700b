#pragma once
// `bridgesim report`: merges JSON result files (shards, jobs) into one set of
// reports. Refuses a seed merged twice; names the seeds no input ran and
// exits 2 for them (cli/report_command.cpp).
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace bridgesim::cli {

class ReportCommand {
 public:
  // Adds `report` to `app`, its options bound to this object.
  explicit ReportCommand(CLI::App& app);
  ReportCommand(const ReportCommand&) = delete;
  ReportCommand& operator=(const ReportCommand&) = delete;

  bool parsed() const;
  // 0 complete and every property held, 1 a property was violated, 2 seeds
  // missing (whatever else) or an unreadable input.
  int run() const;

 private:
  std::vector<std::string> inputs_;
  std::string junit_, json_, markdown_, html_;
  std::string color_ = "auto";
  CLI::App* command_ = nullptr;
};

}  // namespace bridgesim::cli
