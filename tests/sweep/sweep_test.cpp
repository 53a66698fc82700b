// Whole simulated runs, judged: the golden path holds across seeds, runs are
// deterministic byte for byte, and the isolation property catches a manager
// that leaks events across users.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "harness/harness.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "scenarios/world.hpp"

namespace bridgesim {
namespace {

scenarios::Scenario load(const std::string& name) { return scenarios::find_scenario(name, BRIDGESIM_SCENARIO_DIR); }

std::string failure_text(const harness::SweepOutcome& outcome, const scenarios::Scenario& s) {
  std::string out;
  for (const auto& seed : outcome.seeds) {
    for (const auto& v : seed.violations) {
      out += "seed " + std::to_string(seed.seed) + " " + v.property + ": " + v.message + "\n  " +
             harness::replay_command(s, seed.seed, nullptr) + "\n";
    }
  }
  return out;
}

TEST(SweepGoldenPath, HoldsForTwoThousandSeeds) {
  const auto scenario = load("golden_path");
  const auto outcome = harness::sweep({scenario, 1, 2000, nullptr, 1, false});
  ASSERT_EQ(outcome.seeds.size(), 2000u);
  EXPECT_EQ(outcome.failing_seeds(), 0u) << failure_text(outcome, scenario);
}

TEST(SweepGoldenPath, BusyUsersHoldForOneThousandSeeds) {
  const auto scenario = load("busy_users");
  const auto outcome = harness::sweep({scenario, 1, 1000, nullptr, 1, false});
  EXPECT_EQ(outcome.failing_seeds(), 0u) << failure_text(outcome, scenario);
}

TEST(SweepDeterminism, SameSeedSameTraceByteForByte) {
  const auto scenario = load("busy_users");
  for (std::uint64_t seed : {1ull, 42ull, 9'999'999ull}) {
    const auto a = scenarios::run_scenario(scenario, {seed, nullptr, false});
    const auto b = scenarios::run_scenario(scenario, {seed, nullptr, false});
    EXPECT_EQ(a.trace.hash(), b.trace.hash()) << "seed " << seed;
    EXPECT_EQ(a.trace.to_jsonl(), b.trace.to_jsonl()) << "seed " << seed;
    EXPECT_GT(a.trace.size(), 100u);
  }
}

// The order in which users' records interleave: what a seed is for.
std::string interleaving(const sim::Trace& trace) {
  std::string out;
  for (const auto& r : trace.records()) {
    if (r.actor.rfind("user:", 0) == 0) out += r.actor + "/" + r.kind + ";";
  }
  return out;
}

TEST(SweepDeterminism, DifferentSeedsExploreDifferentInterleavings) {
  const auto scenario = load("busy_users");
  std::set<std::uint64_t> hashes;
  std::set<std::string> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto run = scenarios::run_scenario(scenario, {seed, nullptr, false});
    hashes.insert(run.trace.hash());
    orders.insert(interleaving(run.trace));
  }
  EXPECT_EQ(hashes.size(), 20u);
  EXPECT_GE(orders.size(), 18u) << "seeds should reorder users, not only shift timestamps";
}

TEST(SweepDeterminism, JobCountDoesNotChangeResults) {
  const auto scenario = load("golden_path");
  const auto one = harness::sweep({scenario, 100, 60, nullptr, 1, false});
  const auto two = harness::sweep({scenario, 100, 60, nullptr, 2, false});
  ASSERT_EQ(one.seeds.size(), two.seeds.size());
  for (std::size_t i = 0; i < one.seeds.size(); ++i) {
    EXPECT_EQ(one.seeds[i].seed, two.seeds[i].seed);
    EXPECT_EQ(one.seeds[i].trace_hash, two.seeds[i].trace_hash) << "seed " << one.seeds[i].seed;
  }
}

// Incident regression: a shared manager routing by connection order. The
// production manager passes these seeds; the leaky one must be caught by
// isolation, with a replay command that reproduces it exactly.
TEST(SweepRegressions, LeakyManagerIsCaughtByIsolationWithReplayCommand) {
  const auto scenario = load("golden_path");
  const auto* leaky = scenarios::find_variant("leaky_manager");
  ASSERT_NE(leaky, nullptr);
  const auto outcome = harness::sweep({scenario, 1, 200, leaky, 1, true});
  ASSERT_FALSE(outcome.seeds.empty());
  const auto& failing = outcome.seeds.back();
  ASSERT_FALSE(failing.violations.empty()) << "200 seeds did not catch the leaky manager";
  bool isolation = false;
  for (const auto& v : failing.violations) isolation |= v.property == "isolation";
  EXPECT_TRUE(isolation) << "the isolation property must be among the violations";

  const std::string cmd = harness::replay_command(scenario, failing.seed, leaky);
  EXPECT_EQ(cmd, "bridgesim replay --scenario golden_path --seed " + std::to_string(failing.seed) +
                     " --variant leaky_manager");
  const auto replayed = harness::run_seed(scenario, failing.seed, leaky);
  EXPECT_EQ(replayed.trace_hash, failing.trace_hash);
  ASSERT_EQ(replayed.violations.size(), failing.violations.size());
  EXPECT_EQ(replayed.violations.front().message, failing.violations.front().message);

  const auto production = harness::run_seed(scenario, failing.seed, nullptr);
  EXPECT_TRUE(production.violations.empty()) << production.violations.front().message;
}

// Any small workload on any network in range holds every property, and
// replays to the same hash.
RC_GTEST_PROP(SweepProperty, GeneratedGoldenPathWorkloadsHoldAndReplay, ()) {
  scenarios::Scenario s;
  s.name = "generated";
  s.source = "generated.toml";
  s.users = *rc::gen::inRange(1, 7);
  s.messages_per_user = *rc::gen::inRange(1, 4);
  s.start_spread_ns = *rc::gen::inRange<std::int64_t>(0, 200) * runtime::kNanosPerMilli;
  s.network.latency_min_ns = *rc::gen::inRange<std::int64_t>(0, 5) * runtime::kNanosPerMilli;
  s.network.latency_max_ns =
      s.network.latency_min_ns + *rc::gen::inRange<std::int64_t>(0, 50) * runtime::kNanosPerMilli;
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto outcome = harness::run_seed(s, seed, nullptr);
  for (const auto& v : outcome.violations) RC_FAIL(v.property + ": " + v.message);
  RC_ASSERT(harness::run_seed(s, seed, nullptr).trace_hash == outcome.trace_hash);
}

}  // namespace
}  // namespace bridgesim
