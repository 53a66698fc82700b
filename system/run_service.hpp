#pragma once
// Starting, resuming and cancelling a user's runs. A run id is drawn from the
// runtime's Random; a request id seen before replays that run instead of
// starting another (retries are idempotent by (user, client_msg_id)).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "system/agents.hpp"
#include "system/messenger.hpp"
#include "system/router.hpp"
#include "system/run_log.hpp"
#include "system/runtime/random.hpp"

namespace bridgesim::system {

class RunService {
 public:
  // Remembers at most `idempotency_keys_max` request ids, forgetting the oldest.
  // `bounds` (may be null) hears of every key forgotten and every run refused
  // for a run log full of runs in flight.
  RunService(const RunLog& run_log, ExecutionEngine& engine, Messenger& messenger, runtime::Random& random,
             std::size_t idempotency_keys_max, runtime::BoundObserver* bounds = nullptr);

  // Starts a run for the request's user; the context is built from the
  // authenticated identity, never from the request body's claims. A request
  // id seen before replays that run while the run log still has it; an empty
  // request id starts a run unconditionally. Throws BadRequest when refused.
  void start(const RequestContext& request, std::string thread_id, std::string request_id, std::string_view agent,
             std::string input);
  // Replays the run's events after `after_seq` to the request's connection if
  // the run is the request user's; otherwise the same error as for an
  // unknown run.
  void resume(const RequestContext& request, const std::string& run_id, std::uint64_t after_seq);
  void cancel(const RequestContext& request, const std::string& run_id);

  struct Launched {
    std::string run_id;
    std::string error;  // empty when the run started
  };
  // A run with a fresh id and no idempotency key or run-log room check (the
  // HTTP execute endpoint's contract).
  Launched launch(std::string user_id, std::string thread_id, std::string request_id, std::string_view agent,
                  std::string input);

 private:
  std::string next_run_id();
  void remember(const std::pair<std::string, std::string>& key, const std::string& run_id);

  const RunLog& run_log_;
  ExecutionEngine& engine_;
  Messenger& messenger_;
  runtime::Random& random_;
  std::size_t idempotency_keys_max_;
  runtime::BoundObserver* bounds_;
  // (user_id, client_msg_id) -> run_id, and the keys oldest first for eviction.
  std::map<std::pair<std::string, std::string>, std::string> runs_by_request_;
  std::deque<std::pair<std::string, std::string>> request_order_;
};

}  // namespace bridgesim::system
