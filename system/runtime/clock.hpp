#pragma once
// Time as the system sees it. In the simulated world these are backed by the
// virtual clock and the scheduler; in the real world by std::chrono and Asio.
#include <cstdint>
#include <functional>
#include <memory>

namespace bridgesim::runtime {

// Nanoseconds since the Unix epoch. Simulated time starts at a fixed epoch so
// that JWT `exp` claims mean the same thing in both worlds.
using Nanos = std::int64_t;

constexpr Nanos kNanosPerMicro = 1'000;
constexpr Nanos kNanosPerMilli = 1'000'000;
constexpr Nanos kNanosPerSecond = 1'000'000'000;

constexpr Nanos millis(std::int64_t ms) { return ms * kNanosPerMilli; }
constexpr Nanos seconds(std::int64_t s) { return s * kNanosPerSecond; }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Nanos now_ns() const = 0;
};

// A cancellable one-shot timer. Cancelling after it fired is a no-op.
class TimerHandle {
 public:
  TimerHandle() = default;
  explicit TimerHandle(std::shared_ptr<bool> cancelled) : cancelled_(std::move(cancelled)) {}
  void cancel() {
    if (cancelled_) *cancelled_ = true;
  }

 private:
  std::shared_ptr<bool> cancelled_;
};

class Timers {
 public:
  virtual ~Timers() = default;
  // Runs `fn` once, `delay_ns` (>= 0) from now, on the system's single thread.
  virtual TimerHandle call_after(Nanos delay_ns, std::function<void()> fn) = 0;
};

}  // namespace bridgesim::runtime
