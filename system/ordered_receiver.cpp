#include "system/ordered_receiver.hpp"

#include "protocol/message_types.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

OrderedReceiver::OrderedReceiver(runtime::Timers& timers, const RunLog& log, ReceiverLimits limits, Deliver deliver,
                                 runtime::BoundObserver* bounds)
    : timers_(timers), log_(log), limits_(limits), deliver_(std::move(deliver)), bounds_(bounds) {
  BRIDGESIM_ASSERT(static_cast<bool>(deliver_), "a receiver has somewhere to deliver to");
}

std::size_t OrderedReceiver::runs_waiting() const {
  std::size_t n = 0;
  for (const auto& [id, run] : runs_) n += run.pending.empty() ? 0 : 1;
  return n;
}

void OrderedReceiver::forward(RunState& run, const runtime::RelayMessage& message) {
  BRIDGESIM_ASSERT(!run.finished, "nothing is delivered after a run's terminal event");
  BRIDGESIM_ASSERT(message.seq == run.next_seq, "events are delivered gapless, in order, exactly once");
  BRIDGESIM_ASSERT(message.user_id == run.user_id, "every event of a run goes to the user who owns the run");
  run.next_seq = message.seq + 1;
  run.idle_timer.cancel();
  if (protocol::event_type::is_terminal(message.type)) {
    run.finished = true;
  } else {
    run.idle_timer = timers_.call_after(limits_.idle_poll_ns, [this, id = message.run_id] { poll_idle(id); });
  }
  deliver_(message);
}

void OrderedReceiver::poll_idle(const std::string& run_id) {
  const auto it = runs_.find(run_id);
  if (it == runs_.end() || it->second.finished) return;
  if (!log_.owner(run_id)) {
    runs_.erase(it);  // the log forgot it: nothing more will come
    return;
  }
  fill_gap(run_id);
  auto again = runs_.find(run_id);
  if (again != runs_.end() && !again->second.finished) {
    again->second.idle_timer = timers_.call_after(limits_.idle_poll_ns, [this, run_id] { poll_idle(run_id); });
  }
}

void OrderedReceiver::on_message(runtime::RelayMessage message) {
  auto it = runs_.find(message.run_id);
  if (it == runs_.end()) {
    // A run this side has never seen, or already finished and forgot: only
    // a run the log still holds is news. Late duplicates of a forgotten run
    // find it gone from the log too and are dropped.
    const auto owner = log_.owner(message.run_id);
    if (!owner) return;
    BRIDGESIM_ASSERT(*owner == message.user_id, "the relay and the run log agree on a run's user");
    it = runs_.emplace(message.run_id, RunState{}).first;
    it->second.user_id = *owner;
  }
  RunState& run = it->second;
  if (run.finished || message.seq < run.next_seq || run.pending.count(message.seq) != 0) return;  // duplicate
  run.pending.emplace(message.seq, std::move(message));
  flush(it->first, run);
  if (run.pending.size() > limits_.pending_per_run_max) {
    runtime::report_bound(bounds_, {runtime::bound::kPendingPerRun, runtime::bound_action::kFilled, run.user_id,
                                    it->first, 0, run.pending.size(), limits_.pending_per_run_max});
    fill_gap(it->first);
  }
}

void OrderedReceiver::flush(const std::string& run_id, RunState& run) {
  while (!run.pending.empty() && run.pending.begin()->first == run.next_seq) {
    const runtime::RelayMessage message = std::move(run.pending.begin()->second);
    run.pending.erase(run.pending.begin());
    forward(run, message);
  }
  if (!run.pending.empty() && !run.gap_timer_armed) {
    run.gap_timer_armed = true;
    run.gap_timer = timers_.call_after(limits_.gap_timeout_ns, [this, run_id] { fill_gap(run_id); });
  }
  if (run.pending.empty() && run.gap_timer_armed) {
    run.gap_timer.cancel();
    run.gap_timer_armed = false;
  }
  BRIDGESIM_ASSERT(run.pending.empty() || run.pending.begin()->first > run.next_seq,
                   "what stays pending lies beyond a gap");
  BRIDGESIM_ASSERT(run.gap_timer_armed != run.pending.empty(),
                   "a gap timer is armed exactly while events wait behind a gap");
  if (run.finished) {
    // Forget the run only after the log has forgotten it (the log's clock
    // started earlier, at append): until then late duplicates are recognised
    // by `finished`, afterwards by the log not knowing the run.
    run.pending.clear();
    timers_.call_after(log_.retention_ns(), [this, run_id] { runs_.erase(run_id); });
  }
}

void OrderedReceiver::fill_gap(const std::string& run_id) {
  const auto it = runs_.find(run_id);
  if (it == runs_.end()) return;
  RunState& run = it->second;
  run.gap_timer_armed = false;
  if (run.finished) return;
  if (!log_.owner(run_id)) {
    skip_lost(it);
    return;
  }
  for (const auto& message : log_.after(run_id, run.next_seq - 1)) {
    // The run log holds a run's events gapless from seq 1 up to its per-run
    // cap, then only the terminal event. A gap there is events the relay
    // lost and the log never kept (it reported each `not_logged`): nothing
    // can fill it, so the run skips to its terminal event and ends, rather
    // than wait forever.
    if (message.seq != run.next_seq) {
      BRIDGESIM_ASSERT(message.seq > run.next_seq && message.seq > log_.events_per_run_max() &&
                           protocol::event_type::is_terminal(message.type),
                       "the run log's events after seq n start at n + 1, but past its cap where the terminal follows");
      // What this side holds below it, it delivers first, in order: only
      // what neither the relay nor the log has is skipped (it used to drop
      // those too: swarm seed 134 of run_log_reorder).
      forward_held(run, message.seq);
      run.next_seq = message.seq;
    }
    run.pending.erase(message.seq);
    forward(run, message);
    if (run.finished) break;
  }
  flush(run_id, run);
}

// Delivers, in seq order, what waits below `below`, skipping the gaps
// between (nothing will fill them), until the run's terminal event.
void OrderedReceiver::forward_held(RunState& run, std::uint64_t below) {
  while (!run.pending.empty() && run.pending.begin()->first < below && !run.finished) {
    const runtime::RelayMessage held = std::move(run.pending.begin()->second);
    run.pending.erase(run.pending.begin());
    BRIDGESIM_ASSERT(held.seq >= run.next_seq, "what waits lies at or beyond the next seq");
    run.next_seq = held.seq;
    forward(run, held);
  }
}

// The log forgot the run before its gap was filled (runs_max evicts the
// oldest finished run): nothing can fill the gap any more. Deliver what waits,
// in order, skipping the gaps (as past the per-run cap), so the user still
// gets the rest of the run and its terminal event; then forget the run, not
// poll for it forever.
void OrderedReceiver::skip_lost(std::map<std::string, RunState>::iterator it) {
  RunState& run = it->second;
  forward_held(run, UINT64_MAX);
  BRIDGESIM_ASSERT(run.pending.empty() || run.finished, "all it held went out, up to the run's terminal event");
  run.pending.clear();
  run.gap_timer.cancel();
  run.idle_timer.cancel();
  runs_.erase(it);  // late copies find the log without it and are dropped (on_message)
}

}  // namespace bridgesim::system
