// The property catalog: names, descriptions and checkers, run by name.
#include <optional>
#include <stdexcept>

#include "properties/client_view.hpp"
#include "properties/properties.hpp"

namespace bridgesim::properties {

using ViewCheck = std::optional<Violation> (*)(const sim::Trace&, const ClientView&);
// Picks the overload that takes the prebuilt view.
constexpr ViewCheck with_view(ViewCheck check) { return check; }

template <std::optional<Violation> (*Check)(const sim::Trace&)>
std::optional<Violation> ignore_view(const sim::Trace& trace, const ClientView&) {
  return Check(trace);
}

namespace {

// The clauses issue 10 (detection power) added, appended to the catalog.
std::vector<Property> detection_properties() {
  return {
      // Issue 10, detection power.
      {"timeliness",
       "consecutive live events of a run reach a connection at most 100 ms apart, each at most 100 ms after it was "
       "published, and a request ends at most 1 s after it was sent, unless a fault for that user or everyone was "
       "active (until heal + 5s); under faults a request ends within the liveness bound after they settle",
       with_view(check_timeliness)},
      // Issue 10, item 5: clauses the mutation score found missing (scripts/mutation-score.sh).
      {"refusals",
       "a refused handshake has the status its cause calls for: 404 for a target other than /ws, 503 while the "
       "critical path is broken, 401 for a missing, forged or expired token, and for a valid token 401 or, only "
       "while a fault for that user or everyone is active (until heal + 5s), 503, and a 503 without an auth-service "
       "call "
       "(an open circuit breaker) only within 1 s of 3 failed calls in a row, and no call within 1 s of 3 calls "
       "that surely failed; every refusal names its reason",
       check_refusals},
      {"subprotocol",
       "the server selects jwt-auth for a client that offered its token in Sec-WebSocket-Protocol (with jwt-auth), "
       "and no subprotocol for a Bearer client",
       check_subprotocol},
      {"handshake_time",
       "every handshake is answered, accepted or refused, at most 600 ms after the client connected (the auth "
       "service's 500 ms timeout answers for a slow one), unless a network fault for that user or everyone was active "
       "(until heal + 5s)",
       check_handshake_time},
      {"health_status",
       "/health answers 200 with status ok, or 503 with status unhealthy; nothing else; /health/live 200 live, "
       "/health/ready as /health, a wrong method 405, an unknown path 404",
       check_health_status},
  };
}

}  // namespace

const std::vector<Property>& property_catalog() {
  static const std::vector<Property> catalog = [] {
    std::vector<Property> all{
        {"delivery",
         "a client with a valid token gets in, and every user_message yields all five lifecycle events in seq order as "
         "the client accepts them (or agent_error with a reason), within the liveness bound after faults heal; so does "
         "every 202 of POST execute, on the caller's sockets; excused only for events lost for good (the relay lost "
         "what the run log cannot give back, or a fault lost what the log did not keep or already forgot)",
         with_view(check_delivery), true},
        {"isolation",
         "no event of one user reaches a connection of another; every event names the right user, thread and run; a "
         "POST execute 202 names the caller, whatever the body claims",
         with_view(check_isolation), true},
        {"protocol",
         "no send before accept or after close; every run event is valid against the schema; every frame refused "
         "before a handler gets its error and a ping its pong, in order; every POST execute answer is a documented "
         "status with a JSON object body, a 422 naming exactly the fields the body has wrong, 503 on a broken "
         "critical path",
         with_view(check_protocol), true},
        {"auth",
         "no connection, event or run for an identity without a valid token, degraded auth service or not; every "
         "admitted identity was confirmed by the auth service and not denied since; a revoked identity is refused "
         "unless an auth-service outage hides it; a socket is closed 1008 at its token's exp and starts no run after "
         "it; "
         "POST execute admits (202) only a valid token of a confirmed, unrevoked identity",
         with_view(check_auth), true},
        {"streams",
         "every event of a user's runs reaches every connection of that user open at the time, exactly once, in seq "
         "order, without gaps, and no client has to resume or resend, unless a fault for that user or everyone was "
         "active (until heal + 5s); a relay fault excuses only a run the run log cannot repair; a retried request is "
         "replayed from seq 1",
         with_view(check_streams)},
        {"cancel",
         "a run its user cancels ends in exactly one agent_error with the cancel reason, and nothing of it follows, "
         "unless it had ended before the cancel could arrive or a fault explains it",
         with_view(check_cancel)},
        {"progress",
         "every client holding a valid token finishes its whole workload and leaves (welcomed, every message "
         "answered) before the scenario's deadline, unless the system is down by plan",
         with_view(check_progress)},
        {"health",
         "/health is 503, naming the component, exactly when a critical component is missing; then nothing is "
         "admitted; "
         "it lists the session middleware degraded exactly when it is not installed",
         ignore_view<check_health>},
        {"runs",
         "every run the system starts emits agent_started first, seq gapless, and exactly one terminal event, last",
         ignore_view<check_runs>},
        {"resources", "after everyone left: no connection, run, buffer, session or token-expiry watch is still held",
         ignore_view<check_resources>},
        {"no_crash", "no exception escapes the system (the run records it as a crash)", ignore_view<check_no_crash>},
        {"bounds",
         "every bound holds as documented once exceeded: a slow consumer is closed 1013 at outbound_frames_max (not "
         "before, not never); runs beyond active_runs_per_user_max and a full run log are refused, not below; the "
         "oldest finished run, the oldest request id and the least recently used identity are the ones forgotten; a "
         "run past events_per_run_max keeps its first events and its terminal event in the log; the receiver fills a "
         "gap from the log once more than pending_per_run_max events wait behind it, not at it",
         ignore_view<check_bounds>},
    };
    for (auto& p : detection_properties()) all.push_back(std::move(p));
    return all;
  }();
  return catalog;
}

const Property* find_property(std::string_view name) {
  for (const auto& p : property_catalog()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<Violation> check_properties(const sim::Trace& trace, const std::vector<std::string>& names,
                                        const ClientView* prebuilt) {
  std::optional<ClientView> own;
  if (prebuilt == nullptr) own.emplace(build_client_view(trace));
  const ClientView& view = prebuilt ? *prebuilt : *own;
  std::vector<Violation> out;
  auto run = [&](const Property& p) {
    if (auto v = p.check(trace, view)) out.push_back(std::move(*v));
  };
  if (names.empty()) {
    for (const auto& p : property_catalog()) run(p);
    return out;
  }
  for (const auto& name : names) {
    const Property* p = find_property(name);
    if (p == nullptr) throw std::invalid_argument("unknown property '" + name + "'");
    run(*p);
  }
  return out;
}

}  // namespace bridgesim::properties
