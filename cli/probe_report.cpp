#include "cli/probe_report.hpp"

#include <utility>

#include "sim/trace_schema.hpp"

namespace bridgesim::cli {

reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command) {
  reports::SweepReport report;
  report.title = "bridgesim probe of " + spec.url.text();
  report.command = command;
  reports::ScenarioResult r;
  r.scenario = "probe:" + spec.scenario.name;
  r.description = "live server " + spec.url.text() + ": " + std::to_string(spec.scenario.users) + " users x " +
                  std::to_string(spec.scenario.tabs) + " tabs x " + std::to_string(spec.scenario.messages_per_user) +
                  " messages, " + std::to_string(spec.scenario.hostile_clients) + " hostile clients, real time";
  r.properties = outcome.properties;
  r.seeds_run = 1;
  r.seed_first = r.seed_last = spec.seed;
  r.wall_seconds = outcome.wall_seconds;
  r.failing_seeds = outcome.passed() ? 0 : 1;
  for (const auto& v : outcome.violations) r.failures.push_back({spec.seed, v.property, v.message, command});
  for (const auto& f : outcome.applied_faults) r.faults[std::string(sim::info(f.kind).name)].planned = 1;
  for (const auto& rec : outcome.trace.records()) {
    if (rec.kind == sim::record::kFaultHit) r.faults[std::string(rec.field(sim::record_field::kFault))].hit = 1;
  }
  report.results.push_back(std::move(r));
  return report;
}

}  // namespace bridgesim::cli
