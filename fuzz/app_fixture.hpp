#pragma once
// A small App on the simulated kernel, built the way tests/system builds
// one (scheduler as clock and timers, seeded rng, silent logger), with a
// connection that records what the system did to it and counts breaches of
// the transport contract. One per fuzz input, so every input starts from the
// same state and a leak shows at its end.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "fuzz/fuzz_check.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/schema.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::fuzz {

class RecordingConnection final : public runtime::Connection {
 public:
  RecordingConnection(runtime::ConnectionId id, runtime::HandshakeRequest request)
      : id_(id), request_(std::move(request)) {}

  runtime::ConnectionId id() const override { return id_; }
  const runtime::HandshakeRequest& handshake() const override { return request_; }
  void accept(std::string_view, runtime::ConnectionEvents events) override {
    if (accepted || rejected) ++contract_breaches;
    accepted = true;
    events_ = std::move(events);
  }
  void reject(int, std::string_view) override {
    if (accepted || rejected) ++contract_breaches;
    rejected = true;
  }
  void send_text(std::string text) override {
    if (!accepted || closed) ++contract_breaches;
    frames.push_back(std::move(text));
  }
  void close(std::uint16_t, std::string_view) override {
    if (!accepted || closed) ++contract_breaches;
    closed = true;
  }

  void deliver_text(std::string text) {
    if (events_.on_text && !gone) events_.on_text(std::move(text));
  }
  void deliver_closed() {
    if (gone) return;
    gone = true;
    if (events_.on_closed) events_.on_closed(runtime::close_code::kNormal, "closed");
  }

  bool accepted = false;
  bool rejected = false;
  bool closed = false;  // the system sent a close frame
  bool gone = false;    // on_closed was delivered
  int contract_breaches = 0;
  std::vector<std::string> frames;

 private:
  runtime::ConnectionId id_;
  runtime::HandshakeRequest request_;
  runtime::ConnectionEvents events_;
};

class FuzzApp {
 public:
  FuzzApp() : scheduler_(sim::Rng(1).fork("scheduler")), random_(sim::Rng(1).fork("system")) {
    app_ = std::make_unique<system::App>(
        system::AppConfig{},
        system::Runtime{scheduler_, scheduler_, random_, runtime::make_logger("fuzz", scheduler_, false)},
        system::Components::defaults());
  }

  system::App& app() { return *app_; }
  sim::Scheduler& scheduler() { return scheduler_; }

  std::string token(std::string_view user, std::int64_t ttl_s = 3600) const {
    return system::mint_hs256(app_->config().jwt_secret, user, scheduler_.now_ns() / runtime::kNanosPerSecond + ttl_s);
  }
  // Admits `user` (bearer token) and runs the scheduler until it is decided.
  std::shared_ptr<RecordingConnection> connect_as(std::string_view user) {
    auto conn = std::make_shared<RecordingConnection>(next_id_++,
                                                      runtime::HandshakeRequest{"/ws", "Bearer " + token(user), {}});
    app_->on_connection(conn);
    run_for(100 * runtime::kNanosPerMilli);
    return conn;
  }
  void run_for(runtime::Nanos ns) { scheduler_.run_until(scheduler_.elapsed_ns() + ns); }

 private:
  sim::Scheduler scheduler_;
  sim::Rng random_;
  std::unique_ptr<system::App> app_;
  runtime::ConnectionId next_id_ = 1;
};

// The connection contract held, every frame the server sent is a JSON object
// with a string type, and every run event meets the schema and names `user`.
inline void check_frames(const RecordingConnection& conn, std::string_view user) {
  FUZZ_CHECK(conn.contract_breaches == 0, "nothing is sent before accept or after close");
  for (const auto& frame : conn.frames) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(frame, ec);
    FUZZ_CHECK(!ec && v.is_object(), "every server frame is a JSON object");
    const auto& o = v.as_object();
    const auto* type = o.if_contains(protocol::field::kType);
    FUZZ_CHECK(type != nullptr && type->is_string(), "every server frame has a string type");
    if (!protocol::event_type::is_run_event(type->as_string())) continue;
    FUZZ_CHECK(protocol::run_event_schema_error(o).empty(), "every run event meets the schema");
    const auto* owner = o.if_contains(protocol::field::kUserId);
    FUZZ_CHECK(owner != nullptr && owner->is_string() && owner->as_string() == user,
               "a run event goes to its own user only");
  }
}

// After everyone left and time passed: the App holds nothing.
inline void check_empty(const system::App& app) {
  const auto census = app.census();
  FUZZ_CHECK(census.connections == 0, "closed connections are forgotten");
  FUZZ_CHECK(census.active_runs == 0, "every run ends");
  FUZZ_CHECK(census.sessions == 0, "closed connections' sessions are forgotten");
  FUZZ_CHECK(census.logged_runs == 0, "the run log forgets ended runs after its retention");
  FUZZ_CHECK(census.receiver_runs == 0, "the receiver forgets ended runs");
}

}  // namespace bridgesim::fuzz
