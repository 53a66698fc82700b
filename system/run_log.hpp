#pragma once
// Every event of every recent run, by run and seq: what `resume` replays to
// a reconnecting client and what the socket side fetches to fill a gap the
// relay left. Bounded: at most max_runs runs, max_events_per_run each; a run
// is forgotten `retention_ns` after its terminal event.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "system/runtime/clock.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {

struct RunLogLimits {
  std::size_t max_runs = 10'000;
  std::size_t max_events_per_run = 1'024;
  runtime::Nanos retention_ns = 10 * runtime::kNanosPerSecond;
};

class RunLog {
 public:
  RunLog(runtime::Timers& timers, RunLogLimits limits);

  // Records the event; false when a bound refused it (the run is then cut
  // short with agent_error by the caller).
  bool append(const runtime::RelayMessage& message, bool terminal);
  std::optional<std::string> owner(const std::string& run_id) const;
  // Events with seq > after_seq, in seq order.
  std::vector<runtime::RelayMessage> after(const std::string& run_id, std::uint64_t after_seq) const;
  std::size_t runs() const { return runs_.size(); }
  runtime::Nanos retention_ns() const { return limits_.retention_ns; }

 private:
  struct Run {
    std::string user_id;
    std::vector<runtime::RelayMessage> events;  // events[i].seq == i + 1
    bool terminal = false;
  };
  runtime::Timers& timers_;
  RunLogLimits limits_;
  std::map<std::string, Run> runs_;
};

}  // namespace bridgesim::system
