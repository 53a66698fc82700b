// run --check-determinism: a seed run twice must give one trace, and a
// component whose output depends on a pointer value must be caught, naming
// the first record that differs.
#include <cstdint>
#include <memory>

#include <gtest/gtest.h>

#include "harness/determinism.hpp"
#include "harness/replay_command.hpp"
#include "scenarios/scenario.hpp"
#include "system/agents.hpp"

namespace bridgesim::harness {
namespace {

// A search tool whose results carry the address of a fresh heap block: the
// kind of leak of nondeterminism a pointer-keyed container would be.
class PointerTool final : public system::Tool {
 public:
  explicit PointerTool(runtime::Timers& timers) : timers_(timers) {}
  std::string_view name() const override { return "search"; }
  void run(boost::json::object, std::function<void(boost::json::value)> done) override {
    auto block = std::make_unique<char[]>(64);
    const auto address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(block.get()));
    timers_.call_after(runtime::kNanosPerMilli, [done, address] { done(boost::json::value(address % 100'000)); });
  }

 private:
  runtime::Timers& timers_;
};

scenarios::Scenario golden_path() { return scenarios::find_scenario("golden_path", default_scenario_dir()); }

TEST(Determinism, TwoRunsOfASeedGiveOneTrace) {
  const auto scenario = golden_path();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto d = check_determinism(scenario, seed, nullptr);
    EXPECT_FALSE(d.has_value()) << "seed " << seed << " diverged at record #" << d->record_index << ": " << d->first
                                << " vs " << d->second;
  }
}

TEST(Determinism, AResultThatDependsOnAPointerIsCaughtAtItsRecord) {
  scenarios::Variant pointer_tool{
      "pointer_tool", "a tool answered with a heap address", "determinism", [](system::Components& c) {
        const auto agents = c.tools_and_agents;
        c.tools_and_agents = [agents](system::AgentRegistry& registry, const system::AppConfig& config,
                                      system::Runtime& rt) {
          agents(registry, config, rt);
          registry.add_tool(std::make_unique<PointerTool>(rt.timers));
        };
      }};
  const auto d = check_determinism(golden_path(), 1, &pointer_tool);
  ASSERT_TRUE(d.has_value()) << "a heap address in a frame must make two runs differ";
  EXPECT_EQ(d->seed, 1u);
  EXPECT_NE(d->first, d->second);
  EXPECT_NE(d->first.find("tool_completed"), std::string::npos) << d->first;
}

}  // namespace
}  // namespace bridgesim::harness
