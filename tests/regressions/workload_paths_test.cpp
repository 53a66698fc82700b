// The variants the [mix] workloads reach: each is caught by the scenario
// that ships its path; the exclusive ones pass every scenario without a mix
// (what the sweep was before those workloads existed). A snapshot of the
// user's connections at run start is not exclusive: second_tab's tabs
// sometimes open mid-run by chance; late_tab catches it on every seed.
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "harness/harness.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim {
namespace {

struct Case {
  std::string variant;
  std::string scenario;   // the one that ships the path
  bool exclusive = true;  // no scenario without a mix catches it
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.variant << " on " << c.scenario; }
};

class WorkloadPaths : public ::testing::TestWithParam<Case> {};

TEST_P(WorkloadPaths, CaughtByItsWorkloadAndByNoScenarioWithoutOne) {
  const auto* variant = scenarios::find_variant(GetParam().variant);
  ASSERT_NE(variant, nullptr);
  const auto all = scenarios::load_scenario_dir(BRIDGESIM_SCENARIO_DIR);
  int caught = 0;
  for (const auto& s : all) {
    if (s.name != GetParam().scenario) continue;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      bool named = false;
      for (const auto& v : harness::run_seed(s, seed, variant).violations)
        named |= v.property == variant->expected_property;
      caught += named ? 1 : 0;
    }
  }
  EXPECT_EQ(caught, 20) << variant->name << " caught by " << GetParam().scenario << " with "
                        << variant->expected_property << " on only " << caught << " of 20 seeds";
  if (!GetParam().exclusive) return;
  for (const auto& s : all) {
    if (!s.mix.to_toml().empty()) continue;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const auto outcome = harness::run_seed(s, seed, variant);
      EXPECT_TRUE(outcome.violations.empty()) << variant->name << " caught by " << s.name << " seed " << seed
                                              << " without any mix: " << outcome.violations.front().message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Mix, WorkloadPaths,
                         ::testing::Values(Case{"idempotency_by_msg_id", "colliding_ids"},
                                           Case{"bridge_stops_after_first_tool", "tool_chains"},
                                           Case{"fanout_fixed_at_run_start", "late_tab", false},
                                           // Clients that use POST /api/agent/v2/execute.
                                           Case{"execute_own_authenticator", "execute_endpoint"},
                                           Case{"execute_skips_room_check", "execute_run_log"},
                                           Case{"execute_trusts_body_user", "execute_endpoint"}),
                         [](const auto& info) { return info.param.variant; });

}  // namespace
}  // namespace bridgesim
