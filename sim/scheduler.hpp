#pragma once
// Virtual time and the event queue. Events run in time order; events due at
// the same instant run in an order drawn from the seeded rng, so different
// seeds explore different interleavings and one seed always replays one.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "sim/rng.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::sim {

// Virtual time 0 is this instant of the Unix epoch (2026-01-01T00:00:00Z),
// so JWT expiry claims read the same in both worlds.
constexpr runtime::Nanos kSimEpochNs = 1'767'225'600 * runtime::kNanosPerSecond;

class Scheduler final : public runtime::Clock, public runtime::Timers {
 public:
  explicit Scheduler(Rng tie_breaker);

  runtime::Nanos now_ns() const override { return kSimEpochNs + now_; }
  // Virtual time since the run started.
  runtime::Nanos elapsed_ns() const { return now_; }

  runtime::TimerHandle call_after(runtime::Nanos delay_ns, std::function<void()> fn) override;
  // Like call_after, without a handle.
  void post_after(runtime::Nanos delay_ns, std::function<void()> fn);

  // Runs the next due event; false when the queue is empty.
  bool step();
  // Runs events until the queue is empty or the next event is later than
  // `deadline_ns` (elapsed time); time ends at min(deadline, last event).
  void run_until(runtime::Nanos deadline_ns);

  std::uint64_t events_run() const { return events_run_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  struct Event {
    runtime::Nanos at;
    std::uint64_t tie;
    std::uint64_t order;
    std::function<void()> fn;
    std::shared_ptr<bool> cancelled;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.at != b.at) return a.at > b.at;
      if (a.tie != b.tie) return a.tie > b.tie;
      return a.order > b.order;
    }
  };

  void push(runtime::Nanos delay_ns, std::function<void()> fn, std::shared_ptr<bool> cancelled);

  Rng tie_breaker_;
  runtime::Nanos now_ = 0;
  std::uint64_t next_order_ = 0;
  std::uint64_t events_run_ = 0;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
};

}  // namespace bridgesim::sim
