#pragma once
// The trace's declared schema: who records (actors), what they record
// (record kinds) and the fields each kind carries, in the order written.
// Producers and consumers share these names; the typed makers and readers in
// sim/trace_records.hpp and the client actor ids in sim/client_actor.hpp are
// built on them.
#include <string_view>

namespace bridgesim::sim {

namespace actor {
constexpr std::string_view kFaults = "faults";             // planned, heal_by
constexpr std::string_view kSystem = "system";             // startup, health, fault_hit
constexpr std::string_view kNet = "net";                   // the simulated network: connect ... close, violation
constexpr std::string_view kRelay = "relay";               // publish, fault_hit
constexpr std::string_view kAuthService = "auth_service";  // call, fault_hit
constexpr std::string_view kWorld = "world";               // crash, end
constexpr std::string_view kProbe = "probe";               // health, token_fault, start, not_admitted, end (real mode)
// Clients are "user:<id>" or "user:<id>/tab<n>": see sim/client_actor.hpp.
}  // namespace actor

namespace record {
// faults
constexpr std::string_view kPlanned = "planned";  // kind, target, at, heal, params
constexpr std::string_view kHealBy = "heal_by";   // at_ns, liveness_bound_ns
// system
constexpr std::string_view kStartup = "startup";  // ok, failing
constexpr std::string_view kHealth = "health";    // status, body
constexpr std::string_view kRoute = "route";      // method, target, status, body: the system's HTTP routes asked once
// limits: every bound the system runs with, by AppConfig's names (written
// only when a scenario's [system] section changes one; absent: the defaults)
constexpr std::string_view kLimits = "limits";
// bound: a bound the system reached (system/runtime/bounds.hpp):
// bound, action, user, subject, seq, held, max
constexpr std::string_view kBound = "bound";
// any actor: a fault took effect
constexpr std::string_view kFaultHit = "fault_hit";  // fault, then the fault's own details
// net: the server side of one link (every record starts with conn)
constexpr std::string_view kAccept = "accept";                          // conn, subprotocol
constexpr std::string_view kReject = "reject";                          // conn, status
constexpr std::string_view kClose = "close";                            // conn, by, code
constexpr std::string_view kAbort = "abort";                            // conn, by
constexpr std::string_view kClientSendDropped = "client_send_dropped";  // conn, why
constexpr std::string_view kViolation = "violation";                    // conn, what
// An HTTP request (POST /api/agent/v2/execute) on a connection of its own,
// as the server answered it: conn, client, target, status
constexpr std::string_view kHttp = "http";
// outbound: what the server side had in flight to the client (the lag the
// system's outbound bound counts), as a witness the system cannot fake:
// at every close 1013 (what=close), and at the first frame sent beyond the
// scenario's outbound_frames_max (what=send): conn, what, frames, max
constexpr std::string_view kOutbound = "outbound";
// relay
constexpr std::string_view kPublish = "publish";  // user, run, seq, type
// auth_service
constexpr std::string_view kCall = "call";  // user, state
// world
constexpr std::string_view kCrash = "crash";  // what
constexpr std::string_view kEnd = "end";      // what is still held, by name (also probe: reason, ...)
// probe
// start: url, scenario, users, tabs, messages_per_user, hostile_clients, seed, health
constexpr std::string_view kStart = "start";
constexpr std::string_view kTokenFault = "token_fault";    // kind, target: a token fault the probe's clients enact
constexpr std::string_view kNotAdmitted = "not_admitted";  // client, why
// probe also: health {status, body}, end {reason, clients, finished}
// clients (also net: connect {conn, client, target})
constexpr std::string_view kConnect = "connect";    // attempt, token[, exp]
constexpr std::string_view kOpen = "open";          // conn
constexpr std::string_view kRejected = "rejected";  // status, body
constexpr std::string_view kSend = "send";          // conn, frame
constexpr std::string_view kRecv = "recv";          // conn, frame
constexpr std::string_view kClosed = "closed";      // conn, code
constexpr std::string_view kStalled = "stalled";    // thread
constexpr std::string_view kGaveUp = "gave_up";     // why
constexpr std::string_view kDone = "done";          // (none)
// A client's HTTP request and the answer it got, on the request's own conn
constexpr std::string_view kHttpRequest = "http_request";    // conn, method, target, token, body
constexpr std::string_view kHttpResponse = "http_response";  // conn, status, body
}  // namespace record

namespace record_field {
constexpr std::string_view kConn = "conn";
constexpr std::string_view kClient = "client";            // net connect: the client's actor id
constexpr std::string_view kSubprotocol = "subprotocol";  // net accept
constexpr std::string_view kBy = "by";                    // net close, abort: "server" or "client"
constexpr std::string_view kState = "state";              // auth_service call
// probe start, not_admitted, end
constexpr std::string_view kUrl = "url";
constexpr std::string_view kScenario = "scenario";
constexpr std::string_view kUsers = "users";
constexpr std::string_view kTabs = "tabs";
constexpr std::string_view kMessagesPerUser = "messages_per_user";
constexpr std::string_view kHostileClients = "hostile_clients";
constexpr std::string_view kSeed = "seed";
constexpr std::string_view kHealth = "health";  // the /health status code
constexpr std::string_view kReason = "reason";  // "finished" or "deadline"
constexpr std::string_view kClients = "clients";
constexpr std::string_view kFinished = "finished";
constexpr std::string_view kFrame = "frame";
constexpr std::string_view kAttempt = "attempt";
constexpr std::string_view kToken = "token";
constexpr std::string_view kExp = "exp";  // client connect: when a token_expires token expires (virtual time)
constexpr std::string_view kHandshake = "handshake";  // client connect: how the token was presented (handshake_forms)
constexpr std::string_view kStatus = "status";
constexpr std::string_view kMethod = "method";  // http_request
constexpr std::string_view kBody = "body";
constexpr std::string_view kCode = "code";
constexpr std::string_view kWhy = "why";
constexpr std::string_view kThread = "thread";
constexpr std::string_view kFault = "fault";
constexpr std::string_view kHow = "how";
constexpr std::string_view kAfter = "after";
constexpr std::string_view kUser = "user";
constexpr std::string_view kRun = "run";
constexpr std::string_view kSeq = "seq";
constexpr std::string_view kType = "type";
constexpr std::string_view kKind = "kind";
constexpr std::string_view kTarget = "target";
constexpr std::string_view kAt = "at";
constexpr std::string_view kHeal = "heal";
constexpr std::string_view kParams = "params";
constexpr std::string_view kAtNs = "at_ns";
constexpr std::string_view kLivenessBoundNs = "liveness_bound_ns";
constexpr std::string_view kOk = "ok";
constexpr std::string_view kFailing = "failing";
constexpr std::string_view kWhat = "what";
// system bound, net outbound
constexpr std::string_view kBound = "bound";
constexpr std::string_view kAction = "action";
constexpr std::string_view kSubject = "subject";
constexpr std::string_view kHeld = "held";
constexpr std::string_view kMax = "max";
constexpr std::string_view kFrames = "frames";
// world end: what is still held, each a count that must be 0 once all is healed.
constexpr std::string_view kOpenConnections = "open_connections";
constexpr std::string_view kManagerConnections = "manager_connections";
constexpr std::string_view kActiveRuns = "active_runs";
constexpr std::string_view kRunLogRuns = "run_log_runs";
constexpr std::string_view kReceiverRuns = "receiver_runs";
constexpr std::string_view kSessions = "sessions";
constexpr std::string_view kExpiryTimers = "expiry_timers";
constexpr std::string_view kPendingEvents = "pending_events";  // world end: the scheduler's, not a leak
}  // namespace record_field

// The token a client presented (connect's `token`): what `auth` judges.
namespace token_kind {
constexpr std::string_view kValid = "valid";
constexpr std::string_view kExpired = "expired";
constexpr std::string_view kForged = "forged";
constexpr std::string_view kMissing = "missing";
constexpr std::string_view kBadClaims = "bad_claims";  // a signed token with a non-integer or future iat/nbf
}  // namespace token_kind

}  // namespace bridgesim::sim
