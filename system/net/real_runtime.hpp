#pragma once
// The runtime seam (system/runtime/) implemented for the real world: wall
// time, Asio timers on the server's io_context, and a seeded PRNG. Together
// with server.hpp this is the only place the system meets real time.
#include <array>
#include <cstdint>
#include <functional>

#include "system/runtime/clock.hpp"
#include "system/runtime/random.hpp"
#include "system/runtime/xoshiro.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bridgesim::net {

// Nanoseconds since the Unix epoch from std::chrono::system_clock, so JWT
// `exp` claims mean what they say.
class RealClock final : public runtime::Clock {
 public:
  runtime::Nanos now_ns() const override;
};

// One steady_timer per call on `io`; the callback runs on the thread that
// runs `io`. A cancelled handle's callback never runs. `io` must outlive
// every timer's completion (or be destroyed with the timers still pending).
class AsioTimers final : public runtime::Timers {
 public:
  explicit AsioTimers(boost::asio::io_context& io) : io_(io) {}
  runtime::TimerHandle call_after(runtime::Nanos delay_ns, std::function<void()> fn) override;

 private:
  boost::asio::io_context& io_;
};

// The same generator as the simulated world's (system/runtime/xoshiro.hpp).
class SeededRandom final : public runtime::Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : generator_(seed) {}
  std::uint64_t next_u64() override { return generator_.next(); }

 private:
  runtime::Xoshiro256ss generator_;
};

}  // namespace bridgesim::net
