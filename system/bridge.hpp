#pragma once
// The agent -> WebSocket bridge. Made once at startup and kept in AppState.
// An agent never sees the manager: it gets a UserEmitter bound to one user's
// context, which has no way to address anybody else.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "system/context.hpp"
#include "system/run_log.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {

class AgentWebSocketBridge;

class UserEmitter {
 public:
  UserEmitter(AgentWebSocketBridge& bridge, UserExecutionContext ctx, std::string agent_name);
  virtual ~UserEmitter() = default;
  UserEmitter(const UserEmitter&) = delete;
  UserEmitter& operator=(const UserEmitter&) = delete;

  virtual void notify_agent_started();
  virtual void notify_agent_thinking(std::string_view reasoning);
  virtual void notify_tool_executing(std::string_view tool_name, boost::json::object parameters);
  virtual void notify_tool_completed(std::string_view tool_name, boost::json::value results,
                                     runtime::Nanos duration_ns);
  virtual void notify_agent_completed(std::string_view final_response);
  virtual void notify_agent_error(std::string_view reason);

  const UserExecutionContext& context() const { return ctx_; }
  std::uint64_t events_emitted() const { return next_seq_ - 1; }
  // agent_completed or agent_error was emitted: nothing may follow.
  bool finished() const { return finished_; }

 protected:
  // Stamps seq (gapless from 1) and the common fields, then hands the frame
  // to the bridge.
  void emit(std::string_view type, boost::json::object payload);

 private:
  AgentWebSocketBridge& bridge_;
  const UserExecutionContext ctx_;
  const std::string agent_name_;
  std::uint64_t next_seq_ = 1;
  bool finished_ = false;
};

// What the bridge is wired to at startup: the run log (for resume and gap
// filling) and the relay towards the socket side.
struct BridgeWiring {
  runtime::EventRelay& relay;
  RunLog& run_log;
  const runtime::Clock& clock;
};

class AgentWebSocketBridge {
 public:
  explicit AgentWebSocketBridge(BridgeWiring wiring);
  virtual ~AgentWebSocketBridge() = default;

  virtual std::unique_ptr<UserEmitter> create_user_emitter(UserExecutionContext ctx, std::string agent_name);
  // The one path from an emitter to sockets, addressed by the context's own
  // user: log it, then publish it on the relay.
  virtual void deliver(const UserExecutionContext& ctx, std::uint64_t seq, std::string_view type, std::string frame);

  const runtime::Clock& clock() const { return wiring_.clock; }
  std::uint64_t frames_delivered() const { return frames_delivered_; }

 protected:
  BridgeWiring wiring_;
  std::uint64_t frames_delivered_ = 0;
};

}  // namespace bridgesim::system
