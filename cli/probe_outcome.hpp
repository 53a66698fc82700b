#pragma once
// What a probe is asked to do and what it found.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/probe_endpoint.hpp"
#include "cli/probe_faults.hpp"
#include "properties/properties.hpp"
#include "protocol/profile.hpp"
#include "scenarios/scenario.hpp"
#include "sim/fault_plan.hpp"
#include "sim/trace.hpp"
#include "system/net/tls.hpp"

namespace bridgesim::cli {

struct ProbeSpec {
  WsUrl url;
  std::string token_secret;        // the server's HS256 secret: tokens are minted with it
  net::TlsClientOptions tls = {};  // enabled for wss:// (GET /health then over https too)
  // Users, tabs, messages_per_user, hostile_clients, start spread and the
  // client-side token faults (expired / forged / missing). Every other fault,
  // the swarm, the network section and the deadline are for the simulator.
  scenarios::Scenario scenario;
  std::vector<std::string> properties;                    // empty: client_side_properties()
  double deadline_s = 30;                                 // real time; the loop stops then, finished or not
  std::uint64_t seed = 1;                                 // the clients' think times, backoff jitter, start times
  bool check_health = true;                               // GET /health first; unreachable: ProbeInputError
  std::function<void(const std::string& line)> progress;  // called as the probe runs; may be empty
  // Before every client_msg_id the clients make: unique per invocation
  // (probe() draws one when empty), so that repeated probes of one server
  // never get replays of an earlier probe's runs.
  std::string msg_id_prefix;
  // docs/protocol.md: the server closes within 1 s of `disconnect`; past
  // this (1 s plus the network's share) it is a protocol violation.
  runtime::Nanos disconnect_timeout_ns = 1'500 * runtime::kNanosPerMilli;
  // > 0: judge `event_gap`, consecutive events of a run at most this far apart.
  std::int64_t max_event_gap_ms = 0;
  // The wire dialect (--protocol-profile); the default is bridgesim's own.
  protocol::Profile profile;
  // --via-proxy: the clients connect through an embedded fault proxy
  // (proxy/fault_proxy.hpp) that applies the scenario's network faults.
  bool via_proxy = false;
};

struct ClientSummary {
  std::string actor;           // user:u1, user:u1/tab2, user:h1
  std::string token_kind;      // of its last connect attempt
  int asked = 0;               // distinct user_message requests sent
  int completed = 0;           // agent_completed received (first receipt per run)
  int errored = 0;             // agent_error received
  int lifecycle_events = 0;    // the five lifecycle events, first receipt per (run, seq)
  int rejected = 0;            // handshakes refused
  std::string last_rejection;  // "401 invalid token", "0 cannot connect to ..."
  bool finished = false;
  bool admitted = false;  // welcomed (connection_established) at least once
};

struct ProbeOutcome {
  sim::Trace trace;
  std::vector<std::string> properties;  // the ones checked
  std::vector<properties::Violation> violations;
  std::vector<std::string> not_judged;  // asked for (or in the catalog) but not judgeable on a live server
  std::vector<NotApplied> not_applied;  // per fault (and section) of the scenario: what and why
  std::vector<sim::Fault>
      applied_faults;  // enacted by the clients (tokens, client_close) or the probe (reset, slow_consumer)
  std::vector<sim::Fault> proxied_faults;  // applied by the embedded fault proxy (--via-proxy)
  std::string proxy_address;               // where the clients connected instead (--via-proxy)
  std::string msg_id_prefix;               // the one this probe's client_msg_ids began with
  std::vector<std::string> warnings;       // printed on stderr and in every report (--insecure)
  // Set when the probe could not judge the server as asked: unreachable, or
  // every client holding a valid token refused alike (wrong secret). Exit 2.
  std::string misconfiguration;
  bool reached = true;    // false: /health got no answer; no client ran
  int health_status = 0;  // GET /health; 0 when not asked
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

}  // namespace bridgesim::cli
