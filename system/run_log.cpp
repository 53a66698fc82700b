#include "system/run_log.hpp"
#include "system/runtime/invariant.hpp"

#include <algorithm>

namespace bridgesim::system {

RunLog::RunLog(runtime::Timers& timers, RunLogLimits limits, runtime::BoundObserver* bounds)
    : timers_(timers), limits_(limits), bounds_(bounds) {}

bool RunLog::append(const runtime::RelayMessage& message, bool terminal) {
  auto it = runs_.find(message.run_id);
  if (it == runs_.end()) {
    if (runs_.size() >= limits_.runs_max) {
      if (finished_.empty()) {
        runtime::report_bound(bounds_, {runtime::bound::kRuns, runtime::bound_action::kNotLogged, message.user_id,
                                        message.run_id, message.seq, runs_.size(), limits_.runs_max});
        return false;
      }
      const std::string oldest = finished_.front();  // the oldest finished run makes room
      runtime::report_bound(bounds_, {runtime::bound::kRuns, runtime::bound_action::kEvicted, runs_.at(oldest).user_id,
                                      oldest, 0, runs_.size(), limits_.runs_max});
      forget(oldest);
    }
    it = runs_.emplace(message.run_id, Run{message.user_id, {}, 0, false}).first;
  }
  Run& run = it->second;
  BRIDGESIM_ASSERT(run.user_id == message.user_id, "a run belongs to one user");
  BRIDGESIM_ASSERT(!run.terminal, "nothing follows a terminal event");
  BRIDGESIM_ASSERT(message.seq == run.last_seq + 1, "seq is gapless from 1");
  run.last_seq = message.seq;
  // Past the cap only the terminal event is kept: a resume still ends the run.
  const bool logged = terminal || run.events.size() < limits_.events_per_run_max;
  if (logged) {
    run.events.push_back(message);
  } else {
    runtime::report_bound(bounds_, {runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, message.user_id,
                                    message.run_id, message.seq, run.events.size(), limits_.events_per_run_max});
  }
  BRIDGESIM_ASSERT(run.events.size() <= limits_.events_per_run_max + 1, "a run keeps at most cap + 1 events");
  if (terminal) {
    run.terminal = true;
    finished_.push_back(message.run_id);
    timers_.call_after(limits_.retention_ns, [this, id = message.run_id] { forget(id); });
  }
  BRIDGESIM_ASSERT(runs_.size() <= limits_.runs_max, "the log holds at most runs_max runs");
  return logged;
}

void RunLog::forget(const std::string& run_id) {
  const auto run = runs_.find(run_id);
  if (run == runs_.end()) return;  // already evicted
  BRIDGESIM_ASSERT(run->second.terminal, "only a finished run is forgotten");
  runs_.erase(run);
  const auto it = std::find(finished_.begin(), finished_.end(), run_id);
  if (it != finished_.end()) finished_.erase(it);
}

std::optional<std::string> RunLog::owner(const std::string& run_id) const {
  const auto it = runs_.find(run_id);
  if (it == runs_.end()) return std::nullopt;
  return it->second.user_id;
}

std::vector<runtime::RelayMessage> RunLog::after(const std::string& run_id, std::uint64_t after_seq) const {
  const auto it = runs_.find(run_id);
  if (it == runs_.end()) return {};
  const auto& events = it->second.events;
  const auto first = std::partition_point(events.begin(), events.end(),
                                          [after_seq](const runtime::RelayMessage& m) { return m.seq <= after_seq; });
  return {first, events.end()};
}

}  // namespace bridgesim::system
