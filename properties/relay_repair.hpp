#pragma once
// Which runs the socket side cannot repair after the relay lost events of
// them. The OrderedReceiver fills a gap or a lost tail from the RunLog, so a
// relay loss is normally invisible to clients; it stays visible for a run
//  * the relay lost an event of that the log did not keep (past
//    events_per_run_max: a `not_logged` bound record for that seq);
//  * the relay lost an event of that the log forgot before the repair was
//    due (runs_max evicted the finished run within kRelayRepairNs of the
//    loss: an `evicted` bound record) — the gap can no longer be filled;
//  * the relay lost every event of (the receiver never heard of it);
//  * the relay held events of back (reorder) until after the log forgot the
//    finished run (an `evicted` record within kRelayRepairNs of the
//    reorder): the receiver drops events of a run the log does not know;
//  * more than pending_per_run_max events of waited behind a gap (a
//    `pending_per_run_max filled` record) while the log kept only part of it
//    (`not_logged`): the fill skips what the log does not hold.
// For these runs a relay fault excuses a loss (`streams`, `delivery`).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "properties/fault_windows.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties {

// The socket side repairs a relay loss from the run log: a gap after its
// gap timeout (50 ms), a lost tail once the run stayed quiet for its idle
// poll (250 ms; docs/architecture.md's bounds).
inline constexpr runtime::Nanos kRelayRepairNs = 250 * runtime::kNanosPerMilli;

std::set<std::string> unrepairable_runs(const sim::Trace& trace);

// What `delivery` excuses: a run the relay lost events of for good, or one
// the log cannot replay in full — it did not keep every event (past
// events_per_run_max: `not_logged` records) or it forgot the finished run for
// room (a runs_max `evicted` record), so a resume cannot give back what a
// client lost (docs/architecture.md's bounds) — while a fault for its user
// (or everyone) was active from the request on.
class LostForGood {
 public:
  explicit LostForGood(const sim::Trace& trace);
  bool excuses(const std::string& run, std::string_view user, runtime::Nanos asked_ns) const;

 private:
  std::set<std::string> unrepairable_;
  std::set<std::string> unreplayable_;
  std::vector<FaultWindow> windows_;
};

}  // namespace bridgesim::properties
