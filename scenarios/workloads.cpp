#include "scenarios/workloads.hpp"

#include <algorithm>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "scenarios/client_faults.hpp"
#include "scenarios/handshake_forms.hpp"
#include "sim/client_actor.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::scenarios {
namespace {

std::string str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

namespace field = protocol::field;
namespace event_type = protocol::event_type;
namespace client_type = protocol::client_type;

std::string to_frame(const boost::json::object& frame) { return boost::json::serialize(frame); }

std::string disconnect_frame() { return to_frame({{field::kType, client_type::kDisconnect}}); }

}  // namespace

UserClient::UserClient(const ClientWorld& world, ClientPlan plan, sim::Rng rng)
    : world_(world),
      plan_(std::move(plan)),
      rng_(std::move(rng)),
      execute_rng_(rng_.fork("execute")),
      actor_(sim::ClientActor{plan_.user_id, plan_.tab}.to_string()) {}

void UserClient::record(sim::TraceRecord record) { world_.trace.add(std::move(record)); }

runtime::Nanos UserClient::draw(runtime::Nanos lo, runtime::Nanos hi) {
  return static_cast<runtime::Nanos>(rng_.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
}

void UserClient::start_at(runtime::Nanos at_ns) {
  // In real time the world may already be past at_ns (probe): start now.
  world_.timers.call_after(std::max<runtime::Nanos>(0, at_ns - world_.elapsed_ns()), [this] { connect(); });
}

void UserClient::connect() {
  ++attempts_;
  // token_expires: the token is labelled by what it is at this instant.
  const bool expired = plan_.token_exp_ns >= 0 && now() >= plan_.token_exp_ns;
  auto connect_record = sim::make_connect_record(now(), actor_, attempts_,
                                                 expired ? std::string(sim::token_kind::kExpired) : plan_.token_kind);
  if (plan_.token_exp_ns >= 0) {
    connect_record.fields.push_back(
        sim::make_field(sim::record_field::kExp, sim::format_virtual_time(plan_.token_exp_ns)));
  }
  const std::string form =
      plan_.handshake_forms < 0 ? "" : std::string(handshake_form_of(plan_.handshake_forms, ++handshakes_));
  if (!form.empty()) connect_record.fields.push_back(sim::make_field(sim::record_field::kHandshake, form));
  record(std::move(connect_record));
  if (const auto fault = token_fault_of(plan_.token_kind)) record(sim::fault_hit(now(), actor_, *fault));
  frame_on_socket_ = false;
  runtime::HandshakeRequest request =
      form.empty() ? runtime::HandshakeRequest{"/ws", plan_.token.empty() ? "" : "Bearer " + plan_.token, {}}
                   : make_handshake(form, plan_.token);
  // One connection at a time: a link stops calling back once it is closed
  // or refused, and only then is the next connect scheduled.
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) {
    record(sim::make_open_record(now(), actor_, std::to_string(socket_->id())));
  };
  callbacks.on_rejected = [this, wrong_path = form == handshake_form::kWrongPath](int status, std::string body) {
    record(sim::make_rejected_record(now(), actor_, status, body));
    socket_.reset();
    if (wrong_path && status == 404) return schedule_reconnect("refused with 404 (a wrong path, by plan)");
    // A token that expired is refreshed; an identity the auth service
    // refused (revoked) may be reinstated: both try again.
    const bool expired = status == 401 && body.find("expired") != std::string::npos && refresh_token();
    const bool refused = status == 401 && body.find("refused by the auth service") != std::string::npos;
    if (expired || refused) return schedule_reconnect("refused with " + std::to_string(status));
    if (status == 401 || status == 403 || status == 404) {
      record(sim::make_gave_up_record(now(), actor_, "refused with " + std::to_string(status)));
      return finish();
    }
    schedule_reconnect("refused with " + std::to_string(status));
  };
  callbacks.on_text = [this](std::string text) { on_text(text); };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    record(sim::make_closed_record(now(), actor_, socket_ ? std::to_string(socket_->id()) : "", code));
    socket_.reset();
    if (leaving_) {
      record(sim::make_done_record(now(), actor_));
      return finish();
    }
    if (code == runtime::close_code::kPolicyViolation && !refresh_token() && !frame_on_socket_) {
      // docs/protocol.md: accepted, then closed 1008 before any frame, is a refusal (as a 401 is).
      record(sim::make_gave_up_record(now(), actor_, "refused: closed 1008 before any frame"));
      return finish();
    }
    schedule_reconnect("closed with " + std::to_string(code));  // 1008 after frames: the token expired
  };
  socket_ = world_.transport.connect(actor_, std::move(request), std::move(callbacks));
  maybe_close_early("handshake");
}

void UserClient::finish() {
  finished_ = true;
  fire_first_run_hook();
}

void UserClient::fire_first_run_hook() {
  if (first_run_hook_) std::exchange(first_run_hook_, nullptr)();
}

bool UserClient::refresh_token() {
  if (plan_.fresh_token.empty()) return false;
  record(sim::fault_hit(now(), actor_, sim::FaultKind::kTokenExpires));
  plan_.token = std::exchange(plan_.fresh_token, {});
  plan_.token_exp_ns = -1;
  return true;
}

void UserClient::schedule_reconnect(const std::string& why) {
  if (attempts_ >= plan_.attempts_max) {
    record(sim::make_gave_up_record(now(), actor_, why + " after " + std::to_string(attempts_) + " attempts"));
    return finish();
  }
  const int doublings = std::min(attempts_ - 1, 20);
  const runtime::Nanos backoff = std::min(plan_.backoff_max_ns, plan_.backoff_base_ns << std::max(0, doublings));
  world_.timers.call_after(backoff + draw(0, plan_.backoff_base_ns), [this] { connect(); });
}

void UserClient::on_text(const std::string& text) {
  sim::TraceRecord received = sim::make_recv_record(now(), actor_, std::to_string(socket_->id()), text);
  frame_on_socket_ = true;
  boost::system::error_code ec;
  auto value = std::make_shared<boost::json::value>(boost::json::parse(text, ec));
  const bool object = !ec && value->is_object();
  if (object) received.parsed_frame = value;  // parsed once: the judge reads this one (issue 15)
  record(std::move(received));
  if (!object) return;  // the protocol property judges it; a client carries on
  const auto& frame = value->as_object();
  const std::string type = str(frame, field::kType);
  if (type == event_type::kConnectionEstablished) {
    attempts_ = 0;
    after_connected();
  } else if (type == event_type::kError) {
    const std::string code = str(frame, field::kCode);
    if (current_ && current_->run_id.empty() && code == protocol::error_codes::kInternalError) {
      // The server failed the request; it is idempotent by client_msg_id.
      world_.timers.call_after(plan_.backoff_base_ns + draw(0, plan_.backoff_base_ns), [this] {
        if (current_ && current_->run_id.empty()) send_request();
      });
    } else if (current_ && code == protocol::error_codes::kUnknownRun) {
      request_done();  // the server forgot the run: nothing left to wait for
    }
  } else if (current_ && str(frame, field::kThreadId) == current_->thread_id && !str(frame, field::kRunId).empty()) {
    on_run_event(type, str(frame, field::kRunId), protocol::seq_of(frame));
  }
  if (socket_) maybe_close_early(type);
}

void UserClient::on_run_event(const std::string& type, const std::string& run_id, std::uint64_t seq) {
  Request& r = *current_;
  if (r.run_id.empty()) r.run_id = run_id;
  if (run_id != r.run_id || seq <= r.accepted_seq) return;  // another run, or a duplicate
  if (seq > r.accepted_seq + 1) {
    if (r.resumed_after != r.accepted_seq) return resume();  // a gap: ask for what is missing, once
    // Asked once already and still a gap before the terminal event: either
    // what lies between is on its way (a live repair can overtake the
    // resume's replay), or the run log never kept it (past
    // events_per_run_max its resume replays the first events and the
    // terminal one) and nothing will fill it. The stall timer tells which:
    // if the gap is still open then, the run is over (rather than resume it
    // every stall until the log forgets it: swarm seed 2 of run_log_reorder).
    if (event_type::is_terminal(type)) r.terminal_beyond_gap = true;
    return;
  }
  r.accepted_seq = seq;
  if (type == event_type::kAgentStarted) fire_first_run_hook();
  if (event_type::is_terminal(type)) return request_done();
  arm_stall_timer();
  if (!plan_.cancel_after.empty() && type == plan_.cancel_after && !r.cancelled) {
    r.cancelled = true;  // then waits for the run's agent_error, as for any terminal event
    send(to_frame({{field::kType, client_type::kCancel}, {field::kRunId, r.run_id}}));
  }
}

void UserClient::arm_stall_timer() {
  stall_timer_.cancel();
  stall_timer_ = world_.timers.call_after(plan_.stall_timeout_ns, [this] {
    if (!current_ || !socket_ || !socket_->is_open()) return;  // the reconnect path asks again
    record(sim::make_stalled_record(now(), actor_, current_->thread_id));
    if (current_->terminal_beyond_gap) return request_done();  // the gap before its end stays open: the run is over
    if (current_->run_id.empty()) {
      send_request();
    } else {
      resume();
    }
    arm_stall_timer();
  });
}

void UserClient::after_connected() {
  if (leaving_) return send(disconnect_frame());
  if (!current_) return next_or_leave();
  current_->resumed_after = UINT64_MAX;
  if (current_->run_id.empty()) return send_request();  // the server may never have seen it
  // Watched like any wait: a resume answered only by the terminal event past
  // a gap the log never kept ends the run at the next stall (swarm seed 85
  // of receiver_bounds waited forever after its token's reconnect).
  arm_stall_timer();
  resume();
}

void UserClient::resume() {
  current_->resumed_after = current_->accepted_seq;
  send(to_frame({{field::kType, client_type::kResume},
                 {field::kRunId, current_->run_id},
                 {field::kAfterSeq, current_->accepted_seq}}));
}

void UserClient::send_request() {
  arm_stall_timer();
  if (current_->via_execute) return post_execute();
  const Request& r = *current_;
  if (plan_.handshake_forms % 2 == 1) return send(start_agent_frame(plan_.handshake_forms, r));
  send(to_frame({{field::kType, client_type::kUserMessage},
                 {field::kThreadId, r.thread_id},
                 {field::kText, "question " + std::to_string(r.index) + " from " + actor_},
                 {field::kClientMsgId, r.client_msg_id}}));
}

// handshake_forms: every other user asks with start_agent, the optional
// client_msg_id given by one of them and left out by the other.
std::string UserClient::start_agent_frame(int offset, const Request& r) const {
  boost::json::object frame{{field::kType, client_type::kStartAgent},
                            {field::kAgent, "assistant"},
                            {field::kThreadId, r.thread_id},
                            {field::kInput, "question " + std::to_string(r.index) + " from " + actor_}};
  if (offset % 4 == 1) frame[field::kClientMsgId] = r.client_msg_id;
  return boost::json::serialize(frame);
}

void UserClient::request_done() {
  stall_timer_.cancel();
  current_.reset();
  world_.timers.call_after(draw(plan_.think_min_ns, plan_.think_max_ns), [this] {
    if (!current_ && socket_ && socket_->is_open()) next_or_leave();
  });
}

void UserClient::next_or_leave() {
  if (current_ || leaving_) return;
  if (asked_ < plan_.messages) {
    ++asked_;
    const std::string prefix = plan_.user_id + (plan_.tab > 1 ? "-tab" + std::to_string(plan_.tab) : "");
    // Assigned, not emplace()d: clang cannot default-construct a nested
    // struct with member initializers through std::optional (CWG 1397).
    Request request;
    request.index = asked_;
    request.thread_id = prefix + "-t" + std::to_string(asked_);
    request.client_msg_id = plan_.msg_id_source      ? plan_.msg_id_source(asked_)
                            : !plan_.tab_counter_ids ? plan_.msg_id_prefix + prefix + "-m" + std::to_string(asked_)
                            : plan_.tab > 1
                                ? plan_.msg_id_prefix + std::to_string(plan_.tab) + "." + std::to_string(asked_)
                                : plan_.msg_id_prefix + std::to_string(asked_);
    request.via_execute = plan_.execute_per_million > 0 && execute_rng_.chance(plan_.execute_per_million);
    current_ = std::move(request);
    return send_request();
  }
  leaving_ = true;
  send(disconnect_frame());
}

void UserClient::maybe_close_early(const std::string& seen) {
  if (plan_.faults == nullptr || !socket_) return;
  const runtime::Nanos now = world_.elapsed_ns();
  const auto& faults = plan_.faults->faults;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const sim::Fault& f = faults[i];
    if (f.kind != sim::FaultKind::kClientClose || !f.active_at(now) || !f.targets(plan_.user_id)) continue;
    if (f.string_param("after", "") != seen || !close_faults_fired_.insert(i).second) continue;
    const std::string how = f.string_param("how", "abort");
    record(
        sim::fault_hit(now, actor_, f.kind,
                       {{std::string(sim::record_field::kHow), how}, {std::string(sim::record_field::kAfter), seen}}));
    if (how == "disconnect_message") {
      send(disconnect_frame());
    } else if (how == "close_frame") {
      socket_->close(runtime::close_code::kNormal, "client closed early");
    } else {
      socket_->abort();
    }
    return;
  }
}

void UserClient::send(std::string frame) {
  if (!socket_ || !socket_->is_open()) return;  // resent after the next connect
  record(sim::make_send_record(now(), actor_, std::to_string(socket_->id()), frame));
  socket_->send_text(std::move(frame));
}

// ---------------------------------------------------------------------------

HostileClient::HostileClient(const ClientWorld& world, std::string user_id, std::string valid_token,
                             std::string forged_token_for_victim, sim::Rng rng)
    : world_(world),
      user_id_(std::move(user_id)),
      valid_token_(std::move(valid_token)),
      forged_token_(std::move(forged_token_for_victim)),
      rng_(std::move(rng)),
      actor_(sim::ClientActor{user_id_, 1}.to_string()) {}

void HostileClient::record(sim::TraceRecord record) { world_.trace.add(std::move(record)); }

void HostileClient::start_at(runtime::Nanos at_ns) {
  world_.timers.call_after(std::max<runtime::Nanos>(0, at_ns - world_.elapsed_ns()),
                           [this] { connect(forged_token_, std::string(sim::token_kind::kForged)); });
}

void HostileClient::connect(const std::string& token, const std::string& token_kind) {
  record(sim::make_connect_record(now(), actor_, 1, token_kind));
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) {
    record(sim::make_open_record(now(), actor_, std::to_string(socket_->id())));
  };
  callbacks.on_rejected = [this](int status, std::string body) {
    record(sim::make_rejected_record(now(), actor_, status, body));
    socket_.reset();
    if (step_++ == 0) {
      world_.timers.call_after(static_cast<runtime::Nanos>(rng_.uniform(50, 300)) * runtime::kNanosPerMilli,
                               [this] { connect(valid_token_, std::string(sim::token_kind::kValid)); });
    } else if (!expired_token_.empty()) {
      // Even its valid token refused (a server that cannot serve): an
      // attacker needs no socket to post to the execute endpoint.
      post_bad_tokens(static_cast<runtime::Nanos>(rng_.uniform(1, 20)) * runtime::kNanosPerMilli);
    }
  };
  callbacks.on_text = [this](std::string text) {
    record(sim::make_recv_record(now(), actor_, std::to_string(socket_->id()), text));
    welcomed_ = true;
    // The attacker does not parse: any frame naming the type will do.
    if (text.find('"' + std::string(event_type::kConnectionEstablished) + '"') != std::string::npos) attack();
  };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    record(sim::make_closed_record(now(), actor_, socket_ ? std::to_string(socket_->id()) : "", code));
    socket_.reset();
    // docs/protocol.md: closed 1008 before any frame is a refusal: on to the valid token, as after a 401.
    if (code == runtime::close_code::kPolicyViolation && !welcomed_ && step_++ == 0) {
      world_.timers.call_after(static_cast<runtime::Nanos>(rng_.uniform(50, 300)) * runtime::kNanosPerMilli,
                               [this] { connect(valid_token_, std::string(sim::token_kind::kValid)); });
      return;
    }
    record(sim::make_done_record(now(), actor_));
  };
  socket_ = world_.transport.connect(actor_, {"/ws", "Bearer " + token, {}}, std::move(callbacks));
}

void HostileClient::attack() {
  // Real run ids of other users, as far as they exist yet (an attacker who
  // guessed them): read from what the relay carried so far.
  for (const auto& r : world_.trace.records()) {
    const auto publish = sim::as_publish(r);
    if (publish && publish->user != user_id_ && publish->seq == 1) learn_run_id(std::string(publish->run));
  }
  std::string truncated =
      to_frame({{field::kType, client_type::kUserMessage}, {field::kThreadId, "t"}, {field::kText, "hi"}});
  truncated.pop_back();  // the closing brace
  std::vector<std::string> frames{
      "not json",
      "[]",
      "{}",
      R"({"type":42})",
      R"({"type":"nope"})",
      to_frame({{field::kType, client_type::kUserMessage}}),
      to_frame({{field::kType, client_type::kResume}, {field::kRunId, "run-0000000000000000"}, {field::kAfterSeq, 0}}),
      to_frame({{field::kType, client_type::kResume}, {field::kRunId, "x"}, {field::kAfterSeq, -1}}),
      std::string(70 * 1024, 'A'),
      truncated};
  for (const auto& run : known_runs_) {
    frames.push_back(to_frame({{field::kType, client_type::kResume}, {field::kRunId, run}, {field::kAfterSeq, 0}}));
    frames.push_back(to_frame({{field::kType, client_type::kCancel}, {field::kRunId, run}}));
  }
  frames.push_back(to_frame({{field::kType, client_type::kPing}}));
  frames.push_back(disconnect_frame());
  if (!expired_token_.empty())
    post_bad_tokens(static_cast<runtime::Nanos>(rng_.uniform(1, 20)) * runtime::kNanosPerMilli);
  runtime::Nanos at = 0;
  for (auto& frame : frames) {
    at += static_cast<runtime::Nanos>(rng_.uniform(1, 20)) * runtime::kNanosPerMilli;
    world_.timers.call_after(at, [this, f = std::move(frame)]() mutable {
      if (!socket_ || !socket_->is_open()) return;
      record(sim::make_send_record(now(), actor_, std::to_string(socket_->id()),
                                   f.size() > 256 ? "<" + std::to_string(f.size()) + " bytes>" : f));
      socket_->send_text(std::move(f));
    });
  }
}

}  // namespace bridgesim::scenarios
