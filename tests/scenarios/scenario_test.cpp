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
  EXPECT_EQ(error_of("name = \"x\"\n[network]\njitter = 1\n"),
            "s.toml:3: unknown key 'network.jitter' (known: latency_min_ms, latency_max_ms)");
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
