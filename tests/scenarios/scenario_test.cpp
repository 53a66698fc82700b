// Scenario files: every shipped one loads, and every kind of mistake gets
// "file:line: message".
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/scenario.hpp"

namespace bridgesim::scenarios {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "s.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScenariosLoader, EveryShippedScenarioLoads) {
  const auto all = load_scenario_dir(BRIDGESIM_SCENARIO_DIR);
  ASSERT_GE(all.size(), 2u);
  for (const auto& s : all) {
    EXPECT_FALSE(s.name.empty()) << s.source;
    EXPECT_FALSE(s.description.empty()) << s.source;
  }
}

TEST(ScenariosLoader, ReadsEveryKey) {
  const auto s = parse_scenario(R"(name = "x"
description = "d"
users = 4
messages_per_user = 2
workload = "golden_path"
start_spread_ms = 7
deadline_s = 9
properties = ["isolation"]
[network]
latency_min_ms = 1
latency_max_ms = 3
)",
                                "x.toml");
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.users, 4);
  EXPECT_EQ(s.messages_per_user, 2);
  EXPECT_EQ(s.start_spread_ns, 7 * runtime::kNanosPerMilli);
  EXPECT_EQ(s.deadline_ns, 9 * runtime::kNanosPerSecond);
  EXPECT_EQ(s.properties, std::vector<std::string>{"isolation"});
  EXPECT_EQ(s.network.latency_min_ns, 1 * runtime::kNanosPerMilli);
  EXPECT_EQ(s.network.latency_max_ns, 3 * runtime::kNanosPerMilli);
}

TEST(ScenariosLoader, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("name = \"x\"\n\nusrs = 3\n"), "s.toml:3: unknown key 'usrs'");
  EXPECT_EQ(error_of("name = \"x\"\nusers = \"three\"\n"), "s.toml:2: 'users' must be an integer");
  EXPECT_EQ(error_of("name = \"x\"\nusers = 0\n"), "s.toml:2: 'users' must be in [1, 10000], got 0");
  EXPECT_EQ(error_of("name = \"x\"\nworkload = \"nope\"\n"), "s.toml:2: unknown workload 'nope'");
  EXPECT_EQ(error_of("description = \"no name\"\n"), "s.toml:1: missing required key 'name'");
  EXPECT_EQ(error_of("name = \"x\"\n[network]\nlatency_min_ms = 5\nlatency_max_ms = 1\n"),
            "s.toml:2: network.latency_max_ms must be >= latency_min_ms");
  EXPECT_EQ(
      error_of("name = \"x\"\n[network]\njitter = 1\n"),
      "s.toml:3: unknown key 'network.jitter' (known: latency_min_ms, latency_max_ms, latency_min_us, latency_max_us)");
  EXPECT_EQ(error_of("name = \"x\"\nproperties = [1]\n"), "s.toml:2: 'properties[]' must be a string");
  const std::string syntax = error_of("name = \"x\"\nusers = = 3\n");
  EXPECT_EQ(syntax.rfind("s.toml:2: ", 0), 0u) << syntax;
}

TEST(ScenariosLoader, DirectoryRejectsDuplicateNamesAndMissingFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "bridgesim-scenario-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.toml") << "name = \"same\"\n";
  std::ofstream(dir / "b.toml") << "name = \"same\"\n";
  try {
    load_scenario_dir(dir);
    ADD_FAILURE() << "duplicate names accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("b.toml:1: scenario name 'same' is used by another file"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_scenario_file(dir / "missing.toml"), ScenarioError);
  EXPECT_THROW(find_scenario("nope", BRIDGESIM_SCENARIO_DIR), ScenarioError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bridgesim::scenarios

namespace bridgesim::scenarios {
namespace {

TEST(ScenariosFaults, FaultEntriesLoadWithDefaultsAndErrorsNameTheLine) {
  const auto s = parse_scenario(R"(name = "f"
users = 2
[[fault]]
kind = "partition"
target = "user:u2"
at_ms = 10
heal_ms = 500

[[fault]]
kind = "session_missing"
)",
                                "f.toml");
  ASSERT_EQ(s.faults.faults.size(), 2u);
  EXPECT_EQ(s.faults.faults[0].kind, sim::FaultKind::kPartition);
  EXPECT_EQ(s.faults.faults[0].heal_ns, 500 * runtime::kNanosPerMilli);
  EXPECT_EQ(s.faults.heal_by_ns, 500 * runtime::kNanosPerMilli) << "heal_by defaults to the latest heal";
  EXPECT_EQ(error_of("name = \"x\"\n[[fault]]\nkind = \"meteor\"\n").rfind("s.toml:3: unknown fault kind 'meteor'", 0),
            0u);
  EXPECT_EQ(error_of("name = \"x\"\n[[fault]]\nkind = \"jitter\"\nmax_ms = 0\n"),
            "s.toml:2: fault 'jitter': param 'max_ms' must be an integer in [1, 60000], got 0");
  EXPECT_EQ(error_of("name = \"x\"\n[[fault]]\nkind = \"partition\"\n"),
            "s.toml:2: fault 'partition': needs a target \"user:<id>\", got \"*\"");
  EXPECT_EQ(error_of("name = \"x\"\n[[fault]]\nkind = \"jitter\"\nspeed = 3\n")
                .rfind("s.toml:4: unknown key 'speed' for fault 'jitter'", 0),
            0u);
  EXPECT_EQ(error_of("name = \"x\"\nusers = 2\n[[fault]]\nkind = \"reset\"\ntarget = \"user:u9\"\n"),
            "s.toml:3: fault #1 targets 'user:u9', but users are u1..u2");
  EXPECT_EQ(
      error_of("name = \"x\"\n[[fault]]\nkind = \"client_close\"\ntarget = \"user:u1\"\nhow = \"gently\"\n"),
      "s.toml:2: fault 'client_close': param 'how' must be one of abort, close_frame, disconnect_message, got gently");
}

TEST(ScenariosFaults, ScenarioWithPlanRoundTripsThroughToml) {
  const auto original = find_scenario("network_chaos", BRIDGESIM_SCENARIO_DIR);
  const auto again = parse_scenario(to_toml(original, original.faults), "again.toml");
  EXPECT_EQ(again.faults.to_json(), original.faults.to_json());
  EXPECT_EQ(again.users, original.users);
  EXPECT_EQ(again.network.latency_max_ns, original.network.latency_max_ns);
  EXPECT_EQ(to_toml(again, again.faults), to_toml(original, original.faults));
}

}  // namespace
}  // namespace bridgesim::scenarios
