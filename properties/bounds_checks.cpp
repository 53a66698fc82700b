// The bounds checker: every limit of the system behaves as documented when
// it is exceeded (docs/architecture.md, "Bounds"). Judged from what the
// system could not fake -- the network's own count of frames in flight
// (`net outbound`), the relay's publish records, the server's accepts -- and
// from the `system bound` records the system writes at each decision a bound
// forces (system/runtime/bounds.hpp), checked against the scenario's
// `system limits` record. Without a limits record (every bound at its
// default) only the decisions themselves are judged.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "properties/checker_support.hpp"
#include "properties/properties.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::properties {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;
namespace bound = runtime::bound;
namespace action = runtime::bound_action;

using Message = std::optional<std::string>;

std::string n(std::uint64_t value) { return std::to_string(value); }

// A run as the run log holds it, rebuilt from the relay's publish records
// (the bridge appends every event to the log just before publishing it).
struct LoggedRun {
  std::string user;
  std::optional<runtime::Nanos> terminal_ns;
};

class BoundsJudge {
 public:
  explicit BoundsJudge(const sim::Trace& trace) : trace_(trace) {}

  std::optional<Violation> run() {
    const auto& records = trace_.records();
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (auto message = judge(records[i])) return violation_at("bounds", trace_, i, std::move(*message));
    }
    return std::nullopt;
  }

 private:
  Message judge(const sim::TraceRecord& r) {
    now_ = r.at_ns;
    if (sim::is_record(r, sim::actor::kSystem, rec::kLimits)) return read_limits(r);
    if (const auto o = sim::as_outbound(r)) return judge_outbound(*o);
    if (const auto b = sim::as_bound(r)) return judge_bound(*b);
    if (const auto p = sim::as_publish(r)) return judge_publish(*p);
    if (sim::is_record(r, sim::actor::kNet, rec::kConnect)) {
      users_by_conn_[std::string(r.field(rf::kConn))] = sim::user_of_actor(r.field(rf::kClient));
    }
    if (sim::is_record(r, sim::actor::kNet, rec::kAccept)) return judge_accept(r);
    return std::nullopt;
  }

  Message read_limits(const sim::TraceRecord& r) {
    for (const auto& [key, value] : r.fields) limits_[key] = std::stoull(value);
    return std::nullopt;
  }

  std::optional<std::uint64_t> limit(std::string_view name) const {
    if (const auto it = limits_.find(std::string(name)); it != limits_.end()) return it->second;
    return std::nullopt;
  }

  // --- outbound frames: closed 1013 at the bound, not before, not never ----
  static Message judge_outbound(const sim::OutboundRecord& o) {
    const std::string conn(o.conn);
    if (o.what == "send") {
      return "the server sent a frame to connection " + conn + " while " + n(o.frames) +
             " frames were in flight to it, at its outbound_frames_max of " + n(o.max) +
             ", instead of closing it 1013 (a slow consumer is never shed)";
    }
    if (o.max > 0 && o.frames != o.max) {
      return "the server closed connection " + conn + " 1013 (slow consumer) with " + n(o.frames) +
             " frames in flight; its outbound_frames_max is " + n(o.max) + (o.frames < o.max ? " (too early)" : "");
    }
    return std::nullopt;
  }

  // --- each decision the system reports ----------------------------------
  Message judge_bound(const sim::BoundRecord& b) {
    if (const auto configured = limit(b.bound); configured && *configured != b.max) {
      return std::string(b.bound) + " is " + n(*configured) + " in the scenario, but the system decided at " + n(b.max);
    }
    if (b.bound != bound::kEventsPerRun && b.seq != 0) {
      return std::string(b.bound) + " " + std::string(b.action) + " " + subject(b) + " names event seq " + n(b.seq) +
             ": only events_per_run_max concerns an event";
    }
    if (b.bound == bound::kEventsPerRun) return judge_event_cap(b);
    if (b.bound == bound::kIdempotencyKeys && b.action == action::kReplaced) return judge_key_replaced(b);
    if (b.bound == bound::kPendingPerRun) return judge_pending(b);
    if (b.held != b.max) {
      return std::string(b.bound) + " " + std::string(b.action) + " " + subject(b) + " holding " + n(b.held) +
             ", not at its bound of " + n(b.max);
    }
    if (b.bound == bound::kActiveRunsPerUser) return std::nullopt;  // held == max is the whole rule
    if (b.bound == bound::kRuns) return judge_run_log(b);
    if (b.bound == bound::kIdempotencyKeys) return judge_key_evicted(b);
    if (b.bound == bound::kKnownIdentities) return judge_identity_evicted(b);
    return std::nullopt;
  }

  static std::string subject(const sim::BoundRecord& b) {
    if (b.bound == bound::kActiveRunsPerUser || (b.bound == bound::kRuns && b.action == action::kRefused))
      return "a run of " + std::string(b.user);
    return std::string(b.subject);
  }

  // --- events waiting behind a gap: filled once beyond the bound, not at it -
  static Message judge_pending(const sim::BoundRecord& b) {
    if (b.action != action::kFilled || b.held <= b.max) {
      return "the receiver " + std::string(b.action) + " the gap of run " + std::string(b.subject) + " holding " +
             n(b.held) + " events behind it: pending_per_run_max is " + n(b.max) +
             " (it fills from the run log once more than that wait)";
    }
    return std::nullopt;
  }

  // --- active runs per user: never beyond the cap --------------------------
  Message judge_active(const sim::PublishRecord& p) {
    auto& open = open_runs_[std::string(p.user)];
    if (p.seq == 1) open.insert(std::string(p.run));
    if (protocol::event_type::is_terminal(p.type)) open.erase(std::string(p.run));
    const auto cap = limit(bound::kActiveRunsPerUser);
    if (cap && p.seq == 1 && open.size() > *cap) {
      return "user " + std::string(p.user) + " has " + n(open.size()) + " runs active (started, not ended), beyond " +
             "active_runs_per_user_max = " + n(*cap);
    }
    return std::nullopt;
  }

  Message judge_publish(const sim::PublishRecord& p) {
    if (auto m = judge_active(p)) return m;
    if (auto m = judge_logged_event(p)) return m;
    if (p.seq == 1) {
      if (auto m = remember_key(std::string(p.run))) return m;
    }
    return judge_log_entry(p);
  }

  // --- events per run: the first N and the terminal event are logged -------
  Message judge_event_cap(const sim::BoundRecord& b) {
    if (b.seq <= b.max || b.held != b.max) {
      return "the run log kept event " + n(b.seq) + " of run " + std::string(b.subject) + " out holding " + n(b.held) +
             " of its events; events_per_run_max is " + n(b.max) + " (the first " + n(b.max) + " are kept)";
    }
    not_logged_ = {std::string(b.subject), b.seq};
    return std::nullopt;
  }

  Message judge_logged_event(const sim::PublishRecord& p) {
    const bool dropped = not_logged_.first == p.run && not_logged_.second == p.seq;
    not_logged_ = {};
    if (dropped && protocol::event_type::is_terminal(p.type)) {
      return "the run log kept the terminal event " + std::string(p.type) + " (seq " + n(p.seq) + ") of run " +
             std::string(p.run) + " out: a resume could never end the run";
    }
    const auto cap = limit(bound::kEventsPerRun);
    if (cap && !dropped && p.seq > *cap && !protocol::event_type::is_terminal(p.type) && !unlogged_.count(p.run)) {
      return "the run log kept event " + n(p.seq) + " (" + std::string(p.type) + ") of run " + std::string(p.run) +
             " beyond events_per_run_max = " + n(*cap);
    }
    return std::nullopt;
  }

  // --- runs in the run log: the oldest finished run makes room ------------
  // Runs a retention timer has surely forgotten by now leave the model; one
  // whose timer fires at this very instant may or may not be gone yet.
  void expire() {
    const auto retention = limit("retention_ms");
    if (!retention) return;
    for (auto it = log_.begin(); it != log_.end();) {
      const auto& t = it->second.terminal_ns;
      if (t && *t + static_cast<runtime::Nanos>(*retention) * runtime::kNanosPerMilli < now_) {
        finished_.erase(std::find(finished_.begin(), finished_.end(), it->first));
        it = log_.erase(it);
      } else {
        ++it;
      }
    }
  }

  bool surely_kept(const std::string& run) const {
    const auto retention = limit("retention_ms");
    const auto& t = log_.at(run).terminal_ns;
    return !t || !retention || *t + static_cast<runtime::Nanos>(*retention) * runtime::kNanosPerMilli > now_;
  }

  std::size_t surely_held() const {
    std::size_t count = 0;
    for (const auto& [run, entry] : log_) count += surely_kept(run) ? 1 : 0;
    return count;
  }

  Message judge_run_log(const sim::BoundRecord& b) {
    expire();
    const std::string run(b.subject);
    if (b.action == action::kNotLogged) {
      unlogged_.insert(run);
      return std::nullopt;
    }
    if (!limit(bound::kRuns)) return std::nullopt;
    if (b.action == action::kRefused) {
      if (log_.size() < b.max)
        return "the system refused a run of " + std::string(b.user) + " (run_not_started) " + "with only " +
               n(log_.size()) + " runs in the run log; runs_max is " + n(b.max);
      for (const auto& kept : finished_) {
        if (surely_kept(kept))
          return "the system refused a run of " + std::string(b.user) + " for a full run log, but finished run " +
                 kept + " could have been forgotten to make room";
      }
      return std::nullopt;
    }
    const auto at = std::find(finished_.begin(), finished_.end(), run);
    if (at == finished_.end()) return "the run log forgot run " + run + " to make room, but it is still in flight";
    for (auto older = finished_.begin(); older != at; ++older) {
      if (surely_kept(*older))
        return "the run log forgot run " + run + " to make room, but finished run " + *older + " is older";
    }
    finished_.erase(at);
    log_.erase(run);
    return std::nullopt;
  }

  Message judge_log_entry(const sim::PublishRecord& p) {
    const std::string run(p.run);
    if (unlogged_.count(run)) return std::nullopt;
    expire();
    auto it = log_.find(run);
    if (it == log_.end()) {
      const auto max = limit(bound::kRuns);
      if (max && surely_held() >= *max) {
        return "the run log took run " + run + " of " + std::string(p.user) + " while it held " + n(surely_held()) +
               " runs; runs_max is " + n(*max) + " (the oldest finished run must make room)";
      }
      it = log_.emplace(run, LoggedRun{std::string(p.user), std::nullopt}).first;
    }
    if (protocol::event_type::is_terminal(p.type) && !it->second.terminal_ns) {
      it->second.terminal_ns = now_;
      finished_.push_back(run);
    }
    return std::nullopt;
  }

  // --- idempotency keys: the oldest forgotten -----------------------------
  // Every run the sim's clients start carries a client_msg_id, remembered
  // right after its agent_started is published (within the same call), so
  // by the next run's start the oldest key must have been forgotten.
  Message remember_key(const std::string& run) {
    const auto max = limit(bound::kIdempotencyKeys);
    if (max && keys_.size() > *max) {
      return "the system remembered " + n(keys_.size()) + " request ids, beyond idempotency_keys_max = " + n(*max) +
             ", when run " + run + " started (the oldest must be forgotten)";
    }
    keys_.push_back(run);
    return std::nullopt;
  }

  Message judge_key_evicted(const sim::BoundRecord& b) {
    const std::string run(b.subject);
    const auto at = std::find(keys_.begin(), keys_.end(), run);
    if (at == keys_.end()) return "the system forgot the request id of run " + run + ", which it never remembered";
    if (at != keys_.begin()) {
      return "the system forgot the request id of run " + run + ", but the one of run " + keys_.front() + " is older";
    }
    keys_.pop_front();
    return std::nullopt;
  }

  // A retried request id is free again only once the run log forgot its run
  // (docs/protocol.md): while the log holds it, the retry must replay it.
  Message judge_key_replaced(const sim::BoundRecord& b) {
    const std::string run(b.subject);
    const auto at = std::find(keys_.begin(), keys_.end(), run);
    if (at == keys_.end()) {
      return "the system took a retried request id of " + std::string(b.user) + " for a new run in place of run " +
             run + ", whose request id it never remembered";
    }
    expire();
    if (const auto logged = log_.find(run); logged != log_.end() && surely_kept(run)) {
      return "the system started a new run for a retried request id of " + std::string(b.user) +
             " while the run log still holds its run " + run + " (the retry must replay it)";
    }
    keys_.erase(at);
    return std::nullopt;
  }

  // --- auth identities cached: the least recently used forgotten ----------
  // Every admission asks the cache: a hit moves the identity to the back,
  // a miss confirmed by the service adds it there (then the server accepts).
  Message judge_accept(const sim::TraceRecord& r) {
    const auto max = limit(bound::kKnownIdentities);
    if (!max || *max == 0) return std::nullopt;
    const std::string user = users_by_conn_[std::string(r.field(rf::kConn))];
    const auto at = std::find(identities_.begin(), identities_.end(), user);
    if (at != identities_.end()) {
      identities_.erase(at);
    } else if (identities_.size() >= *max) {
      return "the auth cache took identity " + user + " while holding " + n(identities_.size()) +
             " identities; known_identities_max is " + n(*max) + " (the least recently used must be forgotten)";
    }
    identities_.push_back(user);
    return std::nullopt;
  }

  Message judge_identity_evicted(const sim::BoundRecord& b) {
    if (!limit(bound::kKnownIdentities)) return std::nullopt;
    const std::string user(b.subject);
    const auto at = std::find(identities_.begin(), identities_.end(), user);
    if (at == identities_.end()) return "the auth cache forgot identity " + user + ", which it never held";
    if (at != identities_.begin()) {
      return "the auth cache forgot identity " + user + ", but " + identities_.front() +
             " was used longer ago (least recently used first)";
    }
    identities_.pop_front();
    return std::nullopt;
  }

  const sim::Trace& trace_;
  runtime::Nanos now_ = 0;
  std::map<std::string, std::uint64_t> limits_;
  std::map<std::string, std::string> users_by_conn_;
  std::map<std::string, std::set<std::string>> open_runs_;  // by user
  std::pair<std::string, std::uint64_t> not_logged_;        // the event the log just kept out
  std::map<std::string, LoggedRun> log_;
  std::deque<std::string> finished_;  // terminal runs in the log, oldest first
  std::set<std::string, std::less<>> unlogged_;
  std::deque<std::string> keys_;        // runs whose request id is remembered, oldest first
  std::deque<std::string> identities_;  // least recently used first
};

}  // namespace

std::optional<Violation> check_bounds(const sim::Trace& trace) { return BoundsJudge(trace).run(); }

}  // namespace bridgesim::properties
