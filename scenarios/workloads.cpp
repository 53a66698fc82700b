#include "scenarios/workloads.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "scenarios/client_faults.hpp"
#include "sim/fault_hit.hpp"
#include "system/events.hpp"

namespace bridgesim::scenarios {
namespace {

std::string str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::uint64_t seq_of(const boost::json::object& o) {
  const auto* v = o.if_contains("seq");
  if (v == nullptr) return 0;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() > 0) return static_cast<std::uint64_t>(v->as_int64());
  return 0;
}


}  // namespace

UserClient::UserClient(const ClientWorld& world, ClientPlan plan, sim::Rng rng)
    : world_(world), plan_(std::move(plan)), rng_(std::move(rng)),
      actor_("user:" + plan_.user_id + (plan_.tab > 1 ? "/tab" + std::to_string(plan_.tab) : "")) {}

void UserClient::record(std::string kind, std::vector<sim::Field> fields) {
  world_.record(actor_, std::move(kind), std::move(fields));
}

runtime::Nanos UserClient::draw(runtime::Nanos lo, runtime::Nanos hi) {
  return static_cast<runtime::Nanos>(rng_.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
}

void UserClient::start_at(runtime::Nanos at_ns) {
  // In real time the world may already be past at_ns (probe): start now.
  world_.timers.call_after(std::max<runtime::Nanos>(0, at_ns - world_.elapsed_ns()), [this] { connect(); });
}

void UserClient::connect() {
  ++attempts_;
  record("connect", {{"attempt", std::to_string(attempts_)}, {"token", plan_.token_kind}});
  if (const auto fault = token_fault_of(plan_.token_kind)) record(std::string(sim::kFaultHitKind), sim::fault_hit_fields(*fault));
  runtime::HandshakeRequest request{"/ws", plan_.token.empty() ? "" : "Bearer " + plan_.token, {}};
  // One connection at a time: a link stops calling back once it is closed
  // or refused, and only then is the next connect scheduled.
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) { record("open", {{"conn", std::to_string(socket_->id())}}); };
  callbacks.on_rejected = [this](int status, std::string body) {
    record("rejected", {{"status", std::to_string(status)}, {"body", body}});
    socket_.reset();
    if (status == 401 || status == 403 || status == 404) {
      record("gave_up", {{"why", "refused with " + std::to_string(status)}});
      finished_ = true;
      return;
    }
    schedule_reconnect("refused with " + std::to_string(status));
  };
  callbacks.on_text = [this](std::string text) { on_text(text); };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    record("closed", {{"conn", socket_ ? std::to_string(socket_->id()) : ""}, {"code", std::to_string(code)}});
    socket_.reset();
    if (leaving_) {
      record("done", {});
      finished_ = true;
      return;
    }
    schedule_reconnect("closed with " + std::to_string(code));
  };
  socket_ = world_.transport.connect(actor_, std::move(request), std::move(callbacks));
  maybe_close_early("handshake");
}

void UserClient::schedule_reconnect(const std::string& why) {
  if (attempts_ >= plan_.max_attempts) {
    record("gave_up", {{"why", why + " after " + std::to_string(attempts_) + " attempts"}});
    finished_ = true;
    return;
  }
  const int doublings = std::min(attempts_ - 1, 20);
  const runtime::Nanos backoff = std::min(plan_.backoff_max_ns, plan_.backoff_base_ns << std::max(0, doublings));
  world_.timers.call_after(backoff + draw(0, plan_.backoff_base_ns), [this] { connect(); });
}

void UserClient::on_text(const std::string& text) {
  record("recv", {{"conn", std::to_string(socket_->id())}, {"frame", text}});
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return;  // the protocol property judges it; a client carries on
  const auto& frame = parsed.as_object();
  const std::string type = str(frame, "type");
  if (type == "connection_established") {
    attempts_ = 0;
    after_connected();
  } else if (type == "error") {
    const std::string code = str(frame, "code");
    if (current_ && current_->run_id.empty() && code == "internal_error") {
      // The server failed the request; it is idempotent by client_msg_id.
      world_.timers.call_after(plan_.backoff_base_ns + draw(0, plan_.backoff_base_ns), [this] {
        if (current_ && current_->run_id.empty()) send_request();
      });
    } else if (current_ && code == "unknown_run") {
      request_done();  // the server forgot the run: nothing left to wait for
    }
  } else if (current_ && str(frame, "thread_id") == current_->thread_id && !str(frame, "run_id").empty()) {
    on_run_event(type, str(frame, "run_id"), seq_of(frame));
  }
  if (socket_) maybe_close_early(type);
}

void UserClient::on_run_event(const std::string& type, const std::string& run_id, std::uint64_t seq) {
  Request& r = *current_;
  if (r.run_id.empty()) r.run_id = run_id;
  if (run_id != r.run_id || seq <= r.accepted_seq) return;  // another run, or a duplicate
  if (seq > r.accepted_seq + 1) {
    if (r.resumed_after != r.accepted_seq) resume();  // a gap: ask for what is missing, once
    return;
  }
  r.accepted_seq = seq;
  if (system::event_type::is_terminal(type)) return request_done();
  arm_stall_timer();
}

void UserClient::arm_stall_timer() {
  stall_timer_.cancel();
  stall_timer_ = world_.timers.call_after(plan_.stall_timeout_ns, [this] {
    if (!current_ || !socket_ || !socket_->is_open()) return;  // the reconnect path asks again
    record("stalled", {{"thread", current_->thread_id}});
    if (current_->run_id.empty()) {
      send_request();
    } else {
      resume();
    }
    arm_stall_timer();
  });
}

void UserClient::after_connected() {
  if (leaving_) return send(boost::json::serialize(boost::json::object{{"type", "disconnect"}}));
  if (!current_) return next_or_leave();
  current_->resumed_after = UINT64_MAX;
  if (current_->run_id.empty()) return send_request();  // the server may never have seen it
  resume();
}

void UserClient::resume() {
  current_->resumed_after = current_->accepted_seq;
  send(boost::json::serialize(
      boost::json::object{{"type", "resume"}, {"run_id", current_->run_id}, {"after_seq", current_->accepted_seq}}));
}

void UserClient::send_request() {
  arm_stall_timer();
  const Request& r = *current_;
  send(boost::json::serialize(boost::json::object{{"type", "user_message"},
                                                  {"thread_id", r.thread_id},
                                                  {"text", "question " + std::to_string(r.index) + " from " + actor_},
                                                  {"client_msg_id", r.client_msg_id}}));
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
    current_.emplace();
    current_->index = asked_;
    current_->thread_id = prefix + "-t" + std::to_string(asked_);
    current_->client_msg_id = prefix + "-m" + std::to_string(asked_);
    return send_request();
  }
  leaving_ = true;
  send(boost::json::serialize(boost::json::object{{"type", "disconnect"}}));
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
    record(std::string(sim::kFaultHitKind), sim::fault_hit_fields(f.kind, {{"how", how}, {"after", seen}}));
    if (how == "disconnect_message") {
      send(boost::json::serialize(boost::json::object{{"type", "disconnect"}}));
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
  record("send", {{"conn", std::to_string(socket_->id())}, {"frame", frame}});
  socket_->send_text(std::move(frame));
}

// ---------------------------------------------------------------------------

HostileClient::HostileClient(const ClientWorld& world, std::string user_id, std::string valid_token,
                             std::string forged_token_for_victim, sim::Rng rng)
    : world_(world), user_id_(std::move(user_id)),
      valid_token_(std::move(valid_token)), forged_token_(std::move(forged_token_for_victim)), rng_(std::move(rng)),
      actor_("user:" + user_id_) {}

void HostileClient::record(std::string kind, std::vector<sim::Field> fields) {
  world_.record(actor_, std::move(kind), std::move(fields));
}

void HostileClient::start_at(runtime::Nanos at_ns) {
  world_.timers.call_after(std::max<runtime::Nanos>(0, at_ns - world_.elapsed_ns()),
                           [this] { connect(forged_token_, "forged"); });
}

void HostileClient::connect(const std::string& token, const std::string& token_kind) {
  record("connect", {{"attempt", "1"}, {"token", token_kind}});
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) { record("open", {{"conn", std::to_string(socket_->id())}}); };
  callbacks.on_rejected = [this](int status, std::string body) {
    record("rejected", {{"status", std::to_string(status)}, {"body", body}});
    socket_.reset();
    if (step_++ == 0) {
      world_.timers.call_after(static_cast<runtime::Nanos>(rng_.uniform(50, 300)) * runtime::kNanosPerMilli,
                            [this] { connect(valid_token_, "valid"); });
    }
  };
  callbacks.on_text = [this](std::string text) {
    record("recv", {{"conn", std::to_string(socket_->id())}, {"frame", text}});
    if (text.find("\"connection_established\"") != std::string::npos) attack();
  };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    record("closed", {{"conn", socket_ ? std::to_string(socket_->id()) : ""}, {"code", std::to_string(code)}});
    record("done", {});
    socket_.reset();
  };
  socket_ = world_.transport.connect(actor_, {"/ws", "Bearer " + token, {}}, std::move(callbacks));
}

void HostileClient::attack() {
  // Real run ids of other users, as far as they exist yet (an attacker who
  // guessed them): read from what the relay carried so far.
  for (const auto& r : world_.trace.records()) {
    if (r.actor == "relay" && r.kind == "publish" && r.field("user") != user_id_ && r.field("seq") == "1") {
      learn_run_id(std::string(r.field("run")));
    }
  }
  std::vector<std::string> frames{"not json", "[]", "{}", R"({"type":42})", R"({"type":"nope"})",
                                  R"({"type":"user_message"})", R"({"type":"resume","run_id":"run-0000000000000000","after_seq":0})",
                                  R"({"type":"resume","run_id":"x","after_seq":-1})", std::string(70 * 1024, 'A'),
                                  R"({"type":"user_message","thread_id":"t","text":"hi")"};
  for (const auto& run : known_runs_) {
    frames.push_back(boost::json::serialize(boost::json::object{{"type", "resume"}, {"run_id", run}, {"after_seq", 0}}));
    frames.push_back(boost::json::serialize(boost::json::object{{"type", "cancel"}, {"run_id", run}}));
  }
  frames.push_back(R"({"type":"ping"})");
  frames.push_back(R"({"type":"disconnect"})");
  runtime::Nanos at = 0;
  for (auto& frame : frames) {
    at += static_cast<runtime::Nanos>(rng_.uniform(1, 20)) * runtime::kNanosPerMilli;
    world_.timers.call_after(at, [this, f = std::move(frame)]() mutable {
      if (!socket_ || !socket_->is_open()) return;
      record("send", {{"conn", std::to_string(socket_->id())}, {"frame", f.size() > 256 ? "<" + std::to_string(f.size()) + " bytes>" : f}});
      socket_->send_text(std::move(f));
    });
  }
}

}  // namespace bridgesim::scenarios
