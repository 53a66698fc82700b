// component_missing: every choice the catalog offers is one the injector
// removes and startup validation catches (/health 503 naming it).
#include <string>

#include <gtest/gtest.h>

#include "scenarios/app_faults.hpp"
#include "scenarios/fault_catalog.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/scheduler.hpp"
#include "system/critical_path.hpp"

namespace bridgesim::scenarios {
namespace {

// What validation says when `choice` is missing.
std::string expected_failure(const std::string& choice) {
  if (choice == "bridge") return "agent_websocket_bridge: not registered in AppState";
  if (choice == "llm") return "agent_registry: no LLM client";
  return "message_router: no handler for '" + choice.substr(std::string("handler:").size()) + "'";
}

const sim::TraceRecord* find_record(const sim::Trace& trace, std::string_view actor, std::string_view kind) {
  for (const auto& r : trace.records()) {
    if (r.actor == actor && r.kind == kind) return &r;
  }
  return nullptr;
}

class ComponentMissing : public ::testing::TestWithParam<std::string> {};

TEST_P(ComponentMissing, IsRemovedAndCaughtByStartupValidation) {
  const std::string& choice = GetParam();
  const auto scenario = parse_scenario(
      "name = \"c\"\nusers = 1\n[[fault]]\nkind = \"component_missing\"\ncomponent = \"" + choice + "\"\n", "c.toml");
  const auto run = run_scenario(scenario, {1, nullptr, false});
  const auto* startup = find_record(run.trace, "system", "startup");
  ASSERT_NE(startup, nullptr);
  EXPECT_EQ(startup->field("ok"), "false");
  EXPECT_NE(std::string(startup->field("failing")).find(expected_failure(choice)), std::string::npos)
      << startup->field("failing");
  const auto* health = find_record(run.trace, "system", "health");
  ASSERT_NE(health, nullptr);
  EXPECT_EQ(health->field("status"), "503");
  const auto* hit = find_record(run.trace, "system", "fault_hit");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->field("fault"), "component_missing");
}

INSTANTIATE_TEST_SUITE_P(EveryChoice, ComponentMissing, ::testing::ValuesIn(component_choices()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c == ':') c = '_';
  }
  return name;
});

TEST(ScenariosAppFaults, CatalogOffersExactlyTheChoicesTheInjectorRemoves) {
  const auto& row = sim::info(fault_catalog(), sim::FaultKind::kComponentMissing);
  ASSERT_EQ(row.params.size(), 1u);
  EXPECT_EQ(row.params[0].choices, component_choices());
  EXPECT_EQ(row.params[0].fallback, component_choices().front());
}

TEST(ScenariosAppFaults, ChoicesAreTheSystemsCriticalComponentsAndRequiredHandlers) {
  std::vector<std::string> expected(std::begin(system::kCriticalComponents), std::end(system::kCriticalComponents));
  for (const auto type : system::kRequiredHandlers) expected.push_back("handler:" + std::string(type));
  EXPECT_EQ(component_choices(), expected);
}

TEST(ScenariosAppFaults, AComponentTheInjectorCannotRemoveIsALogicError) {
  sim::FaultPlan plan;
  plan.faults.push_back({0, 1, sim::FaultKind::kComponentMissing, "*", {{"component", "gpu"}}});
  system::Components components = system::Components::defaults();
  sim::Scheduler scheduler(sim::Rng(1));
  sim::Rng rng(2);
  sim::Trace trace;
  EXPECT_THROW(apply_application_faults(components, plan, scheduler, rng, trace), std::logic_error);
}

TEST(ScenariosAppFaults, ScenarioNamingAnUnknownComponentIsRejected) {
  try {
    parse_scenario("name = \"c\"\n[[fault]]\nkind = \"component_missing\"\ncomponent = \"gpu\"\n", "c.toml");
    ADD_FAILURE() << "unknown component accepted";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("c.toml:2: fault 'component_missing': param 'component' must be one of bridge, llm, ", 0), 0u)
        << what;
  }
}

TEST(ScenariosAppFaults, OnlyWholeRunApplicationFaultsAreRecordedAtStartup) {
  sim::FaultPlan plan;
  plan.faults.push_back({0, 1, sim::FaultKind::kToolThrows, "*", {}});
  plan.faults.push_back({0, 1, sim::FaultKind::kSessionMissing, "*", {}});
  plan.faults.push_back({0, 1, sim::FaultKind::kExpiredToken, "user:u1", {}});
  sim::Trace trace;
  record_startup_fault_hits(plan, trace);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace.records()[0].field("fault"), "session_missing");
}

}  // namespace
}  // namespace bridgesim::scenarios
