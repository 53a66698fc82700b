// [mix]: parsed with file:line errors, written back by to_toml, drawn per
// seed when asked; a scenario without it has the plain mix.
#include <string>

#include <gtest/gtest.h>

#include "scenarios/scenario.hpp"
#include "scenarios/workload_mix.hpp"

namespace bridgesim::scenarios {
namespace {

Scenario parse(const std::string& body) { return parse_scenario("name = \"m\"\n" + body, "m.toml"); }

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(WorkloadMix, AbsentIsThePlainMix) {
  const WorkloadMix mix = parse("users = 2\n").mix;
  EXPECT_FALSE(mix.per_tab_counter());
  EXPECT_FALSE(mix.reuse_victim_ids || mix.late_tab || mix.draw || mix.agent.draws());
  EXPECT_EQ(mix.to_toml(), "");
}

TEST(WorkloadMix, ReadsEveryKeyAndWritesItBack) {
  const Scenario s = parse(
      "[mix]\nclient_msg_ids = \"per_tab_counter\"\nreuse_victim_ids = true\ntool_calls = [1, 3]\n"
      "thinking_between = [0, 2]\nlate_tab = true\n");
  EXPECT_TRUE(s.mix.per_tab_counter());
  EXPECT_TRUE(s.mix.reuse_victim_ids);
  EXPECT_TRUE(s.mix.late_tab);
  EXPECT_EQ(s.mix.agent.tool_calls_min, 1);
  EXPECT_EQ(s.mix.agent.tool_calls_max, 3);
  EXPECT_EQ(s.mix.agent.thinking_between_max, 2);
  const Scenario again = parse_scenario(to_toml(s, s.faults), "again.toml");
  EXPECT_EQ(again.mix.to_toml(), s.mix.to_toml());
  EXPECT_TRUE(again.mix.per_tab_counter() && again.mix.late_tab && again.mix.reuse_victim_ids);
}

TEST(WorkloadMix, BadKeysAndValuesNameTheLine) {
  EXPECT_EQ(error_of("[mix]\nnope = 1\n"),
            "m.toml:3: unknown key 'mix.nope' (known: client_msg_ids, reuse_victim_ids, tool_calls, "
            "thinking_between, late_tab, execute, draw)");
  EXPECT_EQ(error_of("[mix]\nclient_msg_ids = \"uuid\"\n"),
            "m.toml:3: unknown 'mix.client_msg_ids' \"uuid\" (known: unique, per_tab_counter)");
  EXPECT_EQ(error_of("[mix]\ntool_calls = [0, 3]\n"),
            "m.toml:3: 'mix.tool_calls' must be [min, max] with 1 <= min <= max <= 16");
  EXPECT_EQ(error_of("[mix]\nthinking_between = [2, 1]\n"),
            "m.toml:3: 'mix.thinking_between' must be [min, max] with 0 <= min <= max <= 16");
  EXPECT_EQ(error_of("[mix]\nlate_tab = 1\n"), "m.toml:3: 'mix.late_tab' must be true or false");
  EXPECT_EQ(error_of("mix = 3\n"), "m.toml:2: 'mix' must be a table: write [mix]");
}

TEST(WorkloadMix, DrawIsPerSeedDeterministicAndReachesEveryPath) {
  WorkloadMix drawn;
  drawn.draw = true;
  int counter = 0, reuse = 0, tools = 0, late = 0, execute = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const WorkloadMix a = mix_for(drawn, seed);
    EXPECT_EQ(a.to_toml(), mix_for(drawn, seed).to_toml()) << seed;
    counter += a.per_tab_counter();
    reuse += a.reuse_victim_ids;
    tools += a.agent.tool_calls_max > 1;
    late += a.late_tab;
    execute += a.execute_per_million > 0;
  }
  for (const int n : {counter, reuse, tools, late, execute}) {
    EXPECT_GT(n, 50);
    EXPECT_LT(n, 150);
  }
  WorkloadMix fixed;
  fixed.late_tab = true;
  EXPECT_EQ(mix_for(fixed, 9).to_toml(), fixed.to_toml()) << "without draw, the scenario's own mix";
}

// Issue 10: clients that use POST /api/agent/v2/execute.
TEST(WorkloadMix, ExecuteIsAShareReadAndWrittenBack) {
  EXPECT_EQ(parse("[mix]\nexecute = 0.25\n").mix.execute_per_million, 250'000u);
  EXPECT_EQ(parse("[mix]\nexecute = 1\n").mix.execute_per_million, 1'000'000u);
  EXPECT_EQ(parse("[mix]\nexecute = 0\n").mix.to_toml(), "");
  for (const char* share : {"0.25", "0.000001", "0.5", "1.0"}) {
    const Scenario s = parse(std::string("[mix]\nexecute = ") + share + "\n");
    EXPECT_EQ(s.mix.to_toml(), std::string("\n[mix]\nexecute = ") + share + "\n");
    const Scenario again = parse_scenario(to_toml(s, s.faults), "again.toml");
    EXPECT_EQ(again.mix.execute_per_million, s.mix.execute_per_million) << share;
  }
  for (const char* bad : {"1.5", "-0.1", "\"half\"", "true", "nan"}) {
    EXPECT_EQ(error_of(std::string("[mix]\nexecute = ") + bad + "\n"),
              "m.toml:3: 'mix.execute' must be a share from 0 to 1 (e.g. 0.5)")
        << bad;
  }
}

}  // namespace
}  // namespace bridgesim::scenarios
