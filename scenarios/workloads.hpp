#pragma once
// Simulated clients that behave like real ones. Each records what it does
// and sees as trace records of its client actor (sim/client_actor.hpp),
// made by sim/trace_records.hpp:
//   connect {attempt, token}  open {conn}  rejected {status, body}
//   send {conn, frame}  recv {conn, frame}  closed {conn, code}
//   stalled {thread}  fault_hit {fault, ...}  gave_up {why}  done {}
//   http_request {conn, method, target, token, body}  http_response {conn, status, body}
// Properties judge those records: what a user saw is what matters.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/client_world.hpp"
#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::scenarios {

struct ClientPlan {
  std::string user_id;
  int tab = 1;
  std::string token;
  std::string token_kind{sim::token_kind::kValid};  // sim::token_kind: recorded for the auth property
  int messages = 1;
  runtime::Nanos think_min_ns = 10 * runtime::kNanosPerMilli;
  runtime::Nanos think_max_ns = 200 * runtime::kNanosPerMilli;
  runtime::Nanos backoff_base_ns = 50 * runtime::kNanosPerMilli;
  runtime::Nanos backoff_max_ns = 2 * runtime::kNanosPerSecond;
  int attempts_max = 16;  // consecutive failed connects before giving up
  // No event for the request in flight for this long: ask again (resume the
  // run, or resend the request; both are idempotent on the server).
  runtime::Nanos stall_timeout_ns = 2 * runtime::kNanosPerSecond;
  const sim::FaultPlan* faults = nullptr;  // for client_close
  // Cancels its own run on accepting an event of this type ("": never);
  // the workload "cancel_mid_run".
  std::string cancel_after;
  // client_msg_id "1", "2", ... (tab k > 1: "k.1", "k.2", ...), as a browser's
  // plain counter: the same ids as every other user's ([mix] client_msg_ids).
  bool tab_counter_ids = false;
  // When set, names the client_msg_id of message `index` (1-based) at the
  // moment it is first sent, overriding the above: the [mix] reuse_victim_ids
  // attacker asks under ids its victims used.
  std::function<std::string(int index)> msg_id_source;
  // Put before every client_msg_id this client makes itself (not before a
  // victim's from msg_id_source): `probe` makes its ids unique per invocation
  // so that a second probe of one server gets no replay of the first's runs.
  std::string msg_id_prefix;
  // Issue 10, token_expires: when `token` expires (virtual time; -1: not in
  // the run), and the token the client reconnects with once it did (a
  // refresh: used once, on close 1008 or a 401 "token expired").
  runtime::Nanos token_exp_ns = -1;
  std::string fresh_token;
  // The workload "handshake_forms" (scenarios/handshake_forms.hpp): where
  // this client starts in the cycle of token forms; -1: a plain Bearer header.
  int handshake_forms = -1;
  // [mix] execute: the share (per million) of requests sent as POST
  // /api/agent/v2/execute instead of a user_message frame; their events
  // still arrive on the client's socket (scenarios/execute_requests.cpp).
  // 0: none, and nothing is drawn.
  std::uint32_t execute_per_million = 0;
  // Each execute body also claims this user_id ("": none): the attacker's
  // tab, whose runs must stay its own.
  std::string execute_claims_user;
};

// A browser tab: connects, asks `messages` questions one after another and
// then disconnects. Reconnects with exponential backoff when the connection
// drops or is refused with a retryable status, and then resumes: the run it
// was following from the last seq it accepted, or the request it had sent
// (same client_msg_id, so the server does not start a second run). Accepts a
// run's events only in seq order; a gap, or a request that went silent,
// makes it ask again.
class UserClient {
 public:
  UserClient(const ClientWorld& world, ClientPlan plan, sim::Rng rng);
  void start_at(runtime::Nanos at_ns);
  bool finished() const { return finished_; }
  const std::string& actor() const { return actor_; }
  // Called once: when this client first accepts agent_started, or when it
  // finishes without ever having done so (the [mix] late tab opens then).
  void on_first_run_started(std::function<void()> hook) { first_run_hook_ = std::move(hook); }

 private:
  struct Request {
    int index = 0;
    std::string thread_id;
    std::string client_msg_id;
    std::string run_id;  // once agent_started (or any event) was seen
    std::uint64_t accepted_seq = 0;
    std::uint64_t resumed_after = UINT64_MAX;  // last resume asked for, to ask once per gap
    bool cancelled = false;
    // Its terminal event came beyond a gap a resume did not fill: the log
    // may never have kept what lies between (on_run_event).
    bool terminal_beyond_gap = false;
    bool via_execute = false;  // asked with POST execute
    bool http_busy = false;    // a POST in flight, or its retry scheduled
    int http_attempts = 0;
  };

  void connect();
  void schedule_reconnect(const std::string& why);
  // token_expires: swaps in the fresh token once; false when there is none.
  bool refresh_token();
  void on_text(const std::string& text);
  void on_run_event(const std::string& type, const std::string& run_id, std::uint64_t seq);
  void after_connected();
  void send_request();
  // The execute path (scenarios/execute_requests.cpp).
  void post_execute();
  void on_execute_answer(int index, runtime::ConnectionId socket_at_post, const std::string& conn,
                         const sim::HttpAnswer& answer);
  void retry_execute(int index);
  void request_done();
  void next_or_leave();
  void resume();
  void arm_stall_timer();
  void maybe_close_early(const std::string& seen);
  void fire_first_run_hook();
  void finish();
  void send(std::string frame);
  std::string start_agent_frame(int offset, const Request& r) const;
  void record(sim::TraceRecord record);
  runtime::Nanos now() const { return world_.elapsed_ns(); }
  runtime::Nanos draw(runtime::Nanos lo, runtime::Nanos hi);

  const ClientWorld& world_;
  ClientPlan plan_;
  sim::Rng rng_;
  sim::Rng execute_rng_;  // which requests go over execute: its own stream
  std::string actor_;
  std::unique_ptr<ClientConnection> socket_;
  int attempts_ = 0;
  bool frame_on_socket_ = false;  // the current socket delivered a frame (a close 1008 before one is a refusal)
  int handshakes_ = 0;            // every connect, for handshake_forms
  int asked_ = 0;
  std::optional<Request> current_;
  bool leaving_ = false;
  bool finished_ = false;
  std::set<std::size_t> close_faults_fired_;
  runtime::TimerHandle stall_timer_;
  std::function<void()> first_run_hook_;
};

// Probes for leaks: a forged token claiming another user, then, on its own
// valid identity, garbage, oversized and truncated frames, unknown types,
// and resume/cancel aimed at other users' runs (the world tells it real run
// ids, as an attacker who guessed them). Must only ever get errors.
class HostileClient {
 public:
  HostileClient(const ClientWorld& world, std::string user_id, std::string valid_token,
                std::string forged_token_for_victim, sim::Rng rng);
  void start_at(runtime::Nanos at_ns);
  // Run ids the attacker will aim at (called by the world as runs start).
  void learn_run_id(const std::string& run_id) { known_runs_.push_back(run_id); }
  // [mix] execute: also POST execute with the forged token, no token and
  // `expired_token`, and with its own valid token bodies that are not
  // valid requests (scenarios/execute_requests.cpp).
  void attack_execute(std::string expired_token) { expired_token_ = std::move(expired_token); }

 private:
  void connect(const std::string& token, const std::string& token_kind);
  void attack();
  void post_bad_tokens(runtime::Nanos after_ns);
  void record(sim::TraceRecord record);
  runtime::Nanos now() const { return world_.elapsed_ns(); }

  const ClientWorld& world_;
  std::string user_id_;
  std::string valid_token_;
  std::string forged_token_;
  sim::Rng rng_;
  std::string actor_;
  std::unique_ptr<ClientConnection> socket_;
  std::vector<std::string> known_runs_;
  std::string expired_token_;  // "": no execute attack
  int step_ = 0;
  bool welcomed_ = false;  // a frame arrived on its socket (a close 1008 before one is a refusal)
};

}  // namespace bridgesim::scenarios
