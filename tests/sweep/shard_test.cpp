// harness::shard_range and harness::replay_command: how a CI matrix splits a
// seed range, and how a failing seed is named to a human.
#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "harness/replay_command.hpp"
#include "harness/shard.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim {
namespace {

RC_GTEST_PROP(Shard, TheShardsPartitionTheRangeExactlyInOrder, ()) {
  const auto first = *rc::gen::inRange<std::uint64_t>(0, 1'000'000);
  const auto count = *rc::gen::inRange<std::uint64_t>(0, 10'000);
  const auto shards = *rc::gen::inRange<std::uint64_t>(1, 64);
  std::uint64_t next = first;
  std::uint64_t smallest = UINT64_MAX, largest = 0;
  for (std::uint64_t k = 1; k <= shards; ++k) {
    const auto [start, n] = harness::shard_range(first, count, k, shards);
    RC_ASSERT(start == next);
    next += n;
    smallest = std::min(smallest, n);
    largest = std::max(largest, n);
  }
  RC_ASSERT(next == first + count);
  RC_ASSERT(largest - smallest <= 1u);
}

TEST(Shard, AnIndexOutsideOneToNIsRefused) {
  EXPECT_THROW(harness::shard_range(1, 10, 0, 4), std::invalid_argument);
  EXPECT_THROW(harness::shard_range(1, 10, 5, 4), std::invalid_argument);
  EXPECT_THROW(harness::shard_range(1, 10, 1, 0), std::invalid_argument);
}

TEST(ReplayCommand, NamesADefaultScenarioByNameAnyOtherByPathWithItsVariant) {
  scenarios::Scenario shipped;
  shipped.name = "golden_path";
  shipped.source = harness::default_scenario_dir() + "/golden_path.toml";
  EXPECT_EQ(harness::replay_command(shipped, 17, nullptr), "bridgesim replay --scenario golden_path --seed 17");

  scenarios::Scenario local = shipped;
  local.source = "out/golden_path_shrunk_seed1.toml";
  const auto* leaky = scenarios::find_variant("leaky_manager");
  ASSERT_NE(leaky, nullptr);
  EXPECT_EQ(harness::replay_command(local, 1, leaky),
            "bridgesim replay --scenario out/golden_path_shrunk_seed1.toml --seed 1 --variant leaky_manager");
}

}  // namespace
}  // namespace bridgesim
