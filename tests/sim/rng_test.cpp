// sim::Rng: one seed is one stream; fork(label) gives a component its own
// stream that no other component's draws can shift; uniform stays in bounds.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/rng.hpp"

namespace bridgesim::sim {
namespace {

std::vector<std::uint64_t> draws(Rng& rng, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rng.next_u64());
  return out;
}

TEST(SimRng, SameSeedGivesTheSameStream) {
  Rng a(42), b(42);
  EXPECT_EQ(draws(a, 1000), draws(b, 1000));
}

TEST(SimRng, DifferentSeedsGiveDifferentStreams) {
  Rng a(42), b(43);
  const auto xs = draws(a, 100), ys = draws(b, 100);
  EXPECT_NE(xs, ys);
  // Not merely shifted copies of each other.
  const std::set<std::uint64_t> seen(xs.begin(), xs.end());
  EXPECT_EQ(std::count_if(ys.begin(), ys.end(), [&](std::uint64_t y) { return seen.count(y) != 0; }), 0);
}

TEST(SimRng, StreamIsNotDegenerate) {
  Rng rng(0);  // seed 0 must still give a mixed stream (SplitMix64 seeding)
  const auto xs = draws(rng, 1000);
  EXPECT_EQ(std::set<std::uint64_t>(xs.begin(), xs.end()).size(), xs.size());
}

TEST(SimRng, ForkDoesNotDependOnParentDraws) {
  Rng fresh(7), used(7);
  draws(used, 500);
  Rng from_fresh = fresh.fork("net"), from_used = used.fork("net");
  EXPECT_EQ(draws(from_fresh, 200), draws(from_used, 200));
}

TEST(SimRng, ForkDoesNotAdvanceTheParent) {
  Rng parent(7), twin(7);
  Rng child = parent.fork("scheduler");
  draws(child, 10);
  EXPECT_EQ(draws(parent, 100), draws(twin, 100));
}

TEST(SimRng, ForksAreDistinctPerLabelAndFromTheParent) {
  const Rng parent(99);
  Rng copy = parent;
  Rng net = parent.fork("net"), sched = parent.fork("scheduler"), empty = parent.fork("");
  const auto p = draws(copy, 50), n = draws(net, 50), s = draws(sched, 50), e = draws(empty, 50);
  EXPECT_NE(n, s);
  EXPECT_NE(n, e);
  EXPECT_NE(s, e);
  EXPECT_NE(n, p);
  EXPECT_NE(s, p);
  EXPECT_NE(e, p);
}

TEST(SimRng, ForkWithTheSameLabelOfTheSameSeedRepeats) {
  Rng a = Rng(5).fork("auth"), b = Rng(5).fork("auth"), c = Rng(6).fork("auth");
  const auto xs = draws(a, 50);
  EXPECT_EQ(xs, draws(b, 50));
  EXPECT_NE(xs, draws(c, 50));
}

RC_GTEST_PROP(SimRng, UniformStaysWithinArbitraryBounds, (std::uint64_t seed, std::uint64_t x, std::uint64_t y)) {
  const std::uint64_t lo = std::min(x, y), hi = std::max(x, y);
  Rng rng(seed);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t v = rng.uniform(lo, hi);
    RC_ASSERT(v >= lo);
    RC_ASSERT(v <= hi);
  }
}

RC_GTEST_PROP(SimRng, UniformOfAOnePointRangeIsThatPoint, (std::uint64_t seed, std::uint64_t x)) {
  Rng rng(seed);
  RC_ASSERT(rng.uniform(x, x) == x);
}

TEST(SimRng, UniformHitsBothEndsOfSmallRanges) {
  Rng rng(2024);
  const std::pair<std::uint64_t, std::uint64_t> ranges[] = {
      {0, 1},
      {0, 9},
      {5, 12},
      {1'000'000, 1'000'006},
      {std::numeric_limits<std::uint64_t>::max() - 3, std::numeric_limits<std::uint64_t>::max()}};
  for (const auto& [lo, hi] : ranges) {
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 10'000; ++i) seen.insert(rng.uniform(lo, hi));
    EXPECT_TRUE(seen.count(lo)) << "[" << lo << ", " << hi << "] never drew lo";
    EXPECT_TRUE(seen.count(hi)) << "[" << lo << ", " << hi << "] never drew hi";
    EXPECT_EQ(seen.size(), hi - lo + 1) << "every value of a small range shows up";
  }
}

TEST(SimRng, UniformIsRoughlyFlat) {
  Rng rng(11);
  std::vector<int> counts(10, 0);
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) ++counts[rng.uniform(0, 9)];
  for (int c : counts) {
    EXPECT_GT(c, kDraws / 10 * 9 / 10);
    EXPECT_LT(c, kDraws / 10 * 11 / 10);
  }
}

TEST(SimRng, UniformOverTheWholeRangeIsTheRawStream) {
  Rng a(3), b(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.uniform(0, std::numeric_limits<std::uint64_t>::max()), b.next_u64());
}

TEST(SimRng, ChanceZeroNeverAndMillionAlways) {
  Rng rng(8);
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_FALSE(rng.chance(0));
    EXPECT_TRUE(rng.chance(1'000'000));
  }
}

}  // namespace
}  // namespace bridgesim::sim
