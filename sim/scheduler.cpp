#include "sim/scheduler.hpp"
#include "system/runtime/invariant.hpp"

#include <limits>
#include <stdexcept>

namespace bridgesim::sim {

Scheduler::Scheduler(Rng tie_breaker) : tie_breaker_(std::move(tie_breaker)) {}

void Scheduler::push(runtime::Nanos delay_ns, std::function<void()> fn, std::shared_ptr<bool> cancelled) {
  if (delay_ns < 0) throw std::invalid_argument("Scheduler: negative delay");
  BRIDGESIM_ASSERT(delay_ns <= std::numeric_limits<runtime::Nanos>::max() - now_, "an event's time does not overflow");
  queue_.push(Event{now_ + delay_ns, tie_breaker_.next_u64(), next_order_++, std::move(fn), std::move(cancelled)});
}

runtime::TimerHandle Scheduler::call_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  auto cancelled = std::make_shared<bool>(false);
  push(delay_ns, std::move(fn), cancelled);
  return runtime::TimerHandle(std::move(cancelled));
}

void Scheduler::post_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  push(delay_ns, std::move(fn), nullptr);
}

bool Scheduler::step() {
  if (queue_.empty()) return false;
  // priority_queue::top is const; the event is moved out before pop.
  Event event = std::move(const_cast<Event&>(queue_.top()));
  queue_.pop();
  BRIDGESIM_ASSERT(event.at >= now_, "time never runs backwards");
  now_ = event.at;
  if (event.cancelled && *event.cancelled) return true;
  ++events_run_;
  event.fn();
  return true;
}

void Scheduler::run_until(runtime::Nanos deadline_ns) {
  while (!queue_.empty() && queue_.top().at <= deadline_ns) step();
  if (queue_.empty() && now_ < deadline_ns) return;  // quiescent: time stops at the last event
  if (now_ < deadline_ns) now_ = deadline_ns;
}

}  // namespace bridgesim::sim
