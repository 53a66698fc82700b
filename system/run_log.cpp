#include "system/run_log.hpp"
#include "system/runtime/invariant.hpp"

#include <algorithm>

namespace bridgesim::system {

RunLog::RunLog(runtime::Timers& timers, RunLogLimits limits) : timers_(timers), limits_(limits) {}

bool RunLog::append(const runtime::RelayMessage& message, bool terminal) {
  auto it = runs_.find(message.run_id);
  if (it == runs_.end()) {
    if (runs_.size() >= limits_.runs_max) {
      if (finished_.empty()) return false;
      forget(finished_.front());  // the oldest finished run makes room
    }
    it = runs_.emplace(message.run_id, Run{message.user_id, {}, false}).first;
  }
  Run& run = it->second;
  BRIDGESIM_ASSERT(run.user_id == message.user_id, "a run belongs to one user");
  BRIDGESIM_ASSERT(!run.terminal, "nothing follows a terminal event");
  BRIDGESIM_ASSERT(message.seq == run.events.size() + 1, "seq is gapless from 1");
  if (run.events.size() >= limits_.events_per_run_max) return false;
  run.events.push_back(message);
  if (terminal) {
    run.terminal = true;
    finished_.push_back(message.run_id);
    timers_.call_after(limits_.retention_ns, [this, id = message.run_id] { forget(id); });
  }
  return true;
}

void RunLog::forget(const std::string& run_id) {
  if (runs_.erase(run_id) == 0) return;  // already evicted
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
  if (after_seq >= events.size()) return {};
  return {events.begin() + static_cast<std::ptrdiff_t>(after_seq), events.end()};
}

}  // namespace bridgesim::system
