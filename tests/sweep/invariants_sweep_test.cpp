// A broken invariant in a simulated run is a bug report, not an abort: the
// run records a `crash` naming file:line and the reason, `no_crash` fails,
// and the sweep's failures name the seed and the command that replays it —
// and replaying that seed breaks the same invariant at the same point.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness/harness.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim {
namespace {

constexpr std::string_view kReason = "a run reports finished only after its terminal event";

// The default agent, broken: it tells the engine it has finished once its
// LLM answers, without a terminal event. The engine's contract catches it.
class EarlyFinishAgent final : public system::Agent, public std::enable_shared_from_this<EarlyFinishAgent> {
 public:
  explicit EarlyFinishAgent(system::AgentDeps deps) : deps_(std::move(deps)) {}
  void run(std::string input, std::function<void()> finished) override {
    deps_.emitter->notify_agent_started();
    deps_.llm.complete(std::move(input), [self = shared_from_this(), finished](std::string) { finished(); });
  }
  void cancel(std::string_view) override {}
  system::UserEmitter& emitter() override { return *deps_.emitter; }

 private:
  system::AgentDeps deps_;
};

// Test-only: not in the variant catalog (no recorded incident).
scenarios::Variant early_finish() {
  return scenarios::Variant{"test_agent_finishes_early", "an agent reported finished before its terminal event",
                            "no_crash", [](system::Components& c) {
                              c.tools_and_agents = [inner = c.tools_and_agents](system::AgentRegistry& registry,
                                                                                const system::AppConfig& config,
                                                                                system::Runtime& rt) {
                                if (inner) inner(registry, config, rt);
                                registry.register_agent(config.default_agent, [](system::AgentDeps deps) {
                                  return std::make_shared<EarlyFinishAgent>(std::move(deps));
                                });
                              };
                            }};
}

scenarios::Scenario golden_path() { return scenarios::find_scenario("golden_path", BRIDGESIM_SCENARIO_DIR); }

TEST(SweepInvariants, ABrokenInvariantIsACrashRecordNamingFileLineAndReason) {
  const auto variant = early_finish();
  const auto run = scenarios::run_scenario(golden_path(), {7, &variant, false});
  std::string what;
  for (const auto& r : run.trace.records()) {
    if (r.actor == sim::actor::kWorld && r.kind == sim::record::kCrash) what = r.field(sim::record_field::kWhat);
  }
  EXPECT_NE(what.find("invariant violated at agents.cpp:"), std::string::npos) << what;
  EXPECT_NE(what.find(kReason), std::string::npos) << what;
  // The same world without the broken agent has no crash: the variant is what breaks it.
  const auto healthy = scenarios::run_scenario(golden_path(), {7, nullptr, false});
  for (const auto& r : healthy.trace.records()) EXPECT_NE(r.kind, sim::record::kCrash);
}

TEST(SweepInvariants, TheSweepFailsNoCrashAndNamesASeedAndReplayThatReproduceIt) {
  const auto variant = early_finish();
  const auto scenario = golden_path();
  const harness::SweepSpec spec{scenario, 40, 5, &variant, 2, false};
  const auto outcome = harness::sweep(spec);
  EXPECT_EQ(outcome.failing_seeds(), 5u);
  const auto result = harness::to_report(spec, outcome);
  const reports::Failure* crash = nullptr;
  for (const auto& f : result.failures) {
    if (crash == nullptr && f.property == "no_crash") crash = &f;
  }
  ASSERT_NE(crash, nullptr) << "no seed failed no_crash";
  const auto& failure = *crash;
  EXPECT_EQ(failure.seed, 40u);
  EXPECT_NE(failure.message.find("agents.cpp:"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find(kReason), std::string::npos) << failure.message;
  EXPECT_EQ(failure.replay_command,
            "bridgesim replay --scenario golden_path --seed 40 --variant test_agent_finishes_early");

  reports::SweepReport report;
  report.results.push_back(result);
  EXPECT_FALSE(report.passed());
  const std::string markdown = reports::to_markdown(report);
  EXPECT_NE(markdown.find(failure.replay_command), std::string::npos) << markdown;
  EXPECT_NE(markdown.find(std::string(kReason)), std::string::npos) << markdown;

  // Replay what the command names (its seed, this variant): the same trace, the same crash.
  const std::string seed_flag = "--seed ";
  const auto at = failure.replay_command.find(seed_flag) + seed_flag.size();
  const std::uint64_t seed = std::stoull(failure.replay_command.substr(at));
  const auto replayed = harness::run_seed(scenario, seed, &variant);
  EXPECT_EQ(replayed.trace_hash, outcome.seeds.front().trace_hash);
  ASSERT_FALSE(replayed.violations.empty());
  bool same_crash = false;
  for (const auto& v : replayed.violations) same_crash |= v.property == "no_crash" && v.message == failure.message;
  EXPECT_TRUE(same_crash);
}

}  // namespace
}  // namespace bridgesim
