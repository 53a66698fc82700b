#pragma once
// The runtime seam (system/runtime/) implemented for the real world: wall
// time, Asio timers on the server's io_context, and randomness: OS entropy
// by default (run and session ids nobody can predict), a seeded PRNG when a
// caller asks for reproducibility. Together with server.hpp this is the only
// place the system meets real time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

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
// Predictable by design: benchmarks and tests that replay, never ids a
// stranger must not guess.
class SeededRandom final : public runtime::Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : generator_(seed) {}
  std::uint64_t next_u64() override { return generator_.next(); }

 private:
  runtime::Xoshiro256ss generator_;
};

// The kernel's CSPRNG (getrandom(2)), read kBufferWords words at a time.
// Throws std::system_error when the kernel cannot answer: no id is ever
// made from anything weaker.
class OsEntropyRandom final : public runtime::Random {
 public:
  std::uint64_t next_u64() override;

 private:
  static constexpr std::size_t kBufferWords = 32;
  std::array<std::uint64_t, kBufferWords> buffer_{};
  std::size_t used_ = kBufferWords;  // all used: the first call reads
};

// 64 bits from the kernel's CSPRNG, for one-off draws.
std::uint64_t os_entropy_u64();

// The real world's randomness: SeededRandom(*seed), or OS entropy when
// `seed` is empty (the default everywhere `serve` hands out ids).
std::unique_ptr<runtime::Random> make_real_random(std::optional<std::uint64_t> seed);

}  // namespace bridgesim::net
