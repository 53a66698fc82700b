// `bridgesim bench-regressions`: for every incident variant, how fast the
// default sweep's order catches it and how small its shrunk repro is.
#include "cli/bench_regressions_command.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "harness/harness.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::cli {

BenchRegressionsCommand::BenchRegressionsCommand(CLI::App& app) {
  args_.scenario_dir = harness::default_scenario_dir();
  command_ = app.add_subcommand("bench-regressions",
                                "For every incident variant: caught?, runs and wall time to detect, shrunk repro size");
  command_->add_option("--scenario-dir", args_.scenario_dir, "Scenarios of the default sweep")->capture_default_str();
  command_->add_option("--max-seeds", args_.max_seeds, "Give up on a variant after this many seeds")
      ->capture_default_str();
  command_->add_option("--markdown", args_.markdown, "Also write the table as Markdown here");
}

bool BenchRegressionsCommand::parsed() const { return command_->parsed(); }

int BenchRegressionsCommand::run() const {
  const BenchRegressionsArgs& args = args_;
  const auto all = scenarios::load_scenario_dir(args.scenario_dir);
  std::string table =
      "| incident variant | caught | property | runs to detect | seed | scenario | detect ms | shrunk faults | shrunk "
      "users | "
      "shrunk messages | shrink ms |\n|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|\n";
  std::printf("%-28s %-6s %-10s %6s %6s %-16s %9s %7s %6s %5s %9s\n", "variant", "caught", "property", "runs", "seed",
              "scenario", "detect_ms", "faults", "users", "msgs", "shrink_ms");
  bool all_caught = true;
  for (const auto& variant : scenarios::variant_catalog()) {
    // The default sweep's order, seed-major: seed 1 of every scenario, then seed 2, ...
    const auto started = std::chrono::steady_clock::now();
    std::optional<std::pair<const scenarios::Scenario*, harness::SeedOutcome>> caught;
    std::uint64_t runs = 0;
    for (std::uint64_t seed = 1; seed <= args.max_seeds && !caught; ++seed) {
      for (const auto& scenario : all) {
        ++runs;
        auto outcome = harness::run_seed(scenario, seed, &variant);
        if (!outcome.violations.empty()) {
          caught.emplace(&scenario, std::move(outcome));
          break;
        }
      }
    }
    const double detect_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!caught) {
      all_caught = false;
      std::printf("%-28s %-6s\n", variant.name.c_str(), "NO");
      table += "| " + variant.name + " | **no** | | " + std::to_string(runs) + " | | | | | | | |\n";
      continue;
    }
    const auto& [scenario, outcome] = *caught;
    const auto shrink_started = std::chrono::steady_clock::now();
    const auto shrunk = harness::shrink(*scenario, outcome.seed, &variant);
    const double shrink_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - shrink_started).count();
    const auto& s = shrunk->scenario;
    std::printf("%-28s %-6s %-10s %6llu %6llu %-16s %9.1f %7zu %6d %5d %9.1f\n", variant.name.c_str(), "yes",
                shrunk->property.c_str(), static_cast<unsigned long long>(runs),
                static_cast<unsigned long long>(outcome.seed), scenario->name.c_str(), detect_ms,
                s.faults.faults.size(), s.users, s.messages_per_user, shrink_ms);
    char row[512];
    std::snprintf(row, sizeof row, "| %s | yes | %s | %llu | %llu | %s | %.1f | %zu | %d | %d | %.1f |\n",
                  variant.name.c_str(), shrunk->property.c_str(), static_cast<unsigned long long>(runs),
                  static_cast<unsigned long long>(outcome.seed), scenario->name.c_str(), detect_ms,
                  s.faults.faults.size(), s.users, s.messages_per_user, shrink_ms);
    table += row;
  }
  write_file(args.markdown, table);
  if (!args.markdown.empty()) std::printf("wrote %s\n", args.markdown.c_str());
  return all_caught ? kExitPass : kExitViolation;
}

}  // namespace bridgesim::cli
