#include "system/run_service.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/fields.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

RunService::RunService(const RunLog& run_log, ExecutionEngine& engine, Messenger& messenger, runtime::Random& random,
                       std::size_t idempotency_keys_max, runtime::BoundObserver* bounds)
    : run_log_(run_log),
      engine_(engine),
      messenger_(messenger),
      random_(random),
      idempotency_keys_max_(idempotency_keys_max),
      bounds_(bounds) {}

std::string RunService::next_run_id() { return fmt::format("run-{:016x}", random_.next_u64()); }

RunService::Launched RunService::launch(std::string user_id, std::string thread_id, std::string request_id,
                                        std::string_view agent, std::string input) {
  UserExecutionContext ctx{std::move(user_id), std::move(thread_id), next_run_id(), std::move(request_id)};
  std::string run_id = ctx.run_id;
  std::string error = engine_.start(std::move(ctx), agent, std::move(input));
  return {std::move(run_id), std::move(error)};
}

void RunService::start(const RequestContext& request, std::string thread_id, std::string request_id,
                       std::string_view agent, std::string input) {
  const auto key = std::make_pair(request.user_id, request_id);
  if (!request_id.empty()) {
    if (const auto seen = runs_by_request_.find(key); seen != runs_by_request_.end()) {
      // A retried request (the client reconnected before it saw the run):
      // replay the run it already started instead of starting a second --
      // while the run log still has it; once forgotten, the retry is new.
      if (run_log_.owner(seen->second)) return resume(request, seen->second, 0);
      // The run log forgot the run (the bound that forced it: runs_max or
      // retention), so the id is free again: reported, as any bound's decision.
      runtime::report_bound(
          bounds_, {runtime::bound::kIdempotencyKeys, runtime::bound_action::kReplaced, request.user_id, seen->second,
                    0, runs_by_request_.size(), idempotency_keys_max_});
      runs_by_request_.erase(seen);
      const auto order = std::find(request_order_.begin(), request_order_.end(), key);
      BRIDGESIM_ASSERT(order != request_order_.end(), "every remembered request id is in the eviction order");
      request_order_.erase(order);
    }
  }
  // Every run is logged (resume, gap fill); with the log full of runs in
  // flight, refuse rather than run one that could not be resumed.
  if (!run_log_.has_room()) {
    runtime::report_bound(bounds_, {runtime::bound::kRuns, runtime::bound_action::kRefused, request.user_id, "", 0,
                                    run_log_.runs(), run_log_.runs_max()});
    throw BadRequest(protocol::error_codes::kRunNotStarted, "too many runs in flight; retry later");
  }
  const Launched run = launch(request.user_id, std::move(thread_id), std::move(request_id), agent, std::move(input));
  if (!run.error.empty()) throw BadRequest(protocol::error_codes::kRunNotStarted, run.error);
  if (!key.second.empty()) remember(key, run.run_id);
}

void RunService::remember(const std::pair<std::string, std::string>& key, const std::string& run_id) {
  if (runs_by_request_.size() >= idempotency_keys_max_ && !request_order_.empty()) {
    const auto& oldest = request_order_.front();
    runtime::report_bound(bounds_, {runtime::bound::kIdempotencyKeys, runtime::bound_action::kEvicted, oldest.first,
                                    runs_by_request_.at(oldest), 0, runs_by_request_.size(), idempotency_keys_max_});
    const std::size_t erased = runs_by_request_.erase(request_order_.front());  // the oldest key
    BRIDGESIM_ASSERT(erased == 1, "the eviction order names remembered request ids only");
    request_order_.pop_front();
  }
  const bool fresh = runs_by_request_.emplace(key, run_id).second;
  BRIDGESIM_ASSERT(fresh, "a request id is remembered once");
  request_order_.push_back(key);
  BRIDGESIM_ASSERT(runs_by_request_.size() == request_order_.size(),
                   "the idempotency map and its eviction order agree");
}

void RunService::resume(const RequestContext& request, const std::string& run_id, std::uint64_t after_seq) {
  const auto owner = run_log_.owner(run_id);
  // Another user's run gets the very same answer as a run that never existed.
  if (!owner || *owner != request.user_id)
    throw BadRequest(protocol::error_codes::kUnknownRun, "no run '" + run_id + "' to resume");
  for (const auto& m : run_log_.after(run_id, after_seq)) {
    BRIDGESIM_ASSERT(m.user_id == request.user_id && m.run_id == run_id,
                     "a resume replays the requesting user's own run only");
    BRIDGESIM_ASSERT(m.seq > after_seq, "a resume replays only what comes after the seq the client has");
    messenger_.send(request.connection_id, m.frame);
  }
}

void RunService::cancel(const RequestContext& request, const std::string& run_id) {
  const auto owner = run_log_.owner(run_id);
  if (!owner || *owner != request.user_id)
    throw BadRequest(protocol::error_codes::kUnknownRun, "no run '" + run_id + "' to cancel");
  if (!engine_.cancel(run_id, protocol::reasons::kCancelledByTheUser))
    throw BadRequest(protocol::error_codes::kRunFinished, "run '" + run_id + "' already ended");
}

}  // namespace bridgesim::system
