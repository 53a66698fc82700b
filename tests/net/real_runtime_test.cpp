// The real world's runtime: wall clock, Asio timers, seeded randomness.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "system/net/real_runtime.hpp"

namespace bridgesim::net {
namespace {

TEST(NetRealRuntime, ClockIsNanosecondsSinceTheUnixEpoch) {
  const RealClock clock;
  const auto wall_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const runtime::Nanos now_ns = clock.now_ns();
  EXPECT_LE(std::abs(now_ns / runtime::kNanosPerSecond - wall_s), 2);
  EXPECT_LE(now_ns, clock.now_ns());
}

TEST(NetRealRuntime, TimersFireInDelayOrderAndACancelledOneNever) {
  boost::asio::io_context io;
  AsioTimers timers(io);
  std::vector<std::string> fired;
  timers.call_after(runtime::millis(20), [&] { fired.push_back("late"); });
  timers.call_after(0, [&] { fired.push_back("now"); });
  auto cancelled = timers.call_after(runtime::millis(5), [&] { fired.push_back("cancelled"); });
  timers.call_after(runtime::millis(10), [&] { fired.push_back("soon"); });
  cancelled.cancel();
  EXPECT_TRUE(fired.empty()) << "a zero delay still runs later, on the loop";
  io.run();
  EXPECT_EQ(fired, (std::vector<std::string>{"now", "soon", "late"}));
}

TEST(NetRealRuntime, SeededRandomRepeatsPerSeed) {
  SeededRandom a(7), b(7), c(8);
  std::vector<std::uint64_t> from_a, from_b, from_c;
  for (int i = 0; i < 16; ++i) {
    from_a.push_back(a.next_u64());
    from_b.push_back(b.next_u64());
    from_c.push_back(c.next_u64());
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
  for (int i = 0; i < 1000; ++i) {
    const auto v = a.uniform(3, 9);
    EXPECT_GE(v, 3u);
    EXPECT_LE(v, 9u);
  }
}

}  // namespace
}  // namespace bridgesim::net
