// sim::Scheduler: virtual time, time-ordered events, seeded tie-breaking of
// equal-time events, cancellable timers, run_until.
#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"

namespace bridgesim::sim {
namespace {

using runtime::millis;

// The order in which `n` events posted for the same instant run under `seed`.
std::vector<int> equal_time_order(std::uint64_t seed, int n) {
  Scheduler scheduler{Rng(seed)};
  std::vector<int> order;
  for (int i = 0; i < n; ++i) scheduler.post_after(millis(1), [&order, i] { order.push_back(i); });
  scheduler.run_until(millis(10));
  return order;
}

TEST(SimScheduler, ClockStartsAtTheSimEpoch) {
  Scheduler scheduler{Rng(1)};
  EXPECT_EQ(scheduler.elapsed_ns(), 0);
  EXPECT_EQ(scheduler.now_ns(), kSimEpochNs);
  EXPECT_EQ(kSimEpochNs, runtime::seconds(1'767'225'600));  // 2026-01-01T00:00:00Z
}

TEST(SimScheduler, RunsEventsInTimeOrderAndAdvancesTheClockToEach) {
  Scheduler scheduler{Rng(1)};
  std::vector<std::pair<int, runtime::Nanos>> ran;
  for (int ms : {30, 10, 20, 5, 25}) {
    scheduler.post_after(millis(ms), [&, ms] { ran.emplace_back(ms, scheduler.elapsed_ns()); });
  }
  while (scheduler.step()) {
  }
  ASSERT_EQ(ran.size(), 5u);
  const int expected[] = {5, 10, 20, 25, 30};
  for (std::size_t i = 0; i < ran.size(); ++i) {
    EXPECT_EQ(ran[i].first, expected[i]);
    EXPECT_EQ(ran[i].second, millis(expected[i]));
  }
  EXPECT_EQ(scheduler.now_ns(), kSimEpochNs + millis(30));
  EXPECT_EQ(scheduler.events_run(), 5u);
  EXPECT_FALSE(scheduler.step());
}

TEST(SimScheduler, EventsPostedWhileRunningAreRelativeToTheirOwnTime) {
  Scheduler scheduler{Rng(1)};
  std::vector<runtime::Nanos> at;
  scheduler.post_after(millis(10), [&] {
    at.push_back(scheduler.elapsed_ns());
    scheduler.post_after(millis(5), [&] { at.push_back(scheduler.elapsed_ns()); });
    scheduler.post_after(0, [&] { at.push_back(scheduler.elapsed_ns()); });
  });
  scheduler.post_after(millis(12), [&] { at.push_back(scheduler.elapsed_ns()); });
  while (scheduler.step()) {
  }
  EXPECT_EQ(at, (std::vector<runtime::Nanos>{millis(10), millis(10), millis(12), millis(15)}));
}

TEST(SimScheduler, EqualTimeOrderDependsOnTheSeed) {
  const auto a = equal_time_order(1, 10), b = equal_time_order(2, 10);
  ASSERT_EQ(a.size(), 10u);
  ASSERT_EQ(b.size(), 10u);
  EXPECT_NE(a, b);
  // Across seeds, many interleavings are explored, not just insertion order.
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) orders.insert(equal_time_order(seed, 10));
  EXPECT_GE(orders.size(), 15u);
}

TEST(SimScheduler, SameSeedSameEqualTimeOrder) {
  for (std::uint64_t seed : {1u, 7u, 12345u}) EXPECT_EQ(equal_time_order(seed, 10), equal_time_order(seed, 10));
}

TEST(SimScheduler, EqualTimeEventsAllRunExactlyOnce) {
  auto order = equal_time_order(3, 50);
  std::sort(order.begin(), order.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(SimScheduler, CancelledTimerDoesNotRun) {
  Scheduler scheduler{Rng(1)};
  int kept = 0, cancelled = 0;
  auto handle = scheduler.call_after(millis(5), [&] { ++cancelled; });
  scheduler.call_after(millis(5), [&] { ++kept; });
  handle.cancel();
  scheduler.run_until(millis(100));
  EXPECT_EQ(cancelled, 0);
  EXPECT_EQ(kept, 1);
  EXPECT_EQ(scheduler.events_run(), 1u);
}

TEST(SimScheduler, CancelFromAnEarlierEventAndAfterFiringAreSafe) {
  Scheduler scheduler{Rng(1)};
  int later = 0, fired = 0;
  auto victim = scheduler.call_after(millis(10), [&] { ++later; });
  scheduler.post_after(millis(5), [&] { victim.cancel(); });
  auto done = scheduler.call_after(millis(1), [&] { ++fired; });
  scheduler.run_until(millis(100));
  done.cancel();  // after it fired: no-op
  runtime::TimerHandle empty;
  empty.cancel();  // a default handle cancels nothing
  EXPECT_EQ(later, 0);
  EXPECT_EQ(fired, 1);
}

TEST(SimScheduler, RunUntilStopsAtTheDeadline) {
  Scheduler scheduler{Rng(1)};
  std::vector<int> ran;
  for (int ms : {10, 20, 30}) scheduler.post_after(millis(ms), [&ran, ms] { ran.push_back(ms); });
  scheduler.run_until(millis(25));
  EXPECT_EQ(ran, (std::vector<int>{10, 20}));
  EXPECT_EQ(scheduler.elapsed_ns(), millis(25));
  EXPECT_EQ(scheduler.pending(), 1u);
  // An event due exactly at the deadline runs.
  scheduler.run_until(millis(30));
  EXPECT_EQ(ran, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(scheduler.elapsed_ns(), millis(30));
}

TEST(SimScheduler, TimeNeverGoesBackwards) {
  Scheduler scheduler{Rng(1)};
  scheduler.post_after(millis(50), [] {});
  scheduler.run_until(millis(40));
  EXPECT_EQ(scheduler.elapsed_ns(), millis(40));
  scheduler.run_until(millis(10));  // an earlier deadline changes nothing
  EXPECT_EQ(scheduler.elapsed_ns(), millis(40));
  EXPECT_EQ(scheduler.pending(), 1u);
  // Delays are relative to the current time, not to the start.
  runtime::Nanos ran_at = -1;
  scheduler.post_after(millis(1), [&] { ran_at = scheduler.elapsed_ns(); });
  scheduler.run_until(millis(45));
  EXPECT_EQ(ran_at, millis(41));
}

TEST(SimScheduler, QuiescentRunStopsTheClockAtTheLastEvent) {
  Scheduler scheduler{Rng(1)};
  scheduler.post_after(millis(3), [] {});
  scheduler.run_until(millis(100));
  EXPECT_EQ(scheduler.elapsed_ns(), millis(3));
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(SimScheduler, NegativeDelayThrowsAndSchedulesNothing) {
  Scheduler scheduler{Rng(1)};
  bool ran = false;
  EXPECT_THROW(scheduler.post_after(-1, [&] { ran = true; }), std::invalid_argument);
  EXPECT_THROW(scheduler.call_after(-millis(1), [&] { ran = true; }), std::invalid_argument);
  EXPECT_EQ(scheduler.pending(), 0u);
  scheduler.run_until(millis(10));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace bridgesim::sim
