#include "harness/determinism.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "scenarios/world.hpp"
#include "sim/rng.hpp"
#include "sim/trace.hpp"

namespace bridgesim::harness {
namespace {

// One record as a line: virtual time, actor, kind and every field.
std::string line_of(const sim::TraceRecord& r) {
  std::string out = sim::format_virtual_time(r.at_ns) + " " + r.actor + " " + r.kind;
  for (const auto& [key, value] : r.fields) out += " " + key + "=" + value;
  return out;
}

}  // namespace

HeapDisturbance disturb_heap(std::uint64_t seed) {
  HeapDisturbance blocks;
  sim::Rng rng(seed);
  for (int i = 0; i < 256; ++i) {
    blocks.push_back(std::make_unique<char[]>(16 + rng.uniform(0, 4095)));
    if (i % 3 == 0) blocks[static_cast<std::size_t>(i / 2)].reset();
  }
  return blocks;
}

std::optional<Divergence> check_determinism(const scenarios::Scenario& scenario, std::uint64_t seed,
                                            const scenarios::Variant* variant, bool force_swarm) {
  const scenarios::RunConfig config{seed, variant, false, force_swarm};
  const auto first = scenarios::run_scenario(scenario, config);
  const auto held = disturb_heap(seed);
  const auto second = scenarios::run_scenario(scenario, config);
  if (first.trace.hash() == second.trace.hash() && first.trace.size() == second.trace.size()) return std::nullopt;
  const auto& a = first.trace.records();
  const auto& b = second.trace.records();
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && line_of(a[i]) == line_of(b[i])) ++i;
  return Divergence{seed, i, i < a.size() ? line_of(a[i]) : "<end of trace>",
                    i < b.size() ? line_of(b[i]) : "<end of trace>"};
}

}  // namespace bridgesim::harness
