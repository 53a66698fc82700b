// Each shipped bounds_* scenario really reaches the bounds it is about: on
// every one of the first seeds its trace holds the evidence of each bound
// (a `system bound` record of the decision, or the network's `outbound`
// witness of a 1013 close), so a scenario that silently stops reaching its
// bound fails here instead of passing `bounds` without judging anything.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_records.hpp"

namespace bridgesim::scenarios {
namespace {

// "bound/action" for system bound records, "outbound/close" for the witness.
std::map<std::string, int> evidence(const sim::Trace& trace) {
  std::map<std::string, int> out;
  for (const auto& r : trace.records()) {
    if (const auto b = sim::as_bound(r)) ++out[std::string(b->bound) + "/" + std::string(b->action)];
    if (const auto o = sim::as_outbound(r)) ++out["outbound/" + std::string(o->what)];
  }
  return out;
}

const std::map<std::string, std::vector<std::string>> kExpected{
    {"bounds_outbound", {"outbound/close"}},
    {"bounds_active_runs", {"active_runs_per_user_max/refused"}},
    {"bounds_run_log", {"runs_max/refused", "runs_max/evicted", "events_per_run_max/not_logged"}},
    {"bounds_keys_and_identities", {"idempotency_keys_max/evicted", "known_identities_max/evicted"}},
    {"bounds_one_identity", {"known_identities_max/evicted"}},
};

TEST(ScenariosBoundsEvidence, EveryBoundsScenarioReachesItsBoundsOnEverySeed) {
  std::size_t checked = 0;
  for (const auto& scenario : load_scenario_dir(BRIDGESIM_SCENARIO_DIR)) {
    if (!scenario.name.starts_with("bounds_")) continue;
    const auto expected = kExpected.find(scenario.name);
    ASSERT_NE(expected, kExpected.end()) << scenario.name << ": a bounds scenario this test does not know";
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      RunConfig config;
      config.seed = seed;
      const auto found = evidence(run_scenario(scenario, config).trace);
      for (const auto& what : expected->second) {
        EXPECT_GT(found.count(what) ? found.at(what) : 0, 0) << scenario.name << " seed " << seed << ": no " << what;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, kExpected.size());
}

}  // namespace
}  // namespace bridgesim::scenarios
