#include "harness/run_seed.hpp"

#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "properties/client_view.hpp"
#include "scenarios/world.hpp"

namespace bridgesim::harness {

SeedOutcome run_seed(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                     bool force_swarm) {
  const scenarios::RunResult run = scenarios::run_scenario(scenario, {seed, variant, false, force_swarm});
  SeedOutcome out;
  out.seed = seed;
  out.trace_hash = run.trace.hash();
  out.trace_records = run.trace.size();
  out.virtual_end_ns = run.virtual_end_ns;
  const properties::ClientView view = properties::build_client_view(run.trace);
  out.violations = properties::check_properties(run.trace, scenario.properties, &view);
  for (const auto& f : run.faults.faults) out.faults_planned.insert(std::string(sim::info(f.kind).name));
  std::map<std::pair<std::string, std::uint64_t>, runtime::Nanos> published;  // (run, seq) -> emitted at
  for (const auto& r : run.trace.records()) {
    if (r.kind == "fault_hit") out.faults_hit.insert(std::string(r.field("fault")));
    if (r.actor == "relay" && r.kind == "publish") {
      published.emplace(std::make_pair(std::string(r.field("run")), std::stoull(std::string(r.field("seq")))), r.at_ns);
    }
  }
  // Emit-to-receive latency: the first receipt of each event by each client.
  std::set<std::tuple<std::string, std::string, std::uint64_t>> received;
  for (const auto& f : view.received) {
    const std::string run_id = properties::string_field(f.body, "run_id");
    const auto* seq = f.body.if_contains("seq");
    if (run_id.empty() || seq == nullptr || !seq->is_number()) continue;
    const auto key = std::make_pair(run_id, seq->to_number<std::uint64_t>());
    const auto at = published.find(key);
    if (at != published.end() && received.emplace(f.actor, key.first, key.second).second)
      out.latency.add(f.at_ns - at->second);
  }
  return out;
}

}  // namespace bridgesim::harness
