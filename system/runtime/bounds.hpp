#pragma once
// Where the system reports a bound it reached: a decision that is otherwise
// invisible from outside (a run refused at a per-user cap, a run log entry
// evicted for room, an event kept out of a full run's log, an idempotency
// key or a cached identity forgotten). The simulated world writes each one to
// the trace as a `system bound` record, so the `bounds` property can judge
// that the limit behaved as documented; nothing is reported below a bound,
// so a run that never reaches one records nothing new. Null: nobody listens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bridgesim::runtime {

namespace bound {
// The limit reached, named as AppConfig names it.
constexpr std::string_view kActiveRunsPerUser = "active_runs_per_user_max";
constexpr std::string_view kRuns = "runs_max";
constexpr std::string_view kEventsPerRun = "events_per_run_max";
constexpr std::string_view kIdempotencyKeys = "idempotency_keys_max";
constexpr std::string_view kKnownIdentities = "known_identities_max";
constexpr std::string_view kPendingPerRun = "pending_per_run_max";  // the receiver's events behind a gap
}  // namespace bound

namespace bound_action {
constexpr std::string_view kRefused = "refused";       // a new run was not started (run_not_started)
constexpr std::string_view kEvicted = "evicted";       // the oldest / least recently used entry was forgotten
constexpr std::string_view kNotLogged = "not_logged";  // an event past the cap stayed live only
constexpr std::string_view kFilled = "filled";         // the gap was filled from the run log at once
constexpr std::string_view kReplaced = "replaced";     // a retried request id whose run the log forgot names a new run
}  // namespace bound_action

struct BoundHit {
  std::string_view bound;   // bound::*
  std::string_view action;  // bound_action::*
  std::string user;         // whose request or entry ("" when none)
  std::string subject;      // the run, key or identity concerned
  std::uint64_t seq = 0;    // the event not logged (events_per_run_max), else 0
  std::size_t held = 0;     // what the component held when it decided
  std::size_t max = 0;      // its configured limit
};

class BoundObserver {
 public:
  virtual ~BoundObserver() = default;
  virtual void on_bound(const BoundHit& hit) = 0;
};

// Reports `hit` to `observer` when there is one.
inline void report_bound(BoundObserver* observer, const BoundHit& hit) {
  if (observer != nullptr) observer->on_bound(hit);
}

}  // namespace bridgesim::runtime
