#include "cli/sim_commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "cli/timeline.hpp"
#include "harness/determinism.hpp"
#include "harness/harness.hpp"
#include "harness/scenario_lookup.hpp"
#include "reports/reports.hpp"
#include "scenarios/world.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {
namespace {

std::vector<std::string> variant_names() {
  std::vector<std::string> out;
  for (const auto& v : scenarios::variant_catalog()) out.push_back(v.name);
  return out;
}

std::vector<std::string> property_names() {
  std::vector<std::string> out;
  for (const auto& p : properties::property_catalog()) out.push_back(p.name);
  return out;
}

}  // namespace

const scenarios::Variant* variant_or_throw(const std::string& name) {
  if (name.empty()) return nullptr;
  const auto* v = scenarios::find_variant(name);
  if (v == nullptr)
    throw UsageError("unknown variant '" + name + "'" + did_you_mean(name, variant_names()) + " (see `" +
                     harness::program_name() + " list`)");
  return v;
}

void check_property_names(const scenarios::Scenario& s) {
  for (std::size_t i = 0; i < s.properties.size(); ++i) {
    const auto& p = s.properties[i];
    if (properties::find_property(p) != nullptr) continue;
    const std::string line = i < s.property_lines.size() ? std::to_string(s.property_lines[i]) : "1";
    throw scenarios::ScenarioError(s.source + ":" + line + ": unknown property '" + p + "'" +
                                   did_you_mean(p, property_names()) + " (see `" + harness::program_name() + " list`)");
  }
}

scenarios::Scenario scenario_or_throw(const std::string& name_or_path, const std::string& dir) {
  const bool is_path = name_or_path.size() > 5 && name_or_path.ends_with(".toml");
  if (!is_path) {
    const auto scanned = scenarios::scan_scenario_dir(dir);
    std::vector<std::string> names;
    for (const auto& s : scanned.scenarios) {
      if (s.name == name_or_path) {
        check_property_names(s);
        return s;
      }
      names.push_back(s.name);
    }
    std::string message = "no scenario named '" + name_or_path + "' in " + dir + did_you_mean(name_or_path, names) +
                          " (see `" + harness::program_name() + " list`)";
    for (const auto& e : scanned.errors) message += "\n  and a file that does not load: " + e;
    throw UsageError(message);
  }
  auto s = scenarios::load_scenario_file(name_or_path);
  check_property_names(s);
  return s;
}

// ---- replay -------------------------------------------------------------

CLI::App* add_replay_command(CLI::App& app, ReplayArgs& a) {
  auto* cmd = app.add_subcommand("replay", "Re-run one seed exactly: timeline, violations, trace hash");
  a.scenario_dir = harness::default_scenario_dir();
  cmd->add_option("-s,--scenario", a.scenario, "Scenario name or .toml path")->required();
  cmd->add_option("--scenario-dir", a.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  cmd->add_option("--seed", a.seed, "The seed to replay (0..18446744073709551615)")->required();
  cmd->add_option("--variant", a.variant, "The incident-regression component the failing run used");
  cmd->add_flag("--swarm", a.swarm, "The failing run used --swarm: draw the same random faults");
  cmd->add_flag("--check-determinism", a.check_determinism,
                "Also run the seed a second time on a disturbed heap and fail if the traces differ");
  cmd->add_option("--trace", a.trace_out, "Also write the trace as JSON lines here");
  cmd->add_option("--perfetto", a.perfetto_out,
                  "Also write a Chrome trace-event file (open in ui.perfetto.dev or chrome://tracing)");
  cmd->add_option("--color", a.color, kColorHelp)
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--no-color", a.no_color, "Same as --color never");
  cmd->add_option("--actor", a.actors,
                  "Timeline: only records of actors matching this glob ('user:u1*', 'net') (repeatable)");
  cmd->add_option("--conn", a.conn, "Timeline: only records of this connection (conn=N)")->type_name("N");
  cmd->add_option("--until", a.until, "Timeline: only records up to this virtual time (1.5s, 250ms, 20us)")
      ->type_name("TIME");
  cmd->add_flag("--log", a.log, "Print the system's own log lines (virtual time) to stderr");
  cmd->footer(
      "Example: bridgesim replay --scenario golden_path --seed 17 --trace out/seed17.jsonl\n"
      "Each timeline line starts with the record's number (#N, as in VIOLATION ... at record #N); the record a "
      "violation was found at ends '<== VIOLATION property'.");
  return cmd;
}

int do_replay(const ReplayArgs& a) {
  const auto* variant = variant_or_throw(a.variant);
  const std::uint64_t seed = parse_u64(a.seed, "--seed");
  const auto scenario = scenario_or_throw(a.scenario, a.scenario_dir);
  TimelineFilter filter{a.actors, a.conn, std::nullopt};
  if (!a.until.empty()) filter.until = parse_virtual_time(a.until, "--until");
  if (!a.conn.empty()) parse_u64(a.conn, "--conn");
  const auto run = scenarios::run_scenario(scenario, {seed, variant, a.log, a.swarm});
  check_filter(run.trace, filter);
  const bool colour = !a.no_color && use_colour(a.color, STDOUT_FILENO);
  const auto violations = properties::check_properties(run.trace, scenario.properties);
  std::fputs(format_timeline(run.trace, violations, filter, colour).c_str(), stdout);
  for (const auto& v : violations) {
    std::printf("VIOLATION %s at record #%zu (t=%s): %s\n", v.property.c_str(), v.record_index,
                sim::format_virtual_time(v.at_ns).c_str(), v.message.c_str());
  }
  bool diverged = false;
  if (a.check_determinism) {
    if (const auto d = harness::check_determinism(scenario, seed, variant, a.swarm)) {
      diverged = true;
      std::printf(
          "VIOLATION determinism: the trace differs between two runs at record #%zu: first run '%s', "
          "second run '%s'\n",
          d->record_index, d->first.c_str(), d->second.c_str());
    }
  }
  write_file(a.trace_out, run.trace.to_jsonl());
  std::vector<reports::TraceMarker> markers;
  for (const auto& v : violations) markers.push_back({v.record_index, v.at_ns, v.property, v.message});
  write_file(a.perfetto_out, reports::to_perfetto(run.trace, markers));
  for (const auto* path : {&a.trace_out, &a.perfetto_out}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  const bool failed = !violations.empty() || diverged;
  std::printf("scenario=%s seed=%llu%s records=%zu virtual_end=%s verdict=%s\n", scenario.name.c_str(),
              static_cast<unsigned long long>(seed), a.swarm ? " swarm" : "", run.trace.size(),
              sim::format_virtual_time(run.virtual_end_ns).c_str(), failed ? "FAIL" : "PASS");
  std::printf("trace hash: %s\n", sim::hash_hex(run.trace.hash()).c_str());
  return failed ? kExitViolation : kExitPass;
}

// ---- shrink -------------------------------------------------------------

CLI::App* add_shrink_command(CLI::App& app, ShrinkArgs& a) {
  auto* cmd = app.add_subcommand("shrink", "Shrink a failing seed to a minimal scenario file that replays it");
  a.scenario_dir = harness::default_scenario_dir();
  cmd->add_option("-s,--scenario", a.scenario, "Scenario name or .toml path")->required();
  cmd->add_option("--scenario-dir", a.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  cmd->add_option("--seed", a.seed, "The failing seed")->required();
  cmd->add_option("--variant", a.variant, "The incident-regression component the failing run used");
  cmd->add_flag("--swarm", a.swarm, "The failing run used --swarm");
  cmd->add_option("--property", a.property,
                  "Shrink for this property (default: the first the run violates, in `list` order); the run "
                  "must violate it");
  cmd->add_option("-o,--out", a.out,
                  "Where to write the scenario (default out/<name>_shrunk_seed<S>.toml, the name reduced to "
                  "[A-Za-z0-9_-])");
  cmd->footer("Example: bridgesim shrink --scenario swarm --seed 11 --variant permissive_auth");
  return cmd;
}

int do_shrink(const ShrinkArgs& a) {
  const auto* variant = variant_or_throw(a.variant);
  const std::uint64_t seed = parse_u64(a.seed, "--seed");
  if (!a.property.empty() && properties::find_property(a.property) == nullptr)
    throw UsageError("unknown property '" + a.property + "'" + did_you_mean(a.property, property_names()) + " (see `" +
                     harness::program_name() + " list`)");
  const auto scenario = scenario_or_throw(a.scenario, a.scenario_dir);
  std::optional<harness::ShrinkResult> result;
  try {
    result = harness::shrink(scenario, seed, variant, a.swarm, a.property);
  } catch (const std::invalid_argument& e) {
    throw UsageError("--property " + a.property + ": seed " + a.seed + " of " + scenario.name + ": " + e.what());
  }
  if (!result) {
    std::printf("seed %llu of %s passes every property: nothing to shrink\n", static_cast<unsigned long long>(seed),
                scenario.name.c_str());
    return kExitPass;
  }
  // The name comes from a file: reduced to a plain file name, it stays in out/.
  const std::string path = a.out.empty() ? "out/" + harness::file_name_part(result->scenario.name) + ".toml" : a.out;
  write_file(path, harness::shrunk_scenario_file(*result, variant, path));
  std::printf("%s seed %llu: %s\n  %s\n", scenario.name.c_str(), static_cast<unsigned long long>(seed),
              result->property.c_str(), result->message.c_str());
  std::printf(
      "shrunk in %d runs: faults %zu -> %zu, users %d -> %d, tabs %d, attackers %d, messages/user %d -> %d, start "
      "spread %lld -> %lld ms\n",
      result->runs, result->faults_before, result->scenario.faults.faults.size(), scenario.users,
      result->scenario.users, result->scenario.tabs, result->scenario.hostile_clients, scenario.messages_per_user,
      result->scenario.messages_per_user, static_cast<long long>(scenario.start_spread_ns / runtime::kNanosPerMilli),
      static_cast<long long>(result->scenario.start_spread_ns / runtime::kNanosPerMilli));
  std::printf("wrote %s\nreplay: %s\n", path.c_str(), harness::shrink_replay_command(*result, variant, path).c_str());
  return kExitViolation;
}

// ---- list ---------------------------------------------------------------

CLI::App* add_list_command(CLI::App& app, ListArgs& a) {
  a.command = app.add_subcommand("list", "List scenarios, properties, fault kinds and incident variants");
  a.scenario_dir = harness::default_scenario_dir();
  a.command->add_option("--scenario-dir", a.scenario_dir, "Where scenarios are")->capture_default_str();
  a.command->add_flag("--json", a.json, "Print the lists as one JSON object (for scripts)");
  return a.command;
}

namespace {

std::string origin_of(const ListArgs& a) {
  return a.command->get_option("--scenario-dir")->count() > 0 ? "--scenario-dir"
                                                              : harness::default_scenario_dir_choice().origin;
}

void print_catalogs() {
  std::printf("\nProperties:\n");
  for (const auto& p : properties::property_catalog())
    std::printf("  %-22s %s\n", p.name.c_str(), p.description.c_str());
  std::printf("\nFault kinds ([[fault]] kind = ..., or drawn by --swarm):\n");
  for (const auto& k : scenarios::fault_catalog()) {
    std::string params;
    for (const auto& p : k.params)
      params += (params.empty() ? "" : ", ") + std::string(p.name) + "=" + std::string(p.fallback);
    std::printf("  %-22s %-11s %s%s%s\n", std::string(k.name).c_str(), std::string(k.group).c_str(),
                std::string(k.description).c_str(), k.targeted ? " [target = \"user:<id>\"]" : "",
                params.empty() ? "" : (" {" + params + "}").c_str());
  }
  std::printf("\nVariants (incident regressions, for --variant):\n");
  for (const auto& v : scenarios::variant_catalog()) {
    std::printf("  %-22s %s (caught by: %s)\n", v.name.c_str(), v.incident.c_str(), v.expected_property.c_str());
  }
}

std::string list_json(const ListArgs& a, const scenarios::ScenarioDir& scanned) {
  boost::json::array list, errors, props, faults, variants;
  for (const auto& s : scanned.scenarios)
    list.push_back({{"name", s.name}, {"description", s.description}, {"file", s.source}});
  for (const auto& e : scanned.errors) errors.emplace_back(e);
  for (const auto& p : properties::property_catalog())
    props.push_back({{"name", p.name}, {"description", p.description}});
  for (const auto& k : scenarios::fault_catalog())
    faults.push_back({{"name", k.name}, {"group", k.group}, {"description", k.description}, {"targeted", k.targeted}});
  for (const auto& v : scenarios::variant_catalog())
    variants.push_back({{"name", v.name}, {"incident", v.incident}, {"caught_by", v.expected_property}});
  boost::json::object root{{"scenario_dir", a.scenario_dir}, {"scenario_dir_from", origin_of(a)},
                           {"scenarios", std::move(list)},   {"scenario_errors", std::move(errors)},
                           {"properties", std::move(props)}, {"fault_kinds", std::move(faults)},
                           {"variants", std::move(variants)}};
  return boost::json::serialize(root) + "\n";
}

}  // namespace

int do_list(const ListArgs& a) {
  const auto scanned = scenarios::scan_scenario_dir(a.scenario_dir);
  if (a.json) {
    std::fputs(list_json(a, scanned).c_str(), stdout);
  } else {
    std::printf("Scenarios (%s, from %s):\n", a.scenario_dir.c_str(), origin_of(a).c_str());
    for (const auto& s : scanned.scenarios) std::printf("  %-22s %s\n", s.name.c_str(), s.description.c_str());
    print_catalogs();
  }
  // A file that does not load is named, and the listing is not a success.
  for (const auto& e : scanned.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  return scanned.errors.empty() ? kExitPass : kExitUsage;
}

}  // namespace bridgesim::cli
