// Model-based test of WebSocketManager (rc::state): random sequences of
// connect, accept, close, transport-closed and sends, checked against a
// model of who is connected in which state. The fake connections enforce
// the transport contract themselves: a frame before accept or after close
// fails the test.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/runtime/log.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {
namespace {

class FakeConnection final : public runtime::Connection {
 public:
  explicit FakeConnection(runtime::ConnectionId id) : id_(id) {}
  runtime::ConnectionId id() const override { return id_; }
  const runtime::HandshakeRequest& handshake() const override { return request_; }
  void accept(std::string_view, runtime::ConnectionEvents) override {
    RC_ASSERT(!accepted && !closed);
    accepted = true;
  }
  void reject(int, std::string_view) override { RC_FAIL("the manager never rejects"); }
  void send_text(std::string text) override {
    RC_ASSERT(accepted);  // never before accept
    RC_ASSERT(!closed);   // never after close
    frames.push_back(std::move(text));
  }
  void close(std::uint16_t, std::string_view) override {
    RC_ASSERT(accepted && !closed);
    closed = true;
  }
  bool accepted = false;
  bool closed = false;
  std::vector<std::string> frames;

 private:
  runtime::ConnectionId id_;
  runtime::HandshakeRequest request_;
};

struct Model {
  struct Conn {
    std::string user;
    ConnectionState state = ConnectionState::kConnecting;
    std::size_t frames = 0;
  };
  std::map<runtime::ConnectionId, Conn> conns;
  runtime::ConnectionId next_id = 1;
};

struct Sut {
  sim::Scheduler clock{sim::Rng(1)};
  WebSocketManager manager{runtime::make_logger("model", clock, false), 1'000'000};
  std::map<runtime::ConnectionId, std::shared_ptr<FakeConnection>> conns;
  int frame_counter = 0;
};

using Command = rc::state::Command<Model, Sut>;

const std::vector<std::string> kUsers{"alice", "bob", "carol"};

runtime::ConnectionId any_conn(const Model& m) {
  RC_PRE(!m.conns.empty());
  std::vector<runtime::ConnectionId> ids;
  for (const auto& [id, c] : m.conns) ids.push_back(id);
  return *rc::gen::elementOf(ids);
}

struct Connect final : Command {
  std::string user = *rc::gen::elementOf(kUsers);
  void apply(Model& m) const override { m.conns[m.next_id++] = {user}; }
  void run(const Model& m, Sut& s) const override {
    auto c = std::make_shared<FakeConnection>(m.next_id);
    s.conns[m.next_id] = c;
    s.manager.add(c, user);
    RC_ASSERT(s.manager.state_of(m.next_id) == ConnectionState::kConnecting);
  }
  void show(std::ostream& os) const override { os << "Connect(" << user << ")"; }
};

struct Accept final : Command {
  runtime::ConnectionId id;
  explicit Accept(const Model& m) : id(any_conn(m)) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.conns.count(id) && m.conns.at(id).state == ConnectionState::kConnecting);
  }
  void apply(Model& m) const override { m.conns[id].state = ConnectionState::kOpen; }
  void run(const Model&, Sut& s) const override {
    s.manager.accept(id, "", {});
    RC_ASSERT(s.conns.at(id)->accepted);
  }
  void show(std::ostream& os) const override { os << "Accept(" << id << ")"; }
};

struct Close final : Command {
  runtime::ConnectionId id;
  explicit Close(const Model& m) : id(any_conn(m)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.conns.count(id) > 0); }
  void apply(Model& m) const override {
    if (m.conns[id].state == ConnectionState::kOpen) m.conns[id].state = ConnectionState::kClosing;
  }
  void run(const Model& m, Sut& s) const override {
    s.manager.close(id, 1000, "bye");
    RC_ASSERT(s.conns.at(id)->closed == (m.conns.at(id).state != ConnectionState::kConnecting));
  }
  void show(std::ostream& os) const override { os << "Close(" << id << ")"; }
};

struct TransportClosed final : Command {
  runtime::ConnectionId id;
  explicit TransportClosed(const Model& m) : id(any_conn(m)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.conns.count(id) > 0); }
  void apply(Model& m) const override { m.conns.erase(id); }
  void run(const Model&, Sut& s) const override {
    s.manager.on_closed(id);
    s.conns.at(id)->closed = true;  // the transport is gone: any later send fails the test
    RC_ASSERT(!s.manager.user_of(id).has_value());
  }
  void show(std::ostream& os) const override { os << "TransportClosed(" << id << ")"; }
};

struct SendToUser final : Command {
  std::string user = *rc::gen::elementOf(kUsers);
  void apply(Model& m) const override {
    for (auto& [id, c] : m.conns) c.frames += c.user == user && c.state == ConnectionState::kOpen ? 1 : 0;
  }
  void run(const Model& m, Sut& s) const override {
    const std::size_t sent = s.manager.send_to_user(user, "frame-" + std::to_string(s.frame_counter++));
    Model after = m;
    apply(after);
    std::size_t expected = 0;
    for (const auto& [id, c] : after.conns) {
      RC_ASSERT(s.conns.at(id)->frames.size() == c.frames);  // only this user's open connections got it
      expected += c.user == user && c.state == ConnectionState::kOpen ? 1 : 0;
    }
    RC_ASSERT(sent == expected);
  }
  void show(std::ostream& os) const override { os << "SendToUser(" << user << ")"; }
};

struct SendToConnection final : Command {
  runtime::ConnectionId id;
  explicit SendToConnection(const Model& m) : id(any_conn(m)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.conns.count(id) > 0); }
  void apply(Model& m) const override { m.conns[id].frames += m.conns[id].state == ConnectionState::kOpen ? 1 : 0; }
  void run(const Model& m, Sut& s) const override {
    s.manager.send_to_connection(id, "reply");
    Model after = m;
    apply(after);
    RC_ASSERT(s.conns.at(id)->frames.size() == after.conns.at(id).frames);
  }
  void show(std::ostream& os) const override { os << "SendToConnection(" << id << ")"; }
};

RC_GTEST_PROP(ModelWebSocketManager, AgreesWithTheModel, ()) {
  Sut sut;
  rc::state::check(
      Model{}, sut,
      rc::state::gen::execOneOfWithArgs<Connect, Accept, Close, TransportClosed, SendToUser, SendToConnection>());
  std::size_t live = 0;
  for (const auto& [id, c] : sut.conns) live += c->closed && !sut.manager.user_of(id) ? 0 : 1;
  RC_ASSERT(sut.manager.connection_count() <= live);
}

}  // namespace
}  // namespace bridgesim::system
