#pragma once
// `bridgesim probe` as a function: drive a live server that speaks the wire
// protocol (DESIGN.md) with the simulated clients' own workload code
// (scenarios::UserClient, HostileClient) over real sockets in real time,
// record the same trace, judge it with the same properties.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "properties/properties.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {

// The probe cannot run as asked: a bad URL or option, an unreachable server.
// The CLI exits 2 with its message.
class ProbeInputError : public UsageError {
 public:
  using UsageError::UsageError;
};

struct WsUrl {
  std::string host;  // a name or an address; an IPv6 address without brackets
  std::uint16_t port = 80;
  std::string target = "/ws";  // path (+ query): the handshake's request target
  std::string text() const;    // ws://HOST:PORT/TARGET again
};

// ws://HOST[:PORT]/PATH[?QUERY] (HOST a name, an IPv4 address or [IPv6];
// PORT 80 when absent). Throws ProbeInputError saying exactly what is wrong.
WsUrl parse_ws_url(std::string_view url);

// What a probe can judge: only what clients see. runs, resources, health
// and no_crash read the server's own records, which a live server does not
// give out; on a probe trace they would pass without having looked.
const std::vector<std::string>& client_side_properties();

struct ProbeSpec {
  WsUrl url;
  std::string token_secret;  // the server's HS256 secret: tokens are minted with it
  // Users, tabs, messages_per_user, hostile_clients, start spread and the
  // client-side token faults (expired / forged / missing). Every other fault,
  // the swarm, the network section and the deadline are for the simulator.
  scenarios::Scenario scenario;
  std::vector<std::string> properties;  // empty: client_side_properties()
  double deadline_s = 30;               // real time; the loop stops then, finished or not
  std::uint64_t seed = 1;               // the clients' think times, backoff jitter, start times
  bool check_health = true;             // GET /health first; unreachable: ProbeInputError
  std::function<void(const std::string& line)> progress;  // called as the probe runs; may be empty
};

struct ClientSummary {
  std::string actor;       // user:u1, user:u1/tab2, user:h1
  std::string token_kind;  // of its last connect attempt
  int asked = 0;           // distinct user_message requests sent
  int completed = 0;       // agent_completed received (first receipt per run)
  int errored = 0;         // agent_error received
  int lifecycle_events = 0;  // the five lifecycle events, first receipt per (run, seq)
  int rejected = 0;          // handshakes refused
  std::string last_rejection;  // "401 invalid token", "0 cannot connect to ..."
  bool finished = false;
};

struct ProbeOutcome {
  sim::Trace trace;
  std::vector<std::string> properties;  // the ones checked
  std::vector<properties::Violation> violations;
  std::vector<std::string> ignored_faults;  // scenario fault kinds a live server cannot be given
  int health_status = 0;                    // GET /health; 0 when not asked
  std::string health_body;
  bool all_finished = false;  // every client was done before the deadline
  double wall_seconds = 0;
  std::vector<ClientSummary> clients;
  // The largest time between two consecutive events of one run as one
  // client received them (the acceptance suite's bound: under 100 ms).
  std::int64_t max_event_gap_ns = 0;
  std::string max_event_gap_where;
  // Per request: from the client's first send of user_message to its first
  // receipt of the run's terminal event (real time, client side).
  std::vector<std::int64_t> request_to_terminal_ns;
  bool passed() const { return violations.empty(); }
};

inline constexpr std::int64_t kEventGapBoundNs = 100'000'000;

// Runs the probe on the calling thread until every client is done or the
// deadline passes. Throws ProbeInputError (unreachable server, unknown
// property); a misbehaving server shows up as violations, never as a throw.
ProbeOutcome probe(const ProbeSpec& spec);

// One ScenarioResult named "probe:<scenario>", seeds_run = 1. The latency
// histogram stays empty: the reports label it emit-to-receive, which a
// client cannot measure against another machine's clock.
reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command);

}  // namespace bridgesim::cli
