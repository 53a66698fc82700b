#pragma once
// A fan-out workload over real WebSockets: `users` users with `tabs`
// connections each; every user asks one question at a time (closed loop,
// optionally with a think time), and each run's five lifecycle events must
// reach every tab of that user and no one else. Optionally churns: on every
// other request the user's last `churn_tabs` tabs leave while the run is in
// flight (close frame, `disconnect` message, or a TCP close without a close
// frame, in rotation) and connect again; the next request then comes from a
// reconnected tab.
//
// The clients are net::AsyncClientTransport connections (the asynchronous
// Beast client `probe` uses) on one io_context run by the calling thread, so
// one thread drives thousands of connections; no Beast here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bridgesim::bench {

class EmitStamps;

struct FanoutOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string jwt_secret;
  int users = 100;                      // u1..uN
  int tabs = 10;                        // connections per user
  int churn_tabs = 0;                   // < tabs; 0: no churn
  std::uint64_t requests_per_user = 0;  // stop after this many; 0: when `duration` has passed
  std::chrono::milliseconds duration{0};
  std::chrono::microseconds think_time{0};  // a user's pause between its requests (staggered start)
  // Deadlines: one request (five events everywhere, churned tabs back); the
  // first connections all established; the whole workload (0: none).
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds give_up_after{0};
  EmitStamps* stamps = nullptr;  // when set: emit-to-receive samples (see FanoutResult::latency_ns)
  std::size_t max_violation_messages = 20;
};

struct FanoutResult {
  std::uint64_t handshakes = 0;  // connections established, reconnects included
  std::uint64_t requests_sent = 0;
  std::uint64_t requests_completed = 0;  // five events on every tab that had to see them
  std::uint64_t event_frames = 0;        // lifecycle events received, all connections
  std::uint64_t frames = 0;              // every frame received
  std::uint64_t churn_leaves = 0;        // tabs that left mid-run (and came back)
  double connect_seconds = 0;            // from the first connect until all users * tabs were established
  double load_seconds = 0;               // from the first request until the last completed
  double leave_seconds = 0;              // everyone closing (close frame) until every socket ended
  // Emit-to-receive, one sample per event per connection (first receipt):
  // receipt on the client's thread minus the relay-publish stamp, both
  // steady_clock. Empty without FanoutOptions::stamps.
  std::vector<std::int64_t> latency_ns;
  std::uint64_t violation_count = 0;
  std::vector<std::string> violations;  // the first max_violation_messages, each a sentence

  double event_frames_per_second() const {
    return load_seconds > 0 ? static_cast<double>(event_frames) / load_seconds : 0;
  }
};

// Connects everyone, runs the workload, then everyone leaves (close frame)
// and every socket has ended before it returns. Blocks the calling thread.
// Violations checked: isolation (a frame naming another user, or a run seen
// by two users), delivery (a tab that had to see a run missing or
// duplicating an event, or events out of lifecycle order), agent_error or
// error frames, stalls (request_timeout), refused connections.
FanoutResult run_fanout(const FanoutOptions& options);

// The q-quantile (0..1) of `samples` by nearest rank; sorts them. 0 when empty.
std::int64_t quantile(std::vector<std::int64_t>& samples, double q);

}  // namespace bridgesim::bench
