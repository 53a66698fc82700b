#include "harness/run_seed.hpp"

#include <string>

#include "properties/client_view.hpp"
#include "properties/timeliness.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

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
  for (const auto& r : run.trace.records()) {
    if (r.kind == sim::record::kFaultHit) out.faults_hit.insert(std::string(r.field(sim::record_field::kFault)));
  }
  // Emit-to-receive latency: the first receipt of each event by each client,
  // as the `timeliness` property judges it.
  for (const auto& l : properties::event_latencies_of(run.trace, view)) out.latency.add(l.received_ns - l.published_ns);
  return out;
}

}  // namespace bridgesim::harness
