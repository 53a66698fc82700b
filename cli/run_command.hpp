#pragma once
// `bridgesim run`: scenarios over many seeds, every property checked, with
// the reports CI and sign-off read (cli/run_command.cpp); the seeds and
// scenarios it picks are planned in cli/run_plan.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/harness.hpp"

namespace CLI {
class App;
}

namespace bridgesim::cli {

struct RunArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> excludes;
  std::string scenario_dir = harness::default_scenario_dir();
  std::string seeds = "100";
  std::string seed_start = "1";
  std::string seed_range;    // "A..B", inclusive
  std::string seeds_from;    // a file of seeds
  std::string rerun_failed;  // a result JSON whose failing seeds run again
  std::string shard;         // "K/N"
  std::string shard_count;   // with JOB_COMPLETION_INDEX
  std::string partition;     // "hash:K/N" or "count:K/N"
  std::string variant;
  unsigned jobs = 1;
  bool fail_fast = false;
  bool swarm = false;
  bool check_determinism = false;
  bool fault_stats = false;
  bool allow_empty = false;
  std::string color = "auto";
  std::string junit, json, markdown, html;
  std::size_t max_failures_printed = 10;
};

CLI::App* add_run_command(CLI::App& app, RunArgs& args);
int do_run(const RunArgs& args, const std::string& cmdline);

}  // namespace bridgesim::cli
