#pragma once
// The commands on simulated runs besides `run` (cli/commands.cpp): replay,
// shrink and list, and the checks every one of them makes of its input.
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace CLI {
class App;
}

namespace bridgesim::cli {

// nullptr for ""; UsageError (with a suggestion) for an unknown name.
const scenarios::Variant* variant_or_throw(const std::string& name);
// Every property the scenario names exists; else ScenarioError at its line.
void check_property_names(const scenarios::Scenario& s);
// One scenario by .toml path or name in `dir`, its properties checked.
scenarios::Scenario scenario_or_throw(const std::string& name_or_path, const std::string& dir);

struct ReplayArgs {
  std::string scenario;
  std::string scenario_dir;
  std::string seed;
  std::string variant;
  std::string trace_out;
  std::string perfetto_out;
  std::string color = "auto";
  std::vector<std::string> actors;  // timeline filters
  std::string conn;
  std::string until;
  bool no_color = false;
  bool log = false;
  bool swarm = false;
  bool check_determinism = false;
};
CLI::App* add_replay_command(CLI::App& app, ReplayArgs& args);
int do_replay(const ReplayArgs& args);

struct ShrinkArgs {
  std::string scenario;
  std::string scenario_dir;
  std::string seed;
  std::string variant;
  std::string out;
  std::string property;
  bool swarm = false;
};
CLI::App* add_shrink_command(CLI::App& app, ShrinkArgs& args);
int do_shrink(const ShrinkArgs& args);

struct ListArgs {
  std::string scenario_dir;
  bool json = false;
  CLI::App* command = nullptr;
};
CLI::App* add_list_command(CLI::App& app, ListArgs& args);
int do_list(const ListArgs& args);

}  // namespace bridgesim::cli
