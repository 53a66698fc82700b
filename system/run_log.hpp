#pragma once
// Every event of every recent run, by run and seq: what `resume` replays to
// a reconnecting client and what the socket side fetches to fill a gap the
// relay left. Bounded: at most runs_max runs, events_per_run_max each; a run
// is forgotten `retention_ns` after its terminal event, or earlier (oldest
// finished first) when a new run needs the room. Runs still in flight are
// never evicted: when all runs_max are in flight, has_room() is false and
// the App refuses new runs (run_not_started) instead of running them unlogged.
// A run longer than events_per_run_max keeps its first events_per_run_max
// events and its terminal event (the ones between are live only, not
// resumable); its terminal event always ends it, so it is forgotten like any
// other finished run and never holds its slot past its end.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/runtime/bounds.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {

struct RunLogLimits {
  std::size_t runs_max = 10'000;
  std::size_t events_per_run_max = 1'024;
  runtime::Nanos retention_ns = 10 * runtime::kNanosPerSecond;
};

class RunLog {
 public:
  // `bounds` (may be null) hears of every eviction and refusal.
  RunLog(runtime::Timers& timers, RunLogLimits limits, runtime::BoundObserver* bounds = nullptr);

  // Records the event; false when a bound refused it (the run log full of
  // runs in flight, or a non-terminal event past the per-run cap). A
  // terminal event always ends its run, logged or not.
  bool append(const runtime::RelayMessage& message, bool terminal);
  // Whether a new run can be logged now (evicting a finished run if need be).
  bool has_room() const { return runs_.size() < limits_.runs_max || !finished_.empty(); }
  std::optional<std::string> owner(const std::string& run_id) const;
  // Events with seq > after_seq, in seq order.
  std::vector<runtime::RelayMessage> after(const std::string& run_id, std::uint64_t after_seq) const;
  std::size_t runs() const { return runs_.size(); }
  std::size_t runs_max() const { return limits_.runs_max; }
  std::size_t events_per_run_max() const { return limits_.events_per_run_max; }
  runtime::Nanos retention_ns() const { return limits_.retention_ns; }

 private:
  struct Run {
    std::string user_id;
    // Ascending seq: events[i].seq == i + 1 up to the cap, then at most the
    // terminal event.
    std::vector<runtime::RelayMessage> events;
    std::uint64_t last_seq = 0;  // the last seq appended, logged or not
    bool terminal = false;
  };
  runtime::Timers& timers_;
  RunLogLimits limits_;
  runtime::BoundObserver* bounds_;
  std::map<std::string, Run> runs_;
  std::deque<std::string> finished_;  // terminal runs still kept, oldest first
  void forget(const std::string& run_id);
};

}  // namespace bridgesim::system
