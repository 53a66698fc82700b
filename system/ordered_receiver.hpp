#pragma once
// The socket side of the relay: puts each run's events back in seq order,
// drops duplicates, and when a gap stays open for gap_timeout (a lost or
// slow event) fills it from the RunLog; a run that goes quiet before its
// terminal event is looked up in the RunLog too (a lost tail). Hands events to `deliver` gapless,
// in order, exactly once.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "system/run_log.hpp"
#include "system/runtime/bounds.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {

struct ReceiverLimits {
  runtime::Nanos gap_timeout_ns = 50 * runtime::kNanosPerMilli;
  // A run that went quiet before its terminal event may have lost its tail
  // (nothing later arrives to reveal the gap): look in the log this often.
  runtime::Nanos idle_poll_ns = 250 * runtime::kNanosPerMilli;
  std::size_t pending_per_run_max = 64;  // beyond it, fill the gap at once
};

// The socket side of the relay, as startup sees it (a factory seam).
class EventReceiver {
 public:
  using Deliver = std::function<void(const runtime::RelayMessage&)>;
  virtual ~EventReceiver() = default;
  virtual void on_message(runtime::RelayMessage message) = 0;
  // Runs it still keeps state for.
  virtual std::size_t runs_tracked() const = 0;
};

class OrderedReceiver final : public EventReceiver {
 public:
  OrderedReceiver(runtime::Timers& timers, const RunLog& log, ReceiverLimits limits, Deliver deliver,
                  runtime::BoundObserver* bounds = nullptr);

  void on_message(runtime::RelayMessage message) override;
  // Runs with events waiting behind a gap.
  std::size_t runs_waiting() const;
  std::size_t runs_tracked() const override { return runs_.size(); }

 private:
  struct RunState {
    std::string user_id;  // the run log's owner of the run
    std::uint64_t next_seq = 1;
    bool finished = false;
    std::map<std::uint64_t, runtime::RelayMessage> pending;
    runtime::TimerHandle gap_timer;
    bool gap_timer_armed = false;
    runtime::TimerHandle idle_timer;
  };
  void poll_idle(const std::string& run_id);
  void flush(const std::string& run_id, RunState& run);
  void fill_gap(const std::string& run_id);
  void skip_lost(std::map<std::string, RunState>::iterator it);
  void forward_held(RunState& run, std::uint64_t below);
  void forward(RunState& run, const runtime::RelayMessage& message);

  runtime::Timers& timers_;
  const RunLog& log_;
  ReceiverLimits limits_;
  Deliver deliver_;
  runtime::BoundObserver* bounds_;
  std::map<std::string, RunState> runs_;
};

}  // namespace bridgesim::system
