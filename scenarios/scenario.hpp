#pragma once
// A scenario is data: who connects, what they do, how the network behaves,
// how long the run may take and which properties judge it. Loaded from
// scenarios/*.toml; adding one needs no recompile.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/fault_catalog.hpp"
#include "scenarios/system_section.hpp"
#include "scenarios/workload_mix.hpp"
#include "sim/fault_plan.hpp"
#include "sim/sim_network.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::scenarios {

struct Scenario {
  std::string name;
  std::string description;
  std::string source;  // file it came from, for messages and replay commands
  int users = 3;
  int tabs = 1;             // connections per user, each asking its own questions
  int hostile_clients = 0;  // clients that probe for leaks with garbage and others' run ids
  int messages_per_user = 1;
  std::string workload = "golden_path";
  WorkloadMix mix;  // [mix]: colliding ids, more tool calls, a late tab, ... (scenarios/workload_mix.hpp)
  runtime::Nanos start_spread_ns = 50 * runtime::kNanosPerMilli;  // users connect at a drawn time in [0, spread]
  runtime::Nanos deadline_ns = 60 * runtime::kNanosPerSecond;     // virtual time budget for one run
  sim::NetworkConfig network;
  std::vector<std::string> properties;  // empty: every property in the catalog
  sim::FaultPlan faults;                // fixed [[fault]] entries
  bool swarm = false;                   // draw extra faults per seed
  // Draws from the world's catalog: component_missing's choices are the system's.
  sim::SwarmConfig swarm_config = [] {
    sim::SwarmConfig config;
    config.catalog = &fault_catalog();
    return config;
  }();
  // Liveness: every request must end within this much virtual time after
  // max(its first send, the faults' heal_by).
  runtime::Nanos liveness_bound_ns = 30 * runtime::kNanosPerSecond;
  SystemBounds system;                       // [system]: the bounds the system runs with
  std::vector<std::int64_t> property_lines;  // the file line of each properties[] item, for messages
};

// A scenario file larger than this is refused (they are a few hundred bytes).
constexpr std::uintmax_t kScenarioFileMax = 1 << 20;

// The scenario as a TOML file that loads back to the same scenario (shrink
// writes these; the swarm's drawn faults become fixed [[fault]] entries).
std::string to_toml(const Scenario& scenario, const sim::FaultPlan& faults);

// "file:line: message", thrown for any problem with a scenario file.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The workloads a scenario may name.
const std::vector<std::string>& workload_names();

Scenario parse_scenario(std::string_view toml_text, const std::string& source_name);
Scenario load_scenario_file(const std::filesystem::path& path);
// Every *.toml in `dir`, sorted by file name; throws one ScenarioError naming
// every file that does not load (one "file:line: message" a line).
std::vector<Scenario> load_scenario_dir(const std::filesystem::path& dir);
// The same, but a file that does not load is listed in `errors` (file:line:
// message) and the others still load. Throws only if `dir` is unreadable.
struct ScenarioDir {
  std::vector<Scenario> scenarios;
  std::vector<std::string> errors;
};
ScenarioDir scan_scenario_dir(const std::filesystem::path& dir);
// `name_or_path` is a .toml path (a regular file), or a scenario name looked
// up in `dir` (a broken file there does not hide a good one).
Scenario find_scenario(const std::string& name_or_path, const std::filesystem::path& dir);

}  // namespace bridgesim::scenarios
