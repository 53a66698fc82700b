// What fuzz/scenario_fuzz.cpp found in the scenario loader, pinned as unit
// tests (the inputs are in fuzz/regressions/scenario/).
#include <string>

#include <gtest/gtest.h>

#include "scenarios/scenario.hpp"

namespace bridgesim::scenarios {
namespace {

// to_toml (what shrink writes) wrote control characters raw, which TOML
// forbids: the file it wrote did not load.
TEST(ScenariosFuzzFindings, ControlCharactersInStringsSurviveToToml) {
  const auto s = parse_scenario(R"(name = "x\ty"
description = "line\nbreak \"q\" \u007f"
users = 2
[[fault]]
kind = "client_close"
target = "user:\n"
at_ms = 5
)",
                                "s.toml");
  const std::string written = to_toml(s, s.faults);
  const auto again = parse_scenario(written, "again.toml");
  EXPECT_EQ(again.name, "x\ty");
  EXPECT_EQ(again.description, "line\nbreak \"q\" \x7f");
  ASSERT_EQ(again.faults.faults.size(), 1u);
  EXPECT_EQ(again.faults.faults[0].target, "user:\n");
  EXPECT_EQ(to_toml(again, again.faults), written);
}

// A user index past 64 bits threw std::out_of_range out of the loader
// (bridgesim aborted) instead of the ScenarioError every other bad index gets.
TEST(ScenariosFuzzFindings, HugeUserIndexInATargetIsAScenarioError) {
  try {
    parse_scenario("name = \"x\"\nusers = 2\n[[fault]]\nkind = \"reset\"\ntarget = \"user:u99999999999999999999\"\n",
                   "s.toml");
    FAIL() << "loaded";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "s.toml:3: fault #1 targets 'user:u99999999999999999999', but users are u1..u2");
  }
}

}  // namespace
}  // namespace bridgesim::scenarios
