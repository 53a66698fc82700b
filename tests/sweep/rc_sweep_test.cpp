// RapidCheck over whole simulated runs: generated workloads and fault plans
// hold every property; and a generated search finds a known-faulty
// component and shrinks it to a small scenario file that replays.
#include <iostream>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "harness/harness.hpp"
#include "scenarios/variants.hpp"
#include "tests/support/generators.hpp"

namespace bridgesim {
namespace {

std::string first_violation(const scenarios::Scenario& s, std::uint64_t seed, const scenarios::Variant* variant) {
  const auto outcome = harness::run_seed(s, seed, variant);
  return outcome.violations.empty() ? ""
                                    : outcome.violations.front().property + ": " + outcome.violations.front().message;
}

RC_GTEST_PROP(RcSweep, GeneratedWorkloadsAndFaultPlansHoldEveryProperty, ()) {
  const auto s = *testgen::scenario(4);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const std::string violation = first_violation(s, seed, nullptr);
  if (!violation.empty()) {
    RC_FAIL(violation + "\nscenario (replay with --seed " + std::to_string(seed) + "):\n" +
            scenarios::to_toml(s, s.faults));
  }
}

// The counterexample RapidCheck shrinks to, written as a scenario file.
std::string last_counterexample;
std::uint64_t last_seed = 0;

TEST(RcSweep, FindsAndShrinksTheNoResumeIncidentToAReplayableScenario) {
  const auto* variant = scenarios::find_variant("no_resume");
  ASSERT_NE(variant, nullptr);
  // A fixed RapidCheck seed and a generous budget: the search is a test of
  // the generators and the shrinker, so it must not depend on a lucky draw
  // (CI once saw 100 random cases miss every disconnecting fault).
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "no_resume survives generated faults";
  rc::detail::TestParams params;
  params.seed = 20261123;
  params.maxSuccess = 2000;
  const auto result = rc::detail::checkTestable(
      [variant] {
        auto s = *testgen::scenario(3);
        const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000);
        if (!first_violation(s, seed, variant).empty()) {
          last_counterexample = scenarios::to_toml(s, s.faults);
          last_seed = seed;
          RC_FAIL("violated");
        }
      },
      metadata, params);
  rc::detail::printResultMessage(result, std::cerr);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure)) << "RapidCheck did not find the missing resume";
  std::cerr << "found after " << failure.numSuccess << " passing cases\n";
  const auto reloaded = scenarios::parse_scenario(last_counterexample, "counterexample.toml");
  EXPECT_LE(reloaded.faults.faults.size(), 2u) << last_counterexample;
  EXPECT_LE(reloaded.users, 2) << last_counterexample;
  EXPECT_FALSE(first_violation(reloaded, last_seed, variant).empty()) << "the written counterexample must replay";
  EXPECT_TRUE(first_violation(reloaded, last_seed, nullptr).empty()) << "the production system passes it";
}

}  // namespace
}  // namespace bridgesim
