// A scenario's [system] section: every bound of the architecture table by
// its AppConfig name, the older outbound_queue_max too; unknown keys and
// values out of range get "file:line: message"; what shrink writes loads
// back to the same bounds, and the world runs the system with them.
#include <string>

#include <gtest/gtest.h>

#include "scenarios/scenario.hpp"
#include "scenarios/system_section.hpp"
#include "system/app.hpp"

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

const char* const kEveryKey = R"(name = "x"
[system]
outbound_frames_max = 3
frame_bytes_max = 1024
runs_max = 5
events_per_run_max = 2
retention_ms = 1500
pending_per_run_max = 7
active_runs_per_user_max = 4
idempotency_keys_max = 9
known_identities_max = 0
)";

TEST(ScenariosSystemSection, ReadsEveryBound) {
  const auto s = parse_scenario(kEveryKey, "x.toml");
  EXPECT_EQ(s.system.outbound_frames_max, 3u);
  EXPECT_EQ(s.system.frame_bytes_max, 1024u);
  EXPECT_EQ(s.system.runs_max, 5u);
  EXPECT_EQ(s.system.events_per_run_max, 2u);
  EXPECT_EQ(s.system.retention_ns, 1500 * runtime::kNanosPerMilli);
  EXPECT_EQ(s.system.pending_per_run_max, 7u);
  EXPECT_EQ(s.system.active_runs_per_user_max, 4u);
  EXPECT_EQ(s.system.idempotency_keys_max, 9u);
  EXPECT_EQ(s.system.known_identities_max, 0u);
}

TEST(ScenariosSystemSection, AbsentKeysKeepTheSystemsDefaults) {
  const auto s = parse_scenario("name = \"x\"\n[system]\nruns_max = 5\n", "x.toml");
  SystemBounds expected;
  expected.runs_max = 5;
  EXPECT_EQ(s.system, expected);
  const system::AppConfig defaults;
  EXPECT_EQ(SystemBounds{}.outbound_frames_max, defaults.outbound_frames_max);
  EXPECT_EQ(SystemBounds{}.known_identities_max, defaults.auth_service.known_identities_max);
  EXPECT_EQ(SystemBounds{}.retention_ns, defaults.run_log.retention_ns);
}

TEST(ScenariosSystemSection, TheOlderOutboundQueueMaxStillWorks) {
  EXPECT_EQ(parse_scenario("name = \"x\"\n[system]\noutbound_queue_max = 2\n", "x.toml").system.outbound_frames_max,
            2u);
}

TEST(ScenariosSystemSection, AppliesEveryBoundToTheSystem) {
  system::AppConfig config;
  parse_scenario(kEveryKey, "x.toml").system.apply_to(config);
  EXPECT_EQ(config.outbound_frames_max, 3u);
  EXPECT_EQ(config.frame_bytes_max, 1024u);
  EXPECT_EQ(config.run_log.runs_max, 5u);
  EXPECT_EQ(config.run_log.events_per_run_max, 2u);
  EXPECT_EQ(config.run_log.retention_ns, 1500 * runtime::kNanosPerMilli);
  EXPECT_EQ(config.receiver.pending_per_run_max, 7u);
  EXPECT_EQ(config.active_runs_per_user_max, 4u);
  EXPECT_EQ(config.idempotency_keys_max, 9u);
  EXPECT_EQ(config.auth_service.known_identities_max, 0u);
}

TEST(ScenariosSystemSection, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("name = \"x\"\n[system]\nruns_max = 2\nrun_max = 3\n"),
            "s.toml:4: unknown key 'system.run_max' (known: outbound_frames_max, frame_bytes_max, runs_max, "
            "events_per_run_max, retention_ms, pending_per_run_max, active_runs_per_user_max, idempotency_keys_max, "
            "known_identities_max, outbound_queue_max)");
  EXPECT_EQ(error_of("name = \"x\"\n[system]\n\nruns_max = 0\n"),
            "s.toml:4: 'system.runs_max' must be in [1, 1000000], got 0");
  EXPECT_EQ(error_of("name = \"x\"\n[system]\nknown_identities_max = -1\n"),
            "s.toml:3: 'system.known_identities_max' must be in [0, 10000000], got -1");
  EXPECT_EQ(error_of("name = \"x\"\n[system]\noutbound_queue_max = 0\n"),
            "s.toml:3: 'system.outbound_queue_max' must be in [1, 1000000], got 0");
  EXPECT_EQ(error_of("name = \"x\"\n[system]\nretention_ms = \"1s\"\n"),
            "s.toml:3: 'system.retention_ms' must be an integer");
  EXPECT_EQ(error_of("name = \"x\"\nsystem = 3\n"), "s.toml:2: 'system' must be a table: write [system]");
}

TEST(ScenariosSystemSection, WhatShrinkWritesLoadsBackToTheSameBounds) {
  const auto original = parse_scenario(kEveryKey, "x.toml");
  const auto again = parse_scenario(to_toml(original, original.faults), "again.toml");
  EXPECT_EQ(again.system, original.system);
  EXPECT_NE(to_toml(original, original.faults).find("retention_ms = 1500\n"), std::string::npos);
}

}  // namespace
}  // namespace bridgesim::scenarios
